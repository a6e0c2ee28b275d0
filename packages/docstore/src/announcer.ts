import * as Y from 'yjs'
import type { DocId, DocumentChange, DocumentChangeListener } from '@commonplace/core'
import type { Logger } from '@libp2p/interface'
import { encodeBurstUpdate } from './burst-update.ts'
import type { DeleteSet } from './burst-update.ts'

/**
 * Tells listeners about changes as soon as the code that made them has run (a microtask
 * later), before they are on disk: relaying an edit does not wait for a disk write. Changes made
 * in one go (a frame of updates, a burst of keystrokes) are announced as one change per document
 * and origin, their update encoded once: the structs made since the burst began and the
 * deletions made during it (see encodeBurstUpdate).
 */
export interface Announcer {
  /** Before a document's first change in the current burst: remember its state vector. */
  note(id: DocId, doc: Y.Doc): void
  push(change: DocumentChange): void
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

/** The burst's update; the whole diff since its start when the document is not the one noted or holds pending updates. */
function burstUpdate (doc: Y.Doc, start: BurstStart): Uint8Array {
  const store = doc.store
  if (doc !== start.doc || store.pendingStructs != null || store.pendingDs != null) return Y.encodeStateAsUpdate(doc, start.stateVector)
  return encodeBurstUpdate(doc, Y.decodeStateVector(start.stateVector), Y.mergeDeleteSets(start.deleted))
}

export function createAnnouncer (docOf: (id: DocId) => Y.Doc | undefined, log?: Logger): Announcer {
  const listeners = new Set<DocumentChangeListener>()
  let pending: DocumentChange[] = []
  let before = new Map<DocId, BurstStart>()
  let scheduled = false
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
    push (change) {
      pending.push(change)
      if (scheduled) return
      scheduled = true
      queueMicrotask(() => {
        scheduled = false
        announcer.announce()
      })
    },
    announce () {
      if (pending.length === 0) return
      const changes = pending
      const starts = before
      pending = []
      before = new Map()
      stopAll(starts)
      const diff = (id: DocId): Uint8Array | undefined => {
        const doc = docOf(id)
        const start = starts.get(id)
        return doc != null && start != null ? burstUpdate(doc, start) : undefined
      }
      for (const change of coalesceChanges(changes, diff)) emit(change)
    },
    on (listener) {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    },
    clear () {
      listeners.clear()
      pending = []
      stopAll(before)
      before = new Map()
    }
  }
  return announcer
}

/**
 * Runs of changes to one document from one origin become one change. A run that holds every
 * change of its document in the burst takes the document's diff since the burst began (linear in
 * what is new); any other run is merged with Y.mergeUpdates.
 */
export function coalesceChanges (changes: DocumentChange[], diff: (id: DocId) => Uint8Array | undefined = () => undefined): DocumentChange[] {
  const perDoc = new Map<DocId, number>()
  for (const c of changes) if (c.update != null) perDoc.set(c.id, (perDoc.get(c.id) ?? 0) + 1)
  const out: DocumentChange[] = []
  let run: Uint8Array[] = []
  const close = (): void => {
    const last = out[out.length - 1]
    if (run.length > 1) last.update = (perDoc.get(last.id) === run.length ? diff(last.id) : undefined) ?? Y.mergeUpdates(run)
    run = []
  }
  for (const c of changes) {
    const last = out[out.length - 1]
    if (last != null && last.id === c.id && sameOrigin(last, c)) {
      last.changeSeq = c.changeSeq
      last.accessChanged ||= c.accessChanged
      if (c.update != null) {
        if (last.update == null) last.update = c.update
        run.push(c.update)
      }
      continue
    }
    close()
    out.push({ ...c })
    if (c.update != null) run = [c.update]
  }
  close()
  return out
}

function sameOrigin (a: DocumentChange, b: DocumentChange): boolean {
  if (a.origin.kind !== b.origin.kind) return false
  return a.origin.kind !== 'peer' || (b.origin.kind === 'peer' && a.origin.peer === b.origin.peer)
}
