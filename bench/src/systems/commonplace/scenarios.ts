import { fileURLToPath } from 'node:url'
import type { DocId, OrgId } from '@commonplace/core'
import type { CommonplaceNode } from '@commonplace/node'
import { multiaddr } from '@multiformats/multiaddr'
import { makeDocs } from '../../content.ts'
import { countingProxy } from '../../proxy.ts'
import { forkPeer } from '../../child.ts'
import { bundled } from '../../bundle.ts'
import { latencyMetrics, latencyVariant, pacedEdits, percentile } from '../../measure.ts'
import { WorkloadId } from '../../types.ts'
import type { BenchConfig, Metrics, RunContext, Scenario } from '../../types.ts'
import {
  benchNode, bodyLength, connectChain, createDocs, dataDirOf, nextAck, shareDocs, viaProxy, whenBodies, whenConfirmed, whenDurable
} from './fixtures.ts'
import { traceScenarios } from './trace.ts'
import { editLatencyAcrossProcesses } from './latency-processes.ts'

export const SYSTEM = 'commonplace'
export const VERSION = 'commonplace 0.1.0 (libp2p 3, noise, yamux, node:sqlite)'
/** Workload 7: untimed edits first (JIT, first loads), then timed ones. */
const MANY_NODES_WARMUP = 10
const MANY_NODES_EDITS = 50
const PEER_SCRIPT = fileURLToPath(new URL('./peer.ts', import.meta.url))
const FOOTPRINT_PEER_SCRIPT = fileURLToPath(new URL('./footprint-peer.ts', import.meta.url))

export function commonplaceScenarios (config: BenchConfig): Scenario[] {
  const scenario = (workload: Scenario['workload'], variant: string, run: (ctx: RunContext) => Promise<Metrics>): Scenario =>
    ({ workload, variant, system: SYSTEM, version: VERSION, run })
  return [
    scenario(WorkloadId.initialSync, `${config.docs} docs of ${config.docBytes / 1000} KB`, async ctx => await initialSync(ctx)),
    ...config.reconnectChanged.map(k => scenario(WorkloadId.reconnect, reconnectVariant(config, k), async ctx => await reconnect(ctx, k))),
    ...latencyPaces(config).map(([h, interval]) => scenario(WorkloadId.editLatency, latencyVariant(h, interval), async ctx => await editLatency(ctx, h, interval))),
    ...config.editIntervalsMs.map(interval => scenario(WorkloadId.editLatency, latencyVariant(1, interval, true), async ctx => await editLatencyAcrossProcesses(ctx, interval))),
    ...traceScenarios(config),
    scenario(WorkloadId.footprint, `${config.footprintDocs.toLocaleString('en')} docs held, ${config.footprintOpen.toLocaleString('en')} opened`, async ctx => await footprint(ctx)),
    scenario(WorkloadId.selective, `${config.selectiveShared} of ${config.docs} shared`, async ctx => await selective(ctx)),
    scenario(WorkloadId.manyNodes, `${config.manyNodes} nodes in a chain`, async ctx => await manyNodes(ctx))
  ]
}

/** Workload 3's variants: [hops, ms between edits]; 1 hop at every pace, longer chains at one. */
export function latencyPaces (config: BenchConfig): Array<[number, number]> {
  return config.hops.flatMap(h => h === 1 ? config.editIntervalsMs.map(ms => [h, ms] as [number, number]) : [[h, config.chainIntervalMs] as [number, number]])
}

export function reconnectVariant (config: BenchConfig, k: number): string {
  return `${k.toLocaleString('en')} of ${config.reconnectDocs.toLocaleString('en')} changed (1 KB docs)`
}

/** Workload 1: B (its own process, empty) connects to A holding the documents. */
async function initialSync (ctx: RunContext): Promise<Metrics> {
  const { config } = ctx
  const contents = makeDocs(config.seed, config.docs, config.docBytes)
  const a = await benchNode(ctx.tmpDir(), 'A')
  const peer = await forkPeer(PEER_SCRIPT)
  const proxy = await countingProxy(tcpPort(a))
  try {
    const ids = await createDocs(a, contents)
    const { orgId } = await peer.ask({ cmd: 'start', dataDir: ctx.tmpDir() })
    await shareDocs(a, dataDirOf(a), ids, [orgId], 'read')
    proxy.reset()
    const { ms, firstMs, cpuMs, idleMs } = await peer.ask({ cmd: 'sync', addr: viaProxy(proxy.port, a.orgId), ids, lengths: contents.map(c => c.text.length) })
    const { peakRssMB } = await peer.ask({ cmd: 'rss' })
    return { ms, firstMs, cpuMsB: cpuMs, idleMsB: idleMs, bytesUp: proxy.up, bytesDown: proxy.down, bytes: proxy.up + proxy.down, peakRssMB }
  } finally {
    await peer.stop()
    await proxy.close()
    await a.stop()
  }
}

/** Workload 2: in sync, apart (both restart), k documents change at A, reconnect. */
async function reconnect (ctx: RunContext, k: number): Promise<Metrics> {
  const { config } = ctx
  const contents = makeDocs(config.seed, config.reconnectDocs, config.docBytes / 10)
  const dirA = ctx.tmpDir()
  const dirB = ctx.tmpDir()
  let a = await benchNode(dirA, 'A')
  let b = await benchNode(dirB, 'B')
  let proxy = await countingProxy(tcpPort(a))
  try {
    const ids = await createDocs(a, contents)
    await shareDocs(a, dirA, ids, [b.orgId], 'read')
    const synced = whenBodies(b, ids, contents.map(c => c.text.length))
    await b.libp2p.dial(multiaddr(viaProxy(proxy.port, a.orgId)))
    await synced
    // in sync: B's copies on disk, then each side's latest change confirmed by the other (B's
    // change sequence still moves while its last batches reach the disk)
    await b.store.whenDurable()
    await Promise.all([whenConfirmed(a, b), whenConfirmed(b, a)])
    // apart: both nodes stop (nothing loaded when they meet again)
    await proxy.close()
    await Promise.all([a.stop(), b.stop()])
    a = await benchNode(dirA, 'A')
    b = await benchNode(dirB, 'B')
    proxy = await countingProxy(tcpPort(a))
    const changed = ids.filter((_, i) => i % Math.max(1, Math.floor(ids.length / Math.max(k, 1))) === 0).slice(0, k)
    for (const id of changed) a.store.edit(id, d => { d.getText('body').insert(0, 'changed ') })
    // changed while apart: on disk long before they meet again
    await a.store.whenDurable()
    const loadedBefore = a.store.loadedCount
    const lengths = changed.map(id => bodyLength(a, id))
    const statsBefore = { in: b.libp2p.services.sync.stats.framesIn, out: b.libp2p.services.sync.stats.framesOut }
    proxy.reset()
    const start = performance.now()
    // done when B has the changes on disk and each side has confirmed the MARK of what the other
    // held when they met (for k = 0, that is all there is to do). B confirming back the changes it
    // took from A is bookkeeping that follows on the MARK timer, not part of catching up.
    const caughtUp = Promise.all([
      whenBodies(b, changed, lengths).then(async () => { await Promise.all(changed.map(async id => { await whenDurable(b, id) })) }),
      nextAck(a, b.orgId, a.store.changeSeq),
      nextAck(b, a.orgId, b.store.changeSeq)
    ])
    await b.libp2p.dial(multiaddr(viaProxy(proxy.port, a.orgId)))
    await caughtUp
    const ms = performance.now() - start
    const stats = b.libp2p.services.sync.stats
    return {
      ms,
      bytes: proxy.up + proxy.down,
      framesToB: stats.framesIn - statsBefore.in,
      framesFromB: stats.framesOut - statsBefore.out,
      loadedAtA: a.store.loadedCount - loadedBefore,
      loadedAtB: b.store.loadedCount
    }
  } finally {
    await proxy.close()
    await Promise.all([a.stop(), b.stop()])
  }
}

/**
 * Workload 3: a one-character edit at one end of a chain of `hops` hops, until applied at the
 * other, edits paced `intervalMs` apart (measure.ts, pacedEdits: the same loop as the hubs').
 */
async function editLatency (ctx: RunContext, hops: number, intervalMs: number): Promise<Metrics> {
  const { config } = ctx
  const nodes: CommonplaceNode[] = []
  try {
    for (let i = 0; i <= hops; i++) nodes.push(await benchNode(ctx.tmpDir(), `n${i}`))
    const first = nodes[0]
    const last = nodes[nodes.length - 1]
    const [id] = await createDocs(first, makeDocs(config.seed, 1, 1000))
    await shareDocs(first, dataDirOf(first), [id], nodes.slice(1).map(n => n.orgId as OrgId), 'edit')
    await connectChain(nodes)
    await whenBodies(last, [id], [bodyLength(first, id)])
    const times = await pacedEdits(config.warmupEdits, config.edits, intervalMs, async i => {
      // the time is taken in the change listener, as the hubs' bench takes it in its observer:
      // what the receiving node does after telling its listeners (e.g. its disk write) is not in it
      const arrived = new Promise<number>(resolve => {
        const off = last.store.onChange(c => { if (c.id === id && c.update != null) { off(); resolve(performance.now()) } })
      })
      const start = performance.now()
      first.store.edit(id, d => { d.getText('body').insert(i % 500, 'x') })
      return (await arrived) - start
    })
    await Promise.all(nodes.map(async n => { await whenDurable(n, id) }))
    if (bodyLength(last, id) !== bodyLength(first, id)) throw new Error('The ends of the chain differ after the edits')
    const metrics = latencyMetrics(times)
    return { ...metrics, perHopP50Ms: metrics.p50Ms / hops }
  } finally {
    await Promise.all(nodes.map(async n => { await n.stop() }))
  }
}

/**
 * Workload 5: start a node holding many documents in its own process, as JavaScript the way
 * `npm start` runs it (bundle.ts, footprint-peer.ts); memory idle and after opening some.
 */
async function footprint (ctx: RunContext): Promise<Metrics> {
  const { config } = ctx
  const dir = ctx.tmpDir()
  const setup = await benchNode(dir, 'F')
  await createDocs(setup, makeDocs(config.seed, config.footprintDocs, 1000))
  await setup.stop()
  const script = await bundled(FOOTPRINT_PEER_SCRIPT, 'like-npm-start')
  const measure = async (dataDir: string): Promise<{ startMs: number, idle: number, open?: number, loaded?: number }> => {
    const peer = await forkPeer(script)
    try {
      const { startMs } = await peer.ask({ cmd: 'start', dataDir })
      const { rssMB: idle } = await peer.ask({ cmd: 'rss' })
      const { rssMB: open, loaded } = await peer.ask({ cmd: 'open', count: config.footprintOpen })
      return { startMs, idle, open, loaded }
    } finally {
      await peer.stop()
    }
  }
  const empty = await measure(ctx.tmpDir())
  const held = await measure(dir)
  return {
    startMs: held.startMs,
    idleRssMB: held.idle,
    openRssMB: held.open ?? NaN,
    emptyIdleRssMB: empty.idle,
    heldDocKB: (held.idle - empty.idle) * 1024 / config.footprintDocs,
    loadedAfterOpen: held.loaded ?? NaN
  }
}

/** Workload 6: A holds many documents and shares a few with B; count what crosses the socket. */
async function selective (ctx: RunContext): Promise<Metrics> {
  const { config } = ctx
  const contents = makeDocs(config.seed, config.docs, config.docBytes)
  const a = await benchNode(ctx.tmpDir(), 'A')
  const b = await benchNode(ctx.tmpDir(), 'B')
  const proxy = await countingProxy(tcpPort(a))
  try {
    const ids = await createDocs(a, contents)
    const shared = ids.slice(0, config.selectiveShared)
    await shareDocs(a, dataDirOf(a), shared, [b.orgId], 'read')
    const sharedBytes = shared.reduce((n, id) => n + a.store.diff(id).byteLength, 0)
    proxy.reset()
    const start = performance.now()
    const synced = whenBodies(b, shared, shared.map(id => bodyLength(a, id)))
    await b.libp2p.dial(multiaddr(viaProxy(proxy.port, a.orgId)))
    await synced
    const ms = performance.now() - start
    await b.store.whenDurable()
    await Promise.all([whenConfirmed(a, b), whenConfirmed(b, a)])
    const unshared = new Set<DocId>(ids.slice(config.selectiveShared))
    return {
      ms,
      bytes: proxy.up + proxy.down,
      sharedDocBytes: sharedBytes,
      unsharedDocsAtB: b.store.list().filter(i => unshared.has(i.id)).length
    }
  } finally {
    await proxy.close()
    await Promise.all([a.stop(), b.stop()])
  }
}

/** Workload 7: many nodes in a chain share one document; an edit at one end until applied at all. */
async function manyNodes (ctx: RunContext): Promise<Metrics> {
  const { config } = ctx
  const nodes: CommonplaceNode[] = []
  try {
    for (let i = 0; i < config.manyNodes; i++) nodes.push(await benchNode(ctx.tmpDir(), `m${i}`))
    const first = nodes[0]
    const [id] = await createDocs(first, makeDocs(config.seed, 1, 1000))
    await shareDocs(first, dataDirOf(first), [id], nodes.slice(1).map(n => n.orgId as OrgId), 'edit')
    await connectChain(nodes)
    await Promise.all(nodes.map(async n => { await whenBodies(n, [id], [bodyLength(first, id)]) }))
    const times: number[] = []
    for (let i = 0; i < MANY_NODES_WARMUP + MANY_NODES_EDITS; i++) {
      const arrived = Promise.all(nodes.slice(1).map(async n => {
        await new Promise<void>(resolve => {
          const off = n.store.onChange(c => { if (c.id === id && c.update != null) { off(); resolve() } })
        })
      }))
      const start = performance.now()
      first.store.edit(id, d => { d.getText('body').insert(0, 'y') })
      await arrived
      if (i >= MANY_NODES_WARMUP) times.push(performance.now() - start)
      await Promise.all(nodes.map(async n => { await whenDurable(n, id) }))
    }
    return { nodes: nodes.length, p50Ms: percentile(times, 50), maxMs: Math.max(...times) }
  } finally {
    await Promise.all(nodes.map(async n => { await n.stop() }))
  }
}

export function tcpPort (node: CommonplaceNode): number {
  const addr = node.listenAddresses().find(a => a.includes('/tcp/') && !a.includes('/ws'))
  if (addr == null) throw new Error('node has no TCP address')
  return Number(/\/tcp\/(\d+)/.exec(addr)?.[1])
}

