import { MAX_LINEAGE_DEPTH } from './constants.ts'
import type { AdaptationReason } from './constants.ts'

/** What the family rules read of one held record. */
export interface LineageDoc {
  id: string
  owner: string
  title: string
  /** Milliseconds since the epoch. */
  created: number
  derivedFrom?: { doc: string, version: string, org: string }
  adaptation?: { note: string, reasons: AdaptationReason[], at: number }
}

/** A document in a family tree; `held: false` for an ancestor known only from a `derivedFrom`. */
export interface FamilyNode {
  id: string
  org: string
  held: boolean
  title?: string
  at?: number
  why?: string
  reasons?: AdaptationReason[]
  children: FamilyNode[]
}

export interface Family {
  root: FamilyNode
  /** Ids from the root down to the document asked about. */
  path: string[]
}

/** The held documents by id and by parent, built once for many family questions. */
export interface LineageIndex {
  docs: ReadonlyMap<string, LineageDoc>
  /** Parent id → children, ordered by (created, id). */
  children: ReadonlyMap<string, LineageDoc[]>
}

/** Index documents by id and by the document they derive from. Linear in the documents (plus sorting). */
export function lineageIndex (docs: Iterable<LineageDoc>): LineageIndex {
  const byId = new Map<string, LineageDoc>()
  const children = new Map<string, LineageDoc[]>()
  for (const doc of docs) {
    byId.set(doc.id, doc)
    const parent = doc.derivedFrom?.doc
    if (parent === undefined || parent === doc.id) continue
    const list = children.get(parent)
    if (list === undefined) children.set(parent, [doc])
    else list.push(doc)
  }
  for (const list of children.values()) list.sort(byCreated)
  return { docs: byId, children }
}

/**
 * The ancestors of `id`, nearest first, as far as the index knows them: held documents, then at
 * most one that is only named by a `derivedFrom`. Stops at a cycle and at `MAX_LINEAGE_DEPTH`.
 */
export function ancestorsOf (index: LineageIndex, id: string): Array<{ id: string, org: string, held: boolean }> {
  const out: Array<{ id: string, org: string, held: boolean }> = []
  const seen = new Set([id])
  let from = index.docs.get(id)?.derivedFrom
  while (from !== undefined && out.length < MAX_LINEAGE_DEPTH && !seen.has(from.doc)) {
    seen.add(from.doc)
    const held = index.docs.get(from.doc)
    out.push({ id: from.doc, org: held?.owner ?? from.org, held: held !== undefined })
    from = held?.derivedFrom
  }
  return out
}

/** The family's root as this node sees it: the furthest ancestor, or `id` itself. */
export function familyRoot (index: LineageIndex, id: string): string {
  const ancestors = ancestorsOf(index, id)
  return ancestors.length === 0 ? id : ancestors[ancestors.length - 1].id
}

/** The whole family of `id`: its root with every held descendant, and the path down to `id`. */
export function familyOf (index: LineageIndex, id: string): Family {
  const ancestors = ancestorsOf(index, id)
  const path = [...ancestors.map(a => a.id).reverse(), id]
  const top = ancestors[ancestors.length - 1]
  const rootId = top?.id ?? id
  return { root: treeOf(index, rootId, top?.org ?? index.docs.get(id)?.owner ?? ''), path }
}

/** The tree below `id` (breadth-bounded by what is held, depth-bounded by `MAX_LINEAGE_DEPTH`). */
export function treeOf (index: LineageIndex, id: string, org: string): FamilyNode {
  const seen = new Set<string>()
  const build = (docId: string, owner: string, depth: number): FamilyNode => {
    seen.add(docId)
    const node = nodeOf(index.docs.get(docId), docId, owner)
    if (depth >= MAX_LINEAGE_DEPTH) return node
    for (const child of index.children.get(docId) ?? []) {
      if (!seen.has(child.id)) node.children.push(build(child.id, child.owner, depth + 1))
    }
    return node
  }
  return build(id, org, 0)
}

function nodeOf (doc: LineageDoc | undefined, id: string, org: string): FamilyNode {
  if (doc === undefined) return { id, org, held: false, children: [] }
  const why = doc.adaptation !== undefined ? { why: doc.adaptation.note, reasons: doc.adaptation.reasons } : {}
  return { id, org: doc.owner, held: true, title: doc.title, at: doc.created, ...why, children: [] }
}

function byCreated (a: LineageDoc, b: LineageDoc): number {
  return a.created - b.created || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}
