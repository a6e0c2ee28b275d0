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
  curve: Array<{ month: string, total: number, byFamily: Record<string, number> }>
  activity: ActivityRow[]
  quiet: Array<{ org: string, name: string, lastActive?: number }>
}

const WEEK_MS = 7 * 24 * 3600 * 1000

/** Compute the view. Linear in the statements and records, plus sorting. */
export function diffusionView (input: DiffusionInput): Diffusion {
  const members = new Set(input.members.map(m => m.org))
  const statements = [...input.adoption].filter(s => members.has(s.org) && input.lineage.docs.has(s.practice))
  const histories = adoptionHistories(statements)
  const familyOf = memoRoot(input.lineage)
  const timelines = familyTimelines(histories, familyOf)
  const matrix = timelines.map(t => cellOf(t.family, t.changes[t.changes.length - 1])).sort(byOrgFamily)
  const familyIds = [...new Set(matrix.map(c => c.family))].sort()
  const shared = latestActivity([...input.activity].filter(s => members.has(s.org)))
  return {
    families: familyIds.map(id => familyEntry(input.lineage, id)),
    matrix,
    curve: diffusionCurve(timelines, input.now),
    activity: activityRows(histories, shared),
    quiet: quietMembers(input, histories, shared)
  }
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
function diffusionCurve (timelines: Timeline[], now: number): Diffusion['curve'] {
  const deltas = new Map<number, Map<string, number>>() // month index → family → change in count
  let first = Infinity
  for (const { family, changes } of timelines) {
    let spreading = false
    for (let i = 0; i < changes.length; i++) {
      const month = monthIndex(changes[i].at)
      if (month < first) first = month
      // the state at the month's end is the last change of that month
      if (i + 1 < changes.length && monthIndex(changes[i + 1].at) === month) continue
      const spread = SPREAD_STATES.has(changes[i].state)
      if (spread !== spreading) addDelta(deltas, month, family, spread ? 1 : -1)
      spreading = spread
    }
  }
  if (first === Infinity) return []
  const counts: Record<string, number> = {}
  let total = 0
  const out: Diffusion['curve'] = []
  const last = Math.max(monthIndex(now), first)
  for (let month = first; month <= last && out.length < MAX_MONTHS; month++) {
    for (const [family, delta] of deltas.get(month) ?? []) {
      counts[family] = (counts[family] ?? 0) + delta
      total += delta
    }
    out.push({ month: monthLabel(month), total, byFamily: { ...counts } })
  }
  return out
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

function activityRows (histories: Map<string, AdoptionStatement[]>, activity: ActivityStatement[]): ActivityRow[] {
  const rows = new Map<string, ActivityRow>()
  const row = (org: string, month: string): ActivityRow => {
    const key = `${org} ${month}`
    let r = rows.get(key)
    if (r === undefined) { r = { org, month, adoptionChanges: 0, edits: 0, adaptations: 0, proposals: 0, comments: 0 }; rows.set(key, r) }
    return r
  }
  // adoption changes counted by month index first: no string per statement
  const changes = new Map<string, Map<number, number>>()
  for (const history of histories.values()) {
    let byMonth = changes.get(history[0].org)
    if (byMonth === undefined) { byMonth = new Map(); changes.set(history[0].org, byMonth) }
    for (const s of history) {
      const month = monthIndex(s.at)
      byMonth.set(month, (byMonth.get(month) ?? 0) + 1)
    }
  }
  for (const [org, byMonth] of changes) for (const [month, n] of byMonth) row(org, monthLabel(month)).adoptionChanges += n
  for (const s of activity) {
    const r = row(s.org, s.month)
    r.edits = s.edits
    r.adaptations = s.adaptations
    r.proposals = s.proposals
  }
  return [...rows.values()].sort((a, b) => (a.org < b.org ? -1 : a.org > b.org ? 1 : 0) || (a.month < b.month ? -1 : a.month > b.month ? 1 : 0))
}

function quietMembers (input: DiffusionInput, histories: Map<string, AdoptionStatement[]>, activity: ActivityStatement[]): Diffusion['quiet'] {
  const last = new Map<string, number>()
  const seen = (org: string, at: number): void => { if (at > (last.get(org) ?? -1)) last.set(org, at) }
  for (const history of histories.values()) for (const s of history) seen(s.org, s.at)
  for (const s of activity) if (s.edits + s.adaptations + s.proposals > 0) seen(s.org, s.lastAt)
  const since = input.now - input.quietWeeks * WEEK_MS
  return input.members
    .filter(m => (last.get(m.org) ?? -1) < since)
    .map(m => ({ org: m.org, name: m.name, ...(last.has(m.org) ? { lastActive: last.get(m.org) } : {}) }))
    .sort((a, b) => (a.org < b.org ? -1 : a.org > b.org ? 1 : 0))
}

function byOrgFamily (a: Cell, b: Cell): number {
  return a.org < b.org ? -1 : a.org > b.org ? 1 : a.family < b.family ? -1 : a.family > b.family ? 1 : 0
}
