/**
 * The carrier documents of the practice layer (docs/practice.md): a proposal document and an
 * adoption log. Each has a `_practice` marker map naming its type (and a log its network).
 */
import type * as Y from 'yjs'
import { CarrierKind, MAX_LOG_ENTRIES, YNAMES } from './constants.ts'

export interface Marker {
  type: CarrierKind
  /** An adoption log's network; absent for the organisation's private log. */
  network?: string
}

/** The marker of a carrier document, or undefined for any other document. */
export function carrierOf (doc: Y.Doc): Marker | undefined {
  const map = doc.getMap<unknown>(YNAMES.marker)
  const type = map.get('type')
  if (type !== CarrierKind.proposal && type !== CarrierKind.adoptionLog && type !== CarrierKind.comments) return undefined
  const network = map.get('network')
  return { type, ...(typeof network === 'string' ? { network } : {}) }
}

/** Mark a new document as a carrier (inside its first transaction). */
export function markCarrier (doc: Y.Doc, marker: Marker): void {
  const map = doc.getMap<unknown>(YNAMES.marker)
  map.set('type', marker.type)
  if (marker.network !== undefined) map.set('network', marker.network)
}

/** A proposal document's statement and outcome, as found (unverified). */
export function readProposalDoc (doc: Y.Doc): { statement?: unknown, outcome?: unknown } {
  const map = doc.getMap<unknown>(YNAMES.proposal)
  return { statement: map.get('statement'), outcome: map.get('outcome') }
}

export function writeProposalStatement (doc: Y.Doc, statement: object): void {
  doc.getMap<unknown>(YNAMES.proposal).set('statement', statement)
}

export function writeOutcome (doc: Y.Doc, outcome: object): void {
  doc.getMap<unknown>(YNAMES.proposal).set('outcome', outcome)
}

/** An adoption log's entries as found (unverified), at most `MAX_LOG_ENTRIES`. */
export function logEntries (doc: Y.Doc): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = []
  for (const [key, value] of doc.getMap<unknown>(YNAMES.log).entries()) {
    if (out.length >= MAX_LOG_ENTRIES) break
    out.push([key, value])
  }
  return out
}

/** The number of entries of a log (to tell how many were over the bound). */
export function logSize (doc: Y.Doc): number {
  return doc.getMap<unknown>(YNAMES.log).size
}

/** Put entries into a log (one transaction). */
export function putLogEntries (doc: Y.Doc, entries: ReadonlyArray<[string, object]>): void {
  const map = doc.getMap<unknown>(YNAMES.log)
  doc.transact(() => { for (const [key, value] of entries) map.set(key, value) })
}
