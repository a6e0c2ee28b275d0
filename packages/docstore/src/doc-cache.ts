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

export function docCache (max: number): DocCache {
  const docs = new Map<DocId, Y.Doc>()
  return {
    get (id) {
      const doc = docs.get(id)
      if (doc != null) {
        docs.delete(id)
        docs.set(id, doc)
      }
      return doc
    },
    set (id, doc) {
      docs.set(id, doc)
      while (docs.size > max) {
        const oldest = docs.keys().next().value as DocId
        this.evict(oldest)
      }
    },
    evict (id) {
      docs.get(id)?.destroy()
      docs.delete(id)
    },
    get size () { return docs.size },
    clear () {
      for (const doc of docs.values()) doc.destroy()
      docs.clear()
    }
  }
}
