/**
 * One organisation's share of a diffusion view (docs/practice.md): everything its own statements
 * give, under the family roots of a lineage. The view is these parts put together, so a node whose
 * one log changed computes that organisation's part again and keeps the others.
 */
import { SPREAD_STATES } from './constants.ts'
import { latestActivity, monthIndex, practiceHistory } from './adoption.ts'
import type { ActivityStatement, AdoptionStatement } from './adoption.ts'
import type { ActivityRow, Cell, SpreadState } from './diffusion.ts'

/** month index → family → change in the number of organisations spreading it */
export type FamilyDeltas = Map<number, Map<string, number>>
/** One organisation's changes of the curve, one entry per (month, family) at most, in parallel lists. */
export interface DeltaList { months: number[], families: string[], values: number[] }
/** month index → state → change in the number of (organisation, family) pairs in that state */
export type StateDeltas = Map<number, Record<SpreadState, number>>

export interface OrgPart {
  org: string
  /** Every practice its statements name → its family root, `undefined` when not held: the part holds while these do. */
  roots: Map<string, string | undefined>
  /** Its cells, one per family, by family id. */
  cells: Cell[]
  deltas: DeltaList
  stateDeltas: StateDeltas
  /** Month index of its first change (`Infinity`: none). */
  first: number
  /** Its activity rows, by month. */
  rows: ActivityRow[]
  /** Its latest adoption change or shared activity, if any. */
  lastActive?: number
}

/** The family root of a practice, `undefined` when the practice is not held here. */
export type RootOf = (practice: string) => string | undefined

/**
 * `org`'s part from its statements (others' are ignored): its histories grouped once, then one walk
 * over each (family) timeline yields the cell, the curve's changes and the activity counts.
 */
export function orgPart (org: string, adoption: Iterable<AdoptionStatement>, activity: Iterable<ActivityStatement>, rootOf: RootOf): OrgPart {
  const roots = new Map<string, string | undefined>()
  // its statements by practice, of the practices held here (plain loops: hundreds of thousands pass)
  const byPractice = new Map<string, AdoptionStatement[]>()
  for (const s of adoption) {
    if (s.org !== org) continue
    let list = byPractice.get(s.practice)
    if (list === undefined) {
      if (roots.has(s.practice)) continue
      const root = rootOf(s.practice)
      roots.set(s.practice, root)
      if (root === undefined) continue
      byPractice.set(s.practice, list = [])
    }
    list.push(s)
  }
  const walk = walkTimelines(familyTimelines(byPractice, practice => roots.get(practice) as string))
  const own: ActivityStatement[] = []
  for (const s of activity) if (s.org === org) own.push(s)
  const shared = latestActivity(own)
  let lastActive = walk.last
  for (const s of shared) if (s.edits + s.adaptations + s.proposals + (s.comments ?? 0) > 0 && s.lastAt > (lastActive ?? -1)) lastActive = s.lastAt
  return {
    org,
    roots,
    cells: walk.cells.sort((a, b) => (a.family < b.family ? -1 : a.family > b.family ? 1 : 0)),
    deltas: walk.deltas,
    stateDeltas: walk.stateDeltas,
    first: walk.first,
    rows: activityRows(org, walk.changes, shared),
    ...(lastActive !== undefined ? { lastActive } : {})
  }
}

/** Whether `part` was computed under the same family roots as `rootOf` gives. */
export function sameRoots (part: OrgPart, rootOf: RootOf): boolean {
  for (const [practice, root] of part.roots) if (rootOf(practice) !== root) return false
  return true
}

interface Walk {
  cells: Cell[]
  deltas: DeltaList
  stateDeltas: StateDeltas
  first: number
  /** month index → adoption changes */
  changes: Map<number, number>
  last?: number
}

interface Timeline { family: string, changes: AdoptionStatement[] }

/** One walk over the timelines: cell, curve deltas (the state at a month's end is that month's last change), activity counts, last change. */
function walkTimelines (timelines: Iterable<Timeline>): Walk {
  const walk: Walk = { cells: [], deltas: { months: [], families: [], values: [] }, stateDeltas: new Map(), first: Infinity, changes: new Map() }
  const { months, families, values } = walk.deltas
  for (const { family, changes } of timelines) {
    const latest = changes[changes.length - 1]
    walk.cells.push(cellOf(family, latest))
    if (latest.at > (walk.last ?? -1)) walk.last = latest.at
    let spreading: SpreadState | undefined
    let month = monthIndex(changes[0].at)
    if (month < walk.first) walk.first = month
    for (let i = 0; i < changes.length; i++) {
      const next = i + 1 < changes.length ? monthIndex(changes[i + 1].at) : Infinity
      walk.changes.set(month, (walk.changes.get(month) ?? 0) + 1)
      if (next !== month) {
        const state = changes[i].state
        const spread = SPREAD_STATES.has(state) ? state as SpreadState : undefined
        if ((spread === undefined) !== (spreading === undefined)) {
          months.push(month)
          families.push(family)
          values.push(spread !== undefined ? 1 : -1)
        }
        if (spread !== spreading) addStateDelta(walk.stateDeltas, month, spreading, spread, 1)
        spreading = spread
      }
      month = next
    }
  }
  return walk
}

/**
 * Per family, every change of the organisation, in time order (then practice, then seq), from its
 * statements by practice (whose lists it takes over).
 */
function familyTimelines (byPractice: Map<string, AdoptionStatement[]>, familyOf: (practice: string) => string): Iterable<Timeline> {
  const byFamily = new Map<string, Timeline>()
  for (const [practice, list] of byPractice) {
    const history = practiceHistory(list)
    const family = familyOf(practice)
    const timeline = byFamily.get(family)
    if (timeline === undefined) byFamily.set(family, { family, changes: history })
    else for (const s of history) timeline.changes.push(s)
  }
  for (const { changes } of byFamily.values()) {
    if (changes.length > 1) changes.sort((a, b) => a.at - b.at || (a.practice < b.practice ? -1 : a.practice > b.practice ? 1 : a.seq - b.seq))
  }
  return byFamily.values()
}

function cellOf (family: string, s: AdoptionStatement): Cell {
  const cell: Cell = { org: s.org, family, practice: s.practice, state: s.state, at: s.at }
  if (s.note !== undefined) cell.note = s.note
  if (s.variant !== undefined) cell.variant = s.variant
  if (s.reason !== undefined) cell.reason = s.reason
  return cell
}

/** Add `delta` to one (month, family); a count back at zero is removed, so that parts added and taken away leave no trace. */
export function addDelta (deltas: FamilyDeltas, month: number, family: string, delta: number): void {
  let byFamily = deltas.get(month)
  if (byFamily === undefined) { byFamily = new Map(); deltas.set(month, byFamily) }
  const n = (byFamily.get(family) ?? 0) + delta
  if (n === 0) byFamily.delete(family)
  else byFamily.set(family, n)
}

/** One move from state `from` to `to` (either may be none), `sign` times. */
function addStateDelta (deltas: StateDeltas, month: number, from: SpreadState | undefined, to: SpreadState | undefined, sign: number): void {
  let byState = deltas.get(month)
  if (byState === undefined) { byState = { trialling: 0, adopted: 0, adapted: 0 }; deltas.set(month, byState) }
  if (from !== undefined) byState[from] -= sign
  if (to !== undefined) byState[to] += sign
}

/** Add (`sign` 1) or take away (-1) a part's curve changes to or from a network's. */
export function applyDeltas (into: { deltas: FamilyDeltas, stateDeltas: StateDeltas }, part: OrgPart, sign: 1 | -1): void {
  const { months, families, values } = part.deltas
  for (let i = 0; i < months.length; i++) addDelta(into.deltas, months[i], families[i], sign * values[i])
  for (const [month, byState] of part.stateDeltas) {
    let held = into.stateDeltas.get(month)
    if (held === undefined) { held = { trialling: 0, adopted: 0, adapted: 0 }; into.stateDeltas.set(month, held) }
    held.trialling += sign * byState.trialling
    held.adopted += sign * byState.adopted
    held.adapted += sign * byState.adapted
  }
}

function activityRows (org: string, changes: Walk['changes'], activity: ActivityStatement[]): ActivityRow[] {
  const rows = new Map<string, ActivityRow>()
  const row = (month: string): ActivityRow => {
    let r = rows.get(month)
    if (r === undefined) { r = { org, month, adoptionChanges: 0, edits: 0, adaptations: 0, proposals: 0, comments: 0 }; rows.set(month, r) }
    return r
  }
  for (const [month, n] of changes) row(monthLabel(month)).adoptionChanges += n
  for (const s of activity) {
    const r = row(s.month)
    r.edits = s.edits
    r.adaptations = s.adaptations
    r.proposals = s.proposals
    r.comments = s.comments ?? 0
  }
  return [...rows.values()].sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0))
}

/** `YYYY-MM` of a month index. */
export function monthLabel (index: number): string {
  return `${Math.floor(index / 12)}-${String(index % 12 + 1).padStart(2, '0')}`
}
