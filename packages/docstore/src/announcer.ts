import * as Y from 'yjs'
import type { DocId, DocumentChange, DocumentChangeListener, UpdateOrigin } from '@commonplace/core'
import type { Logger } from '@libp2p/interface'
import { encodeBurstUpdate } from './burst-update.ts'
import type { DeleteSet } from './burst-update.ts'

/**
 * Tells listeners about changes as soon as the code that made them has run (a microtask
 * later), before they are on disk: relaying an edit does not wait for a disk write. Changes made
 * in one go (a frame of updates, a burst of keystrokes) are announced as one change per document
 * and origin, their update encoded once: the structs made since the burst began and the
 * deletions made during it (see encodeBurstUpdate). Local changes made after another was
 * announced in the same turn of the event loop are announced at the turn's end, together: each
 * local announcement is signed into an envelope, and a person's keystroke is one turn.
 */
export interface Announcer {
  /** Before a document's first change in the current burst: remember its state vector. */
  note(id: DocId, doc: Y.Doc): void
  /** One change (fields rather than an object: a burst of keystrokes pushes thousands). */
  push(id: DocId, update: Uint8Array | undefined, accessChanged: boolean, origin: UpdateOrigin, changeSeq: number, signed?: Uint8Array, firstContent?: boolean): void
  /**
   * The update of the document's latest pending change, pushed without one: a run of local edits
   * whose update the store encodes once, when it is needed (store-base.ts, LocalRun).
   */
  resolve(id: DocId, update: Uint8Array): void
  /** Announce what is pending now. */
  announce(): void
  on(listener: DocumentChangeListener): () => void
  clear(): void
}

/** A document as a burst began: its state vector, and the deletions of each transaction since. */
interface BurstStart {
  doc: Y.Doc
  stateVector: Uint8Array
  deleted: DeleteSet[]
  stop: () => void
}

function startBurst (doc: Y.Doc): BurstStart {
  const deleted: DeleteSet[] = []
  const collect = (tr: Y.Transaction): void => { if (tr.deleteSet.clients.size > 0) deleted.push(tr.deleteSet) }
  doc.on('afterTransaction', collect)
  return { doc, stateVector: Y.encodeStateVector(doc), deleted, stop: () => { doc.off('afterTransaction', collect) } }
}

/**
 * The burst's update, or undefined (the run's own updates are merged instead) when the document is
 * not the one noted (it was loaded again) or Yjs holds a peer's update in it that waits for structs
 * it lacks: `Y.encodeStateAsUpdate` would merge that pending update in, and a local burst announced
 * with another organisation's structs in it cannot be signed, so it would never leave this node.
 */
function burstUpdate (doc: Y.Doc, start: BurstStart): Uint8Array | undefined {
  const store = doc.store
  if (doc !== start.doc || store.pendingStructs != null || store.pendingDs != null) return undefined
  return encodeBurstUpdate(doc, Y.decodeStateVector(start.stateVector), Y.mergeDeleteSets(start.deleted))
}

/**
 * `seal` runs on each change before it is announced, while its batch is still open: the store
 * signs a local burst there, once, and stages the envelope with the burst. `merged` is told when a
 * run's updates were encoded as one burst update (the store logs that in their place).
 */
export function createAnnouncer (docOf: (id: DocId) => Y.Doc | undefined, log?: Logger, seal?: (change: DocumentChange) => void, merged?: (id: DocId, updates: Uint8Array[], burst: Uint8Array) => void, beforeAnnounce?: () => void): Announcer {
  const listeners = new Set<DocumentChangeListener>()
  let pending = createRuns()
  let before = new Map<DocId, BurstStart>()
  let unnoted = new Set<DocId>()
  let scheduled = false
  /** Whether a local change was announced in this turn of the event loop (see push). */
  let signedThisTurn = false
  const stopAll = (starts: Map<DocId, BurstStart>): void => { for (const start of starts.values()) start.stop() }

  const emit = (change: DocumentChange): void => {
    for (const listener of listeners) {
      try {
        listener(change)
      } catch (err) {
        log?.error('change listener failed: %e', err)
      }
    }
  }

  const announcer: Announcer = {
    note (id, doc) {
      if (!before.has(id)) before.set(id, startBurst(doc))
    },
    push (id, update, accessChanged, origin, changeSeq, signed, firstContent) {
      // a change made before its document's state was noted (a create, a prepared update): the
      // burst's diff would start after it, so the run's own updates are merged instead
      if (update != null && !before.has(id)) unnoted.add(id)
      pending.add(id, update, accessChanged, origin, changeSeq, signed, firstContent)
      if (scheduled) return
      scheduled = true
      if (origin.kind === 'local' && signedThisTurn) {
        // a second local change in one turn (a replayed trace, a script) waits for the turn's end:
        // its changes go out as one signed envelope, not one per change
        setImmediate(() => {
          scheduled = false
          announcer.announce()
        })
        return
      }
      queueMicrotask(() => {
        scheduled = false
        announcer.announce()
      })
    },
    resolve (id, update) {
      if (!before.has(id)) unnoted.add(id)
      pending.resolve(id, update)
    },
    announce () {
      // a run of local edits still to be encoded is encoded now, into its pending change
      beforeAnnounce?.()
      if (pending.runs.length === 0) return
      if (!signedThisTurn && pending.runs.some(run => run.change.origin.kind === 'local')) {
        signedThisTurn = true
        setImmediate(() => { signedThisTurn = false })
      }
      const runs = pending
      const starts = before
      const whole = unnoted
      pending = createRuns()
      before = new Map()
      unnoted = new Set()
      stopAll(starts)
      const diff = (id: DocId): Uint8Array | undefined => {
        const doc = docOf(id)
        const start = starts.get(id)
        return doc != null && start != null && !whole.has(id) ? burstUpdate(doc, start) : undefined
      }
      for (const change of runs.changes(diff, merged)) {
        try {
          seal?.(change)
        } catch (err) {
          log?.error('sealing a change of %s failed: %e', change.id, err)
        }
        emit(change)
      }
    },
    on (listener) {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    },
    clear () {
      listeners.clear()
      pending = createRuns()
      stopAll(before)
      before = new Map()
      unnoted = new Set()
    }
  }
  return announcer
}

/** One change per run of changes to one document from one origin, and the run's updates. */
interface Run { change: DocumentChange, updates: Uint8Array[] }

/**
 * Runs of changes to one document from one origin become one change, gathered as they are pushed.
 * A run that holds every change of its document in the burst takes the burst's update (linear in
 * what is new); any other run's updates are merged with Y.mergeUpdates.
 */
function createRuns (): {
  runs: Run[]
  add(id: DocId, update: Uint8Array | undefined, accessChanged: boolean, origin: UpdateOrigin, changeSeq: number, signed?: Uint8Array, firstContent?: boolean): void
  resolve(id: DocId, update: Uint8Array): void
  changes(diff: (id: DocId) => Uint8Array | undefined, merged?: (id: DocId, updates: Uint8Array[], burst: Uint8Array) => void): DocumentChange[]
} {
  const runs: Run[] = []
  const updatesPerDoc = new Map<DocId, number>()
  return {
    runs,
    add (id, update, accessChanged, origin, changeSeq, signed, firstContent) {
      const last = runs[runs.length - 1]
      if (update != null) updatesPerDoc.set(id, (updatesPerDoc.get(id) ?? 0) + 1)
      if (last != null && last.change.id === id && sameOrigin(last.change.origin, origin)) {
        last.change.changeSeq = changeSeq
        last.change.accessChanged ||= accessChanged
        if (signed != null) (last.change.signed ??= []).push(signed)
        // the run so far only changed the access list: this is the document's first content
        if (firstContent === true && last.change.update == null) last.change.firstContent = true
        if (update != null) {
          last.change.update ??= update
          last.updates.push(update)
        }
        return
      }
      const change: DocumentChange = { id, update, accessChanged, origin, changeSeq }
      if (signed != null) change.signed = [signed]
      if (firstContent === true) change.firstContent = true
      runs.push({ change, updates: update != null ? [update] : [] })
    },
    resolve (id, update) {
      let run: Run | undefined
      for (let i = runs.length - 1; i >= 0 && run == null; i--) if (runs[i].change.id === id) run = runs[i]
      if (run == null) throw new Error(`No pending change of ${id} to resolve`)
      updatesPerDoc.set(id, (updatesPerDoc.get(id) ?? 0) + 1)
      run.change.update ??= update
      run.updates.push(update)
    },
    changes (diff, merged) {
      return runs.map(({ change, updates }) => {
        if (updates.length < 2) return change
        const burst = updatesPerDoc.get(change.id) === updates.length ? diff(change.id) : undefined
        change.update = burst ?? Y.mergeUpdates(updates)
        if (burst != null) merged?.(change.id, updates, burst)
        return change
      })
    }
  }
}

/** Changes from one origin: a peer, or one person of this organisation (a run, one envelope). */
export function sameOrigin (a: UpdateOrigin, b: UpdateOrigin): boolean {
  if (a.kind !== b.kind) return false
  // a local burst is signed once with its author: two people's changes are two envelopes
  if (a.kind === 'local') return (a.author ?? '') === ((b as { author?: string }).author ?? '')
  return a.kind !== 'peer' || (b.kind === 'peer' && a.peer === b.peer)
}
