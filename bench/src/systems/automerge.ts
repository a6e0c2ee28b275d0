/**
 * The automerge-repo side of the benchmark: the same workloads as Commonplace, run on
 * @automerge/automerge-repo with its WebSocket network adapters and NodeFS storage, used as
 * their documentation and automerge-repo-sync-server show.
 *
 * A document is `{ title: string, text: string }`; in Automerge 3 a string is collaborative
 * text, edited with `Automerge.splice(doc, ['text'], pos, del, insert)`.
 *
 * The serving repo ("A", or the hub) is configured like automerge-repo-sync-server: NodeFS
 * storage, a NodeWSServerAdapter, and `sharePolicy: async () => false`, i.e. it announces
 * nothing and syncs only the documents a peer asks for by id (access stays open unless a
 * shareConfig restricts it, see 'selective'). Clients use the default policy (share all).
 */
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as Automerge from '@automerge/automerge'
import { Repo } from '@automerge/automerge-repo'
import type { AutomergeUrl, DocHandle, DocumentId, PeerId, RepoConfig, StorageId, NetworkAdapterInterface } from '@automerge/automerge-repo'
import { NodeWSServerAdapter, WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket'
import type { BenchConfig, Metrics, RunContext, Scenario } from '../types.ts'
import { WorkloadId } from '../types.ts'
import { makeDocs, prng } from '../content.ts'
import type { DocContent } from '../content.ts'
import { countingProxy } from '../proxy.ts'
import { hubLatencyVariant, latencyVariant, pacedEdits, percentile, whenTrue } from '../measure.ts'
import type { PeerJob, PeerReport } from './automerge-peer.ts'
import type { FootprintReport, WsServer, WsServerClass } from './automerge-footprint.ts'
import type { ReconnectCommand, ReconnectReport } from './automerge-reconnect-peer.ts'
import { ClosableFSStorage, shutdown } from './automerge-storage.ts'
import { bundled } from '../bundle.ts'

const SYSTEM = 'automerge-repo'
const VERSION = '@automerge/automerge-repo 2.5.6, @automerge/automerge 3.5.0'

const PEER_SCRIPT = fileURLToPath(new URL('./automerge-peer.ts', import.meta.url))
const FOOTPRINT_SCRIPT = fileURLToPath(new URL('./automerge-footprint.ts', import.meta.url))
const RECONNECT_PEER_SCRIPT = fileURLToPath(new URL('./automerge-reconnect-peer.ts', import.meta.url))

/** Children that do not report within this long are killed and the run fails. */
const CHILD_TIMEOUT_MS = 30 * 60_000

// ws ships no type declarations (and @types/ws is not installed): take the class untyped.
const { WebSocketServer } = createRequire(import.meta.url)('ws') as { WebSocketServer: WsServerClass }

type TextDoc = DocContent

// ---------------------------------------------------------------------------------------------
// Helpers

/**
 * Resolve once a client repo has its server as a peer. Documents looked up before the
 * handshake are at risk: the client adapter declares itself ready after 1 s regardless, and a
 * find that then sees no peer marks the document unavailable (which happens when the event
 * loop is busy, e.g. while the benchmark creates thousands of documents).
 */
async function whenConnected (adapter: WebSocketClientAdapter): Promise<void> {
  if (adapter.remotePeerId != null && adapter.socket?.readyState === 1) return
  await new Promise<void>(resolve => { adapter.once('peer-candidate', () => { resolve() }) })
}

interface Server {
  repo: Repo
  adapter: NodeWSServerAdapter
  port: number
  close(): Promise<void>
}

interface ServerOptions {
  shareConfig?: RepoConfig['shareConfig']
  /** NodeWSServerAdapter's keep-alive interval (default 5,000 ms). */
  keepAliveMs?: number
}

/** A sync-server-style repo: NodeFS storage in `dir`, NodeWSServerAdapter on 127.0.0.1:0. */
async function startServer (dir: string, { shareConfig, keepAliveMs }: ServerOptions = {}): Promise<Server> {
  const wss: WsServer = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  await new Promise<void>((resolve, reject) => {
    wss.on('listening', resolve)
    wss.on('error', reject)
  })
  const address = wss.address()
  if (address == null || typeof address === 'string') throw new Error('ws server did not bind')
  const adapter = new NodeWSServerAdapter(wss as any, keepAliveMs)
  const storage = new ClosableFSStorage(dir)
  const repo = new Repo({
    storage,
    network: [adapter],
    ...(shareConfig != null ? { shareConfig } : { sharePolicy: async () => false })
  })
  return {
    repo,
    adapter,
    port: address.port,
    async close () {
      // shutdown() disconnects the adapters (terminating client sockets) and flushes storage;
      // closing the ws server also stops the adapter's keep-alive timer.
      await shutdown(repo, storage)
      await new Promise<void>(resolve => { wss.close(() => { resolve() }) })
    }
  }
}

interface Client {
  repo: Repo
  adapter: WebSocketClientAdapter
  close(): Promise<void>
}

/** A client repo with NodeFS storage in `dir`, connecting to ws://127.0.0.1:port. */
function startClient (dir: string, port: number): Client {
  const adapter = new WebSocketClientAdapter(`ws://127.0.0.1:${port}`)
  const storage = new ClosableFSStorage(dir)
  const repo = new Repo({ storage, network: [adapter] })
  return { repo, adapter, close: async () => { await shutdown(repo, storage) } }
}

/**
 * Counts the repo messages (sync, request, doc-unavailable, ...: those about a document) an
 * adapter sends and receives; the join/peer handshake is not counted.
 */
function countMessages (adapter: NetworkAdapterInterface): { sent: number, received: number } {
  const counts = { sent: 0, received: 0 }
  const send = adapter.send.bind(adapter)
  adapter.send = message => { if ('documentId' in message) counts.sent++; send(message) }
  adapter.on('message', () => { counts.received++ })
  return counts
}

function textLength (handle: DocHandle<TextDoc>): number {
  if (!handle.isReady()) return -1
  const text = handle.doc()?.text
  return typeof text === 'string' ? text.length : -1
}

/** Resolve when the handle's text is at least `length` long, re-checking on 'change'. */
async function whenTextLength (handle: DocHandle<TextDoc>, length: number): Promise<void> {
  await whenTrue(() => textLength(handle) >= length, onChange => {
    handle.on('change', onChange)
    return () => { handle.off('change', onChange) }
  })
}

/** Run a child script with IPC; resolve with the message whose type is 'done', once it has exited. */
async function runChild<T extends { type: string }> (script: string, args: string[], nodeArgs: string[] = []): Promise<T> {
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  try {
    return await new Promise<T>((resolve, reject) => {
      let report: T | undefined
      const timer = setTimeout(() => { reject(new Error(`${script} did not finish in time`)) }, CHILD_TIMEOUT_MS)
      child.on('message', message => {
        const m = message as T
        if (m.type === 'done' || m.type === 'populated') report = m
      })
      child.on('error', error => { clearTimeout(timer); reject(error) })
      child.on('exit', (code, signal) => {
        clearTimeout(timer)
        if (report != null && code === 0) resolve(report)
        else reject(new Error(`${script} exited with ${code ?? signal} ${report == null ? 'without a report' : ''}`))
      })
    })
  } finally {
    if (child.exitCode == null && child.signalCode == null) child.kill('SIGKILL')
  }
}

interface ChildPeer<R extends { type: string }, C> {
  /** The next message of this type (listening starts now). */
  next<T extends R['type']>(type: T): Promise<Extract<R, { type: T }>>
  onMessage(listener: (message: R) => void): () => void
  send(command: C): void
  /** Resolves when the child exits with code 0, rejects otherwise. */
  exited: Promise<void>
  kill(): void
}

/** A child script driven over IPC; every pending `next` fails if the child exits early. */
function startChild<R extends { type: string }, C> (script: string, args: string[]): ChildPeer<R, C> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const exited = new Promise<void>((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      if (code === 0) resolve()
      else reject(new Error(`${script} exited with ${code ?? signal}`))
    })
  })
  exited.catch(() => {}) // observed through next() and by callers that await it
  return {
    async next (type) {
      return await new Promise((resolve, reject) => {
        const timer = setTimeout(() => { reject(new Error(`${script}: no '${type}' in time`)) }, CHILD_TIMEOUT_MS)
        const onMessage = (message: unknown): void => {
          if ((message as R).type !== type) return
          clearTimeout(timer)
          child.off('message', onMessage)
          resolve(message as any)
        }
        child.on('message', onMessage)
        exited.then(
          () => { clearTimeout(timer); reject(new Error(`${script} exited before '${type}'`)) },
          (error: unknown) => { clearTimeout(timer); reject(error) }
        )
      })
    },
    onMessage (listener) {
      const onMessage = (message: unknown): void => { listener(message as R) }
      child.on('message', onMessage)
      return () => { child.off('message', onMessage) }
    },
    send (command) { child.send(command as any) },
    exited,
    kill () { if (child.exitCode == null && child.signalCode == null) child.kill('SIGKILL') }
  }
}

/** Create documents in a repo from generated content; returns the handles in order. */
function createDocs (repo: Repo, contents: DocContent[]): DocHandle<TextDoc>[] {
  return contents.map(content => repo.create<TextDoc>({ title: content.title, text: content.text }))
}

function thousands (n: number): string {
  return n.toLocaleString('en')
}

// ---------------------------------------------------------------------------------------------
// 1. initial-sync

/**
 * A (in this process) holds the documents and serves them; B is a child process with empty
 * storage that connects through the counting proxy, finds every URL and waits until each
 * document has its full text.
 *   ms         inside B: from just before `new Repo` (which starts connecting) to B holding
 *              every document in memory.
 *   flushMs    inside B: same start, until `repo.flush()` has written them to B's storage.
 *   bytes*     at the proxy, from B's first byte to B's exit report.
 *   peakRssMB  B's VmHWM, read by B after the flush, just before it exits.
 *   messagesPerDoc  automerge-repo messages A's adapter sent plus received, per document.
 * A's documents are created in A's repo and stay loaded (a warm server), and are flushed to
 * A's storage before B starts.
 */
async function initialSync (ctx: RunContext): Promise<Metrics> {
  const { config } = ctx
  const dir = ctx.tmpDir()
  const server = await startServer(join(dir, 'a'))
  const proxy = await countingProxy(server.port)
  try {
    const contents = makeDocs(config.seed, config.docs, config.docBytes)
    const handles = createDocs(server.repo, contents)
    await server.repo.flush()
    const counts = countMessages(server.adapter)

    const job: PeerJob = { docs: handles.map((h, i) => ({ url: h.url, textLength: contents[i].text.length })) }
    const jobFile = join(dir, 'job.json')
    writeFileSync(jobFile, JSON.stringify(job))
    proxy.reset()
    const report = await runChild<PeerReport>(PEER_SCRIPT, [String(proxy.port), jobFile, join(dir, 'b')])
    return {
      ms: report.ms,
      flushMs: report.flushMs,
      bytesUp: proxy.up,
      bytesDown: proxy.down,
      bytes: proxy.up + proxy.down,
      peakRssMB: report.peakRssMB,
      messagesPerDoc: (counts.sent + counts.received) / config.docs
    }
  } finally {
    await proxy.close()
    await server.close()
  }
}

// ---------------------------------------------------------------------------------------------
// 2. reconnect

/**
 * A (this process) serves config.reconnectDocs documents of docBytes / 10 characters from a
 * NodeFS folder written beforehand by a child (automerge-footprint.ts populate; loaded by A on
 * request, as a sync server does). B (automerge-reconnect-peer.ts, a child with its own NodeFS
 * storage, through the counting proxy) finds every URL, so both hold all documents and are in
 * sync. B goes offline: it disconnects its WebSocketClientAdapter, the proxy cuts whatever is
 * left, and we wait for A to see B leave. A appends a word to k documents spread over the
 * collection. The proxy counters are reset and B connects its adapter again (explicitly: left
 * alone, the adapter retries after a fixed 5 s retryInterval).
 *
 * How automerge-repo resyncs: there is no collection-level summary. On reconnecting, B's repo
 * opens a sync exchange for EVERY document it has a handle open for (a client's share policy
 * announces all of them): one sync message per document with its heads. A, which announces
 * nothing, answers and sends the changes where it has them; it does not push the changed
 * documents on its own. A B that had not opened the handles (e.g. restarted from storage)
 * would not resync them until it finds them again, so B keeps all handles open.
 *
 *   ms          inside B: from just before its adapter connects again until B's handles hold
 *               all k changes. For k = 0 there is nothing to wait for at B, so ms = settledMs
 *               (the resync round is over).
 *   settledMs   in this process, from sending B the reconnect command until A has had B's
 *               sync message for every document, has seen B acknowledge all k changes (A's
 *               remote heads for B's storage id equal its own), and every repo message either
 *               side sent since reconnecting has arrived (counted at both adapters).
 *   bytes*      at the proxy, from reconnecting until settled.
 *   messages    repo messages (sync, request, ...) through A's adapter both ways, until settled.
 */
async function reconnect (ctx: RunContext, changed: number): Promise<Metrics> {
  const { config } = ctx
  const dir = ctx.tmpDir()
  const bytes = config.docBytes / 10
  const urlsFile = join(dir, 'urls.json')
  await runChild(FOOTPRINT_SCRIPT, ['populate', join(dir, 'a'), String(config.reconnectDocs), String(bytes), String(config.seed), urlsFile])
  const urls = JSON.parse(readFileSync(urlsFile, 'utf8')) as AutomergeUrl[]
  const lengths = makeDocs(config.seed, config.reconnectDocs, bytes).map(c => c.text.length)

  // A's keep-alive is relaxed from 5 s to 60 s: with thousands of documents both processes
  // are busy for seconds at a time (V8 runs full GCs back to back while Automerge's wasm
  // memory grows), A then misses B's pong and drops B, and every find pending at B fails
  // (at 10,000 documents this happened several times per setup, each costing a 5 s retry
  // and a resync of every open document).
  const server = await startServer(join(dir, 'a'), { keepAliveMs: 60_000 })
  const proxy = await countingProxy(server.port)
  const jobFile = join(dir, 'job.json')
  const job: PeerJob = { docs: urls.map((url, i) => ({ url, textLength: lengths[i] })) }
  writeFileSync(jobFile, JSON.stringify(job))
  const b = startChild<ReconnectReport, ReconnectCommand>(RECONNECT_PEER_SCRIPT, [String(proxy.port), jobFile, join(dir, 'b')])
  try {
    const { storageId } = await b.next('synced')
    const bStorageId = storageId as StorageId

    // Go offline and wait until A has noticed.
    const aSawLeave = new Promise<void>(resolve => { server.adapter.once('peer-disconnected', () => { resolve() }) })
    b.send({ type: 'disconnect' })
    await b.next('offline')
    proxy.cut()
    await aSawLeave

    // Change k documents at A, spread over the collection (A holds them all since B found them).
    const step = changed > 0 ? Math.max(1, Math.floor(config.reconnectDocs / changed)) : 1
    const changedIdx = Array.from({ length: changed }, (_, i) => (i * step) % config.reconnectDocs)
    const aHandles = await Promise.all(changedIdx.map(async i => await server.repo.find<TextDoc>(urls[i])))
    for (const h of aHandles) h.change(d => { Automerge.splice(d, ['text'], d.text.length, 0, ' reconnected') })

    const aCounts = countMessages(server.adapter)
    let bCounts = { sent: 0, received: 0 }
    const changedAtB = b.next('changed')
    proxy.reset()
    const start = performance.now()
    b.send({ type: 'reconnect', changed: changedIdx.map((index, j) => ({ index, textLength: textLength(aHandles[j]) })) })
    const { ms: changedMs } = await changedAtB

    const acknowledged = (): boolean => aHandles.every(h => {
      const remote = h.getRemoteHeads(bStorageId)
      const own = h.heads()
      return remote != null && remote.length === own.length && remote.every(x => own.includes(x))
    })
    // B opens one sync exchange per document it holds, so the round is over only once A has
    // had a message for each of them.
    const settled = (): boolean => aCounts.received >= config.reconnectDocs && acknowledged() &&
      aCounts.sent === bCounts.received && bCounts.sent === aCounts.received
    await whenTrue(settled, onChange => {
      // Re-check once A has handled a message (its replies are sent a few promise turns
      // later) and whenever B reports its counts.
      const later = (): void => { setImmediate(onChange) }
      const off = b.onMessage(m => { if (m.type === 'counts') { bCounts = m; onChange() } })
      server.adapter.on('message', later)
      return () => { off(); server.adapter.off('message', later) }
    })
    const settledMs = performance.now() - start
    const metrics = {
      ms: changed > 0 ? changedMs : settledMs,
      settledMs,
      bytesUp: proxy.up,
      bytesDown: proxy.down,
      bytes: proxy.up + proxy.down,
      messages: aCounts.sent + aCounts.received
    }
    b.send({ type: 'exit' })
    await b.exited
    return metrics
  } finally {
    b.kill()
    await proxy.close()
    await server.close()
  }
}

// ---------------------------------------------------------------------------------------------
// 3. edit-latency

/**
 * A hub (sync server repo) and two client repos A and B (in this process, each with NodeFS
 * storage) share one document with ~1 KB of text. One at a time, paced as every system's edits
 * are (measure.ts, pacedEdits), A inserts one character at a pseudo-random position; the clock starts just before `handle.change` at A and stops when B's
 * handle emits the 'change' whose document holds the new character (text one longer).
 * Note: automerge-repo batches outgoing sync per document with a 100 ms throttle
 * (DocSynchronizer.syncDebounceRate, not configurable through the Repo), at A and at the hub,
 * so back-to-back edits mostly wait for it.
 */
async function editLatency (ctx: RunContext): Promise<Metrics> {
  const { config } = ctx
  const dir = ctx.tmpDir()
  const server = await startServer(join(dir, 'hub'))
  const a = startClient(join(dir, 'a'), server.port)
  const b = startClient(join(dir, 'b'), server.port)
  try {
    await Promise.all([whenConnected(a.adapter), whenConnected(b.adapter)])
    const [content] = makeDocs(config.seed, 1, 1000)
    const aHandle = a.repo.create<TextDoc>({ title: content.title, text: content.text })
    const bHandle = await b.repo.find<TextDoc>(aHandle.url)
    await whenTextLength(bHandle, content.text.length)

    const rand = prng(config.seed + 1)
    const times = await pacedEdits(config.warmupEdits, config.edits, config.chainIntervalMs, async () => {
      const length = textLength(aHandle)
      const pos = Math.floor(rand() * (length + 1))
      const arrived = whenTextLength(bHandle, length + 1)
      const start = performance.now()
      aHandle.change(d => { Automerge.splice(d, ['text'], pos, 0, 'x') })
      await arrived
      return performance.now() - start
    })
    if (textLength(bHandle) !== textLength(aHandle)) throw new Error('A and B differ after the edits')
    return {
      p50Ms: percentile(times, 50),
      p99Ms: percentile(times, 99),
      meanMs: times.reduce((s, t) => s + t, 0) / times.length
    }
  } finally {
    await a.close()
    await b.close()
    await server.close()
  }
}

// ---------------------------------------------------------------------------------------------
// 4. footprint

/**
 * Setup (not measured, in a child): a NodeFS storage folder with footprintDocs documents of
 * 1,000 characters of text. Then a fresh child (node --expose-gc) serves that folder as a sync
 * server, and another one serves an empty folder (see automerge-footprint.ts for the clocks):
 *   startMs         since the child process started (performance.timeOrigin) until serving.
 *   repoStartMs     from just before the ws server and `new Repo` until serving.
 *   idleRssMB       RSS after gc once serving, with the full folder.
 *   openRssMB       RSS after gc once footprintOpen documents were found (loaded from storage).
 *   openMs          time to find and load those documents.
 *   emptyIdleRssMB  idleRssMB of the same child serving an empty folder.
 *   heldDocKB       (idleRssMB − emptyIdleRssMB) × 1024 / footprintDocs. automerge-repo loads
 *                   nothing until a document is asked for, so this is about 0 (noise).
 */
async function footprint (ctx: RunContext): Promise<Metrics> {
  const { config } = ctx
  const dir = ctx.tmpDir()
  const full = join(dir, 'full')
  const empty = join(dir, 'empty')
  const urlsFile = join(dir, 'urls.json')
  await runChild(FOOTPRINT_SCRIPT, ['populate', full, String(config.footprintDocs), '1000', String(config.seed), urlsFile])
  const serve = await bundled(FOOTPRINT_SCRIPT, 'packages-installed') // as a sync server is deployed (bundle.ts)
  const held = await runChild<FootprintReport>(serve, ['serve', full, urlsFile, String(config.footprintOpen)], ['--expose-gc'])
  const none = await runChild<FootprintReport>(serve, ['serve', empty, '-', '0'], ['--expose-gc'])
  return {
    startMs: held.startMs,
    repoStartMs: held.repoStartMs,
    idleRssMB: held.idleRssMB,
    openRssMB: held.openRssMB,
    openMs: held.openMs,
    emptyIdleRssMB: none.idleRssMB,
    heldDocKB: (held.idleRssMB - none.idleRssMB) * 1024 / config.footprintDocs
  }
}

// ---------------------------------------------------------------------------------------------
// 5. selective

/**
 * A holds config.docs documents and shares selectiveShared of them with B. In automerge-repo,
 * `sharePolicy` only decides what is *announced* (its README: "The share policy will not stop
 * a document being requested by another peer by its DocumentId"); what a peer may get is the
 * `access` half of the (experimental) `shareConfig`. A uses `access` = the shared set (any other
 * request is answered 'doc-unavailable') and, like a sync server, announces nothing: B (a
 * child, as in initial-sync) finds the shared URLs. Announcing the shared set as well while B
 * also requests it makes both sides open a sync exchange per document and A sends each
 * document twice (about 1.9× the bytes in a trial), so that is left out.
 *   ms               inside B, as in initial-sync.
 *   bytes            at the proxy, both ways.
 *   unsharedDocsAtB  documents outside the shared set that B holds: ready handles in B's repo
 *                    or documents in B's storage folder.
 */
async function selective (ctx: RunContext): Promise<Metrics> {
  const { config } = ctx
  const dir = ctx.tmpDir()
  const sharedIds = new Set<DocumentId>()
  const inShared = async (_peer: PeerId, documentId?: DocumentId): Promise<boolean> => documentId != null && sharedIds.has(documentId)
  const server = await startServer(join(dir, 'a'), { shareConfig: { announce: async () => false, access: inShared } })
  const proxy = await countingProxy(server.port)
  try {
    const contents = makeDocs(config.seed, config.docs, config.docBytes)
    const handles = createDocs(server.repo, contents)
    await server.repo.flush()
    // Share an evenly spread subset.
    const step = config.docs / config.selectiveShared
    const sharedIdx = Array.from({ length: config.selectiveShared }, (_, i) => Math.floor(i * step))
    for (const i of sharedIdx) sharedIds.add(handles[i].documentId)

    const job: PeerJob = { docs: sharedIdx.map(i => ({ url: handles[i].url, textLength: contents[i].text.length })) }
    const jobFile = join(dir, 'job.json')
    writeFileSync(jobFile, JSON.stringify(job))
    proxy.reset()
    const report = await runChild<PeerReport>(PEER_SCRIPT, [String(proxy.port), jobFile, join(dir, 'b')])
    const atB = new Set([...report.readyHandles, ...report.storedDocs])
    const unshared = [...atB].filter(id => !sharedIds.has(id as DocumentId)).length
    if (sharedIdx.some(i => !atB.has(handles[i].documentId))) throw new Error('B lacks a shared document')
    return {
      ms: report.ms,
      bytesUp: proxy.up,
      bytesDown: proxy.down,
      bytes: proxy.up + proxy.down,
      unsharedDocsAtB: unshared
    }
  } finally {
    await proxy.close()
    await server.close()
  }
}

// ---------------------------------------------------------------------------------------------

export function automergeScenarios (config: BenchConfig): Scenario[] {
  const base = { system: SYSTEM, version: VERSION }
  return [
    {
      ...base,
      workload: WorkloadId.initialSync,
      variant: `${config.docs} docs of ${config.docBytes / 1000} KB`,
      run: initialSync
    },
    ...config.reconnectChanged.map((k): Scenario => ({
      ...base,
      workload: WorkloadId.reconnect,
      variant: `${thousands(k)} of ${thousands(config.reconnectDocs)} changed (${config.docBytes / 10 / 1000} KB docs)`,
      run: async ctx => await reconnect(ctx, k)
    })),
    {
      ...base,
      workload: WorkloadId.editLatency,
      variant: hubLatencyVariant(config.chainIntervalMs),
      versus: latencyVariant(1, config.chainIntervalMs),
      run: editLatency
    },
    {
      ...base,
      workload: WorkloadId.footprint,
      variant: `${thousands(config.footprintDocs)} docs held, ${thousands(config.footprintOpen)} opened`,
      run: footprint
    },
    {
      ...base,
      workload: WorkloadId.selective,
      variant: `${config.selectiveShared} of ${config.docs} shared`,
      run: selective
    }
  ]
}

