/**
 * Validators of the passkey routes' bodies (docs/people.md, "Passkeys"): each binary field is
 * base64url and bounded before anything decodes it; the node's verifier checks what they say.
 */
import { InvalidInputError } from '@commonplace/core'
import type { AddPasskeyRequest, PasskeySignInOptionsRequest, PasskeySignInRequest } from '../people-types.ts'
import { object } from '../validate.ts'

/** Longest credential id WebAuthn allows (1023 bytes) as base64url. */
const MAX_ID_CHARS = 1364
/** Client data is a short JSON object; attestation objects with an RSA key stay well under this. */
const MAX_CLIENT_DATA_CHARS = 4096
const MAX_ATTESTATION_CHARS = 16_384
const MAX_AUTHENTICATOR_DATA_CHARS = 4096
const MAX_SIGNATURE_CHARS = 1024
/** Longest label a person gives a passkey (characters). */
export const MAX_PASSKEY_NAME_CHARS = 60

/** `POST /api/people/me/passkeys`. */
export function addPasskeyRequest (body: unknown): AddPasskeyRequest {
  const value = object(body, ['id', 'clientDataJSON', 'attestationObject', 'name'])
  const name = value.name == null ? undefined : label(value.name)
  return {
    id: base64url(value.id, 'id', MAX_ID_CHARS),
    clientDataJSON: base64url(value.clientDataJSON, 'clientDataJSON', MAX_CLIENT_DATA_CHARS),
    attestationObject: base64url(value.attestationObject, 'attestationObject', MAX_ATTESTATION_CHARS),
    ...(name != null ? { name } : {})
  }
}

/** Longest name or email one signs in with (an email's limit). */
const MAX_LOGIN_CHARS = 254

/** `POST /api/people/passkey-sign-in/options`: `{}` (discoverable passkeys) or `{ login }`. */
export function passkeySignInOptionsRequest (body: unknown): PasskeySignInOptionsRequest {
  const value = object(body ?? {}, ['login'])
  if (value.login === undefined) return {}
  if (typeof value.login !== 'string' || value.login.trim() === '' || value.login.length > MAX_LOGIN_CHARS) {
    throw new InvalidInputError(`"login" must be a name or email of 1 to ${MAX_LOGIN_CHARS} characters`)
  }
  return { login: value.login }
}

/** `POST /api/people/passkey-sign-in`. */
export function passkeySignInRequest (body: unknown): PasskeySignInRequest {
  const value = object(body, ['id', 'clientDataJSON', 'authenticatorData', 'signature', 'userHandle'])
  return {
    id: base64url(value.id, 'id', MAX_ID_CHARS),
    clientDataJSON: base64url(value.clientDataJSON, 'clientDataJSON', MAX_CLIENT_DATA_CHARS),
    authenticatorData: base64url(value.authenticatorData, 'authenticatorData', MAX_AUTHENTICATOR_DATA_CHARS),
    signature: base64url(value.signature, 'signature', MAX_SIGNATURE_CHARS),
    ...(value.userHandle != null ? { userHandle: base64url(value.userHandle, 'userHandle', 128) } : {})
  }
}

function base64url (value: unknown, name: string, max: number): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max || !/^[A-Za-z0-9_-]+$/.test(value)) {
    throw new InvalidInputError(`"${name}" must be base64url, at most ${max} characters`)
  }
  return value
}

function label (value: unknown): string {
  const text = typeof value === 'string' ? value.trim() : ''
  // eslint-disable-next-line no-control-regex
  if (text === '' || text.length > MAX_PASSKEY_NAME_CHARS || /[\u0000-\u001f\u007f]/.test(text)) {
    throw new InvalidInputError(`"name" must be 1 to ${MAX_PASSKEY_NAME_CHARS} characters, without control characters`)
  }
  return text
}
