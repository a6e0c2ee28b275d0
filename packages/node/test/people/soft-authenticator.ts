/**
 * A software WebAuthn authenticator for in-process tests of the passkey flows (passkeys.spec.ts):
 * an ES256 key, the authenticator data, client data and signature a browser would hand the page,
 * for the node's own challenges. The verifier itself is tested on Chromium's data
 * (webauthn.spec.ts); this makes flows (single use, expiry, throttling, removal) testable with a
 * clock the test moves.
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto'
import type { AddPasskeyRequest, PasskeyCreationOptions, PasskeyRequestOptions, PasskeySignInRequest } from '@commonplace/api'

/** Minimal CBOR encoding of what an attestation object holds: unsigned and negative integers, byte and text strings, maps. */
function cbor (value: number | string | Uint8Array | Map<number | string, unknown>): Buffer {
  const head = (major: number, n: number): Buffer =>
    n < 24 ? Buffer.from([major << 5 | n]) : n < 256 ? Buffer.from([major << 5 | 24, n]) : Buffer.from([major << 5 | 25, n >> 8, n & 0xff])
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value)
  if (typeof value === 'string') return Buffer.concat([head(3, Buffer.byteLength(value)), Buffer.from(value)])
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value])
  return Buffer.concat([head(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v as never)])])
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url')
const sha256 = (bytes: Uint8Array | string): Buffer => createHash('sha256').update(bytes).digest()

/** One authenticator holding one credential (user verification on unless `verifies` is false). */
export function softAuthenticator (origin: string, verifies = true) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const jwk = publicKey.export({ format: 'jwk' })
  const id = Buffer.from(`soft-${Math.random()}`)
  let count = 0
  let userHandle = ''
  const flags = (verifies ? 0x05 : 0x01)
  const clientData = (type: string, challenge: string): Buffer => Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }))
  const authData = (rpId: string, extra: number, tail: Buffer = Buffer.alloc(0)): Buffer => {
    const counter = Buffer.alloc(4)
    counter.writeUInt32BE(++count)
    return Buffer.concat([sha256(rpId), Buffer.from([flags | extra]), counter, tail])
  }
  return {
    id: b64(id),
    /** What `navigator.credentials.create()` would answer. */
    create (options: PasskeyCreationOptions): AddPasskeyRequest {
      userHandle = options.user.id
      const cose = cbor(new Map<number, unknown>([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x as string, 'base64url')], [-3, Buffer.from(jwk.y as string, 'base64url')]]))
      const length = Buffer.from([id.length >> 8, id.length & 0xff])
      const data = authData(options.rp.id, 0x40, Buffer.concat([Buffer.alloc(16), length, id, cose]))
      const attestationObject = cbor(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', data]]))
      return { id: b64(id), clientDataJSON: b64(clientData('webauthn.create', options.challenge)), attestationObject: b64(attestationObject) }
    },
    /** What `navigator.credentials.get()` would answer. */
    get (options: PasskeyRequestOptions): PasskeySignInRequest {
      const client = clientData('webauthn.get', options.challenge)
      const data = authData(options.rpId, 0)
      const signature = sign('sha256', Buffer.concat([data, sha256(client)]), privateKey)
      return { id: b64(id), clientDataJSON: b64(client), authenticatorData: b64(data), signature: b64(signature), userHandle }
    }
  }
}
