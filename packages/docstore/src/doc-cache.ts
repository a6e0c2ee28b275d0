import type * as Y from 'yjs'
import type { DocId } from '@commonplace/core'

/** Loaded documents, least recently used first out. Documents held are not documents open. */
export interface DocCache {
  get(id: DocId): Y.Doc | undefined
  set(id: DocId, doc: Y.Doc): void
  /** Unload one document (its state is on disk). */
  evict(id: DocId): void
  readonly size: number
  clear(): void
}

/**
 * `pinned(id)` keeps a document loaded while it has changes not yet on disk; `unloading(id)` runs
 * before a document is unloaded.
 */
export function docCache (max: number, pinned: (id: DocId) => boolean = () => false, unloading?: (id: DocId) => void): DocCache {
  const docs = new Map<DocId, Y.Doc>()
  /** The most recently used document: asked for again at every keystroke, already last in the order. */
  let newest: DocId | undefined
  return {
    get (id) {
      const doc = docs.get(id)
      if (doc != null && id !== newest) {
        docs.delete(id)
        docs.set(id, doc)
        newest = id
      }
      return doc
    },
    set (id, doc) {
      docs.delete(id)
      docs.set(id, doc)
      newest = id
      if (docs.size <= max) return
      for (const candidate of docs.keys()) {
        if (docs.size <= max) break
        if (candidate !== id && !pinned(candidate)) this.evict(candidate)
      }
    },
    evict (id) {
      unloading?.(id)
      docs.get(id)?.destroy()
      docs.delete(id)
      if (newest === id) newest = undefined
    },
    get size () { return docs.size },
    clear () {
      for (const doc of docs.values()) doc.destroy()
      docs.clear()
      newest = undefined
    }
  }
}
