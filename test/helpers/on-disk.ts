/**
 * What a stopped node's data folder holds, read as its next start reads it (SQLite recovers from
 * its WAL): a document's text, its state vector, and how many update-log rows it has on disk.
 */
import { join } from 'node:path'
import * as Y from 'yjs'
import { createDocumentStore } from '@commonplace/docstore'
import { recordToMarkdown } from '@commonplace/record'
import { sqliteStore } from '@commonplace/storage'
import type { DocId } from '@commonplace/core'

export interface DocOnDisk {
  /** The document as Markdown; empty when the folder does not hold it. */
  markdown: string
  /** `Y.encodeStateVector` of the document, base64; empty when not held. */
  stateVector: string
  /** Update-log rows on disk (one snapshot row after a compaction). */
  logRows: number
}

/** Read documents of a stopped node's data folder (never of a running one: it holds the lock). */
export function readOnDisk (dataDir: string, ids: string[]): Map<string, DocOnDisk> {
  const storage = sqliteStore({ path: join(dataDir, 'commonplace.db') })
  try {
    const store = createDocumentStore({ storage })
    const out = new Map<string, DocOnDisk>()
    for (const id of ids) {
      const logRows = storage.range({ gte: `u/${id}/`, lt: `u/${id}0` }).length
      if (!store.has(id as DocId)) {
        out.set(id, { markdown: '', stateVector: '', logRows })
        continue
      }
      const [markdown, stateVector] = store.read(id as DocId, doc => [recordToMarkdown(doc), Buffer.from(Y.encodeStateVector(doc)).toString('base64')])
      out.set(id, { markdown, stateVector, logRows })
    }
    return out
  } finally {
    storage.close()
  }
}
