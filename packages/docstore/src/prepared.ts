/**
 * Changes made off the event loop (a large Markdown import built in a worker thread) are handed
 * to the store as a Yjs update, and stored without loading the document into a Y.Doc: loading
 * and applying would put back on the event loop the work the worker took off it.
 */
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import type { ChangedParts } from './part-changes.ts'

/** What a prepared update does to the index entry: the state vector it reaches, and the title and kind when it sets them. */
export interface PreparedChange {
  /** The state vector of the document the update was made on, after the change. */
  stateVector: Uint8Array
  title?: string
  kind?: string
  /** The person inside the organisation who made it (signed into its envelope); none: the organisation. */
  author?: string
  /** The parts it changed and removed, as the store's `changedParts` option would name them (their last-change records). */
  parts?: ChangedParts
}

/** The state vector holding both: for each client the larger clock, written as Yjs writes one. */
export function mergeStateVectors (a: Uint8Array, b: Uint8Array): Uint8Array {
  const merged = Y.decodeStateVector(a)
  for (const [client, clock] of Y.decodeStateVector(b)) {
    if ((merged.get(client) ?? 0) < clock) merged.set(client, clock)
  }
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, merged.size)
  for (const [client, clock] of [...merged].sort((x, y) => y[0] - x[0])) {
    encoding.writeVarUint(e, client)
    encoding.writeVarUint(e, clock)
  }
  return encoding.toUint8Array(e)
}

/** The index entry's fields after a prepared update: the state vectors merged, the title and kind it set. */
export function preparedFields (info: { stateVector: Uint8Array }, change: PreparedChange): Partial<PreparedChange> {
  return {
    stateVector: mergeStateVectors(info.stateVector, change.stateVector),
    ...(change.title !== undefined ? { title: change.title } : {}),
    ...(change.kind !== undefined ? { kind: change.kind } : {})
  }
}
