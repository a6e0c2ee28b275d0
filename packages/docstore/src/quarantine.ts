/**
 * Documents whose stored updates cannot be read (a row whose checksum does not match, that does
 * not decode or apply, a database page SQLite finds malformed) are quarantined: reading them is
 * refused with ERR_STORAGE_CORRUPT, nothing is written over them, the other documents go on as
 * before, and a peer's signed items restore them (restore.ts) (docs/reliability.md, "Storage faults"). The
 * list is kept on disk too (`q/<doc>`), so that it is shown again after a restart.
 */
import * as Y from 'yjs'
import { fromString as u8FromString, toString as u8ToString } from 'uint8arrays'
import { StorageCorruptError } from '@commonplace/core'
import type { CommonplaceError, DocId, KeyValueStore, QuarantinedDocument } from '@commonplace/core'
import type { Logger } from '@libp2p/interface'
import { decodeLogRow } from './codec.ts'
import { logKey, logRange } from './keys.ts'

/** What a quarantined document gives a peer that asks for changes: nothing. */
export const EMPTY_UPDATE = Y.encodeStateAsUpdate(new Y.Doc())
/** Never the digest of a document: a peer's copy never looks equal to a quarantined one. */
export const QUARANTINED_DIGEST = new Uint8Array(32)

const PREFIX = 'q/'
const RANGE = { gte: PREFIX, lt: 'q0' }

export interface Quarantine {
  has(id: DocId): boolean
  /** Quarantine `id` because of `cause`; the error to throw to whoever read it. */
  add(id: DocId, cause: unknown): CommonplaceError
  /** The error for a read of a quarantined document. */
  refusal(id: DocId): CommonplaceError
  /** `id` was restored: out of the list (on disk too, as far as the disk lets us). */
  release(id: DocId): void
  list(): QuarantinedDocument[]
  on(listener: (doc: QuarantinedDocument) => void): () => void
}

export function createQuarantine (storage: KeyValueStore, now: () => number, log?: Logger): Quarantine {
  const docs = new Map<DocId, QuarantinedDocument>()
  const listeners = new Set<(doc: QuarantinedDocument) => void>()
  try {
    for (const [key, value] of storage.range(RANGE)) {
      const id = key.slice(PREFIX.length) as DocId
      docs.set(id, { id, ...JSON.parse(u8ToString(value)) as Omit<QuarantinedDocument, 'id'> })
    }
  } catch (err) {
    log?.error('the list of quarantined documents could not be read: %e', err)
  }
  const refusal = (id: DocId): CommonplaceError => new StorageCorruptError(
    `Document ${id} is quarantined: its stored updates are corrupt (${docs.get(id)?.reason ?? 'unreadable'}). ` +
    'It is left as it is on disk; a peer that may edit it restores it when they next meet.')
  return {
    has: id => docs.has(id),
    add (id, cause) {
      const reason = cause instanceof Error ? (cause.cause instanceof Error ? `${cause.message}: ${cause.cause.message}` : cause.message) : String(cause)
      const doc: QuarantinedDocument = { id, since: new Date(now()).toISOString(), reason }
      docs.set(id, doc)
      log?.error('document %s quarantined: %s', id, reason)
      try {
        storage.write([{ type: 'put', key: PREFIX + id, value: u8FromString(JSON.stringify({ since: doc.since, reason })) }])
      } catch (err) {
        log?.error('could not note %s as quarantined on disk: %e', id, err)
      }
      for (const listener of listeners) listener(doc)
      return refusal(id)
    },
    refusal,
    release (id) {
      docs.delete(id)
      log?.('document %s restored from a peer\'s copy', id)
      try {
        storage.write([{ type: 'del', key: PREFIX + id }])
      } catch (err) {
        log?.error('could not clear the quarantine note of %s on disk: %e', id, err)
      }
    },
    list: () => [...docs.values()],
    on (listener) {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    }
  }
}

/**
 * Add to a restored document whatever of our own stored rows still reads and applies (changes no
 * peer may have had); a row that does not match its checksum is skipped.
 */
export function addReadableRows (doc: Y.Doc, id: DocId, rows: () => Array<[string, Uint8Array]>): void {
  let own: Array<[string, Uint8Array]> = []
  try {
    own = rows()
  } catch {
    // the rows' pages are unreadable: the restored copy is all there is
  }
  for (const [, row] of own) {
    try {
      // a row that does not match its checksum throws here, before anything is applied
      for (const u of decodeLogRow(id, row)) Y.applyUpdate(doc, u)
    } catch {
      // this row is the corrupt one: skip it
    }
  }
}

/** The stored log rows of a document from row `first` on (rows before it are no longer read). */
export function logRowsFrom (id: DocId, first: number): { gte: string, lt: string } {
  return { gte: logKey(id, first), lt: logRange(id).lt }
}

/**
 * `changes` with every quarantined document held added (those not in it already): they are
 * offered at every meeting, so that a peer's copy can restore them.
 */
export function withQuarantined (changes: Array<{ id: DocId, changeSeq: number }>, quarantine: Quarantine, changeSeqOf: (id: DocId) => number | undefined): Array<{ id: DocId, changeSeq: number }> {
  const listed = new Set(changes.map(c => c.id))
  for (const { id } of quarantine.list()) {
    const changeSeq = changeSeqOf(id)
    if (!listed.has(id) && changeSeq !== undefined) changes.push({ id, changeSeq })
  }
  return changes
}
