/**
 * Who last changed each section, and when (docs/people.md, "Who last changed a section"): which
 * sections a Yjs transaction touched (the document store's `changedParts` option, so that it
 * stages one record per touched section with the change), and the record as the local API shows it.
 */
import * as Y from 'yjs'
import type { ChangedParts } from '@commonplace/docstore'
import type { OrgId, PartChange } from '@commonplace/core'
import type { LastChangeView } from '@commonplace/api'

/**
 * The sections a transaction changed: those holding a changed type (found by walking up from it,
 * each type visited once, so the cost stays linear in what changed), those it inserted into the
 * section list, and those it deleted from it (their records are dropped).
 */
export function changedSections (tr: Y.Transaction): ChangedParts {
  const changed = new Set<string>()
  const removed = new Set<string>()
  // a document built from a peer's updates holds its top-level types untyped until read as what they are
  const raw = tr.doc.share.get('sections')
  if (raw == null) return { changed, removed }
  const sections = tr.doc.getArray('sections')
  const seen = new Map<Y.AbstractType<any>, string | null>()
  for (const type of tr.changed.keys()) {
    if (type === sections || type === raw) listChanges(tr, sections, changed, removed)
    else {
      const id = sectionHolding(type, sections, seen)
      if (id != null) changed.add(id)
    }
  }
  for (const id of changed) removed.delete(id)
  return { changed, removed }
}

/** The id of the section `type` is inside (null: none), remembering the answer for every type on the way up. */
function sectionHolding (type: Y.AbstractType<any>, sections: Y.Array<unknown>, seen: Map<Y.AbstractType<any>, string | null>): string | null {
  const path: Array<Y.AbstractType<any>> = []
  let at: Y.AbstractType<any> | null = type
  let found: string | null = null
  while (at != null) {
    const known = seen.get(at)
    if (known !== undefined) { found = known; break }
    path.push(at)
    const parent: unknown = at._item?.parent
    if (parent === sections) { found = sectionId(at); break }
    at = parent instanceof Y.AbstractType ? parent : null
  }
  for (const t of path) seen.set(t, found)
  return found
}

/** Sections the transaction inserted into the list (added or moved) or deleted from it. */
function listChanges (tr: Y.Transaction, sections: Y.Array<unknown>, changed: Set<string>, removed: Set<string>): void {
  for (let item = sections._start; item != null; item = item.right) {
    if (!(item.content instanceof Y.ContentType)) continue
    const added = item.id.clock >= (tr.beforeState.get(item.id.client) ?? 0)
    const id = added || item.deleted ? sectionId(item.content.type) : null
    if (id == null) continue
    if (!item.deleted && added) changed.add(id)
    else if (item.deleted && !added && Y.isDeleted(tr.deleteSet, item.id)) removed.add(id)
  }
}

/** A section map's id, read from its item even when the section was just deleted. */
function sectionId (type: Y.AbstractType<any>): string | null {
  const item = type._map.get('id')
  const value: unknown = item?.content instanceof Y.ContentAny ? item.content.arr[0] : undefined
  return typeof value === 'string' ? value : null
}

/**
 * A section's last change as the local API shows it: `by` is who to show, the person's name where
 * this node may show it (one of its own people), else the organisation's name, else its id.
 */
export function lastChangeView (change: PartChange, orgName: (org: OrgId) => string | undefined): LastChangeView {
  return {
    by: orgName(change.org) ?? change.org,
    org: change.org,
    ...(change.person != null ? { person: change.person } : {}),
    at: new Date(change.at).toISOString()
  }
}
