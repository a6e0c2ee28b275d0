/**
 * Synchronous Ed25519 and sha256 for the store (node:crypto): the store applies and signs in one
 * turn, so that an envelope is checked, applied and staged in the batch with nothing in between.
 * Key objects are made once per organisation, not per call (most of the cost of a verify otherwise).
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { CLIENT_ID_PREFIX, orgPublicKey } from '@commonplace/core'
import type { DocId, OrgId } from '@commonplace/core'
import type { PrivateKey } from '@libp2p/interface'
import { takePreverified } from './preverify.ts'

/** DER prefixes that wrap a raw Ed25519 key as PKCS#8 (seed) and SPKI (public key). */
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex')
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex')
const MAX_KEYS = 4096

const publicKeys = new Map<OrgId, KeyObject>()

/** sha256 of `bytes`. */
export function sha256 (bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest())
}

/** core's deriveClientId, synchronously (the same bytes hashed; a test holds them equal). */
export function deriveClient (org: OrgId, doc: DocId, nonce: number): number {
  const digest = createHash('sha256').update(`${CLIENT_ID_PREFIX}${doc}\n${org}\n${nonce}`).digest()
  let client = digest[0] & 0x1f
  for (let i = 1; i < 7; i++) client = client * 256 + digest[i]
  return client
}

/** Random nonces drawn 256 at a time (a catch-up loads hundreds of documents, each with a fresh client). */
const nonces = new Uint32Array(256)
let noncesLeft = 0

/** A random uint32 nonce. */
export function randomNonce (): number {
  if (noncesLeft === 0) {
    crypto.getRandomValues(nonces)
    noncesLeft = nonces.length
  }
  return nonces[--noncesLeft]
}

/** Signs for one organisation with its libp2p Ed25519 key. */
export interface Signer {
  readonly org: OrgId
  sign(bytes: Uint8Array): Uint8Array
}

/** A synchronous signer from the organisation's libp2p key. */
export function createSigner (org: OrgId, key: PrivateKey): Signer {
  if (key.type !== 'Ed25519') throw new TypeError('Only Ed25519 organisation keys sign changes')
  const seed = key.raw.subarray(0, 32)
  const keyObject = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' })
  return { org, sign: bytes => new Uint8Array(sign(null, bytes, keyObject)) }
}

/** Whether `org` signed `bytes` with `sig`. False for anything that is not a valid Ed25519 organisation. */
export function verifyBy (org: OrgId, bytes: Uint8Array, sig: Uint8Array): boolean {
  // checked already on the worker, as the sync channel read it (preverify.ts)
  if (takePreverified(org, bytes, sig)) return true
  let keyObject = publicKeys.get(org)
  if (keyObject == null) {
    const raw = orgPublicKey(org).raw
    keyObject = createPublicKey({ key: Buffer.concat([SPKI_ED25519, raw]), format: 'der', type: 'spki' })
    if (publicKeys.size >= MAX_KEYS) publicKeys.delete(publicKeys.keys().next().value as OrgId)
    publicKeys.set(org, keyObject)
  }
  try {
    return verify(null, bytes, keyObject, sig)
  } catch {
    return false
  }
}
