import * as Y from 'yjs'
import { makeDocs } from '../content.ts'
import { loadTrace, limitTrace } from '../trace.ts'
import { WorkloadId } from '../types.ts'
import type { BenchConfig, Metrics, Scenario } from '../types.ts'

const VERSION = 'yjs 13.6.33'

/** Raw Yjs with no network and no storage: the limit the others are measured against. */
export function yjsLimitScenarios (config: BenchConfig): Scenario[] {
  return [
    {
      workload: WorkloadId.initialSync,
      variant: `${config.docs} docs of ${config.docBytes / 1000} KB`,
      system: 'yjs (limit)',
      version: VERSION,
      async run () { return initialSyncLimit(config) }
    },
    {
      workload: WorkloadId.trace,
      variant: traceVariant(config),
      system: 'yjs (limit)',
      version: VERSION,
      async run () { return traceLimit(config) }
    }
  ]
}

export function traceVariant (config: BenchConfig): string {
  return config.traceLimit >= 259_778 ? 'automerge-paper, 259,778 edits' : `automerge-paper, first ${config.traceLimit.toLocaleString('en')} edits`
}

/** Encode every document at A and apply it to a fresh Y.Doc at B: CPU time and update bytes. */
function initialSyncLimit (config: BenchConfig): Metrics {
  const sources = makeDocs(config.seed, config.docs, config.docBytes).map(c => {
    const doc = new Y.Doc()
    doc.getMap('meta').set('title', c.title)
    doc.getText('body').insert(0, c.text)
    return doc
  })
  const start = performance.now()
  let bytes = 0
  for (const source of sources) {
    const update = Y.encodeStateAsUpdate(source)
    bytes += update.byteLength
    const replica = new Y.Doc()
    Y.applyUpdate(replica, update)
    if (replica.getText('body').length !== source.getText('body').length) throw new Error('replica differs')
  }
  return { ms: performance.now() - start, bytes }
}

/** Apply the trace to a bare Y.Doc, one transaction per edit: time, per-edit update bytes, final encoding. */
function traceLimit (config: BenchConfig): Metrics {
  const trace = limitTrace(loadTrace('automerge-paper'), config.traceLimit)
  const doc = new Y.Doc()
  const text = doc.getText('body')
  let updateBytes = 0
  doc.on('update', (u: Uint8Array) => { updateBytes += u.byteLength })
  const cpu = process.cpuUsage()
  const start = performance.now()
  for (const txn of trace.txns) {
    doc.transact(() => {
      for (const [pos, del, ins] of txn.patches) {
        if (del > 0) text.delete(pos, del)
        if (ins !== '') text.insert(pos, ins)
      }
    })
  }
  const ms = performance.now() - start
  const used = process.cpuUsage(cpu)
  if (trace.endContent != null && text.toString() !== trace.endContent) throw new Error('trace did not end in endContent')
  return { ms, cpuMs: (used.user + used.system) / 1000, updateBytes, encodedBytes: Y.encodeStateAsUpdate(doc).byteLength, edits: trace.txns.length }
}
