/**
 * The diffusion view of a network: a pure function of the roster, the verified statements its
 * members shared with it and the records held (docs/practice.md). Same inputs, same view.
 */
import { SPREAD_STATES } from './constants.ts'
import type { AdoptionState } from './constants.ts'
import { adoptionHistories, latestActivity, monthIndex } from './adoption.ts'
import type { ActivityStatement, AdoptionStatement } from './adoption.ts'
import { familyRoot, treeOf } from './family.ts'
import type { FamilyNode, LineageIndex } from './family.ts'

export interface DiffusionInput {
  members: ReadonlyArray<{ org: string, name: string, role: 'facilitator' | 'member' }>
  /** Verified statements of members for this network (others are ignored). */
  adoption: Iterable<AdoptionStatement>
  activity: Iterable<ActivityStatement>
  /** The records this node holds. */
  lineage: LineageIndex
  now: number
  quietWeeks: number
}

export interface Cell {
  org: string
  family: string
  practice: string
  state: AdoptionState
  at: number
  note?: string
  variant?: string
  reason?: string
}

export interface ActivityRow {
  org: string
  month: string
  adoptionChanges: number
  edits: number
  adaptations: number
  proposals: number
  comments: number
}

export interface Diffusion {
  families: Array<{ id: string, title: string, owner: string, tree: FamilyNode }>
  matrix: Cell[]
  curve: CurvePoint[]
  activity: ActivityRow[]
  quiet: Array<{ org: string, name: string, lastActive?: number }>
}

/** The states a curve counts: an organisation is spreading a practice while in one of them. */
type SpreadState = 'trialling' | 'adopted' | 'adapted'

/** One month of the curve, counted at the month's end (organisation-family pairs). */
export interface CurvePoint {
  month: string
  total: number
  byFamily: Record<string, number>
  /** Over all families, by the state the organisation was in. */
  byState: Record<SpreadState, number>
}

const WEEK_MS = 7 * 24 * 3600 * 1000

/**
 * Compute the view. Linear in the statements and records, plus sorting: the statements are grouped
 * once, and one walk over each (organisation, family) timeline yields its cell, its part of the
 * curve, the activity counts and the organisation's last change (each statement's month computed
 * once). `diffusionCore` then `finishDiffusion`, so a caller may keep the core while its inputs
 * stay the same and only finish it for a later `now`.
 */
export function diffusionView (input: DiffusionInput): Diffusion {
  return finishDiffusion(diffusionCore(input), input.now, input.quietWeeks)
}

/** What the view is, apart from the clock: everything but the curve's last months and the quiet members. */
export interface DiffusionCore {
  members: DiffusionInput['members']
  families: Diffusion['families']
  matrix: Cell[]
  activity: ActivityRow[]
  deltas: Walk['deltas']
  stateDeltas: Walk['stateDeltas']
  first: number
  /** organisation → its latest adoption change or shared activity */
  lastActive: Map<string, number>
}

/** The part of the view that does not depend on `now` or the quiet period (`input.now` is not read). */
export function diffusionCore (input: Omit<DiffusionInput, 'now' | 'quietWeeks'>): DiffusionCore {
  const members = new Set(input.members.map(m => m.org))
  const docs = input.lineage.docs
  const histories = adoptionHistories(filtered(input.adoption, s => members.has(s.org) && docs.has(s.practice)))
  const timelines = familyTimelines(histories, memoRoot(input.lineage))
  const walk = walkTimelines(timelines)
  const matrix = walk.matrix.sort(byOrgFamily)
  const familyIds = [...new Set(matrix.map(c => c.family))].sort()
  const shared = latestActivity(filtered(input.activity, s => members.has(s.org)))
  return {
    members: input.members,
    families: familyIds.map(id => familyEntry(input.lineage, id)),
    matrix,
    activity: activityRows(walk.changes, shared),
    deltas: walk.deltas,
    stateDeltas: walk.stateDeltas,
    first: walk.first,
    lastActive: lastActive(walk.last, shared)
  }
}

/** The view at `now`: the core with the curve up to now's month and the members quiet for `quietWeeks`. */
export function finishDiffusion (core: DiffusionCore, now: number, quietWeeks: number): Diffusion {
  return {
    families: core.families,
    matrix: core.matrix,
    curve: diffusionCurve(core, now),
    activity: core.activity,
    quiet: quietMembers(core.members, core.lastActive, now - quietWeeks * WEEK_MS)
  }
}

function * filtered<T> (items: Iterable<T>, keep: (item: T) => boolean): Iterable<T> {
  for (const item of items) if (keep(item)) yield item
}

interface Walk {
  matrix: Cell[]
  /** month index → family → change in the number of organisations spreading it */
  deltas: Map<number, Map<string, number>>
  /** month index → state → change in the number of (organisation, family) pairs in that state */
  stateDeltas: Map<number, Record<SpreadState, number>>
  first: number
  /** organisation → month index → adoption changes */
  changes: Map<string, Map<number, number>>
  /** organisation → its latest change */
  last: Map<string, number>
}

/** One walk over every timeline: its cell, curve deltas (the state at a month's end is that month's last change), activity counts, last change. */
function walkTimelines (timelines: Timeline[]): Walk {
  const walk: Walk = { matrix: [], deltas: new Map(), stateDeltas: new Map(), first: Infinity, changes: new Map(), last: new Map() }
  for (const { family, changes } of timelines) {
    const org = changes[0].org
    let byMonth = walk.changes.get(org)
    if (byMonth === undefined) { byMonth = new Map(); walk.changes.set(org, byMonth) }
    const latest = changes[changes.length - 1]
    walk.matrix.push(cellOf(family, latest))
    if (latest.at > (walk.last.get(org) ?? -1)) walk.last.set(org, latest.at)
    let spreading: SpreadState | undefined
    let month = monthIndex(changes[0].at)
    if (month < walk.first) walk.first = month
    for (let i = 0; i < changes.length; i++) {
      const next = i + 1 < changes.length ? monthIndex(changes[i + 1].at) : Infinity
      byMonth.set(month, (byMonth.get(month) ?? 0) + 1)
      if (next !== month) {
        const state = changes[i].state
        const spread = SPREAD_STATES.has(state) ? state as SpreadState : undefined
        if ((spread === undefined) !== (spreading === undefined)) addDelta(walk.deltas, month, family, spread !== undefined ? 1 : -1)
        if (spread !== spreading) addStateDelta(walk.stateDeltas, month, spreading, spread)
        spreading = spread
      }
      month = next
    }
  }
  return walk
}

function memoRoot (lineage: LineageIndex): (practice: string) => string {
  const roots = new Map<string, string>()
  return practice => {
    let root = roots.get(practice)
    if (root === undefined) { root = familyRoot(lineage, practice); roots.set(practice, root) }
    return root
  }
}

/** Per (organisation, family), every change, in time order (then practice, then seq). */
function familyTimelines (histories: Map<string, AdoptionStatement[]>, familyOf: (practice: string) => string): Timeline[] {
  const byOrg = new Map<string, Map<string, Timeline>>()
  for (const history of histories.values()) {
    const family = familyOf(history[0].practice)
    let byFamily = byOrg.get(history[0].org)
    if (byFamily === undefined) { byFamily = new Map(); byOrg.set(history[0].org, byFamily) }
    const timeline = byFamily.get(family)
    if (timeline === undefined) byFamily.set(family, { family, changes: history.slice() })
    else for (const s of history) timeline.changes.push(s)
  }
  const out: Timeline[] = []
  for (const byFamily of byOrg.values()) for (const timeline of byFamily.values()) out.push(timeline)
  for (const { changes } of out) {
    if (changes.length > 1) changes.sort((a, b) => a.at - b.at || (a.practice < b.practice ? -1 : a.practice > b.practice ? 1 : a.seq - b.seq))
  }
  return out
}

interface Timeline { family: string, changes: AdoptionStatement[] }

function cellOf (family: string, s: AdoptionStatement): Cell {
  const cell: Cell = { org: s.org, family, practice: s.practice, state: s.state, at: s.at }
  if (s.note !== undefined) cell.note = s.note
  if (s.variant !== undefined) cell.variant = s.variant
  if (s.reason !== undefined) cell.reason = s.reason
  return cell
}

function familyEntry (lineage: LineageIndex, id: string): Diffusion['families'][number] {
  const root = lineage.docs.get(id)
  const tree = treeOf(lineage, id, root?.owner ?? '')
  const title = root?.title ?? firstTitle(tree) ?? id
  return { id, title, owner: root?.owner ?? tree.org, tree }
}

function firstTitle (node: FamilyNode): string | undefined {
  if (node.title !== undefined) return node.title
  for (const child of node.children) {
    const title = firstTitle(child)
    if (title !== undefined) return title
  }
  return undefined
}

/**
 * By month from the first change to `now`: how many organisations were, at the month's end,
 * trialling, adopted or adapted, per family and in total (organisation-family pairs).
 */
function diffusionCurve (core: DiffusionCore, now: number): CurvePoint[] {
  const { deltas, stateDeltas, first } = core
  if (first === Infinity) return []
  const counts: Record<string, number> = {}
  const byState: Record<SpreadState, number> = { trialling: 0, adopted: 0, adapted: 0 }
  let total = 0
  const out: CurvePoint[] = []
  const last = Math.max(monthIndex(now), first)
  for (let month = first; month <= last && out.length < MAX_MONTHS; month++) {
    for (const [family, delta] of deltas.get(month) ?? []) {
      counts[family] = (counts[family] ?? 0) + delta
      total += delta
    }
    const states = stateDeltas.get(month)
    if (states !== undefined) for (const state of SPREAD_LIST) byState[state] += states[state]
    out.push({ month: monthLabel(month), total, byFamily: { ...counts }, byState: { ...byState } })
  }
  return out
}

const SPREAD_LIST: readonly SpreadState[] = ['trialling', 'adopted', 'adapted']

function addStateDelta (deltas: Walk['stateDeltas'], month: number, from: SpreadState | undefined, to: SpreadState | undefined): void {
  let byState = deltas.get(month)
  if (byState === undefined) { byState = { trialling: 0, adopted: 0, adapted: 0 }; deltas.set(month, byState) }
  if (from !== undefined) byState[from]--
  if (to !== undefined) byState[to]++
}

/** Most months a curve covers (fifty years). */
const MAX_MONTHS = 600

function monthLabel (index: number): string {
  return `${Math.floor(index / 12)}-${String(index % 12 + 1).padStart(2, '0')}`
}

function addDelta (deltas: Map<number, Map<string, number>>, month: number, family: string, delta: number): void {
  let byFamily = deltas.get(month)
  if (byFamily === undefined) { byFamily = new Map(); deltas.set(month, byFamily) }
  byFamily.set(family, (byFamily.get(family) ?? 0) + delta)
}

/** `YYYY-MM` months from `first` to `last`, inclusive (at most 600: fifty years). */
export function monthsFrom (first: string, last: string): string[] {
  const out: string[] = []
  let year = Number(first.slice(0, 4))
  let month = Number(first.slice(5, 7))
  while (out.length < 600) {
    const label = `${year}-${String(month).padStart(2, '0')}`
    if (label > last) break
    out.push(label)
    month++
    if (month > 12) { month = 1; year++ }
  }
  return out
}

function activityRows (changes: Walk['changes'], activity: ActivityStatement[]): ActivityRow[] {
  const rows = new Map<string, ActivityRow>()
  const row = (org: string, month: string): ActivityRow => {
    const key = `${org} ${month}`
    let r = rows.get(key)
    if (r === undefined) { r = { org, month, adoptionChanges: 0, edits: 0, adaptations: 0, proposals: 0, comments: 0 }; rows.set(key, r) }
    return r
  }
  for (const [org, byMonth] of changes) for (const [month, n] of byMonth) row(org, monthLabel(month)).adoptionChanges += n
  for (const s of activity) {
    const r = row(s.org, s.month)
    r.edits = s.edits
    r.adaptations = s.adaptations
    r.proposals = s.proposals
    r.comments = s.comments ?? 0
  }
  return [...rows.values()].sort((a, b) => (a.org < b.org ? -1 : a.org > b.org ? 1 : 0) || (a.month < b.month ? -1 : a.month > b.month ? 1 : 0))
}

function lastActive (lastChange: Walk['last'], activity: ActivityStatement[]): Map<string, number> {
  const last = new Map(lastChange)
  for (const s of activity) if (s.edits + s.adaptations + s.proposals + (s.comments ?? 0) > 0 && s.lastAt > (last.get(s.org) ?? -1)) last.set(s.org, s.lastAt)
  return last
}

function quietMembers (members: DiffusionInput['members'], last: Map<string, number>, since: number): Diffusion['quiet'] {
  return members
    .filter(m => (last.get(m.org) ?? -1) < since)
    .map(m => ({ org: m.org, name: m.name, ...(last.has(m.org) ? { lastActive: last.get(m.org) } : {}) }))
    .sort((a, b) => (a.org < b.org ? -1 : a.org > b.org ? 1 : 0))
}

function byOrgFamily (a: Cell, b: Cell): number {
  return a.org < b.org ? -1 : a.org > b.org ? 1 : a.family < b.family ? -1 : a.family > b.family ? 1 : 0
}
