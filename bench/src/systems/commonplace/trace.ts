import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import * as Y from 'yjs'
import { multiaddr } from '@multiformats/multiaddr'
import type { DocId } from '@commonplace/core'
import type { CommonplaceNode, NodeInit } from '@commonplace/node'
import { countingProxy } from '../../proxy.ts'
import { loadTrace, limitTrace } from '../../trace.ts'
import type { EditingTrace } from '../../trace.ts'
import { WorkloadId } from '../../types.ts'
import type { BenchConfig, Metrics, RunContext, Scenario } from '../../types.ts'
import { traceVariant } from '../yjs-limit.ts'
import { benchNode, createDocs, dataDirOf, shareDocs, viaProxy } from './fixtures.ts'

/** Edits typed per turn of the event loop while replaying (a fast typist; I/O runs between turns). */
const EDITS_PER_TURN = 1_000
/**
 * Past this the two-author replay is reported as failed: it takes 13.5 s on an idle machine and
 * took up to 97 s at load average 17 (docs/benchmarks.md).
 */
const TWO_AUTHORS_LIMIT_MS = 240_000

/** The system name of the trace replayed with a version every `VERSION_EVERY` edits. */
export const VERSIONS_ON_SYSTEM = 'commonplace-versions'
/** Edits between two versions when versions are on (the "a version every 1,000 edits"). */
const VERSION_EVERY = EDITS_PER_TURN

/**
 * The automerge-paper trace again, with each node taking an automatic version at every change it
 * sees (`autoVersions.everyChanges: 1`; docs/history.md): A's store announces the edits of one
 * turn as one change, and the replay types 1,000 edits a turn, so A takes a version every 1,000
 * edits (B one per batch it receives). Its variant is the trace's, so a bench run alternates it
 * with today's node (a version at the first change, then daily) and raw Yjs.
 */
export function versionsOnScenarios (config: BenchConfig): Scenario[] {
  const variant = traceVariant(config)
  return [{
    workload: WorkloadId.trace,
    variant: `${variant}, a version every ${VERSION_EVERY.toLocaleString('en')} edits`,
    versus: variant,
    system: VERSIONS_ON_SYSTEM,
    version: 'commonplace 0.1.0',
    run: async ctx => await paperTrace(ctx, { autoVersions: { everyChanges: 1 } })
  }]
}

export function traceScenarios (config: BenchConfig): Scenario[] {
  const system = 'commonplace'
  const version = 'commonplace 0.1.0'
  return [
    { workload: WorkloadId.trace, variant: traceVariant(config), system, version, run: async ctx => await paperTrace(ctx) },
    { workload: WorkloadId.trace, variant: 'friendsforever, 2 authors at 2 nodes', system, version, run: async ctx => await twoAuthors(ctx) }
  ]
}

async function pair (ctx: RunContext, init: Partial<NodeInit> = {}): Promise<{ a: CommonplaceNode, b: CommonplaceNode, id: DocId, proxy: Awaited<ReturnType<typeof countingProxy>> }> {
  const a = await benchNode(ctx.tmpDir(), 'A', init)
  const b = await benchNode(ctx.tmpDir(), 'B', init)
  const [id] = await createDocs(a, [{ title: 'trace', text: '' }])
  await shareDocs(a, dataDirOf(a), [id], [b.orgId], 'edit')
  const port = Number(/\/tcp\/(\d+)/.exec(a.listenAddresses()[0])?.[1])
  const proxy = await countingProxy(port)
  const has = new Promise<void>(resolve => {
    if (b.store.has(id)) { resolve(); return }
    const off = b.store.onChange(c => { if (c.id === id) { off(); resolve() } })
  })
  await b.libp2p.dial(multiaddr(viaProxy(proxy.port, a.orgId)))
  await has
  return { a, b, id, proxy }
}

/**
 * Workload 4: the automerge-paper trace typed at A, edit by edit, while B is connected. Also what
 * A keeps on disk: its versions of the document (`versions`, `versionBytes`) and its whole data
 * folder once stopped (`diskBytes`; B's: `diskBytesB`).
 */
async function paperTrace (ctx: RunContext, init: Partial<NodeInit> = {}): Promise<Metrics> {
  const trace = limitTrace(loadTrace('automerge-paper'), ctx.config.traceLimit)
  const { a, b, id, proxy } = await pair(ctx, init)
  let stopped = false
  try {
    proxy.reset()
    const cpu = process.cpuUsage()
    const start = performance.now()
    let expected: string | undefined = trace.endContent
    for (let i = 0; i < trace.txns.length; i++) {
      const txn = trace.txns[i]
      a.store.edit(id, d => {
        const text = d.getText('body')
        for (const [pos, del, ins] of txn.patches) {
          if (del > 0) text.delete(pos, del)
          if (ins !== '') text.insert(pos, ins)
        }
      })
      if (i % EDITS_PER_TURN === EDITS_PER_TURN - 1) await new Promise(resolve => setImmediate(resolve))
    }
    expected ??= a.store.read(id, d => d.getText('body').toString())
    await whenText(b, id, expected)
    const ms = performance.now() - start
    // both nodes run in this process: its CPU time (user + system, all threads) covers both
    const used = process.cpuUsage(cpu)
    const versions = await a.api.versions(id)
    await proxy.close()
    await Promise.all([a.stop(), b.stop()])
    stopped = true
    return {
      ms, cpuMs: (used.user + used.system) / 1000, bytes: proxy.up + proxy.down, bytesToB: proxy.down, edits: trace.txns.length,
      versions: versions.length, versionBytes: versions.reduce((sum, v) => sum + v.bytes, 0), diskBytes: folderBytes(dataDirOf(a)), diskBytesB: folderBytes(dataDirOf(b))
    }
  } finally {
    if (!stopped) {
      await proxy.close()
      await Promise.all([a.stop(), b.stop()])
    }
  }
}

/** Bytes of the files in a folder and its subfolders. */
function folderBytes (dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, e) => {
    const path = join(dir, e.name)
    return sum + (e.isDirectory() ? folderBytes(path) : e.isFile() ? statSync(path).size : 0)
  }, 0)
}

async function whenText (node: CommonplaceNode, id: DocId, expected: string): Promise<void> {
  const matches = (): boolean => {
    const text = node.store.read(id, d => d.getText('body'))
    return text.length === expected.length && text.toString() === expected
  }
  if (matches()) return
  await new Promise<void>(resolve => {
    const off = node.store.onChange(c => { if (c.id === id && matches()) { off(); resolve() } })
  })
}

/**
 * The friendsforever trace: two authors at two nodes. Each transaction's positions refer to the
 * version its `parents` name, so each author's edits are made in a private Y.Doc held at exactly
 * that version, and the resulting update is typed into that author's node once the node holds
 * everything the edit builds on (waited for on the node's change events).
 */
async function twoAuthors (ctx: RunContext): Promise<Metrics> {
  const trace = loadTrace('friendsforever')
  const { a, b, id, proxy } = await pair(ctx)
  const { nodes, clients } = byClientOrder([a, b], id)
  try {
    proxy.reset()
    const start = performance.now()
    const replay = async (): Promise<void> => {
      await replayConcurrent(trace, nodes, id, clients)
      await Promise.all(nodes.map(async n => { await whenText(n, id, trace.endContent) }))
    }
    // a replay that stalls is reported as this scenario's failure, and the run goes on
    let timer: ReturnType<typeof setTimeout> | undefined
    const stalled = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => { reject(new Error(`not converged after ${TWO_AUTHORS_LIMIT_MS / 1000} s`)) }, TWO_AUTHORS_LIMIT_MS)
    })
    await Promise.race([replay(), stalled]).finally(() => { clearTimeout(timer) })
    const ms = performance.now() - start
    return { ms, bytes: proxy.up + proxy.down, converged: 1, edits: trace.txns.length }
  } finally {
    await proxy.close()
    await Promise.all([a.stop(), b.stop()])
  }
}

/**
 * The nodes as the trace's agents, each with the client it types with. The trace's `endContent`
 * puts concurrent insertions at one place in the order Yjs gives them when agent 0's client id is
 * the lower (Yjs places the lower client's first; replayed in Yjs alone with the two ids swapped,
 * the same edits end in another text of the same length). A node derives its client ids at
 * random, so agent 0 is played by the node whose client came out lower.
 */
function byClientOrder (pair: CommonplaceNode[], id: DocId): { nodes: CommonplaceNode[], clients: number[] } {
  const drawn = pair.map(n => ({ node: n, client: n.store.preparedClient(id) })).sort((x, y) => x.client - y.client)
  return { nodes: drawn.map(d => d.node), clients: drawn.map(d => d.client) }
}

/**
 * Each author's private Y.Doc writes with a client its node derived for it (`preparedClient`), so
 * the node signs what it types there like any local edit and sends it to the other (a client the
 * node did not derive is stored, not signed, and never leaves: docs/authorship.md).
 */
async function replayConcurrent (trace: EditingTrace, nodes: CommonplaceNode[], id: DocId, clients: number[]): Promise<void> {
  const agents = nodes.length
  const sims = nodes.map((_, i) => { const d = new Y.Doc(); d.clientID = clients[i]; return d })
  const updates: Uint8Array[][] = nodes.map(() => [])
  const clocks: number[][] = nodes.map(() => [])
  const applied = nodes.map(() => new Array<number>(agents).fill(0))
  const vv: number[][] = []
  const seen = new Array<number>(agents).fill(0)
  const indexInAgent: number[] = []
  for (let t = 0; t < trace.txns.length; t++) {
    const txn = trace.txns[t]
    const agent = txn.agent ?? 0
    const v = new Array<number>(agents).fill(0)
    for (const p of txn.parents ?? []) {
      const pa = trace.txns[p].agent ?? 0
      for (let k = 0; k < agents; k++) v[k] = Math.max(v[k], vv[p][k])
      v[pa] = Math.max(v[pa], indexInAgent[p] + 1)
    }
    vv.push(v)
    indexInAgent.push(seen[agent]++)
    const sim = sims[agent]
    for (let other = 0; other < agents; other++) {
      if (other === agent) continue
      while (applied[agent][other] < v[other]) Y.applyUpdate(sim, updates[other][applied[agent][other]++])
    }
    const update = captureLocal(sim, () => {
      const text = sim.getText('body')
      for (const [pos, del, ins] of txn.patches) {
        if (del > 0) text.delete(pos, del)
        if (ins !== '') text.insert(pos, ins)
      }
    })
    updates[agent].push(update)
    clocks[agent].push(Y.getState(sim.store, sim.clientID))
    for (let other = 0; other < agents; other++) {
      if (other === agent || v[other] === 0) continue
      await whenClock(nodes[agent], id, clients[other], clocks[other][v[other] - 1])
    }
    nodes[agent].store.edit(id, d => { Y.applyUpdate(d, update) })
    if (t % 200 === 199) await new Promise(resolve => setImmediate(resolve))
  }
}

function captureLocal (doc: Y.Doc, fn: () => void): Uint8Array {
  const updates: Uint8Array[] = []
  const on = (u: Uint8Array): void => { updates.push(u) }
  doc.on('update', on)
  try {
    doc.transact(fn)
  } finally {
    doc.off('update', on)
  }
  return updates.length === 1 ? updates[0] : Y.mergeUpdates(updates)
}

async function whenClock (node: CommonplaceNode, id: DocId, client: number, clock: number): Promise<void> {
  const has = (): boolean => node.store.read(id, d => Y.getState(d.store, client)) >= clock
  if (has()) return
  await new Promise<void>(resolve => {
    const off = node.store.onChange(c => { if (c.id === id && has()) { off(); resolve() } })
  })
}

