/**
 * The organisation's people (docs/people.md): the first admin's setup, invitations, password
 * sign-in with throttling, sessions, roles and removal. Every refusal is a typed error; a refused
 * request changes nothing. A role change or a removal ends the person's sessions at once and tells
 * the listeners, which close the person's live connections.
 */
import { randomBytes } from 'node:crypto'
import {
  ForbiddenError, InvalidInputError, InvitationExpiredError, InvitationInvalidError, InvitationUsedError, LastAdminError,
  NotFoundError, SignInFailedError, TooManyError
} from '@commonplace/core'
import type { KeyValueStore } from '@commonplace/core'
import {
  DEFAULT_INVITATION_TTL, MAX_ACCOUNT_WAIT, MAX_ADDRESS_WAIT, MAX_EMAIL_CHARS, MAX_INVITATIONS, MAX_INVITATION_TTL, MAX_NAME_CHARS,
  MAX_PEOPLE, MAX_SESSIONS_PER_PERSON, SESSION_TTL
} from './constants.ts'
import type { InvitationPreview, PeopleSettings, PersonRole, PersonView, SessionView, SetupRequest, SignInRequest, ValidInvitePersonRequest, AcceptInvitationRequest } from '@commonplace/api'
import { compareCodeUnits } from '../order.ts'
import { checkPassword, createPasswords } from './passwords.ts'
import { createPeopleStore, tokenId } from './store.ts'
import type { Invitation, Person, Session } from './store.ts'
import { createThrottle } from './throttle.ts'
import { createPasskeys } from './passkeys.ts'
import type { Passkeys } from './passkeys.ts'

/** Who makes a request: a person, or the node's administrator (the API token, the admin link). */
export interface Caller {
  /** Undefined for the node's administrator. */
  person?: Person
  role: PersonRole
  /** The session's id (sha256 of its cookie token), for a browser. */
  session?: string
}

/** The node's administrator: the bearer token's holder, and a browser signed in with the admin link. */
export const NODE_ADMIN: Caller = { role: 'admin' }

/** Why a person's sessions ended (the live connection's close reason says it). */
export type SignedOutReason = 'role changed' | 'removed' | 'signed out'

/** Sessions that ended: whose (`''`: the node's administrator), which, and why. */
export interface SignedOut { person: string, sessions: string[], reason: SignedOutReason }

export interface PeopleInit {
  storage: KeyValueStore
  /** The organisation's name now, and how the first admin sets it. */
  organisation: { name(): string, rename(name: string): Promise<void> }
  /** Told after the settings changed. */
  onSettings?: (settings: PeopleSettings) => void
  now?: () => number
}

/** A new session: the token for the cookie, and who it is for. */
export interface NewSession { token: string, caller: Caller }

export interface People {
  /** The caller a session cookie's token stands for; undefined when it is unknown, expired or its person is gone. */
  caller(token: string): Caller | undefined
  /** A session as the node's administrator (the admin link was redeemed). */
  adminSession(agent: string): NewSession
  /** Whether the organisation has no people yet (the admin link's holder then sets it up). */
  needsSetup(): boolean
  /** The first admin names the organisation and themselves; only the node's administrator, only once. */
  setup(caller: Caller, request: SetupRequest, agent: string): Promise<NewSession>
  signIn(request: SignInRequest, address: string, agent: string): Promise<NewSession>
  /** `request.role` is one of PERSON_ROLES (its validator, invitePersonRequest, checked it). */
  invite(caller: Caller, request: ValidInvitePersonRequest): { token: string, invitation: Invitation }
  /** What an invitation link is for, before it is accepted. @throws the invitation errors */
  invitation(token: string): InvitationPreview
  accept(request: AcceptInvitationRequest, agent: string): Promise<NewSession>
  list(): PersonView[]
  /** A person by id, or by name or email (case-insensitive). @throws NotFoundError */
  find(text: string): Person
  /** The name of the person with this id, if they are (still) in the organisation. */
  nameOf(id: string): string | undefined
  setRole(caller: Caller, person: string, role: PersonRole): PersonView
  remove(caller: Caller, person: string): void
  signOut(caller: Caller): void
  /** The caller's person's sessions (the node's administrator: the admin-link sessions), newest first. */
  sessions(caller: Caller): SessionView[]
  /** End one of the caller's own sessions. @throws NotFoundError for a session that is not theirs */
  endSession(caller: Caller, id: string): void
  /** End every session of the caller's person (of the node's administrator: every admin-link session). */
  signOutEverywhere(caller: Caller): void
  settings(): PeopleSettings
  setSettings(settings: PeopleSettings): PeopleSettings
  /** The people's passkeys: adding, listing, removing, signing in (people/passkeys.ts). */
  passkeys: Passkeys
  /** Called when sessions end (one, or all of a person's); returns the unsubscribe function. */
  onSignedOut(listener: (ended: SignedOut) => void): () => void
}

export function createPeople (init: PeopleInit): People {
  const store = createPeopleStore(init.storage)
  const passwords = createPasswords()
  const now = init.now ?? Date.now
  const byAccount = createThrottle({ maxWait: MAX_ACCOUNT_WAIT, now, what: 'for this person' })
  const byAddress = createThrottle({ maxWait: MAX_ADDRESS_WAIT, now, what: 'from this address' })
  const listeners = new Set<(ended: SignedOut) => void>()
  const tell = (ended: SignedOut): void => { for (const listener of listeners) listener(ended) }

  const newSession = (person: Person | undefined, agent: string): NewSession => {
    const token = randomBytes(32).toString('base64url')
    const session: Session = { id: tokenId(token), person: person?.id ?? '', createdAt: now(), expiresAt: now() + SESSION_TTL, agent: agent.slice(0, 100) }
    const own = store.sessions().filter(s => s.person === session.person).sort((a, b) => a.createdAt - b.createdAt)
    const surplus = own.slice(0, Math.max(0, own.length - MAX_SESSIONS_PER_PERSON + 1))
    store.write({ sessions: [session], drop: surplus.map(s => ({ kind: 'session' as const, id: s.id })) })
    return { token, caller: person == null ? { ...NODE_ADMIN, session: session.id } : { person, role: person.role, session: session.id } }
  }

  const endSessions = (person: string, reason: SignedOutReason): void => {
    const ended = store.sessions().filter(s => s.person === person)
    store.write({ drop: ended.map(s => ({ kind: 'session' as const, id: s.id })) })
    tell({ person, sessions: ended.map(s => s.id), reason })
  }

  const matches = (person: Pick<Person, 'name' | 'email'>, text: string): boolean => {
    const key = fold(text)
    return fold(person.name) === key || (person.email != null && fold(person.email) === key)
  }

  const checkFree = (name: string, email: string | undefined): void => {
    const taken = (p: Pick<Person, 'name' | 'email'>): boolean => matches(p, name) || (email != null && matches(p, email))
    if (store.people().some(taken) || liveInvitations().some(taken)) {
      throw new InvalidInputError(`Someone in this organisation is already called "${name}"${email != null ? ` or uses ${email}` : ''}`)
    }
  }

  const liveInvitations = (): Invitation[] => {
    const all = store.invitations()
    const over = all.filter(i => i.expiresAt <= now())
    if (over.length > 0) store.write({ drop: over.map(i => ({ kind: 'invitation' as const, id: i.id })) })
    return all.filter(i => i.expiresAt > now() && i.usedAt == null)
  }

  const openInvitation = (token: unknown): Invitation => {
    if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(token)) throw new InvitationInvalidError('This invitation link is not valid: check that it was copied whole')
    const found = store.invitation(tokenId(token))
    if (found == null) throw new InvitationInvalidError('This invitation link is not valid (it may have expired long ago): ask an admin for a new one')
    if (found.usedAt != null) throw new InvitationUsedError('This invitation link has already been used: sign in instead, or ask an admin for a new one')
    if (found.expiresAt <= now()) throw new InvitationExpiredError('This invitation link has expired: ask an admin for a new one')
    return found
  }

  const admins = (): Person[] => store.people().filter(p => p.role === 'admin')
  const passkeys = createPasskeys({
    store, byAccount, byAddress, newSession, organisation: init.organisation.name, now, personNamed: login => store.people().find(p => matches(p, login))
  })

  return {
    caller (token) {
      if (typeof token !== 'string' || token.length !== 43) return undefined
      const session = store.session(tokenId(token))
      if (session == null || session.expiresAt <= now()) return undefined
      if (session.person === '') return { ...NODE_ADMIN, session: session.id }
      const person = store.person(session.person)
      return person == null ? undefined : { person, role: person.role, session: session.id }
    },

    adminSession: agent => newSession(undefined, agent),

    needsSetup: () => store.people().length === 0,

    async setup (caller, request, agent) {
      if (caller.person != null) throw new ForbiddenError('Only the holder of the admin link sets the organisation up')
      if (store.people().length > 0) throw new ForbiddenError('This organisation is set up already: its admins invite colleagues from People')
      const name = checkName(request.name, 'name')
      const email = request.email == null ? undefined : checkEmail(request.email)
      const organisation = request.organisation == null ? undefined : checkName(request.organisation, 'organisation')
      const password = await passwords.hash(request.password)
      // the hash took a while: a second setup may have won meanwhile
      if (store.people().length > 0) throw new ForbiddenError('This organisation is set up already: its admins invite colleagues from People')
      const person: Person = { id: personId(), name, ...(email != null ? { email } : {}), role: 'admin', password, createdAt: now() }
      store.write({ people: [person] })
      if (organisation != null) await init.organisation.rename(organisation)
      return newSession(person, agent)
    },

    async signIn (request, address, agent) {
      if (typeof request.login !== 'string' || request.login.length > MAX_EMAIL_CHARS) throw new SignInFailedError()
      byAddress.check(address)
      const person = store.people().find(p => matches(p, request.login))
      const account = person?.id ?? `unknown:${fold(request.login)}`
      byAccount.check(account)
      const ok = await passwords.verify(request.password, person?.password)
      if (!ok || person == null) {
        byAddress.fail(address)
        byAccount.fail(account)
        throw new SignInFailedError()
      }
      byAddress.clear(address)
      byAccount.clear(account)
      // read again: the person may have been removed or changed while the hash ran
      const current = store.person(person.id)
      if (current == null) throw new SignInFailedError()
      return newSession(current, agent)
    },

    invite (caller, request) {
      const name = checkName(request.name, 'name')
      const email = request.email == null ? undefined : checkEmail(request.email)
      const ttl = request.expiresInMs ?? DEFAULT_INVITATION_TTL
      if (!Number.isSafeInteger(ttl) || ttl < 60_000 || ttl > MAX_INVITATION_TTL) throw new InvalidInputError('An invitation lasts from one minute to 30 days')
      checkFree(name, email)
      if (liveInvitations().length >= MAX_INVITATIONS) throw new TooManyError(`${MAX_INVITATIONS} invitations are outstanding already`)
      if (store.people().length >= MAX_PEOPLE) throw new TooManyError(`An organisation has at most ${MAX_PEOPLE} people`)
      const token = randomBytes(32).toString('base64url')
      const invitation: Invitation = {
        id: tokenId(token), name, ...(email != null ? { email } : {}), role: request.role, invitedBy: caller.person?.id ?? '', createdAt: now(), expiresAt: now() + ttl
      }
      store.write({ invitations: [invitation] })
      return { token, invitation }
    },

    invitation (token) {
      const found = openInvitation(token)
      return { name: found.name, role: found.role, organisation: init.organisation.name(), expiresAt: new Date(found.expiresAt).toISOString() }
    },

    async accept (request, agent) {
      openInvitation(request.token)
      checkPassword(request.password)
      const password = await passwords.hash(request.password)
      // checked again after the hash: two tabs accepting at once, only one wins
      const invitation = openInvitation(request.token)
      const person: Person = {
        id: personId(), name: invitation.name, ...(invitation.email != null ? { email: invitation.email } : {}), role: invitation.role, password, createdAt: now()
      }
      store.write({ people: [person], invitations: [{ ...invitation, usedAt: now() }] })
      return newSession(person, agent)
    },

    list: () => store.people().sort((a, b) => a.createdAt - b.createdAt || compareCodeUnits(a.name, b.name)).map(view),

    find (text) {
      const found = store.person(text) ?? store.people().find(p => matches(p, text))
      if (found == null) throw new NotFoundError(`No person "${text}" in this organisation`)
      return found
    },

    nameOf: id => id === '' ? undefined : store.person(id)?.name,

    setRole (_caller, id, role) {
      const person = this.find(id)
      if (person.role === role) return view(person)
      if (person.role === 'admin' && admins().length === 1) throw new LastAdminError(`${person.name} is the organisation's only admin: make someone else admin first`)
      const changed = { ...person, role }
      store.write({ people: [changed] })
      endSessions(person.id, 'role changed')
      return view(changed)
    },

    remove (_caller, id) {
      const person = this.find(id)
      if (person.role === 'admin' && admins().length === 1) throw new LastAdminError(`${person.name} is the organisation's only admin: make someone else admin first`)
      // their passkeys go with them, in the same write: none signs in again
      const keys = store.passkeys().filter(k => k.person === person.id).map(k => ({ kind: 'passkey' as const, id: k.id }))
      store.write({ drop: [{ kind: 'person', id: person.id }, ...keys] })
      endSessions(person.id, 'removed')
    },

    signOut (caller) {
      if (caller.session == null) return
      store.write({ drop: [{ kind: 'session', id: caller.session }] })
      tell({ person: caller.person?.id ?? '', sessions: [caller.session], reason: 'signed out' })
    },

    sessions (caller) {
      const own = caller.person?.id ?? ''
      return store.sessions()
        .filter(s => s.person === own && s.expiresAt > now())
        .sort((a, b) => b.createdAt - a.createdAt)
        .map(s => ({ id: s.id, createdAt: new Date(s.createdAt).toISOString(), expiresAt: new Date(s.expiresAt).toISOString(), agent: s.agent, current: s.id === caller.session }))
    },

    endSession (caller, id) {
      const session = store.session(id)
      if (session == null || session.person !== (caller.person?.id ?? '')) throw new NotFoundError('No such session of yours')
      store.write({ drop: [{ kind: 'session', id }] })
      tell({ person: session.person, sessions: [id], reason: 'signed out' })
    },

    signOutEverywhere (caller) {
      endSessions(caller.person?.id ?? '', 'signed out')
    },

    settings: () => store.settings(),

    setSettings (settings) {
      const next = { showPeopleNames: settings.showPeopleNames }
      store.write({ settings: next })
      init.onSettings?.(next)
      return next
    },

    passkeys,

    onSignedOut (listener) {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    }
  }
}

function view (person: Person): PersonView {
  return { id: person.id, name: person.name, ...(person.email != null ? { email: person.email } : {}), role: person.role, createdAt: new Date(person.createdAt).toISOString() }
}

function personId (): string {
  return randomBytes(12).toString('base64url')
}

/** Names and emails compare without case and with Unicode normalised. */
function fold (text: string): string {
  return text.normalize('NFC').trim().toLowerCase()
}

/** @throws InvalidInputError unless 1 to MAX_NAME_CHARS characters without control characters */
function checkName (value: unknown, field: string): string {
  const text = typeof value === 'string' ? value.normalize('NFC').trim() : ''
  // eslint-disable-next-line no-control-regex
  if (text === '' || text.length > MAX_NAME_CHARS || /[\u0000-\u001f\u007f]/.test(text)) {
    throw new InvalidInputError(`"${field}" must be 1 to ${MAX_NAME_CHARS} characters, without control characters`)
  }
  return text
}

/** @throws InvalidInputError unless something@something, at most MAX_EMAIL_CHARS characters */
function checkEmail (value: unknown): string {
  if (typeof value !== 'string' || value.length > MAX_EMAIL_CHARS || !/^[^\s@]+@[^\s@]+$/.test(value.trim())) {
    throw new InvalidInputError('"email" must be an email address')
  }
  return value.trim()
}
