/**
 * Passkey flows of the people module (docs/people.md, "Passkeys"), on a memory store with a clock
 * the test moves and a software authenticator: adding, listing and removing one's own; challenges
 * single-use, expiring, bound to their origin and session; failed passkey sign-ins slowed like
 * passwords; a removed person's passkeys deleted with them and refused at once.
 */
import { describe, expect, it } from 'vitest'
import { memoryStore } from '@commonplace/storage'
import { createPeople, NODE_ADMIN } from '../../src/people/people.ts'
import type { Caller, People } from '../../src/people/people.ts'
import { CHALLENGE_TTL, FREE_FAILURES } from '../../src/people/constants.ts'
import { softAuthenticator } from './soft-authenticator.ts'

const PASSWORD = 'correct horse battery'
const ORIGIN = 'https://commonplace.riverside.test:8443'
/** Where a request comes from; `origin` null: not from a page (the bearer token's holder). */
const client = (address = '10.0.0.1', origin: string | null = ORIGIN): { address: string, agent: string, origin?: string } =>
  ({ address, agent: 'test', ...(origin != null ? { origin } : {}) })

async function withEditor (): Promise<{ people: People, clock: { t: number }, admin: Caller, editor: Caller, storage: ReturnType<typeof memoryStore> }> {
  const clock = { t: 1_000_000 }
  const storage = memoryStore()
  const people = createPeople({ storage, organisation: { name: () => 'Riverside Surgery', rename: async () => {} }, now: () => clock.t })
  const { caller: admin } = await people.setup(NODE_ADMIN, { name: 'Amara Okafor', password: PASSWORD }, 'test')
  const { token } = people.invite(admin, { name: 'Dr Lena Fischer', role: 'editor' })
  const { caller: editor } = await people.accept({ token, password: PASSWORD }, 'test')
  return { people, clock, admin, editor, storage }
}

const refusal = (run: () => unknown): { code?: string, message: string } => {
  try {
    run()
  } catch (err) {
    return err as { code?: string, message: string }
  }
  throw new Error('expected a refusal')
}

describe('passkeys', () => {
  it('adds, lists and removes a person\'s own passkeys, and signs in with one', async () => {
    const { people, editor, admin } = await withEditor()
    const key = softAuthenticator(ORIGIN)
    const options = people.passkeys.creationOptions(editor, client())
    expect(options).toMatchObject({ rp: { id: 'commonplace.riverside.test', name: 'Riverside Surgery' }, attestation: 'none', authenticatorSelection: { userVerification: 'required' } })
    const added = people.passkeys.add(editor, key.create(options), client())
    expect(people.passkeys.list(editor)).toEqual([added])
    expect(people.passkeys.list(admin)).toEqual([])

    const { caller } = people.passkeys.signIn(key.get(people.passkeys.requestOptions(client())), client())
    expect(caller).toMatchObject({ role: 'editor', person: { name: 'Dr Lena Fischer' } })
    expect(people.passkeys.list(editor)[0].lastUsedAt).toBeDefined()

    expect(refusal(() => { people.passkeys.remove(admin, added.id) }).code).toBe('ERR_NOT_FOUND')
    people.passkeys.remove(editor, added.id)
    expect(people.passkeys.list(editor)).toEqual([])
    expect(refusal(() => people.passkeys.signIn(key.get(people.passkeys.requestOptions(client())), client())).code).toBe('ERR_PASSKEY_SIGN_IN_FAILED')
  })

  it('refuses the admin link\'s session, a request with no page origin, and an authenticator that does not verify the person', async () => {
    const { people, editor } = await withEditor()
    expect(refusal(() => people.passkeys.creationOptions(NODE_ADMIN, client())).code).toBe('ERR_FORBIDDEN')
    expect(refusal(() => people.passkeys.creationOptions(editor, client('10.0.0.1', null))).code).toBe('ERR_PASSKEY_INVALID')
    const careless = softAuthenticator(ORIGIN, false)
    const made = careless.create(people.passkeys.creationOptions(editor, client()))
    expect(refusal(() => people.passkeys.add(editor, made, client())).message).toMatch(/did not verify the person/)
  })

  it('uses each challenge once, within its lifetime, from its origin and session only', async () => {
    const { people, clock, editor, admin } = await withEditor()
    const key = softAuthenticator(ORIGIN)
    const made = key.create(people.passkeys.creationOptions(editor, client()))
    // another session of someone else cannot use it, and it is then spent
    expect(refusal(() => people.passkeys.add(admin, made, client())).code).toBe('ERR_PASSKEY_INVALID')
    expect(refusal(() => people.passkeys.add(editor, made, client())).message).toMatch(/unknown, used or expired/)

    const late = key.create(people.passkeys.creationOptions(editor, client()))
    clock.t += CHALLENGE_TTL + 1
    expect(refusal(() => people.passkeys.add(editor, late, client())).message).toMatch(/unknown, used or expired/)

    const elsewhere = key.create(people.passkeys.creationOptions(editor, client()))
    expect(refusal(() => people.passkeys.add(editor, elsewhere, client('10.0.0.1', 'https://127.0.0.1:8443'))).code).toBe('ERR_PASSKEY_INVALID')

    people.passkeys.add(editor, key.create(people.passkeys.creationOptions(editor, client())), client())
    const assertion = key.get(people.passkeys.requestOptions(client()))
    people.passkeys.signIn(assertion, client())
    expect(refusal(() => people.passkeys.signIn(assertion, client())).message).toMatch(/already used/)
  })

  it('slows failed passkey sign-ins per address and per account, like passwords', async () => {
    const { people, editor } = await withEditor()
    const key = softAuthenticator(ORIGIN)
    people.passkeys.add(editor, key.create(people.passkeys.creationOptions(editor, client())), client())
    for (let i = 0; i < FREE_FAILURES + 1; i++) {
      const forged = { ...key.get(people.passkeys.requestOptions(client())), signature: Buffer.alloc(70, i).toString('base64url') }
      expect(refusal(() => people.passkeys.signIn(forged, client(`10.0.1.${i}`))).code).toBe('ERR_PASSKEY_SIGN_IN_FAILED')
    }
    // the account waits now: the right passkey from a fresh address too, and the password
    expect(refusal(() => people.passkeys.signIn(key.get(people.passkeys.requestOptions(client())), client('10.0.2.1'))).code).toBe('ERR_TOO_MANY_ATTEMPTS')
    await expect(people.signIn({ login: 'Dr Lena Fischer', password: PASSWORD }, '10.0.2.2', 'test')).rejects.toMatchObject({ code: 'ERR_TOO_MANY_ATTEMPTS' })
  })

  it('offers the named account\'s passkeys after a name is typed, and an answer of the same shape for an unknown name', async () => {
    const { people, editor } = await withEditor()
    const key = softAuthenticator(ORIGIN)
    people.passkeys.add(editor, key.create(people.passkeys.creationOptions(editor, client())), client())
    const named = people.passkeys.requestOptions(client(), 'dr lena fischer ')
    expect(named).toMatchObject({ rpId: 'commonplace.riverside.test', userVerification: 'required', allowCredentials: [{ type: 'public-key', id: key.id }] })
    // the passkey signs in on the challenge these options carry
    expect(people.passkeys.signIn(key.get(named), client()).caller).toMatchObject({ person: { name: 'Dr Lena Fischer' } })

    // a name nobody has, and a person without passkeys, get made-up ids: the same keys, the same ids when asked again
    for (const login of ['Nobody Here', 'Amara Okafor']) {
      const first = people.passkeys.requestOptions(client(), login)
      expect(Object.keys(first).sort()).toEqual(Object.keys(named).sort())
      expect(first.allowCredentials?.length).toBeGreaterThanOrEqual(1)
      expect(first.allowCredentials?.length).toBeLessThanOrEqual(2)
      for (const c of first.allowCredentials ?? []) expect(c).toEqual({ type: 'public-key', id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) })
      expect(people.passkeys.requestOptions(client(), login.toUpperCase()).allowCredentials).toEqual(first.allowCredentials)
      expect(first.allowCredentials?.some(c => c.id === key.id)).toBe(false)
    }
    // without a name: a discoverable credential, as before
    expect(people.passkeys.requestOptions(client()).allowCredentials).toBeUndefined()
  })

  it('deletes a removed person\'s passkeys with them, so none signs in again', async () => {
    const { people, editor, admin, storage } = await withEditor()
    const key = softAuthenticator(ORIGIN)
    people.passkeys.add(editor, key.create(people.passkeys.creationOptions(editor, client())), client())
    const options = people.passkeys.requestOptions(client())
    people.remove(admin, editor.person?.id ?? '')
    expect(storage.range({ gte: 'pe/k/', lt: 'pe/k0' })).toHaveLength(0)
    expect(refusal(() => people.passkeys.signIn(key.get(options), client())).message).toMatch(/not known here/)
  })
})
