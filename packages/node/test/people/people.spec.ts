/**
 * The people of an organisation on their own (docs/people.md), on a memory store with a clock the
 * test moves: setup, invitations used and expired, sign-in's one answer, throttling without a
 * lasting lockout, the last admin, sessions ended by a role change.
 */
import { describe, expect, it } from 'vitest'
import { invitePersonRequest } from '@commonplace/api'
import { memoryStore } from '@commonplace/storage'
import { createPeople, NODE_ADMIN } from '../../src/people/people.ts'
import type { Caller, People } from '../../src/people/people.ts'
import { FREE_FAILURES, MAX_ACCOUNT_WAIT } from '../../src/people/constants.ts'

const PASSWORD = 'correct horse battery'

function setup (): { people: People, clock: { t: number }, renamed: string[] } {
  const clock = { t: 1_000_000 }
  const renamed: string[] = []
  const people = createPeople({
    storage: memoryStore(),
    organisation: { name: () => renamed.at(-1) ?? 'Org', rename: async name => { renamed.push(name) } },
    now: () => clock.t
  })
  return { people, clock, renamed }
}

async function withAdmin (): Promise<{ people: People, clock: { t: number }, admin: Caller }> {
  const { people, clock } = setup()
  const { caller: admin } = await people.setup(NODE_ADMIN, { organisation: 'Riverside Surgery', name: 'Amara Okafor', password: PASSWORD }, 'test')
  return { people, clock, admin }
}

const failure = async (promise: Promise<unknown>): Promise<{ code?: string, message: string }> => await promise.then(() => { throw new Error('expected a refusal') }, (err: unknown) => err as { code?: string, message: string })

describe('people', () => {
  it('lets the admin link\'s holder set the organisation up once, as its first admin', async () => {
    const { people, renamed } = setup()
    expect(people.needsSetup()).toBe(true)
    const { caller, token } = await people.setup(NODE_ADMIN, { organisation: 'Riverside Surgery', name: 'Amara Okafor', password: PASSWORD }, 'test')
    expect(caller.role).toBe('admin')
    expect(caller.person?.name).toBe('Amara Okafor')
    expect(people.caller(token)?.person?.id).toBe(caller.person?.id)
    expect(renamed).toEqual(['Riverside Surgery'])
    expect((await failure(people.setup(NODE_ADMIN, { name: 'Someone Else', password: PASSWORD }, 'test'))).code).toBe('ERR_FORBIDDEN')
    expect(people.list()).toHaveLength(1)
  })

  it('refuses a used invitation and an expired one with distinct messages', async () => {
    const { people, clock, admin } = await withAdmin()
    const { token } = people.invite(admin, { name: 'Dr Lena Fischer', role: 'editor' })
    expect(people.invitation(token)).toMatchObject({ name: 'Dr Lena Fischer', role: 'editor' })
    const { caller } = await people.accept({ token, password: PASSWORD }, 'test')
    expect(caller).toMatchObject({ role: 'editor', person: { name: 'Dr Lena Fischer' } })
    const used = await failure(people.accept({ token, password: PASSWORD }, 'test'))
    expect(used.code).toBe('ERR_INVITATION_USED')

    const late = people.invite(admin, { name: 'Sam Reception', role: 'viewer', expiresInMs: 60 * 60_000 })
    clock.t += 60 * 60_000 + 1
    const expired = await failure(people.accept({ token: late.token, password: PASSWORD }, 'test'))
    expect(expired.code).toBe('ERR_INVITATION_EXPIRED')
    expect(expired.message).not.toBe(used.message)
    expect((await failure(people.accept({ token: 'x'.repeat(43), password: PASSWORD }, 'test'))).code).toBe('ERR_INVITATION_INVALID')
    expect(people.list().map(p => p.name)).toEqual(['Amara Okafor', 'Dr Lena Fischer'])
  })

  it('answers a wrong password and an unknown name the same way', async () => {
    const { people } = await withAdmin()
    const wrong = await failure(people.signIn({ login: 'Amara Okafor', password: 'not the password' }, '10.0.0.1', 'test'))
    const unknown = await failure(people.signIn({ login: 'Nobody Here', password: 'not the password' }, '10.0.0.2', 'test'))
    expect(wrong).toMatchObject({ code: 'ERR_SIGN_IN_FAILED' })
    expect(unknown).toMatchObject({ code: 'ERR_SIGN_IN_FAILED', message: wrong.message })
    // name or email, any case
    expect((await people.signIn({ login: 'amara okafor', password: PASSWORD }, '10.0.0.1', 'test')).caller.role).toBe('admin')
  })

  it('slows repeated failures per account and per address, and never locks a person out for good', async () => {
    const { people, clock } = await withAdmin()
    for (let i = 0; i < FREE_FAILURES; i++) {
      expect((await failure(people.signIn({ login: 'Amara Okafor', password: 'guess number ' + i }, `10.0.0.${i}`, 'test'))).code).toBe('ERR_SIGN_IN_FAILED')
    }
    // the account now waits: even the right password from another address is refused during the wait
    expect((await failure(people.signIn({ login: 'Amara Okafor', password: 'guess again!' }, '10.0.1.1', 'test'))).code).toBe('ERR_SIGN_IN_FAILED')
    const slowed = await failure(people.signIn({ login: 'Amara Okafor', password: PASSWORD }, '10.0.1.2', 'test'))
    expect(slowed.code).toBe('ERR_TOO_MANY_ATTEMPTS')
    expect((slowed as { retryAfter?: number }).retryAfter).toBeGreaterThan(0)
    // keep guessing: the account's wait stops growing at its cap
    for (let i = 0; i < 20; i++) {
      clock.t += MAX_ACCOUNT_WAIT
      await failure(people.signIn({ login: 'Amara Okafor', password: 'guess more ' + i }, `10.0.2.${i}`, 'test'))
    }
    clock.t += MAX_ACCOUNT_WAIT
    expect((await people.signIn({ login: 'Amara Okafor', password: PASSWORD }, '10.0.3.1', 'test')).caller.person?.name).toBe('Amara Okafor')
  })

  it('slows one address guessing at many names', async () => {
    const { people } = await withAdmin()
    for (let i = 0; i <= FREE_FAILURES; i++) await failure(people.signIn({ login: `Name ${i}`, password: 'some guess!' }, '192.0.2.9', 'test'))
    expect((await failure(people.signIn({ login: 'Amara Okafor', password: PASSWORD }, '192.0.2.9', 'test'))).code).toBe('ERR_TOO_MANY_ATTEMPTS')
    expect((await people.signIn({ login: 'Amara Okafor', password: PASSWORD }, '192.0.2.10', 'test')).caller.role).toBe('admin')
  })

  it('keeps the last admin, and ends a person\'s sessions when their role changes or they are removed', async () => {
    const { people, admin } = await withAdmin()
    expect(() => people.setRole(admin, admin.person!.id, 'editor')).toThrow(expect.objectContaining({ code: 'ERR_LAST_ADMIN' }))
    expect(() => { people.remove(admin, 'Amara Okafor') }).toThrow(expect.objectContaining({ code: 'ERR_LAST_ADMIN' }))
    const { token } = people.invite(admin, { name: 'Dr Lena Fischer', role: 'editor' })
    const lena = await people.accept({ token, password: PASSWORD }, 'test')
    const ended: string[] = []
    people.onSignedOut(({ person, reason }) => { ended.push(`${person} ${reason}`) })
    expect(people.setRole(admin, 'dr lena fischer', 'viewer').role).toBe('viewer')
    expect(people.caller(lena.token)).toBeUndefined()
    const again = await people.signIn({ login: 'Dr Lena Fischer', password: PASSWORD }, '10.0.0.1', 'test')
    expect(again.caller.role).toBe('viewer')
    people.remove(admin, lena.caller.person!.id)
    expect(people.caller(again.token)).toBeUndefined()
    expect(ended).toEqual([`${lena.caller.person!.id} role changed`, `${lena.caller.person!.id} removed`])
    expect((await failure(people.signIn({ login: 'Dr Lena Fischer', password: PASSWORD }, '10.0.0.1', 'test'))).code).toBe('ERR_SIGN_IN_FAILED')
  })

  it('lists a person\'s own sessions and ends one of them, never another person\'s', async () => {
    const { people, admin, clock } = await withAdmin()
    clock.t += 1000
    const laptop = await people.signIn({ login: 'Amara Okafor', password: PASSWORD }, '10.0.0.1', 'laptop')
    const listed = people.sessions(admin)
    expect(listed.map(s => [s.agent, s.current])).toEqual([['laptop', false], ['test', true]])
    const { token } = people.invite(admin, { name: 'Dr Lena Fischer', role: 'editor' })
    const lena = await people.accept({ token, password: PASSWORD }, 'lena')
    expect(() => { people.endSession(lena.caller, listed[0].id) }).toThrow(expect.objectContaining({ code: 'ERR_NOT_FOUND' }))
    people.endSession(admin, listed[0].id)
    expect(people.caller(laptop.token)).toBeUndefined()
    expect(people.sessions(admin).map(s => s.agent)).toEqual(['test'])
  })

  it('signs a person out everywhere', async () => {
    const { people, admin } = await withAdmin()
    const other = await people.signIn({ login: 'Amara Okafor', password: PASSWORD }, '10.0.0.1', 'laptop')
    people.signOutEverywhere(admin)
    expect(people.caller(other.token)).toBeUndefined()
  })

  it('refuses bad input and changes nothing', async () => {
    const { people, admin } = await withAdmin()
    expect(() => people.invite(admin, { name: '', role: 'editor' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_INPUT' }))
    // a role that is none of PERSON_ROLES is refused by the route's validator, before the people module
    expect(() => invitePersonRequest({ name: 'X', role: 'owner' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_INPUT' }))
    expect(() => people.invite(admin, { name: 'amara okafor', role: 'editor' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_INPUT' }))
    expect(() => people.invite(admin, { name: 'Y', role: 'editor', expiresInMs: 365 * 86_400_000 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_INPUT' }))
    const { token } = people.invite(admin, { name: 'Short Password', role: 'viewer' })
    expect((await failure(people.accept({ token, password: 'short' }, 'test'))).code).toBe('ERR_INVALID_INPUT')
    expect(people.list()).toHaveLength(1)
  })
})
