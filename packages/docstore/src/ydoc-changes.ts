/** What the document store needs of Yjs beyond applying updates: the update a change made, and pending state. */
import * as Y from 'yjs'
import type { DocId, UpdateOrigin } from '@commonplace/core'

/** Who watches a document's transactions now (captureUpdate). */
interface WatchSlot { origin: UpdateOrigin | null, watch: ((tr: Y.Transaction) => void) | null }

const watching = new WeakMap<Y.Doc, WatchSlot>()

/**
 * The watch slot of `doc`, its listener added once: adding and removing an `afterTransaction`
 * listener around every keystroke cost more than the keystroke's own bookkeeping. (`update`
 * stays added per call: while a document has an `update` listener Yjs encodes every transaction,
 * a first copy applied whole included.)
 */
function watchSlot (doc: Y.Doc): WatchSlot {
  const held = watching.get(doc)
  if (held != null) return held
  const slot: WatchSlot = { origin: null, watch: null }
  doc.on('afterTransaction', (tr: Y.Transaction) => { if (slot.watch != null && tr.origin === slot.origin) slot.watch(tr) })
  watching.set(doc, slot)
  return slot
}

/**
 * Run `fn` in a transaction with `origin`; the update it produced, or null when nothing changed.
 * `watch` sees the transaction once it is done (which parts it changed: part-changes.ts).
 */
export function captureUpdate (doc: Y.Doc, origin: UpdateOrigin, fn: () => void, watch?: (transaction: Y.Transaction) => void): Uint8Array | null {
  const updates: Uint8Array[] = []
  const onUpdate = (u: Uint8Array, o: unknown): void => { if (o === origin) updates.push(u) }
  const slot = watch != null ? watchSlot(doc) : null
  // a capture inside another's transaction gives the slot back as it found it
  const outerOrigin = slot?.origin ?? null
  const outerWatch = slot?.watch ?? null
  doc.on('update', onUpdate)
  if (slot != null) {
    slot.origin = origin
    slot.watch = watch ?? null
  }
  try {
    doc.transact(fn, origin)
  } finally {
    doc.off('update', onUpdate)
    if (slot != null) {
      slot.origin = outerOrigin
      slot.watch = outerWatch
    }
  }
  if (updates.length === 0) return null
  return updates.length === 1 ? updates[0] : Y.mergeUpdates(updates)
}

/**
 * Local edits to one document by one author, made one after another with nothing else staged
 * between them, whose update is not encoded yet: Yjs encoding each keystroke's transaction costs
 * more than the keystroke, and a run is announced (and signed) as one change anyway. Its update
 * is the structs made since `since` and the deletions of its transactions (encodeBurstUpdate),
 * encoded once when the store seals the run (store-base.ts, sealLocal).
 */
export interface LocalRun {
  id: DocId
  doc: Y.Doc
  origin: UpdateOrigin
  since: Map<number, number>
  deleted: Array<Y.Transaction['deleteSet']>
}

/** What a local transaction did, for its run's update (LocalRun). */
export interface LocalTransaction {
  /** Whether it changed the document (Yjs would have emitted an update). */
  changed: boolean
  /** Its deletions. */
  deleted: Y.Transaction['deleteSet'] | null
}

/**
 * Run `fn` in a transaction with `origin` without encoding its update (`captureUpdate` has Yjs
 * encode every transaction, which for a typed text costs more than the keystroke itself): what it
 * changed is read off the transaction, and the store encodes one update for a run of them when it
 * is needed. `seen` is filled in even when `fn` throws (the transaction still ends).
 */
export function runLocal (doc: Y.Doc, origin: UpdateOrigin, fn: () => void, seen: LocalTransaction, watch?: (transaction: Y.Transaction) => void): void {
  const slot = watchSlot(doc)
  const outerOrigin = slot.origin
  const outerWatch = slot.watch
  slot.origin = origin
  slot.watch = tr => {
    // Yjs's own test of whether a transaction has an update to emit (writeUpdateMessageFromTransaction)
    seen.changed = tr.deleteSet.clients.size > 0 || changedState(tr.beforeState, tr.afterState)
    seen.deleted = tr.deleteSet.clients.size > 0 ? tr.deleteSet : null
    watch?.(tr)
  }
  try {
    doc.transact(fn, origin)
  } finally {
    slot.origin = outerOrigin
    slot.watch = outerWatch
  }
}

function changedState (before: Map<number, number>, after: Map<number, number>): boolean {
  for (const [client, clock] of after) if (before.get(client) !== clock) return true
  return false
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
