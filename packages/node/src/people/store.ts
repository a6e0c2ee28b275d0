/**
 * People, invitations, sessions and the organisation's people settings on the node's key-value
 * store (docs/storage.md). Keys:
 *   pe/p/<person id>      a person
 *   pe/i/<sha256(token)>  an invitation (the token itself is never stored)
 *   pe/s/<sha256(token)>  a browser session
 *   pe/k/<credential id>  a person's passkey (its public key)
 *   pe/o                  settings (showPeopleNames)
 */
import { createHash } from 'node:crypto'
import { toString as u8ToString, fromString as u8FromString } from 'uint8arrays'
import type { KeyValueStore, WriteOp } from '@commonplace/core'
import type { PeopleSettings, PersonRole } from '@commonplace/api'
import type { PasswordHash } from './passwords.ts'
import type { StoredCredential } from './webauthn.ts'

/** A person of the organisation. */
export interface Person {
  id: string
  name: string
  email?: string
  role: PersonRole
  password: PasswordHash
  createdAt: number
}

/** An outstanding (or used, until it expires) invitation. */
export interface Invitation {
  /** sha256 of the token, base64url: the key. */
  id: string
  name: string
  email?: string
  role: PersonRole
  invitedBy: string
  createdAt: number
  expiresAt: number
  usedAt?: number
}

/** A browser session; `person` '' is the node's administrator (the admin link). */
export interface Session {
  id: string
  person: string
  createdAt: number
  expiresAt: number
  agent: string
}

/** A person's passkey: the public key and the state WebAuthn asks a relying party to keep. */
export interface Passkey extends StoredCredential {
  /** The credential id, base64url: the key. */
  id: string
  person: string
  /** The relying party id (host name) it was made for. */
  rpId: string
  name: string
  backedUp: boolean
  createdAt: number
  lastUsedAt?: number
}

const PERSON = 'pe/p/'
const INVITATION = 'pe/i/'
const SESSION = 'pe/s/'
const PASSKEY = 'pe/k/'
const SETTINGS = 'pe/o'

/** The hash a token is kept under. */
export function tokenId (token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url')
}

/** Typed reads and single-batch writes of the people records. */
export interface PeopleStore {
  person(id: string): Person | undefined
  people(): Person[]
  invitation(id: string): Invitation | undefined
  invitations(): Invitation[]
  session(id: string): Session | undefined
  sessions(): Session[]
  passkey(id: string): Passkey | undefined
  passkeys(): Passkey[]
  settings(): PeopleSettings
  /** Write the records given and delete the keys named, all or nothing. */
  write(change: { people?: Person[], invitations?: Invitation[], sessions?: Session[], passkeys?: Passkey[], settings?: PeopleSettings, drop?: Array<{ kind: 'person' | 'invitation' | 'session' | 'passkey', id: string }> }): void
}

export function createPeopleStore (storage: KeyValueStore): PeopleStore {
  const get = <T>(key: string): T | undefined => {
    const bytes = storage.get(key)
    return bytes == null ? undefined : JSON.parse(u8ToString(bytes)) as T
  }
  const all = <T>(prefix: string): T[] =>
    storage.range({ gte: prefix, lt: prefix.slice(0, -1) + '0' }).map(([, v]) => JSON.parse(u8ToString(v)) as T)
  const put = (key: string, value: unknown): WriteOp => ({ type: 'put', key, value: u8FromString(JSON.stringify(value)) })
  const prefix = { person: PERSON, invitation: INVITATION, session: SESSION, passkey: PASSKEY }

  return {
    person: id => get<Person>(PERSON + id),
    people: () => all<Person>(PERSON),
    invitation: id => get<Invitation>(INVITATION + id),
    invitations: () => all<Invitation>(INVITATION),
    session: id => get<Session>(SESSION + id),
    sessions: () => all<Session>(SESSION),
    passkey: id => get<Passkey>(PASSKEY + id),
    passkeys: () => all<Passkey>(PASSKEY),
    settings: () => get<PeopleSettings>(SETTINGS) ?? { showPeopleNames: false },
    write (change) {
      const ops: WriteOp[] = [
        ...(change.people ?? []).map(p => put(PERSON + p.id, p)),
        ...(change.invitations ?? []).map(i => put(INVITATION + i.id, i)),
        ...(change.sessions ?? []).map(s => put(SESSION + s.id, s)),
        ...(change.passkeys ?? []).map(k => put(PASSKEY + k.id, k)),
        ...(change.settings != null ? [put(SETTINGS, change.settings)] : []),
        ...(change.drop ?? []).map(({ kind, id }): WriteOp => ({ type: 'del', key: prefix[kind] + id }))
      ]
      if (ops.length > 0) storage.write(ops)
    }
  }
}
