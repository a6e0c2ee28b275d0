/**
 * WebAuthn verification with node:crypto (docs/people.md, "Passkeys"): a registration (the
 * browser's `navigator.credentials.create()` answer) and an assertion (`get()`), checked against
 * the challenge the node issued, the origin it was issued to and the relying party id (that
 * origin's host name). The node asks for no attestation, so a registration must carry the format
 * `none`. User presence and user verification are required; the signature counter and the backup
 * flags are checked as WebAuthn Level 3 §7.2 says. Each check's failure is the caller's error.
 */
import { createHash, createPublicKey, constants as cryptoConstants, timingSafeEqual, verify } from 'node:crypto'
import type { JsonWebKey, KeyObject } from 'node:crypto'
import { decodeCbor, readCbor } from './cbor.ts'
import type { CborValue } from './cbor.ts'

/** COSE algorithms accepted, in the order offered to the browser: ES256, EdDSA (Ed25519), RS256. */
export const PASSKEY_ALGORITHMS = [-7, -8, -257] as const

/** What the node issued a challenge for, and where. */
export interface Expected {
  /** The challenge, base64url. */
  challenge: string
  /** The origin the page was served from (one of the node's origins). */
  origin: string
  /** The relying party id: the origin's host name. */
  rpId: string
}

/** A verified new credential, as the node keeps it. */
export interface NewCredential {
  /** The credential id, base64url. */
  id: string
  publicKey: JsonWebKey
  alg: number
  signCount: number
  backupEligible: boolean
  backedUp: boolean
}

/** A stored credential's state an assertion is checked against. */
export interface StoredCredential { publicKey: JsonWebKey, alg: number, signCount: number, backupEligible: boolean }

const FLAG_UP = 0x01
const FLAG_UV = 0x04
const FLAG_BE = 0x08
const FLAG_BS = 0x10
const FLAG_AT = 0x40
const FLAG_ED = 0x80

interface AuthData { rpIdHash: Uint8Array, flags: number, signCount: number, credential?: { id: Uint8Array, coseKey: CborValue } }

type Fail = (why: string) => Error

/**
 * Verifies a registration: `clientDataJSON` and `attestationObject` as the browser gave them.
 * @throws the error `fail` makes, saying which check failed
 */
export function verifyRegistration (clientDataJSON: Uint8Array, attestationObject: Uint8Array, expected: Expected, fail: Fail): NewCredential {
  checkClientData(clientDataJSON, 'webauthn.create', expected, fail)
  const attestation = decodeCbor(attestationObject, fail)
  if (!(attestation instanceof Map)) throw fail('the attestation object is not a CBOR map')
  const { fmt, attStmt, authData } = Object.fromEntries(attestation) as Record<string, CborValue>
  // the node asked for attestation "none": a browser then sends exactly this
  if (fmt !== 'none' || !(attStmt instanceof Map) || attStmt.size !== 0) throw fail('the node asks for no attestation: the format must be "none"')
  if (!(authData instanceof Uint8Array)) throw fail('the attestation object has no authenticator data')
  const parsed = parseAuthData(authData, fail)
  checkAuthData(parsed, expected.rpId, fail)
  if (parsed.credential == null) throw fail('the authenticator data carries no credential')
  const { key, alg } = coseKey(parsed.credential.coseKey, fail)
  return {
    id: Buffer.from(parsed.credential.id).toString('base64url'),
    publicKey: key.export({ format: 'jwk' }),
    alg,
    signCount: parsed.signCount,
    backupEligible: (parsed.flags & FLAG_BE) !== 0,
    backedUp: (parsed.flags & FLAG_BS) !== 0
  }
}

/**
 * Verifies an assertion by `stored`: its signature over the authenticator data and the client
 * data's hash, then the counter and the backup flags.
 * @returns the counter and the backup state to keep
 * @throws the error `fail` makes, saying which check failed
 */
export function verifyAssertion (
  response: { clientDataJSON: Uint8Array, authenticatorData: Uint8Array, signature: Uint8Array },
  stored: StoredCredential, expected: Expected, fail: Fail
): { signCount: number, backedUp: boolean } {
  checkClientData(response.clientDataJSON, 'webauthn.get', expected, fail)
  const parsed = parseAuthData(response.authenticatorData, fail)
  checkAuthData(parsed, expected.rpId, fail)
  const signed = Buffer.concat([response.authenticatorData, sha256(response.clientDataJSON)])
  if (!checkSignature(stored, signed, response.signature)) throw fail('the signature does not verify')
  const eligible = (parsed.flags & FLAG_BE) !== 0
  // §7.2 step 18: backup eligibility is fixed when a credential is made
  if (eligible !== stored.backupEligible) throw fail('the backup eligibility of the passkey changed')
  // §7.2 step 21: a counter that does not grow (where either side counts) means a cloned authenticator
  if ((parsed.signCount !== 0 || stored.signCount !== 0) && parsed.signCount <= stored.signCount) {
    throw fail('the signature counter went backwards: the passkey may have been copied')
  }
  return { signCount: parsed.signCount, backedUp: (parsed.flags & FLAG_BS) !== 0 }
}

function checkClientData (bytes: Uint8Array, type: string, expected: Expected, fail: Fail): void {
  let data: unknown
  try {
    data = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    throw fail('the client data is not JSON')
  }
  if (data == null || typeof data !== 'object') throw fail('the client data is not a JSON object')
  const { type: got, challenge, origin, crossOrigin, topOrigin } = data as Record<string, unknown>
  if (got !== type) throw fail(`the client data is not of type ${type}`)
  if (typeof challenge !== 'string' || !sameText(challenge, expected.challenge)) throw fail('the challenge is not the one the node issued')
  if (origin !== expected.origin) throw fail(`the page's origin is not ${expected.origin}`)
  if (crossOrigin === true || topOrigin !== undefined) throw fail('the page was inside a frame of another origin')
}

function parseAuthData (bytes: Uint8Array, fail: Fail): AuthData {
  if (bytes.length < 37) throw fail('the authenticator data is too short')
  const rpIdHash = bytes.subarray(0, 32)
  const flags = bytes[32]
  const signCount = Buffer.from(bytes.subarray(33, 37)).readUInt32BE(0)
  let at = 37
  let credential: AuthData['credential']
  if ((flags & FLAG_AT) !== 0) {
    if (bytes.length < at + 18) throw fail('the credential data is too short')
    const length = (bytes[at + 16] << 8) | bytes[at + 17]
    at += 18
    if (length > 1023 || bytes.length < at + length) throw fail('the credential id is too long')
    const id = bytes.subarray(at, at + length)
    const key = readCbor(bytes, at + length, fail)
    credential = { id, coseKey: key.value }
    at = key.end
  }
  if ((flags & FLAG_ED) !== 0) at = readCbor(bytes, at, fail).end
  if (at !== bytes.length) throw fail('bytes after the authenticator data')
  return { rpIdHash, flags, signCount, ...(credential != null ? { credential } : {}) }
}

function checkAuthData (data: AuthData, rpId: string, fail: Fail): void {
  if (!timingSafeEqual(data.rpIdHash, sha256(new TextEncoder().encode(rpId)))) throw fail(`the passkey is not for ${rpId}`)
  if ((data.flags & FLAG_UP) === 0) throw fail('the authenticator did not check that someone is present')
  if ((data.flags & FLAG_UV) === 0) throw fail('the authenticator did not verify the person (PIN, fingerprint or face)')
  if ((data.flags & FLAG_BS) !== 0 && (data.flags & FLAG_BE) === 0) throw fail('the backup flags contradict each other')
}

/** A COSE_Key (RFC 9053) of an accepted algorithm as a public key. */
function coseKey (value: CborValue, fail: Fail): { key: KeyObject, alg: number } {
  if (!(value instanceof Map)) throw fail('the credential public key is not a COSE map')
  const kty = value.get(1)
  const alg = value.get(3)
  const bytes = (label: number, length?: number): string => {
    const field = value.get(label)
    if (!(field instanceof Uint8Array) || (length != null && field.length !== length)) throw fail('the credential public key is malformed')
    return Buffer.from(field).toString('base64url')
  }
  let jwk: JsonWebKey
  if (kty === 2 && alg === -7 && value.get(-1) === 1) jwk = { kty: 'EC', crv: 'P-256', x: bytes(-2, 32), y: bytes(-3, 32) }
  else if (kty === 1 && alg === -8 && value.get(-1) === 6) jwk = { kty: 'OKP', crv: 'Ed25519', x: bytes(-2, 32) }
  else if (kty === 3 && alg === -257) jwk = { kty: 'RSA', n: bytes(-1), e: bytes(-2) }
  else throw fail('the passkey uses a key type the node does not accept (ES256, EdDSA and RS256 are)')
  try {
    const key = createPublicKey({ key: jwk, format: 'jwk' })
    if (key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw new Error('short')
    return { key, alg }
  } catch {
    throw fail('the credential public key is not a valid key')
  }
}

function checkSignature (stored: StoredCredential, data: Buffer, signature: Uint8Array): boolean {
  try {
    const key = createPublicKey({ key: stored.publicKey, format: 'jwk' })
    if (stored.alg === -8) return verify(null, data, key, signature)
    if (stored.alg === -257) return verify('sha256', data, { key, padding: cryptoConstants.RSA_PKCS1_PADDING }, signature)
    // ES256: WebAuthn sends an ASN.1 DER signature, node:crypto's default encoding
    return stored.alg === -7 && verify('sha256', data, key, signature)
  } catch {
    return false
  }
}

function sha256 (bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest()
}

function sameText (a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
