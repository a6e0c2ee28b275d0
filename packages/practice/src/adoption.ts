/**
 * Adoption states and activity: signed statements an organisation makes about itself, the rules
 * that check them and the history they add up to (docs/practice.md).
 */
import {
  AdoptionStateUnknownError, InvalidInputError, InvalidStatementError, TextTooLongError, signJson, verifyJsonSignature
} from '@commonplace/core'
import type { PrivateKey } from '@libp2p/interface'
import { AdoptionState, MAX_ADOPTION_HISTORY, MAX_NOTE_CHARS, PREFIX } from './constants.ts'
import { countField, docField, isObject, networkField, optionalText, orgField, sigField, timeField } from './fields.ts'

/** One change of an organisation's adoption state of a practice. */
export interface AdoptionStatement {
  type: 'adoption'
  org: string
  /** The network it is shared with; absent in the organisation's private log. */
  network?: string
  practice: string
  /** This organisation's count of changes for this practice, from 1. */
  seq: number
  state: AdoptionState
  at: number
  note?: string
  /** For `adapted`: the organisation's variant. */
  variant?: string
  /** For `discontinued`: why. */
  reason?: string
  sig: string
}

/** An organisation's activity in one month, as it shares it with one network. */
export interface ActivityStatement {
  type: 'activity'
  org: string
  network: string
  /** `YYYY-MM` (UTC). */
  month: string
  /** Grows with each new version of the month's counts; the highest wins. */
  seq: number
  edits: number
  adaptations: number
  proposals: number
  /** Comments written (docs/history.md); absent in statements signed before comments existed. */
  comments?: number
  /** The last activity counted (ms). */
  lastAt: number
  sig: string
}

export type Unsigned<S> = Omit<S, 'sig'>

/** What a person asks to record. */
export interface AdoptionChange {
  state: string
  note?: string
  variant?: string
  reason?: string
}

const STATES = new Set<string>(Object.values(AdoptionState))
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/

/**
 * Check a change a person asks for: a known state, bounded texts, a variant for `adapted` and a
 * reason for `discontinued`.
 * @throws AdoptionStateUnknownError, TextTooLongError, InvalidInputError
 */
export function validateAdoptionChange (change: AdoptionChange): AdoptionChange & { state: AdoptionState } {
  if (!STATES.has(change.state)) {
    throw new AdoptionStateUnknownError(`Unknown adoption state ${JSON.stringify(String(change.state).slice(0, 40))}: use one of ${[...STATES].join(', ')}`)
  }
  for (const key of ['note', 'reason'] as const) {
    const value = change[key]
    if (value !== undefined && typeof value !== 'string') throw new InvalidInputError(`"${key}" must be a string`)
    if (value !== undefined && value.length > MAX_NOTE_CHARS) throw new TextTooLongError(`The ${key} is longer than ${MAX_NOTE_CHARS} characters`)
  }
  if (change.state === 'adapted' && change.variant === undefined) throw new InvalidInputError('"adapted" needs the variant (our adapted document)')
  if (change.state !== 'adapted' && change.variant !== undefined) throw new InvalidInputError('A variant goes only with "adapted"')
  if (change.state === 'discontinued' && (change.reason ?? '').trim() === '') throw new InvalidInputError('"discontinued" needs a reason')
  return change as AdoptionChange & { state: AdoptionState }
}

/** The key of a statement in an adoption log: one key per change, so concurrent writes never collide. */
export function adoptionKey (s: { practice: string, seq: number }): string {
  return `${s.practice}/${s.seq}`
}

/** The key of a month's activity in an adoption log. */
export function activityKey (month: string): string {
  return `activity/${month}`
}

/** `YYYY-MM` of a time, in UTC. */
export function monthOf (ms: number): string {
  const index = monthIndex(ms)
  return `${Math.floor(index / 12)}-${String(index % 12 + 1).padStart(2, '0')}`
}

/**
 * year × 12 + (month − 1) of a time in UTC, by integer arithmetic (days to civil date, after
 * H. Hinnant's algorithm): the diffusion view takes it for every statement, and a Date per call
 * costs more than the rest of the view.
 */
export function monthIndex (ms: number): number {
  const z = Math.floor(ms / 86_400_000) + 719_468
  const era = Math.floor(z / 146_097)
  const doe = z - era * 146_097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const month = mp < 10 ? mp + 3 : mp - 9
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0)
  return year * 12 + month - 1
}

export async function signAdoption (key: PrivateKey, unsigned: Unsigned<AdoptionStatement>): Promise<AdoptionStatement> {
  return await signJson<AdoptionStatement>(key, PREFIX.adoption, unsigned)
}

export async function signActivity (key: PrivateKey, unsigned: Unsigned<ActivityStatement>): Promise<ActivityStatement> {
  return await signJson<ActivityStatement>(key, PREFIX.activity, unsigned)
}

/**
 * Check a log entry: its shape, that it sits under its own key, that it names `expect.org` and
 * `expect.network`, and that `expect.org` signed it.
 * @throws InvalidStatementError
 */
export async function verifyLogEntry (key: string, value: unknown, expect: { org: string, network?: string }): Promise<AdoptionStatement | ActivityStatement> {
  const s = checkEntryShape(value)
  const expectedKey = s.type === 'adoption' ? adoptionKey(s) : activityKey(s.month)
  if (expectedKey !== key) throw new InvalidStatementError(`A ${s.type} statement under the wrong key ${JSON.stringify(key.slice(0, 80))}`)
  if (s.org !== expect.org) throw new InvalidStatementError(`A ${s.type} statement of ${s.org} in ${expect.org}'s log`)
  if (s.network !== expect.network) throw new InvalidStatementError(`A ${s.type} statement for another network`)
  if (!(await verifyJsonSignature(s.type === 'adoption' ? PREFIX.adoption : PREFIX.activity, s, s.org))) {
    throw new InvalidStatementError(`A ${s.type} statement not signed by ${s.org}`)
  }
  return s
}

function checkEntryShape (value: unknown): AdoptionStatement | ActivityStatement {
  try {
    if (!isObject(value)) throw new Error('not an object')
    sigField(value.sig)
    orgField(value.org, 'org')
    if (value.type === 'adoption') {
      if (value.network !== undefined) networkField(value.network)
      docField(value.practice, 'practice')
      if (!Number.isSafeInteger(value.seq) || (value.seq as number) < 1) throw new Error('bad seq')
      if (!STATES.has(value.state as string)) throw new Error('unknown state')
      timeField(value.at, 'at')
      optionalText(value.note, 'note'); optionalText(value.reason, 'reason')
      if (value.variant !== undefined) docField(value.variant, 'variant')
      return value as unknown as AdoptionStatement
    }
    if (value.type === 'activity') {
      networkField(value.network)
      if (typeof value.month !== 'string' || !MONTH.test(value.month)) throw new Error('bad month')
      for (const name of ['seq', 'edits', 'adaptations', 'proposals'] as const) countField(value[name], name)
      if (value.comments !== undefined) countField(value.comments, 'comments')
      timeField(value.lastAt, 'lastAt')
      return value as unknown as ActivityStatement
    }
    throw new Error('unknown type')
  } catch (err) {
    throw new InvalidStatementError(`Invalid log entry: ${(err as Error).message}`, { cause: err })
  }
}

/**
 * Per (organisation, practice), its changes in `seq` order, the latest `MAX_ADOPTION_HISTORY` only.
 * Two statements with one seq (an organisation that signed twice) keep the later `at`, then the
 * greater signature, so every node keeps the same one.
 */
export function adoptionHistories (statements: Iterable<AdoptionStatement>): Map<string, AdoptionStatement[]> {
  // nested maps: no key string is built per statement (the diffusion view reads hundreds of thousands)
  const byOrg = new Map<string, Map<string, AdoptionStatement[]>>()
  for (const s of statements) {
    let byPractice = byOrg.get(s.org)
    if (byPractice === undefined) { byPractice = new Map(); byOrg.set(s.org, byPractice) }
    const list = byPractice.get(s.practice)
    if (list === undefined) byPractice.set(s.practice, [s])
    else list.push(s)
  }
  const out = new Map<string, AdoptionStatement[]>()
  for (const [org, byPractice] of byOrg) {
    for (const [practice, list] of byPractice) out.set(`${org} ${practice}`, practiceHistory(list))
  }
  return out
}

/**
 * One (organisation, practice)'s statements in seq order, one per seq, the latest
 * `MAX_ADOPTION_HISTORY`, as `adoptionHistories` keeps them. `list` may be sorted in place and
 * is returned itself when it needs nothing.
 */
export function practiceHistory (list: AdoptionStatement[]): AdoptionStatement[] {
  // a log's entries usually come in strictly rising seq order already (then one per seq): nothing to do
  let ordered = true
  for (let i = 1; i < list.length && ordered; i++) ordered = list[i - 1].seq < list[i].seq
  let kept = list
  if (!ordered) {
    list.sort((a, b) => a.seq - b.seq || a.at - b.at || (a.sig < b.sig ? -1 : a.sig > b.sig ? 1 : 0))
    // of each run of one seq, the last (latest at, then greatest sig) stays
    kept = list.filter((s, i) => i === list.length - 1 || list[i + 1].seq !== s.seq)
  }
  return kept.length > MAX_ADOPTION_HISTORY ? kept.slice(-MAX_ADOPTION_HISTORY) : kept
}

/** Per (organisation, month), the activity statement with the highest seq. */
export function latestActivity (statements: Iterable<ActivityStatement>): ActivityStatement[] {
  const latest = new Map<string, ActivityStatement>()
  for (const s of statements) {
    const key = `${s.org} ${s.month}`
    const held = latest.get(key)
    if (held === undefined || s.seq > held.seq || (s.seq === held.seq && s.sig > held.sig)) latest.set(key, s)
  }
  return [...latest.values()]
}
