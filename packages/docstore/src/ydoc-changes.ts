/** What the document store needs of Yjs beyond applying updates: the update a change made, and pending state. */
import * as Y from 'yjs'
import type { UpdateOrigin } from '@commonplace/core'

/**
 * Run `fn` in a transaction with `origin`; the update it produced, or null when nothing changed.
 * `watch` sees the transaction once it is done (which parts it changed: part-changes.ts).
 */
export function captureUpdate (doc: Y.Doc, origin: UpdateOrigin, fn: () => void, watch?: (transaction: Y.Transaction) => void): Uint8Array | null {
  const updates: Uint8Array[] = []
  const onUpdate = (u: Uint8Array, o: unknown): void => { if (o === origin) updates.push(u) }
  const onTransaction = (tr: Y.Transaction): void => { if (tr.origin === origin) watch?.(tr) }
  doc.on('update', onUpdate)
  if (watch != null) doc.on('afterTransaction', onTransaction)
  try {
    doc.transact(fn, origin)
  } finally {
    doc.off('update', onUpdate)
    if (watch != null) doc.off('afterTransaction', onTransaction)
  }
  if (updates.length === 0) return null
  return updates.length === 1 ? updates[0] : Y.mergeUpdates(updates)
}

export function isEmpty (doc: Y.Doc): boolean {
  return doc.store.clients.size === 0 && doc.store.pendingStructs == null && doc.store.pendingDs == null
}

/**
 * Apply an update to a document that holds nothing yet (a first copy from a peer). Everything it
 * brings is new, so the update is its own effective update and Yjs need not encode it again (a
 * third of the cost of applying a whole document). If part of it waits on structs the document
 * lacks, the update as received is still what is announced: a superset, harmless to relay.
 */
export function applyToEmpty (doc: Y.Doc, update: Uint8Array, origin: UpdateOrigin): Uint8Array | null {
  Y.applyUpdate(doc, update, origin)
  return doc.store.clients.size > 0 ? update : null
}

export function pendingOf (doc: Y.Doc): [unknown, unknown] {
  return [doc.store.pendingStructs, doc.store.pendingDs]
}
