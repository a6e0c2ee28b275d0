/**
 * Workload "history" (docs/history.md, issue 17): the diff of two versions of a 100 KB record at a
 * node (a stored version against another, and against now), and what versions cost: the
 * automerge-paper trace replayed into a Y.Doc with a version every 1,000 transactions, the bytes
 * the versions keep and the time taking them adds.
 */
import * as Y from 'yjs'
import type { DocId, DocumentChange, DocumentStore } from '@commonplace/core'
import { createVersions } from '@commonplace/node'

import { memoryStore } from '@commonplace/storage'
import { median } from './measure.ts'
import { withNode } from './practice.ts'
import { loadTrace, limitTrace } from './trace.ts'
import { THREADS, addThreads, threadsPaint } from './history-web.ts'
import { WorkloadId } from './types.ts'
import type { BenchConfig, Metrics, RunContext, Scenario } from './types.ts'

const VERSION = 'commonplace 0.1.0 history'
const SECTIONS = 20
const REPEATS = 5
/** A version every this many transactions of the trace. */
const EVERY = 1_000

export function historyScenarios (config: BenchConfig): Scenario[] {
  const scenario = (variant: string, run: (ctx: RunContext) => Promise<Metrics>): Scenario =>
    ({ workload: WorkloadId.history, variant, system: 'commonplace', version: VERSION, run })
  return [
    scenario('diff two versions of a 100 KB document', async ctx => await diff(ctx)),
    scenario(`automerge-paper trace, a version every ${EVERY} transactions`, async () => trace(config)),
    scenario(`list ${THREADS} comment threads of a 100 KB document`, async ctx => await threads(ctx)),
    scenario(`open the ${THREADS} comment threads of a 100 KB document in Chromium`, async ctx => await threadsPaint(ctx))
  ]
}

/** `api.diff` between two stored versions, and from a version to now, with every fourth section changed. */
async function diff (ctx: RunContext): Promise<Metrics> {
  return await withNode(ctx, async (node, doc) => {
    const from = (await node.api.takeVersion(doc, { label: 'before' })).n
    for (let i = 0; i < SECTIONS; i += 4) await node.api.editDoc(doc, { append: { section: `Section ${i + 1}`, text: `A change in section ${i + 1}.` } })
    const to = (await node.api.takeVersion(doc, { label: 'after' })).n
    const stored: number[] = []
    const toNow: number[] = []
    for (let i = 0; i <= REPEATS; i++) {
      let start = performance.now()
      const changes = (await node.api.diff(doc, from, to)).changes.filter(c => c.status === 'changed').length
      if (i > 0) stored.push(performance.now() - start)
      if (changes !== SECTIONS / 4) throw new Error(`expected ${SECTIONS / 4} changed sections, got ${changes}`)
      start = performance.now()
      await node.api.diff(doc, from)
      if (i > 0) toNow.push(performance.now() - start)
    }
    // the two labelled versions went, with the record's text, into its comments document
    const shared = node.store.list().find(info => info.kind === 'comments')?.storedBytes ?? 0
    return { ms: median(stored), toNowMs: median(toNow), sharedBytesPerVersion: shared / 2, recordBytes: node.store.info(doc)?.storedBytes ?? 0 }
  })
}

/** The trace typed into a Y.Doc (one transaction per edit), a version every `EVERY`; the versions' bytes and time. */
function trace (config: BenchConfig): Metrics {
  const { txns } = limitTrace(loadTrace('automerge-paper'), config.traceLimit)
  const ydoc = new Y.Doc()
  const text = ydoc.getText('body')
  const kv = memoryStore()
  const id = 'aaaaaaaaaaaaaaaaaaaaaaaaaa' as DocId
  // the node's store announces each change's update; the version store keeps them for the next version
  const listeners: Array<(change: DocumentChange) => void> = []
  ydoc.on('update', (update: Uint8Array) => { for (const l of listeners) l({ id, update, accessChanged: false, origin: { kind: 'local' }, changeSeq: 0 } as unknown as DocumentChange) })
  const store = { read: (_id: DocId, fn: (doc: Y.Doc) => unknown) => fn(ydoc), onChange: (l: (change: DocumentChange) => void) => { listeners.push(l); return () => {} } } as unknown as DocumentStore
  const versions = createVersions(kv, store, Date.now)
  let versionMs = 0
  const start = performance.now()
  for (let i = 0; i < txns.length; i++) {
    ydoc.transact(() => {
      for (const [pos, del, ins] of txns[i].patches) {
        if (del > 0) text.delete(pos, del)
        if (ins !== '') text.insert(pos, ins)
      }
    })
    if ((i + 1) % EVERY === 0) {
      const t = performance.now()
      versions.take(id, 'changes')
      versionMs += performance.now() - t
    }
  }
  const totalMs = performance.now() - start
  const count = versions.list(id).length
  const t = performance.now()
  const middle = versions.rebuild(id, Math.max(1, Math.floor(count / 2)))
  const rebuildMs = performance.now() - t
  middle.destroy()
  return {
    transactions: txns.length, versions: count, versionBytes: versions.bytes(id), stateBytes: Y.encodeStateAsUpdate(ydoc).byteLength,
    ms: totalMs, versionMs, rebuildMs
  }
}

/**
 * `api.comments` on a document with `THREADS` threads, each anchored to a passage of a section and
 * with one reply: every entry's author checked through the store's attribution, every anchor
 * resolved against the record. The node's side of opening a document's comments.
 */
async function threads (ctx: RunContext): Promise<Metrics> {
  return await withNode(ctx, async (node, doc) => {
    await addThreads(node, doc)
    const times: number[] = []
    for (let i = 0; i <= REPEATS; i++) {
      const start = performance.now()
      const listed = await node.api.comments(doc)
      if (i > 0) times.push(performance.now() - start)
      if (listed.length !== THREADS) throw new Error(`expected ${THREADS} threads, got ${listed.length}`)
    }
    return { ms: median(times), maxMs: Math.max(...times) }
  })
}
