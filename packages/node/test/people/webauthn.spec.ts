/**
 * The WebAuthn verifier (people/webauthn.ts) on real data: registrations and assertions made by
 * Chromium's virtual authenticator (fixtures/webauthn-chromium.json, made by
 * test/web/make-webauthn-fixtures.ts) with ES256, EdDSA and RS256 keys. Each check is shown to
 * refuse what it must: another origin, relying party, challenge or ceremony type, a changed
 * signature, a counter that does not grow, a changed backup eligibility, no user verification, an
 * attestation format other than "none", malformed CBOR.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { PasskeyInvalidError } from '@commonplace/core'
import { decodeCbor } from '../../src/people/cbor.ts'
import { verifyAssertion, verifyRegistration } from '../../src/people/webauthn.ts'
import type { Expected, NewCredential } from '../../src/people/webauthn.ts'

interface Fixture {
  alg: number
  id: string
  registration: { challenge: string, clientDataJSON: string, attestationObject: string }
  assertions: Array<{ challenge: string, clientDataJSON: string, authenticatorData: string, signature: string, userHandle?: string }>
}
const data = JSON.parse(readFileSync(new URL('./fixtures/webauthn-chromium.json', import.meta.url), 'utf8')) as { origin: string, rpId: string, credentials: Fixture[] }

const bytes = (text: string): Buffer => Buffer.from(text, 'base64url')
const fail = (why: string): Error => new PasskeyInvalidError(why)
const expected = (challenge: string, over: Partial<Expected> = {}): Expected => ({ challenge, origin: data.origin, rpId: data.rpId, ...over })

function register (f: Fixture, over: Partial<Expected> = {}, attestationObject = bytes(f.registration.attestationObject)): NewCredential {
  return verifyRegistration(bytes(f.registration.clientDataJSON), attestationObject, expected(f.registration.challenge, over), fail)
}

function assert (f: Fixture, i: number, stored: NewCredential, over: Partial<Expected> = {}, signature = bytes(f.assertions[i].signature)): { signCount: number, backedUp: boolean } {
  const a = f.assertions[i]
  return verifyAssertion({ clientDataJSON: bytes(a.clientDataJSON), authenticatorData: bytes(a.authenticatorData), signature }, stored, expected(a.challenge, over), fail)
}

const refusal = (run: () => unknown): string => {
  try {
    run()
  } catch (err) {
    expect((err as { code?: string }).code).toBe('ERR_PASSKEY_INVALID')
    return (err as Error).message
  }
  throw new Error('expected a refusal')
}

describe('webauthn verifier, on Chromium virtual authenticator data', () => {
  it.each(data.credentials.map(f => [f.alg, f] as const))('verifies a registration and two assertions (COSE alg %i)', (alg, f) => {
    const made = register(f)
    expect(made).toMatchObject({ id: f.id, alg, backupEligible: false, backedUp: false })
    const first = assert(f, 0, made)
    expect(first.signCount).toBeGreaterThan(made.signCount)
    const second = assert(f, 1, { ...made, signCount: first.signCount })
    expect(second.signCount).toBeGreaterThan(first.signCount)
    // a replayed or cloned authenticator's older assertion: the counter did not grow
    expect(refusal(() => assert(f, 0, { ...made, signCount: second.signCount }))).toMatch(/counter went backwards/)
  })

  it('refuses another origin, relying party, challenge or ceremony type', () => {
    const f = data.credentials[0]
    const made = register(f)
    expect(refusal(() => register(f, { origin: 'https://evil.example' }))).toMatch(/origin/)
    expect(refusal(() => register(f, { rpId: 'evil.example' }))).toMatch(/not for evil\.example/)
    expect(refusal(() => register(f, { challenge: f.assertions[0].challenge }))).toMatch(/challenge/)
    expect(refusal(() => assert(f, 0, made, { origin: 'https://evil.example' }))).toMatch(/origin/)
    expect(refusal(() => assert(f, 0, made, { rpId: 'evil.example' }))).toMatch(/not for evil\.example/)
    // an assertion's client data offered as a registration's
    expect(refusal(() => verifyRegistration(bytes(f.assertions[0].clientDataJSON), bytes(f.registration.attestationObject), expected(f.assertions[0].challenge), fail))).toMatch(/webauthn\.create/)
  })

  it('refuses a changed signature, another credential\'s key and a changed backup eligibility', () => {
    const [es, ed] = data.credentials.map(f => register(f))
    const f = data.credentials[0]
    const signature = bytes(f.assertions[0].signature)
    signature[signature.length - 1] ^= 1
    expect(refusal(() => assert(f, 0, es, {}, signature))).toMatch(/signature does not verify/)
    expect(refusal(() => assert(f, 0, { ...ed, signCount: 0 }))).toMatch(/signature does not verify/)
    expect(refusal(() => assert(f, 0, { ...es, backupEligible: true }))).toMatch(/backup eligibility/)
  })

  it('refuses a registration without user verification, or with an attestation format other than none', () => {
    const f = data.credentials[0]
    const object = bytes(f.registration.attestationObject)
    // the flags byte follows the 32-byte rp id hash inside authData
    const authData = object.indexOf(bytes(f.assertions[0].authenticatorData).subarray(0, 32))
    const noUv = Buffer.from(object)
    noUv[authData + 32] &= ~0x04
    expect(refusal(() => register(f, {}, noUv))).toMatch(/did not verify the person/)
    const packed = Buffer.from(object.toString('latin1').replace('none', 'nonx'), 'latin1')
    expect(refusal(() => register(f, {}, packed))).toMatch(/format must be "none"/)
  })

  it('refuses malformed CBOR: truncated, nested too deep, lengths beyond the data, trailing bytes', () => {
    const f = data.credentials[0]
    const object = bytes(f.registration.attestationObject)
    expect(refusal(() => register(f, {}, object.subarray(0, object.length - 5)))).toMatch(/ends early|longer than/)
    expect(refusal(() => decodeCbor(Buffer.alloc(200, 0x81), fail))).toMatch(/too deep/)
    expect(refusal(() => decodeCbor(Buffer.from([0x9b, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]), fail))).toMatch(/longer than its data/)
    expect(refusal(() => decodeCbor(Buffer.from([0x5f, 0x41, 0x00, 0xff]), fail))).toMatch(/indefinite/)
    expect(refusal(() => register(f, {}, Buffer.concat([object, Buffer.from([0])])))).toMatch(/after the CBOR item/)
  })
})
