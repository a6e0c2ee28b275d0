/**
 * A person's passkeys (docs/people.md, "Passkeys"): adding one from a signed-in session, listing
 * and removing them, and signing in with one. Challenges are the node's, single-use, and expire;
 * each is bound to the origin it was issued to and, for a registration, to the session that asked.
 * Failed sign-ins count against the same per-account and per-address throttles as passwords; a
 * removed person's passkeys are deleted with them and refused at once.
 */
import { createHmac, randomBytes } from 'node:crypto'
import { ForbiddenError, NotFoundError, PasskeyInvalidError, PasskeySignInFailedError, TooManyError } from '@commonplace/core'
import type { AddPasskeyRequest, PasskeyCreationOptions, PasskeyRequestOptions, PasskeySignInRequest, PasskeyView } from '@commonplace/api'
import { CHALLENGE_TTL, MAX_CHALLENGES, MAX_PASSKEYS_PER_PERSON } from './constants.ts'
import type { Caller, NewSession } from './people.ts'
import type { Passkey, PeopleStore, Person } from './store.ts'
import type { Throttle } from './throttle.ts'
import { PASSKEY_ALGORITHMS, verifyAssertion, verifyRegistration } from './webauthn.ts'
import type { Expected } from './webauthn.ts'

/** Where a passkey request comes from: the page's origin (checked by the HTTP guard), the client's address and agent. */
export interface PasskeyClient { origin?: string, address: string, agent: string }

export interface Passkeys {
  /** Options for `navigator.credentials.create()` for the caller's person. @throws ForbiddenError for the admin link's session */
  creationOptions(caller: Caller, client: PasskeyClient): PasskeyCreationOptions
  /** Verify and keep a new passkey of the caller's person. @throws PasskeyInvalidError saying which check failed */
  add(caller: Caller, request: AddPasskeyRequest, client: PasskeyClient): PasskeyView
  /** The caller's person's passkeys, oldest first. */
  list(caller: Caller): PasskeyView[]
  /** @throws NotFoundError for a passkey that is not the caller's */
  remove(caller: Caller, id: string): void
  /**
   * Options for `navigator.credentials.get()`: without a login, for a discoverable credential (no
   * name needed); with one, the named account's passkeys under this page's relying party as
   * `allowCredentials`, or made-up ids of the same shape when there are none (an unknown name, or a
   * person without passkeys here), the same for the same name while the node runs.
   */
  requestOptions(client: PasskeyClient, login?: string): PasskeyRequestOptions
  /** @throws PasskeySignInFailedError, TooManyAttemptsError while slowed */
  signIn(request: PasskeySignInRequest, client: PasskeyClient): NewSession
}

export interface PasskeysInit {
  store: PeopleStore
  byAccount: Throttle
  byAddress: Throttle
  newSession(person: Person, agent: string): NewSession
  organisation(): string
  /** The person who signs in with this name or email, if any. */
  personNamed(login: string): Person | undefined
  now: () => number
}

/** Length of a made-up credential id (bytes). */
const DECOY_ID_BYTES = 16

interface Challenge extends Expected { purpose: 'register' | 'sign-in', session?: string, expiresAt: number }

export function createPasskeys (init: PasskeysInit): Passkeys {
  const { store, now } = init
  // insertion order is age order: past MAX_CHALLENGES the oldest is forgotten
  const challenges = new Map<string, Challenge>()
  // the key of the made-up credential ids: asking twice for an unknown name gets the same ids
  const decoyKey = randomBytes(32)

  const issue = (purpose: Challenge['purpose'], client: PasskeyClient, refuse: (why: string) => Error, session?: string): Challenge => {
    const origin = client.origin
    if (origin == null) throw refuse('Passkeys are used from the web app in a browser')
    const rpId = new URL(origin).hostname
    // WebAuthn's relying party is a host name: browsers refuse an IP address
    if (/^[\d.]+$|^\[/.test(rpId)) throw refuse(`Passkeys need the node's host name, not an IP address: open the app under http://localhost:${new URL(origin).port} or its HTTPS name`)
    for (const [key, c] of challenges) if (c.expiresAt <= now()) challenges.delete(key); else break
    const challenge: Challenge = { purpose, challenge: randomBytes(32).toString('base64url'), origin, rpId, expiresAt: now() + CHALLENGE_TTL, ...(session != null ? { session } : {}) }
    challenges.set(challenge.challenge, challenge)
    if (challenges.size > MAX_CHALLENGES) challenges.delete(challenges.keys().next().value as string)
    return challenge
  }

  /** The challenge the client data names, used up; undefined when unknown, used, expired or for something else. */
  const take = (clientDataJSON: string, purpose: Challenge['purpose'], origin: string | undefined): Challenge | undefined => {
    let named: unknown
    try {
      named = (JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown }).challenge
    } catch {
      return undefined
    }
    if (typeof named !== 'string') return undefined
    const found = challenges.get(named)
    if (found == null) return undefined
    challenges.delete(named)
    return found.purpose === purpose && found.expiresAt > now() && found.origin === origin ? found : undefined
  }

  const own = (caller: Caller): Person => {
    if (caller.person == null) throw new ForbiddenError('The admin link\'s session has no passkeys: sign in as yourself to add one')
    return caller.person
  }
  const ofPerson = (person: string): Passkey[] => store.passkeys().filter(k => k.person === person).sort((a, b) => a.createdAt - b.createdAt)

  return {
    creationOptions (caller, client) {
      const person = own(caller)
      const refuse = (why: string): Error => new PasskeyInvalidError(why)
      if (ofPerson(person.id).length >= MAX_PASSKEYS_PER_PERSON) throw new TooManyError(`A person has at most ${MAX_PASSKEYS_PER_PERSON} passkeys: remove one first`)
      const challenge = issue('register', client, refuse, caller.session)
      return {
        challenge: challenge.challenge,
        rp: { id: challenge.rpId, name: init.organisation() },
        user: { id: Buffer.from(person.id).toString('base64url'), name: person.email ?? person.name, displayName: person.name },
        pubKeyCredParams: PASSKEY_ALGORITHMS.map(alg => ({ type: 'public-key' as const, alg })),
        timeout: CHALLENGE_TTL,
        excludeCredentials: ofPerson(person.id).filter(k => k.rpId === challenge.rpId).map(k => ({ type: 'public-key' as const, id: k.id })),
        authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
        attestation: 'none'
      }
    },

    add (caller, request, client) {
      const person = own(caller)
      const refuse = (why: string): Error => new PasskeyInvalidError(`The passkey was not added: ${why}`)
      const challenge = take(request.clientDataJSON, 'register', client.origin)
      if (challenge == null || challenge.session !== caller.session) throw refuse('its challenge is unknown, used or expired; try again')
      const made = verifyRegistration(Buffer.from(request.clientDataJSON, 'base64url'), Buffer.from(request.attestationObject, 'base64url'), challenge, refuse)
      if (made.id !== request.id) throw refuse('the credential id does not match the authenticator data')
      if (store.passkey(made.id) != null) throw refuse('this passkey is already added')
      if (store.person(person.id) == null) throw refuse('you are no longer in the organisation')
      if (ofPerson(person.id).length >= MAX_PASSKEYS_PER_PERSON) throw new TooManyError(`A person has at most ${MAX_PASSKEYS_PER_PERSON} passkeys: remove one first`)
      const passkey: Passkey = {
        ...made, person: person.id, rpId: challenge.rpId, name: request.name ?? `Passkey added ${new Date(now()).toISOString().slice(0, 10)}`, createdAt: now()
      }
      store.write({ passkeys: [passkey] })
      return view(passkey)
    },

    list: caller => caller.person == null ? [] : ofPerson(caller.person.id).map(view),

    remove (caller, id) {
      const found = store.passkey(id)
      if (found == null || found.person !== caller.person?.id) throw new NotFoundError('No such passkey of yours')
      store.write({ drop: [{ kind: 'passkey', id }] })
    },

    requestOptions (client, login) {
      const challenge = issue('sign-in', client, why => new PasskeySignInFailedError(why))
      const options: PasskeyRequestOptions = { challenge: challenge.challenge, rpId: challenge.rpId, timeout: CHALLENGE_TTL, userVerification: 'required' }
      if (login == null) return options
      const person = init.personNamed(login)
      const ids = person == null ? [] : ofPerson(person.id).filter(k => k.rpId === challenge.rpId).map(k => k.id)
      return { ...options, allowCredentials: (ids.length > 0 ? ids : decoys(decoyKey, challenge.rpId, login)).map(id => ({ type: 'public-key' as const, id })) }
    },

    signIn (request, client) {
      init.byAddress.check(client.address)
      const refused = (why: string): Error => new PasskeySignInFailedError(`This passkey was not accepted: ${why}`)
      const challenge = take(request.clientDataJSON, 'sign-in', client.origin)
      const passkey = store.passkey(request.id)
      const person = passkey == null ? undefined : store.person(passkey.person)
      if (person != null) init.byAccount.check(person.id)
      const failed = (why: string): Error => {
        init.byAddress.fail(client.address)
        if (person != null) init.byAccount.fail(person.id)
        return refused(why)
      }
      if (challenge == null) throw failed('the sign-in took too long or was already used; try again')
      if (passkey == null || person == null) throw failed('it is not known here (it may have been removed, or made for another node)')
      if (request.userHandle != null && request.userHandle !== Buffer.from(person.id).toString('base64url')) throw failed('it belongs to someone else')
      if (passkey.rpId !== challenge.rpId) throw failed(`it was made for ${passkey.rpId}, this page is ${challenge.rpId}`)
      const next = verifyAssertion({
        clientDataJSON: Buffer.from(request.clientDataJSON, 'base64url'),
        authenticatorData: Buffer.from(request.authenticatorData, 'base64url'),
        signature: Buffer.from(request.signature, 'base64url')
      }, passkey, challenge, failed)
      init.byAddress.clear(client.address)
      init.byAccount.clear(person.id)
      store.write({ passkeys: [{ ...passkey, ...next, lastUsedAt: now() }] })
      return init.newSession(person, client.agent)
    }
  }
}

/**
 * Made-up credential ids for a name with no passkeys here: one or two (as most people have),
 * 16 bytes each (the length platform authenticators commonly use), derived from the name
 * (case-insensitively) and the relying party under a key of this run.
 */
function decoys (key: Uint8Array, rpId: string, login: string): string[] {
  const seed = createHmac('sha256', key).update(`${rpId}\n${login.normalize('NFC').trim().toLowerCase()}`).digest()
  return Array.from({ length: 1 + (seed[0] % 2) }, (_, i) => createHmac('sha256', seed).update(Uint8Array.of(i)).digest().subarray(0, DECOY_ID_BYTES).toString('base64url'))
}

function view (passkey: Passkey): PasskeyView {
  return {
    id: passkey.id,
    name: passkey.name,
    createdAt: new Date(passkey.createdAt).toISOString(),
    ...(passkey.lastUsedAt != null ? { lastUsedAt: new Date(passkey.lastUsedAt).toISOString() } : {}),
    backedUp: passkey.backedUp
  }
}
