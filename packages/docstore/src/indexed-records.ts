import { isCommonplaceError } from '@commonplace/core'
import type { DocId, KeyValueStore } from '@commonplace/core'

/** Rows read at a time once a damaged page has stopped a whole scan (then one at a time near it). */
const CHUNK = 256

/** What `all()` could not read: a record (its id known) or a stretch of rows a damaged page hides (id undefined). */
export type Unreadable = (id: DocId | undefined, err: unknown) => void

const isCorrupt = (err: unknown): boolean => isCommonplaceError(err) && err.code === 'ERR_STORAGE_CORRUPT'

/**
 * Per-document records (index entries, access lists) read from the storage port on demand, with
 * the recently used ones kept decoded, and the ones changed in the current batch held until it is
 * written. A document held costs nothing in memory until it is used.
 */
export interface IndexedRecords<T> {
  get(id: DocId): T | undefined
  has(id: DocId): boolean
  /** A value not on disk yet; reads see it. */
  stage(id: DocId, value: T): void
  /** These values are on disk now. */
  committed(values: Iterable<[DocId, T]>): void
  /** Forget a staged value (its write failed): reads go back to what is on disk. */
  discard(id: DocId): void
  /** Every record: what is on disk, with staged values over it. */
  all(): T[]
}

/** In `recent`: the record is not on disk (every write of one goes through `committed`). */
const ABSENT = Symbol('absent')

export function indexedRecords<T> (storage: KeyValueStore, prefix: string, decode: (id: DocId, bytes: Uint8Array) => T, max: number, unreadable?: Unreadable): IndexedRecords<T> {
  const staged = new Map<DocId, T>()
  // a document arriving is asked for several times before its first record is written
  const recent = new Map<DocId, T | typeof ABSENT>()
  const remember = (id: DocId, value: T | typeof ABSENT): void => {
    recent.delete(id)
    recent.set(id, value)
    if (recent.size > max) recent.delete(recent.keys().next().value as DocId)
  }
  const read = (id: DocId): T | undefined => {
    const hit = recent.get(id)
    if (hit !== undefined) {
      remember(id, hit)
      return hit === ABSENT ? undefined : hit
    }
    const bytes = storage.get(prefix + id)
    if (bytes == null) {
      remember(id, ABSENT)
      return undefined
    }
    const value = decode(id, bytes)
    remember(id, value)
    return value
  }
  return {
    get: id => staged.get(id) ?? read(id),
    has (id) {
      if (staged.has(id)) return true
      const hit = recent.get(id)
      if (hit !== undefined) return hit !== ABSENT
      if (storage.get(prefix + id) != null) return true
      remember(id, ABSENT)
      return false
    },
    stage (id, value) { staged.set(id, value) },
    committed (values) {
      for (const [id, value] of values) {
        staged.delete(id)
        remember(id, value)
      }
    },
    discard (id) {
      staged.delete(id)
      recent.delete(id)
    },
    all () {
      const out: T[] = []
      const seen = new Set<DocId>()
      for (const [key, bytes] of readableRange(storage, prefix, prefix.slice(0, -1) + '0', unreadable)) {
        const id = key.slice(prefix.length) as DocId
        seen.add(id)
        try {
          const cached = recent.get(id)
          out.push(staged.get(id) ?? (cached === ABSENT ? undefined : cached) ?? decode(id, bytes))
        } catch (err) {
          // one record that does not decode leaves the others listed
          if (unreadable == null || !isCorrupt(err)) throw err
          unreadable(id, err)
        }
      }
      for (const [id, value] of staged) if (!seen.has(id)) out.push(value)
      return out
    }
  }
}

/**
 * The rows from `gte` to `lt` that can be read. When a damaged page stops the scan, the rows before
 * it are read forwards and the rows after it backwards, a chunk at a time and one at a time next to
 * it, so that a damaged page hides only the rows it (or the subtree under it) holds: each row is
 * read at most twice.
 */
export function readableRange (storage: KeyValueStore, gte: string, lt: string, unreadable?: Unreadable): Array<[string, Uint8Array]> {
  try {
    return storage.range({ gte, lt })
  } catch (err) {
    if (unreadable == null || !isCorrupt(err)) throw err
    unreadable(undefined, err)
  }
  const head = scan(storage, { gte, lt }, false)
  const last = head.at(-1)?.[0]
  const tail = scan(storage, last == null ? { gte, lt } : { gt: last, lt }, true)
  return [...head, ...tail.reverse()]
}

/** Rows of `range` in one direction, until the first that cannot be read. */
function scan (storage: KeyValueStore, range: { gte?: string, gt?: string, lt: string }, reverse: boolean): Array<[string, Uint8Array]> {
  const out: Array<[string, Uint8Array]> = []
  let limit = CHUNK
  for (;;) {
    const at = out.at(-1)?.[0]
    const bounds = at == null ? range : reverse ? { ...range, lt: at } : { ...range, gte: undefined, gt: at }
    let rows: Array<[string, Uint8Array]>
    try {
      rows = storage.range({ ...bounds, limit, reverse })
    } catch (err) {
      if (!isCorrupt(err) || limit === 1) return out
      limit = 1
      continue
    }
    out.push(...rows)
    if (rows.length < limit) return out
  }
}
