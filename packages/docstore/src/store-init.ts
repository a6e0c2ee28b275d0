/** The document store's options and parts, and the index entry of a document with nothing yet. */
import * as Y from 'yjs'
import type { DocHeader, KeyValueStore } from '@commonplace/core'
import type { ComponentLogger } from '@libp2p/interface'
import type { InfoRecord } from './codec.ts'
import type { SignedInit } from './signed-store.ts'
import type { PartsOf } from './part-changes.ts'

/** The options of `createDocumentStore`. */
export interface DocumentStoreInit extends SignedInit {
  /** Loaded Y.Docs kept in memory (protects memory). Default 256. */
  maxLoaded?: number
  /** Index entries and access lists kept decoded in memory (the rest are read from disk). Default 1024. */
  maxIndexed?: number
  /** Log rows per document before compaction (protects disk and load time). Default 200. */
  compactAfter?: number
  /** Largest update accepted in bytes (protects memory). Default 8 MiB. */
  maxUpdateBytes?: number
  /**
   * Update bytes a batch may gather in memory while it waits for the running disk sync (group
   * commit); past this it is written at once (protects memory when the disk is slow). Default 1 MiB.
   */
  maxWaitingBytes?: number
  /**
   * Turns with changes closer than this (ms) are a burst, whose batch waits `burstHoldMs` after
   * its first change before it is written (fewer writes in a catch-up; acknowledgements wait as
   * long). 0: no hold. Defaults 0.5 and 5.
   */
  burstGapMs?: number
  burstHoldMs?: number
  /** Title and kind of a document for the index; default reads the `meta` map. */
  describe?: (doc: Y.Doc) => { title: string, kind: string }
  /**
   * The parts (sections) of a document a transaction changed: the store keeps, per part, who last
   * changed it and when (`lastChanges`). Without it nothing is kept.
   */
  changedParts?: PartsOf
  now?: () => number
}

export interface DocumentStoreComponents {
  storage: KeyValueStore
  logger?: ComponentLogger
}

/** The state vector of a document that holds nothing. */
export const EMPTY_SV = Y.encodeStateVector(new Y.Doc())

/** Title and kind from the document's `meta` map. */
export function defaultDescribe (doc: Y.Doc): { title: string, kind: string } {
  const meta = doc.getMap('meta')
  const title = meta.get('title')
  const kind = meta.get('kind')
  return { title: typeof title === 'string' ? title : '', kind: typeof kind === 'string' ? kind : '' }
}

/** The index entry of a document that holds nothing yet. */
export function emptyInfo (header: DocHeader): InfoRecord {
  return {
    id: header.id, owner: header.owner, title: '', kind: '', updatedAt: 0, changeSeq: 0, accessSeq: 0,
    stateVector: EMPTY_SV, storedBytes: 0, logFirst: 0, logNext: 0
  }
}
