/**
 * What a V8 heap snapshot (`.heapsnapshot`, as `v8.writeHeapSnapshot` writes it) holds, by
 * constructor: how many objects and their own bytes; and what grew between two snapshots. Used by
 * the heap soak (heap.soak.ts) to say which kind of object a growing heap is made of.
 */
import { readFileSync } from 'node:fs'

/** Objects of one kind: V8's node type and, for objects and closures, the constructor's name. */
export interface KindFigures {
  kind: string
  count: number
  selfBytes: number
}

interface Snapshot {
  snapshot: { meta: { node_fields: string[], node_types: [string[], ...unknown[]] } }
  nodes: number[]
  strings: string[]
}

/** Node types whose name says what they are (a constructor, a function); the rest group by type. */
const NAMED = new Set(['object', 'closure', 'native', 'hidden'])

/** Count and own bytes of every kind of object in the snapshot at `path`. */
export function summarize (path: string): Map<string, KindFigures> {
  const snap = JSON.parse(readFileSync(path, 'utf8')) as Snapshot
  const fields = snap.snapshot.meta.node_fields
  const types = snap.snapshot.meta.node_types[0]
  const width = fields.length
  const typeAt = fields.indexOf('type')
  const nameAt = fields.indexOf('name')
  const sizeAt = fields.indexOf('self_size')
  const out = new Map<string, KindFigures>()
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt]]
    const kind = NAMED.has(type) ? `${type} ${snap.strings[snap.nodes[i + nameAt]].slice(0, 60)}` : type
    const figures = out.get(kind) ?? { kind, count: 0, selfBytes: 0 }
    figures.count++
    figures.selfBytes += snap.nodes[i + sizeAt]
    out.set(kind, figures)
  }
  return out
}

/** What changed from `before` to `after`, largest growth in bytes first (the first `limit` kinds). */
export function grown (before: Map<string, KindFigures>, after: Map<string, KindFigures>, limit = 25): Array<KindFigures & { countBefore: number, bytesBefore: number }> {
  const kinds = new Set([...before.keys(), ...after.keys()])
  return [...kinds].map(kind => {
    const a = after.get(kind) ?? { kind, count: 0, selfBytes: 0 }
    const b = before.get(kind) ?? { kind, count: 0, selfBytes: 0 }
    return { kind, count: a.count - b.count, selfBytes: a.selfBytes - b.selfBytes, countBefore: b.count, bytesBefore: b.selfBytes }
  }).sort((x, y) => y.selfBytes - x.selfBytes).slice(0, limit)
}

/** Total own bytes of a summary. */
export function totalBytes (summary: Map<string, KindFigures>): number {
  let total = 0
  for (const k of summary.values()) total += k.selfBytes
  return total
}
