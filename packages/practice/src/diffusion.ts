/**
 * The diffusion view of a network: a pure function of the roster, the verified statements its
 * members shared with it and the records held (docs/practice.md). Same inputs, same view.
 */
import type { AdoptionState } from './constants.ts'
import { monthIndex } from './adoption.ts'
import type { ActivityStatement, AdoptionStatement } from './adoption.ts'
import { diffusionCache, statementsByOrg } from './diffusion-cache.ts'
import { monthLabel } from './diffusion-org.ts'
import type { FamilyDeltas, StateDeltas } from './diffusion-org.ts'
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
export type SpreadState = 'trialling' | 'adopted' | 'adapted'

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
 * Compute the view. Linear in the statements and records, plus sorting: each organisation's
 * statements are grouped once, and one walk over each (organisation, family) timeline yields its
 * cell, its part of the curve, the activity counts and the organisation's last change
 * (`orgPart`). `diffusionCore` then `finishDiffusion`, so a caller may keep the core while its
 * inputs stay the same and only finish it for a later `now`; `diffusionCache` keeps it per
 * organisation, so that a change of one organisation's statements costs that organisation's part.
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
  deltas: FamilyDeltas
  stateDeltas: StateDeltas
  /** Month index of the first change (`Infinity`: none). */
  first: number
  /** organisation → its latest adoption change or shared activity */
  lastActive: Map<string, number>
}

/** The part of the view that does not depend on `now` or the quiet period, from scratch (`input.now` is not read). */
export function diffusionCore (input: Omit<DiffusionInput, 'now' | 'quietWeeks'>): DiffusionCore {
  return diffusionCache().core(input.members, statementsByOrg(input), input.lineage)
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

/**
 * By month from the first change to `now`: how many organisations were, at the month's end,
 * trialling, adopted or adapted, per family and in total (organisation-family pairs). Each
 * month's `byFamily` lists families in id order, whatever order the changes came in.
 */
function diffusionCurve (core: DiffusionCore, now: number): CurvePoint[] {
  const { deltas, stateDeltas, first } = core
  if (first === Infinity) return []
  const counts = new Map<string, number>()
  const byState: Record<SpreadState, number> = { trialling: 0, adopted: 0, adapted: 0 }
  const order = core.families.map(f => f.id)
  let total = 0
  const out: CurvePoint[] = []
  const last = Math.max(monthIndex(now), first)
  for (let month = first; month <= last && out.length < MAX_MONTHS; month++) {
    for (const [family, delta] of deltas.get(month) ?? []) {
      counts.set(family, (counts.get(family) ?? 0) + delta)
      total += delta
    }
    const states = stateDeltas.get(month)
    if (states !== undefined) for (const state of SPREAD_LIST) byState[state] += states[state]
    const byFamily: Record<string, number> = {}
    for (const id of order) {
      const n = counts.get(id)
      if (n !== undefined) byFamily[id] = n
    }
    out.push({ month: monthLabel(month), total, byFamily, byState: { ...byState } })
  }
  return out
}

const SPREAD_LIST: readonly SpreadState[] = ['trialling', 'adopted', 'adapted']

/** Most months a curve covers (fifty years). */
const MAX_MONTHS = 600

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

function quietMembers (members: DiffusionInput['members'], last: Map<string, number>, since: number): Diffusion['quiet'] {
  return members
    .filter(m => (last.get(m.org) ?? -1) < since)
    .map(m => ({ org: m.org, name: m.name, ...(last.has(m.org) ? { lastActive: last.get(m.org) } : {}) }))
    .sort((a, b) => (a.org < b.org ? -1 : a.org > b.org ? 1 : 0))
}
