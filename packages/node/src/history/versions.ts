/**
 * Versions of documents kept by this node (docs/history.md): per version, the Yjs update from the
 * previous version's state to this one, or now and then the whole state, on the storage port under
 * `hv/<doc>/<n, 10 digits>`. Version n is rebuilt from the nearest whole state at or before it and
 * the updates after it. A version taken by a person or an action (not automatically) also gets a
 * small row under `hl/<at, 15 digits>/<doc>/<n, 10 digits>`, so that the activity feed reads the
 * latest of them in one bounded range read, whatever the number of documents held.
 *
 * An automatic version's update is the document's structs past the previous version and the
 * deletions of the changes the store announced since: its cost grows with what changed, not with
 * the document. Encoding the update from the document (`encodeStateAsUpdate` from the previous
 * state vector) walks every struct of it to write the whole delete set, and keeps that delete set
 * again in every row.
 */
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { StorageCorruptError, VersionUnknownError } from '@commonplace/core'
import { encodeBurstUpdate } from '@commonplace/docstore'
import type { DocId, DocumentStore, KeyValueStore, WriteOp } from '@commonplace/core'

/**
 * A version keeps the whole state when the updates kept since the last whole state would
 * otherwise outweigh it, or after this many of them: rebuilding a version applies at most this
 * many rows after one whole state, and at most about twice the state's bytes.
 */
export const MAX_ROWS_AFTER_FULL = 256
/** Bytes of announced changes kept per document for its next version, at least. */
const PENDING_MIN_BYTES = 256 * 1024
/** Bytes of announced changes kept for all documents together: past it, every next version is encoded from its document. */
const PENDING_BUDGET_BYTES = 16 * 1024 * 1024
/** What keeping one update costs beyond its bytes (the array and its buffer; about 210 bytes measured): counted against the bounds. */
const PENDING_UPDATE_OVERHEAD = 256
/** Longest version label (characters). */
export const MAX_LABEL_CHARS = 200
/** How long a record may change without a version before the next change takes one (ms). */
export const AUTO_VERSION_MS = 24 * 60 * 60 * 1000

/** Reasons of the versions a node takes by itself: they stay on this node and are not activity (docs/history.md). */
export const AUTOMATIC_REASONS: ReadonlySet<string> = new Set(['first', 'daily', 'changes'])

export interface VersionMeta {
  n: number
  at: number
  reason: string
  label?: string
  bytes: number
}

interface StoredVersion extends VersionMeta {
  full: boolean
  stateVector: Uint8Array
  update: Uint8Array
}

const PREFIX = 'hv/'
const key = (doc: DocId, n: number): string => `${PREFIX}${doc}/${String(n).padStart(10, '0')}`
const range = (doc: DocId): { gte: string, lt: string } => ({ gte: `${PREFIX}${doc}/`, lt: `${PREFIX}${doc}0` })
const LOG_PREFIX = 'hl/'
const logTime = (at: number): string => String(at).padStart(15, '0')
const logKey = (doc: DocId, v: Pick<VersionMeta, 'n' | 'at'>): string => `${LOG_PREFIX}${logTime(v.at)}/${doc}/${String(v.n).padStart(10, '0')}`

/** A version taken by a person or an action, as the activity feed lists it. */
export interface LoggedVersion extends Omit<VersionMeta, 'bytes'> {
  doc: DocId
}

function decodeLogged (key: string, bytes: Uint8Array): LoggedVersion | undefined {
  try {
    const doc = key.split('/')[2] as DocId
    const v = JSON.parse(new TextDecoder().decode(bytes)) as Omit<LoggedVersion, 'doc'>
    return { doc, n: v.n, at: v.at, reason: v.reason, ...(v.label != null ? { label: v.label } : {}) }
  } catch {
    return undefined
  }
}

/** The `hl/` row of a version taken not automatically (none for an automatic one). */
function logOps (doc: DocId, v: Omit<VersionMeta, 'bytes'>): WriteOp[] {
  if (AUTOMATIC_REASONS.has(v.reason)) return []
  const value = new TextEncoder().encode(JSON.stringify({ n: v.n, at: v.at, reason: v.reason, ...(v.label != null ? { label: v.label } : {}) }))
  return [{ type: 'put', key: logKey(doc, v), value }]
}

function encodeVersion (v: StoredVersion): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarString(e, JSON.stringify({ n: v.n, at: v.at, reason: v.reason, ...(v.label != null ? { label: v.label } : {}), full: v.full }))
  encoding.writeVarUint8Array(e, v.stateVector)
  encoding.writeVarUint8Array(e, v.update)
  return encoding.toUint8Array(e)
}

function decodeVersion (bytes: Uint8Array): StoredVersion {
  try {
    const d = decoding.createDecoder(bytes)
    const meta = JSON.parse(decoding.readVarString(d)) as Omit<StoredVersion, 'stateVector' | 'update' | 'bytes'>
    const stateVector = decoding.readVarUint8Array(d)
    const update = decoding.readVarUint8Array(d)
    return { ...meta, stateVector, update, bytes: bytes.length }
  } catch (err) {
    throw new StorageCorruptError('A stored version does not decode', { cause: err })
  }
}

export interface Versions {
  /** Take a version of a held document now. */
  /** `whole`: the document's whole content as one update, when the caller has it (a first copy that just arrived): not encoded again. */
  take(doc: DocId, reason: string, label?: string, whole?: Uint8Array): VersionMeta
  /** Take a version of each document (one at most each) in one write: the automatic versions of a turn. */
  takeEach(wanted: Map<DocId, string>, wholes?: Map<DocId, Uint8Array>): Map<DocId, VersionMeta>
  /** Every version of a document, oldest first. */
  list(doc: DocId): VersionMeta[]
  /** The latest version, if any. */
  latest(doc: DocId): VersionMeta | undefined
  /** When the latest version was taken, if there is one (a document found to have none is not read again). */
  latestAt(doc: DocId): number | undefined
  /** The document as it was at version n, as a fresh Y.Doc. @throws VersionUnknownError */
  rebuild(doc: DocId, n: number): Y.Doc
  /** Bytes kept for a document's versions. */
  bytes(doc: DocId): number
  /** The versions taken here not automatically, at or after `since` (ms), newest first, at most `limit`. */
  logged(since: number, limit: number): LoggedVersion[]
}

/** What this node knows of a document's latest version, kept after its first read. */
interface Tail {
  n: number
  at: number
  stateVector: Uint8Array
  /** Bytes of the latest whole state's update, and of the rows kept after it. */
  fullBytes: number
  afterFullBytes: number
  afterFullRows: number
  /** The updates the store announced since the latest version, while they are all of them. */
  pending?: Uint8Array[]
  pendingBytes: number
}

export function createVersions (storage: KeyValueStore, store: DocumentStore, now: () => number): Versions {
  const tails = new Map<DocId, Tail | null>()
  let pendingTotal = 0
  const dropPending = (tail: Tail): void => {
    pendingTotal -= tail.pendingBytes
    delete tail.pending
    tail.pendingBytes = 0
  }
  // registered before any listener that takes versions (autoVersions), so a change is pending
  // before the version it makes due is taken
  store.onChange(change => {
    if (change.update == null) return
    const tail = tails.get(change.id)
    if (tail?.pending == null) return
    const u = change.update
    // a view into a larger frame would keep the frame
    tail.pending.push(u.byteOffset === 0 && u.buffer.byteLength === u.byteLength ? u : u.slice())
    tail.pendingBytes += u.byteLength + PENDING_UPDATE_OVERHEAD
    pendingTotal += u.byteLength + PENDING_UPDATE_OVERHEAD
    if (tail.pendingBytes > Math.max(PENDING_MIN_BYTES, tail.fullBytes)) dropPending(tail)
    if (pendingTotal > PENDING_BUDGET_BYTES) for (const t of tails.values()) if (t != null) dropPending(t)
  })

  /** The latest version's tail, read from storage at a document's first version of this run. */
  const tailOf = (doc: DocId): Tail | undefined => {
    const known = tails.get(doc)
    if (known !== undefined) return known ?? undefined
    const rows = storage.range({ ...range(doc), reverse: true, limit: MAX_ROWS_AFTER_FULL + 1 })
    if (rows.length === 0) { tails.set(doc, null); return undefined }
    const last = decodeVersion(rows[0][1])
    let afterFullBytes = 0
    let afterFullRows = 0
    let fullBytes = 0
    for (const [, bytes] of rows) {
      const v = decodeVersion(bytes)
      if (v.full) { fullBytes = v.update.byteLength; break }
      afterFullBytes += v.update.byteLength
      afterFullRows++
    }
    const tail: Tail = { n: last.n, at: last.at, stateVector: last.stateVector, fullBytes, afterFullBytes, afterFullRows, pendingBytes: 0 }
    tails.set(doc, tail)
    return tail
  }

  /**
   * The update from the tail's state to the document's: the document's structs past the tail's
   * state vector (merged as the document holds them) and the deletions of the changes announced
   * since, when those changes are all the document holds past the tail; otherwise undefined.
   */
  const fromPending = (tail: Tail, ydoc: Y.Doc, stateVector: Uint8Array): Uint8Array | undefined => {
    if (tail.pending == null) return undefined
    const since = Y.decodeStateVector(tail.stateVector)
    const expected = new Map(since)
    const deleted: Array<ReturnType<typeof Y.createDeleteSet>> = []
    for (const update of tail.pending) {
      const { structs, ds } = Y.decodeUpdate(update)
      for (const s of structs) {
        if (s instanceof Y.Skip) continue
        expected.set(s.id.client, Math.max(s.id.clock + s.length, expected.get(s.id.client) ?? 0))
      }
      deleted.push(ds)
    }
    // none staged and not yet announced, none waiting for a missing one
    const actual = Y.decodeStateVector(stateVector)
    if (actual.size !== expected.size) return undefined
    for (const [client, clock] of actual) if (expected.get(client) !== clock) return undefined
    return encodeBurstUpdate(ydoc, since, Y.mergeDeleteSets(deleted))
  }

  /** The version to take of `doc` now, the rows that keep it, and the tail once written. */
  const prepare = (doc: DocId, reason: string, label?: string, whole?: Uint8Array): { taken: VersionMeta, ops: WriteOp[], tail: Tail } => {
    const last = tailOf(doc)
    const n = (last?.n ?? 0) + 1
    // a version asked for by a person or an action holds what is in the document now, also
    // what is staged and not yet announced: it is always encoded from the document
    const automatic = AUTOMATIC_REASONS.has(reason)
    const { stateVector, update, full } = store.read(doc, ydoc => {
      const stateVector = Y.encodeStateVector(ydoc)
      if (last == null) return { stateVector, update: whole ?? Y.encodeStateAsUpdate(ydoc), full: true }
      const update = (automatic ? fromPending(last, ydoc, stateVector) : undefined) ?? Y.encodeStateAsUpdate(ydoc, last.stateVector)
      if (last.afterFullRows + 1 >= MAX_ROWS_AFTER_FULL || last.afterFullBytes + update.byteLength >= last.fullBytes) {
        return { stateVector, update: Y.encodeStateAsUpdate(ydoc), full: true }
      }
      return { stateVector, update, full: false }
    })
    const at = Math.max(now(), last?.at ?? 0)
    const version: StoredVersion = { n, at, reason, ...(label != null ? { label } : {}), full, stateVector, update, bytes: 0 }
    const bytes = encodeVersion(version)
    const taken = meta({ ...version, bytes: bytes.length })
    const tail: Tail = {
      n,
      at,
      stateVector,
      fullBytes: full ? update.byteLength : last?.fullBytes ?? 0,
      afterFullBytes: full ? 0 : (last?.afterFullBytes ?? 0) + update.byteLength,
      afterFullRows: full ? 0 : (last?.afterFullRows ?? 0) + 1,
      pending: [],
      pendingBytes: 0
    }
    return { taken, ops: [{ type: 'put', key: key(doc, n), value: bytes }, ...logOps(doc, taken)], tail }
  }
  /** Once the rows are written: the next version of `doc` starts from this one. */
  const advance = (doc: DocId, tail: Tail): void => {
    const before = tails.get(doc)
    if (before != null) dropPending(before)
    tails.set(doc, tail)
  }
  const meta = (v: StoredVersion): VersionMeta => ({ n: v.n, at: v.at, reason: v.reason, ...(v.label != null ? { label: v.label } : {}), bytes: v.bytes })

  const latest = (doc: DocId): VersionMeta | undefined => {
    const [row] = storage.range({ ...range(doc), reverse: true, limit: 1 })
    return row == null ? undefined : meta(decodeVersion(row[1]))
  }

  return {
    take (doc, reason, label, whole) {
      const { taken, ops, tail } = prepare(doc, reason, label, whole)
      storage.write(ops)
      advance(doc, tail)
      return taken
    },

    takeEach (wanted, wholes) {
      const taken = new Map<DocId, VersionMeta>()
      const tailsNow = new Map<DocId, Tail>()
      const ops: WriteOp[] = []
      for (const [doc, reason] of wanted) {
        // gone, or quarantined since the change: no version of it now
        let prepared
        try { prepared = prepare(doc, reason, undefined, wholes?.get(doc)) } catch { continue }
        taken.set(doc, prepared.taken)
        tailsNow.set(doc, prepared.tail)
        ops.push(...prepared.ops)
      }
      if (ops.length > 0) storage.write(ops)
      for (const [doc, tail] of tailsNow) advance(doc, tail)
      return taken
    },

    list (doc) {
      return storage.range(range(doc)).map(([, bytes]) => meta(decodeVersion(bytes)))
    },

    latest,

    latestAt (doc) {
      const known = tails.get(doc)
      if (known !== undefined) return known?.at
      // versions are numbered from 1 and never deleted: without a first there are none, and the
      // first version's tail is then known without another read (a key read, not a range: a
      // catch-up asks this of every document it brings)
      if (storage.get(key(doc, 1)) == null) {
        tails.set(doc, null)
        return undefined
      }
      return latest(doc)?.at
    },

    rebuild (doc, n) {
      if (!Number.isSafeInteger(n) || n < 1 || storage.get(key(doc, n)) == null) throw new VersionUnknownError(`${doc} has no version ${String(n)} here`)
      // back from n to the nearest whole state (at most MAX_ROWS_AFTER_FULL rows after it)
      const rows = storage.range({ gte: key(doc, 1), lte: key(doc, n), reverse: true, limit: MAX_ROWS_AFTER_FULL + 1 })
      const chain: Uint8Array[] = []
      for (const [, bytes] of rows) {
        const v = decodeVersion(bytes)
        chain.push(v.update)
        if (v.full) {
          const ydoc = new Y.Doc()
          for (let i = chain.length - 1; i >= 0; i--) Y.applyUpdate(ydoc, chain[i])
          return ydoc
        }
      }
      throw new StorageCorruptError(`${doc}'s version ${String(n)} has no whole state before it`)
    },

    bytes (doc) {
      return storage.range(range(doc)).reduce((sum, [k, v]) => sum + k.length + v.length, 0)
    },

    logged (since, limit) {
      const rows = storage.range({ gte: `${LOG_PREFIX}${logTime(Math.max(0, since))}`, lt: `${LOG_PREFIX.slice(0, -1)}0`, reverse: true, limit })
      return rows.flatMap(([k, v]) => decodeLogged(k, v) ?? [])
    }
  }
}

/** Set once every version taken before the `hl/` rows existed has its row (docs/storage.md). */
export const LOG_BUILT_KEY = 'meta/version-log'
/** Version rows read per step of the build: each may hold a document's whole state. */
export const LOG_BUILD_ROWS = 64

/**
 * The `hl/` rows of the versions taken before those rows existed, built once per store: the
 * version rows are read in steps of `LOG_BUILD_ROWS` with a turn of the event loop between
 * steps, so neither a start nor the node's other work waits for all of them. A version gives the
 * same row whenever it is built, so a build cut short (`stopped`) starts again at the next start,
 * and a version taken meanwhile writes its own. Returns the rows written.
 */
export async function buildLog (storage: KeyValueStore, stopped: () => boolean): Promise<number> {
  if (storage.get(LOG_BUILT_KEY) != null) return 0
  let after: string | undefined
  let built = 0
  for (;;) {
    if (stopped()) return built
    const rows = storage.range({ ...(after == null ? { gte: PREFIX } : { gt: after }), lt: `${PREFIX.slice(0, -1)}0`, limit: LOG_BUILD_ROWS })
    const ops: WriteOp[] = []
    for (const [k, bytes] of rows) {
      // a row that does not decode is refused when its version is asked for; it has no log row
      let v: StoredVersion
      try { v = decodeVersion(bytes) } catch { continue }
      ops.push(...logOps(k.slice(PREFIX.length, k.lastIndexOf('/')) as DocId, v))
    }
    if (rows.length < LOG_BUILD_ROWS) {
      storage.write([...ops, { type: 'put', key: LOG_BUILT_KEY, value: new Uint8Array([1]) }])
      return built + ops.length
    }
    if (ops.length > 0) storage.write(ops)
    built += ops.length
    after = rows[rows.length - 1][0]
    await new Promise(resolve => setImmediate(resolve))
  }
}
