import { peerIdFromString } from '@libp2p/peer-id'
import { sha256 } from 'multiformats/hashes/sha2'
import { concat as u8Concat, toString as u8ToString, fromString as u8FromString } from 'uint8arrays'
import type { PublicKey } from '@libp2p/interface'
import { InvalidIdError } from './errors.ts'
import { DOC_NONCE_BYTES } from './constants.ts'

/** An organisation: the string form of its Ed25519 libp2p PeerId (`12D3KooW…`). */
export type OrgId = string & { readonly __brand: 'OrgId' }
/** A document: 26 lower-case base32 characters, the first 16 bytes of sha256(owner ‖ nonce). */
export type DocId = string & { readonly __brand: 'DocId' }
/** A section of a record: 12 lower-case base32 characters. */
export type SectionId = string & { readonly __brand: 'SectionId' }

const DOC_ID = /^[a-z2-7]{26}$/
// 16 bytes in base32: the last character carries 3 bits and 2 zero bits, so only these 8 end one
const NONCE = /^[a-z2-7]{25}[aeimquy4]$/
const SECTION_ID = /^[a-z2-7]{12}$/
const ORG_ID = /^12D3KooW[1-9A-HJ-NP-Za-km-z]{44}$/

/** Parsed organisations' public keys, most recent last (decoding an id is the costly part of a check). */
const KEYS = new Map<string, PublicKey>()
const MAX_KEYS = 4096

/** Parse an organisation id; only Ed25519 peer ids are organisations. */
export function parseOrgId (value: unknown): OrgId {
  orgPublicKey(value)
  return value as OrgId
}

/**
 * The Ed25519 public key an organisation id stands for (cached).
 * @throws InvalidIdError
 */
export function orgPublicKey (value: unknown): PublicKey {
  const cached = typeof value === 'string' ? KEYS.get(value) : undefined
  if (cached != null) return cached
  if (typeof value !== 'string' || !ORG_ID.test(value)) {
    throw new InvalidIdError(`Invalid organisation id: ${describe(value)}`)
  }
  let key: PublicKey | undefined
  try {
    const peerId = peerIdFromString(value)
    if (peerId.type !== 'Ed25519') throw new Error('not Ed25519')
    key = peerId.publicKey
  } catch (err) {
    throw new InvalidIdError(`Invalid organisation id: ${describe(value)}`, { cause: err })
  }
  if (KEYS.size >= MAX_KEYS) KEYS.delete(KEYS.keys().next().value as string)
  KEYS.set(value, key)
  return key
}

/** Parse a document id against its grammar (no I/O). */
export function parseDocId (value: unknown): DocId {
  if (typeof value !== 'string' || !DOC_ID.test(value)) {
    throw new InvalidIdError(`Invalid document id: ${describe(value)}`)
  }
  return value as DocId
}

export function isDocId (value: unknown): value is DocId {
  return typeof value === 'string' && DOC_ID.test(value)
}

export function parseSectionId (value: unknown): SectionId {
  if (typeof value !== 'string' || !SECTION_ID.test(value)) {
    throw new InvalidIdError(`Invalid section id: ${describe(value)}`)
  }
  return value as SectionId
}

export function parseNonce (value: unknown): string {
  if (typeof value !== 'string' || !NONCE.test(value)) {
    throw new InvalidIdError(`Invalid document nonce: ${describe(value)}`)
  }
  return value
}

/** A fresh random nonce for a new document. */
export function randomNonce (): string {
  return u8ToString(crypto.getRandomValues(new Uint8Array(DOC_NONCE_BYTES)), 'base32')
}

/** A fresh random section id. */
export function randomSectionId (): SectionId {
  return u8ToString(crypto.getRandomValues(new Uint8Array(7)), 'base32').slice(0, 12) as SectionId
}

/**
 * The id of the document that `owner` created with `nonce`. Binding the owner into the
 * id means nobody else can claim to own a document: anyone can recompute it.
 */
export async function deriveDocId (owner: OrgId, nonce: string): Promise<DocId> {
  const input = u8Concat([u8FromString(owner), u8FromString(parseNonce(nonce), 'base32')])
  const digest = await sha256.digest(input)
  return u8ToString(digest.digest.subarray(0, DOC_NONCE_BYTES), 'base32') as DocId
}

function describe (value: unknown): string {
  if (typeof value !== 'string') return typeof value
  return JSON.stringify(value.length > 80 ? value.slice(0, 80) + '…' : value)
}
