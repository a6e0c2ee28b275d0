/**
 * Versions of documents kept by this node (docs/history.md): per version, the Yjs update from the
 * previous version's state vector (every `FULL_EVERY`th version the whole state), on the storage
 * port under `hv/<doc>/<n, 10 digits>`. Version n is rebuilt from the nearest whole state at or
 * before it and the updates after it. A version taken by a person or an action (not automatically)
 * also gets a small row under `hl/<at, 15 digits>/<doc>/<n, 10 digits>`, so that the activity feed
 * reads the latest of them in one bounded range read, whatever the number of documents held.
 */
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { StorageCorruptError, VersionUnknownError } from '@commonplace/core'
import type { DocId, DocumentStore, KeyValueStore, WriteOp } from '@commonplace/core'

/** Every this many versions one keeps the whole state: rebuilding reads at most this many rows. */
export const FULL_EVERY = 32
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
  take(doc: DocId, reason: string, label?: string): VersionMeta
  /** Take a version of each document (one at most each) in one write: the automatic versions of a turn. */
  takeEach(wanted: Map<DocId, string>): Map<DocId, VersionMeta>
  /** Every version of a document, oldest first. */
  list(doc: DocId): VersionMeta[]
  /** The latest version, if any. */
  latest(doc: DocId): VersionMeta | undefined
  /** The document as it was at version n, as a fresh Y.Doc. @throws VersionUnknownError */
  rebuild(doc: DocId, n: number): Y.Doc
  /** Bytes kept for a document's versions. */
  bytes(doc: DocId): number
  /** The versions taken here not automatically, at or after `since` (ms), newest first, at most `limit`. */
  logged(since: number, limit: number): LoggedVersion[]
}

export function createVersions (storage: KeyValueStore, store: DocumentStore, now: () => number): Versions {
  const lastOf = (doc: DocId): StoredVersion | undefined => {
    const [row] = storage.range({ ...range(doc), reverse: true, limit: 1 })
    return row == null ? undefined : decodeVersion(row[1])
  }
  const meta = (v: StoredVersion): VersionMeta => ({ n: v.n, at: v.at, reason: v.reason, ...(v.label != null ? { label: v.label } : {}), bytes: v.bytes })

  /** The version to take of `doc` now, and the rows that keep it. */
  const prepare = (doc: DocId, reason: string, label?: string): { taken: VersionMeta, ops: WriteOp[] } => {
    const last = lastOf(doc)
    const n = (last?.n ?? 0) + 1
    const full = (n - 1) % FULL_EVERY === 0
    const { stateVector, update } = store.read(doc, ydoc => ({
      stateVector: Y.encodeStateVector(ydoc),
      update: full || last == null ? Y.encodeStateAsUpdate(ydoc) : Y.encodeStateAsUpdate(ydoc, last.stateVector)
    }))
    const version: StoredVersion = { n, at: Math.max(now(), last?.at ?? 0), reason, ...(label != null ? { label } : {}), full, stateVector, update, bytes: 0 }
    const bytes = encodeVersion(version)
    const taken = meta({ ...version, bytes: bytes.length })
    return { taken, ops: [{ type: 'put', key: key(doc, n), value: bytes }, ...logOps(doc, taken)] }
  }

  return {
    take (doc, reason, label) {
      const { taken, ops } = prepare(doc, reason, label)
      storage.write(ops)
      return taken
    },

    takeEach (wanted) {
      const taken = new Map<DocId, VersionMeta>()
      const ops: WriteOp[] = []
      for (const [doc, reason] of wanted) {
        // gone, or quarantined since the change: no version of it now
        let prepared
        try { prepared = prepare(doc, reason) } catch { continue }
        taken.set(doc, prepared.taken)
        ops.push(...prepared.ops)
      }
      if (ops.length > 0) storage.write(ops)
      return taken
    },

    list (doc) {
      return storage.range(range(doc)).map(([, bytes]) => meta(decodeVersion(bytes)))
    },

    latest (doc) {
      const last = lastOf(doc)
      return last == null ? undefined : meta(last)
    },

    rebuild (doc, n) {
      if (!Number.isSafeInteger(n) || n < 1 || storage.get(key(doc, n)) == null) throw new VersionUnknownError(`${doc} has no version ${String(n)} here`)
      const base = n - ((n - 1) % FULL_EVERY)
      const ydoc = new Y.Doc()
      for (const [, bytes] of storage.range({ gte: key(doc, base), lte: key(doc, n) })) {
        Y.applyUpdate(ydoc, decodeVersion(bytes).update)
      }
      return ydoc
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
