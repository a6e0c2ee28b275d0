import type { DocId, KeyValueStore } from '@commonplace/core'

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

export function indexedRecords<T> (storage: KeyValueStore, prefix: string, decode: (id: DocId, bytes: Uint8Array) => T, max: number): IndexedRecords<T> {
  const staged = new Map<DocId, T>()
  const recent = new Map<DocId, T>()
  const remember = (id: DocId, value: T): void => {
    recent.delete(id)
    recent.set(id, value)
    if (recent.size > max) recent.delete(recent.keys().next().value as DocId)
  }
  const read = (id: DocId): T | undefined => {
    const hit = recent.get(id)
    if (hit !== undefined) {
      remember(id, hit)
      return hit
    }
    const bytes = storage.get(prefix + id)
    if (bytes == null) return undefined
    const value = decode(id, bytes)
    remember(id, value)
    return value
  }
  return {
    get: id => staged.get(id) ?? read(id),
    has: id => staged.has(id) || recent.has(id) || storage.get(prefix + id) != null,
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
      for (const [key, bytes] of storage.range({ gte: prefix, lt: prefix.slice(0, -1) + '0' })) {
        const id = key.slice(prefix.length) as DocId
        seen.add(id)
        out.push(staged.get(id) ?? recent.get(id) ?? decode(id, bytes))
      }
      for (const [id, value] of staged) if (!seen.has(id)) out.push(value)
      return out
    }
  }
}
