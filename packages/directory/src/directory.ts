/**
 * The directory on the storage port: contacts (added or accepted), the introductions waiting for
 * a person, notices, and what this node remembers of organisations it met. Keys (docs/storage.md):
 *   d/c/<org>               a contact or an organisation whose card we added (awaiting)
 *   d/i/<org>               an introduction waiting here (one per organisation, the newest)
 *   d/n/<at, 16 digits>/<r> a notice
 *   d/m/<org>               an organisation met: its name as it gave it, when last connected
 */
import { toString as u8ToString, fromString as u8FromString } from 'uint8arrays'
import { IntroductionRefusedError } from '@commonplace/core'
import type { DocId, KeyValueStore, OrgId, WriteOp } from '@commonplace/core'
import { MAX_NOTICES, MAX_PENDING_INTRODUCTIONS } from './constants.ts'
import type { CardStatement } from './statements.ts'

export type ContactStatus = 'contact' | 'awaiting'

export interface ContactEntry {
  org: OrgId
  name: string
  addresses: string[]
  status: ContactStatus
  /** When it entered its current status (ms since epoch). */
  since: number
  /** Its card as we received it. */
  card?: CardStatement
  /** Its card's introduction secret (base64url), kept while our introduction has not reached it. */
  secret?: string
  /** What still has to reach its node: our introduction, or our acceptance of its introduction. */
  pending?: 'introduce' | 'accept'
}

export interface IntroductionEntry {
  org: OrgId
  name: string
  addresses: string[]
  card: CardStatement
  receivedAt: number
  expiresAt: number
}

export interface Notice {
  id: string
  /** `proposal`: one arrived at the source's owner; `outcome`: the owner's decision, at the proposer. */
  kind: 'shared' | 'introduction' | 'accepted' | 'proposal' | 'outcome'
  at: number
  org: OrgId
  orgName: string
  doc?: DocId
  docTitle?: string
  text: string
  read: boolean
}

export interface MetEntry {
  name?: string
  lastSeen?: number
}

export interface Directory {
  contact(org: OrgId): ContactEntry | undefined
  contacts(): ContactEntry[]
  putContact(entry: ContactEntry): void
  removeContact(org: OrgId): void
  introduction(org: OrgId, now: number): IntroductionEntry | undefined
  /** Waiting introductions, expired ones dropped. */
  introductions(now: number): IntroductionEntry[]
  /**
   * Keep an introduction (the newest per organisation replaces the older).
   * @throws IntroductionRefusedError when MAX_PENDING_INTRODUCTIONS others wait already
   */
  addIntroduction(entry: IntroductionEntry, now: number): void
  removeIntroduction(org: OrgId): void
  /** Newest first. */
  notices(): Notice[]
  /** Keep notices in one write (the oldest beyond MAX_NOTICES go); returns them with their ids. */
  addNotices(notices: Array<Omit<Notice, 'id' | 'read'>>): Notice[]
  /** Mark the given notices (every one without ids) read. */
  readNotices(ids?: string[]): void
  met(org: OrgId): MetEntry | undefined
  allMet(): Map<OrgId, MetEntry>
  putMet(org: OrgId, entry: MetEntry): void
}

const CONTACT = 'd/c/'
const INTRO = 'd/i/'
const NOTICE = 'd/n/'
const MET = 'd/m/'
const NOTICE_RANGE = { gte: NOTICE, lt: 'd/n0' }

/** The directory on a key-value store (the node's database). */
export function createDirectory (storage: KeyValueStore): Directory {
  const get = <T>(key: string): T | undefined => {
    const bytes = storage.get(key)
    return bytes == null ? undefined : JSON.parse(u8ToString(bytes)) as T
  }
  const put = (key: string, value: unknown): WriteOp => ({ type: 'put', key, value: u8FromString(JSON.stringify(value)) })
  const all = <T>(prefix: string, reverse = false): Array<[string, T]> =>
    storage.range({ gte: prefix, lt: prefix.slice(0, -1) + '0', reverse }).map(([k, v]) => [k, JSON.parse(u8ToString(v)) as T])

  /** How many notices are kept (read once, at the first notice added). */
  let noticeCount: number | undefined

  const introductions = (now: number): IntroductionEntry[] => {
    const entries = all<IntroductionEntry>(INTRO)
    const expired = entries.filter(([, e]) => e.expiresAt <= now)
    if (expired.length > 0) storage.write(expired.map(([key]) => ({ type: 'del', key })))
    return entries.filter(([, e]) => e.expiresAt > now).map(([, e]) => e)
  }

  const addNotices = (list: Array<Omit<Notice, 'id' | 'read'>>): Notice[] => {
    if (list.length === 0) return []
    const random = crypto.getRandomValues(new Uint8Array(6 * list.length))
    const notices = list.map((fields, i): Notice => ({
      ...fields, id: `${String(fields.at).padStart(16, '0')}/${u8ToString(random.subarray(6 * i, 6 * i + 6), 'base64url')}`, read: false
    }))
    // counted once, then kept: a notice per arriving document must not read all the others
    noticeCount ??= storage.range(NOTICE_RANGE).length
    const kept = notices.slice(-MAX_NOTICES)
    const surplus = noticeCount + kept.length - MAX_NOTICES
    const oldest = surplus > 0 ? storage.range({ ...NOTICE_RANGE, limit: surplus }) : []
    storage.write([...kept.map(n => put(NOTICE + n.id, n)), ...oldest.map(([key]): WriteOp => ({ type: 'del', key }))])
    noticeCount += kept.length - oldest.length
    return notices
  }

  return {
    contact: org => get<ContactEntry>(CONTACT + org),
    contacts: () => all<ContactEntry>(CONTACT).map(([, e]) => e),
    putContact (entry) { storage.write([put(CONTACT + entry.org, entry)]) },
    removeContact (org) { storage.write([{ type: 'del', key: CONTACT + org }]) },
    introduction: (org, now) => introductions(now).find(e => e.org === org),
    introductions,
    addIntroduction (entry, now) {
      const waiting = introductions(now)
      if (!waiting.some(e => e.org === entry.org) && waiting.length >= MAX_PENDING_INTRODUCTIONS) {
        throw new IntroductionRefusedError(`${MAX_PENDING_INTRODUCTIONS} introductions already wait at this organisation`)
      }
      storage.write([put(INTRO + entry.org, entry)])
    },
    removeIntroduction (org) { storage.write([{ type: 'del', key: INTRO + org }]) },
    notices: () => all<Notice>(NOTICE, true).map(([, n]) => n),
    addNotices,
    readNotices (ids) {
      const wanted = ids == null ? undefined : new Set(ids)
      const ops = all<Notice>(NOTICE)
        .filter(([, n]) => !n.read && (wanted == null || wanted.has(n.id)))
        .map(([key, n]) => put(key, { ...n, read: true }))
      if (ops.length > 0) storage.write(ops)
    },
    met: org => get<MetEntry>(MET + org),
    allMet: () => new Map(all<MetEntry>(MET).map(([key, e]) => [key.slice(MET.length) as OrgId, e])),
    putMet (org, entry) { storage.write([put(MET + org, entry)]) }
  }
}
