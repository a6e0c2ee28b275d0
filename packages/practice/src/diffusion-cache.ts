/**
 * The diffusion view's core kept up to date per organisation (docs/practice.md): a node holds one
 * per network; when one member's log changes, only that member's part is computed again, its curve
 * changes swapped in the network's, and the parts put together. The view from scratch
 * (`diffusionCore`) is the same code with nothing kept, so both give the same answer.
 */
import type { ActivityStatement, AdoptionStatement } from './adoption.ts'
import { applyDeltas, orgPart, sameRoots } from './diffusion-org.ts'
import type { FamilyDeltas, OrgPart, RootOf, StateDeltas } from './diffusion-org.ts'
import type { Diffusion, DiffusionCore, DiffusionInput } from './diffusion.ts'
import { familyRoot, treeOf } from './family.ts'
import type { FamilyNode, LineageIndex } from './family.ts'

/** One member's statements for the network, and a key that changes whenever they may have. */
export interface OrgStatements {
  org: string
  /** Same key, same statements (a node uses its logs' ids and change numbers). */
  key: string
  adoption: Iterable<AdoptionStatement>
  activity: Iterable<ActivityStatement>
}

export interface DiffusionCache {
  /**
   * The core for these members, their statements (one entry per organisation; non-members' are
   * ignored) and these records. A member's part is kept while its key and the family roots of
   * the practices it names stay the same. The core returned is valid until the next call.
   */
  core(members: DiffusionInput['members'], orgs: Iterable<OrgStatements>, lineage: LineageIndex): DiffusionCore
}

type FamilyEntry = Diffusion['families'][number]

/** A cache with nothing in it yet. */
export function diffusionCache (): DiffusionCache {
  const parts = new Map<string, { key: string, part: OrgPart }>()
  const curve: { deltas: FamilyDeltas, stateDeltas: StateDeltas } = { deltas: new Map(), stateDeltas: new Map() }
  let lineage: LineageIndex | undefined
  let rootOf: RootOf = () => undefined
  let entries = new Map<string, FamilyEntry>()
  return {
    core (members, orgs, index) {
      const lineageChanged = index !== lineage
      if (lineageChanged) { lineage = index; rootOf = rootsOf(index); entries = new Map() }
      const memberSet = new Set(members.map(m => m.org))
      const inputs = new Map<string, OrgStatements>()
      for (const input of orgs) if (memberSet.has(input.org)) inputs.set(input.org, input)
      for (const [org, held] of parts) {
        const input = inputs.get(org)
        if (input !== undefined && input.key === held.key && (!lineageChanged || sameRoots(held.part, rootOf))) continue
        applyDeltas(curve, held.part, -1)
        parts.delete(org)
      }
      for (const input of inputs.values()) {
        if (parts.has(input.org)) continue
        const part = orgPart(input.org, input.adoption, input.activity, rootOf)
        applyDeltas(curve, part, 1)
        parts.set(input.org, { key: input.key, part })
      }
      const entryOf = (id: string): FamilyEntry => {
        let entry = entries.get(id)
        if (entry === undefined) { entry = familyEntry(index, id); entries.set(id, entry) }
        return entry
      }
      return combine(members, [...parts.values()].map(p => p.part), curve, entryOf)
    }
  }
}

/** The statements of `input` grouped by organisation, for a cache that keeps nothing. */
export function statementsByOrg (input: Pick<DiffusionInput, 'adoption' | 'activity'>): OrgStatements[] {
  const byOrg = new Map<string, { org: string, key: string, adoption: AdoptionStatement[], activity: ActivityStatement[] }>()
  const of = (org: string): { adoption: AdoptionStatement[], activity: ActivityStatement[] } => {
    let held = byOrg.get(org)
    if (held === undefined) { held = { org, key: '', adoption: [], activity: [] }; byOrg.set(org, held) }
    return held
  }
  for (const s of input.adoption) of(s.org).adoption.push(s)
  for (const s of input.activity) of(s.org).activity.push(s)
  return [...byOrg.values()]
}

/** A practice's family root, `undefined` when it is not held (remembered per practice). */
function rootsOf (lineage: LineageIndex): RootOf {
  const roots = new Map<string, string>()
  return practice => {
    if (!lineage.docs.has(practice)) return undefined
    let root = roots.get(practice)
    if (root === undefined) { root = familyRoot(lineage, practice); roots.set(practice, root) }
    return root
  }
}

/** The parts put together, by organisation: cells and rows in (organisation, family / month) order. */
function combine (members: DiffusionInput['members'], parts: OrgPart[], curve: { deltas: FamilyDeltas, stateDeltas: StateDeltas }, entryOf: (id: string) => FamilyEntry): DiffusionCore {
  parts.sort((a, b) => (a.org < b.org ? -1 : a.org > b.org ? 1 : 0))
  const matrix: DiffusionCore['matrix'] = []
  const activity: DiffusionCore['activity'] = []
  const families = new Set<string>()
  const lastActive = new Map<string, number>()
  let first = Infinity
  for (const part of parts) {
    for (const cell of part.cells) { matrix.push(cell); families.add(cell.family) }
    for (const row of part.rows) activity.push(row)
    if (part.lastActive !== undefined) lastActive.set(part.org, part.lastActive)
    if (part.first < first) first = part.first
  }
  return {
    members,
    families: [...families].sort().map(entryOf),
    matrix,
    activity,
    deltas: curve.deltas,
    stateDeltas: curve.stateDeltas,
    first,
    lastActive
  }
}

function familyEntry (lineage: LineageIndex, id: string): FamilyEntry {
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
