/**
 * Hub-based Yjs sync, for comparison with Commonplace: a y-websocket server (the server
 * utilities of y-websocket 1.5.4) and a Hocuspocus server, each on loopback, with clients from
 * ./hubs-peer.ts. Every content is the generated content of ../content.ts, as a Y.Doc with
 * `meta.title` and the text in `body`.
 *
 * Both servers hold their documents in memory before a run is timed: the y-websocket server's
 * shared-docs map is preloaded, and Hocuspocus's documents are loaded and kept warm by a
 * server-side direct connection per document (closed when the run ends). Each gets the same
 * Yjs update per document, encoded once from the generated content.
 */
import { createServer } from 'node:http'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { createRequire } from 'node:module'
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as Y from 'yjs'
import { Server as HocuspocusServer } from '@hocuspocus/server'
import type { DirectConnection } from '@hocuspocus/server'
import type { BenchConfig, Metrics, RunContext, Scenario } from '../types.ts'
import { WorkloadId } from '../types.ts'
import { makeDocs, prng } from '../content.ts'
import type { DocContent } from '../content.ts'
import { countingProxy } from '../proxy.ts'
import { hubLatencyVariant, latencyMetrics, latencyVariant, pacedEdits, peakRssMB } from '../measure.ts'
import { hubLatencyAcrossProcesses } from './hubs-processes.ts'
import { hubClient, whenFull } from './hubs-peer.ts'
import type { HubClient, HubDoc, HubKind } from './hubs-peer.ts'

const VERSIONS: Record<HubKind, string> = {
  'y-websocket': 'y-websocket 1.5.4 (server utils), yjs 13.6.33',
  hocuspocus: '@hocuspocus/server 4.7.0, @hocuspocus/provider 4.8.0'
}

const PEER_SCRIPT = fileURLToPath(new URL('./hubs-peer.ts', import.meta.url))

/**
 * Documents (= sockets: y-websocket has one socket per document) client B of the initial sync
 * may have syncing at once; synced ones stay connected, so all end up open. Opening all 1,000
 * at once overflows the listen queue of the loopback proxy (default backlog 511, accepts
 * delayed while the runner's event loop is busy): the kernel drops SYNs, the clients retry
 * after a second, and that retry, not y-websocket, set the time (~1.3 s instead of ~0.65 s).
 * Any bound from 20 to 250 gave the same time; Hocuspocus multiplexes one socket and opens
 * all its documents at once.
 */
const Y_WEBSOCKET_CONCURRENCY = 100

/** The document of workload 3. */
export const LATENCY_DOC = 'latency'

/** A hub listening on 127.0.0.1:port, holding some documents. */
interface Hub {
  port: number
  close(): Promise<void>
}

interface Preloaded { name: string, update: Uint8Array }

/** The Yjs update of one generated document, as Commonplace builds it. */
export function encodeContent (content: DocContent): Uint8Array {
  const doc = new Y.Doc()
  doc.getMap('meta').set('title', content.title)
  doc.getText('body').insert(0, content.text)
  const update = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return update
}

// ---------------------------------------------------------------------------------------------
// y-websocket server

/** What y-websocket/bin/utils (CommonJS, no types) exports. */
interface YWebsocketUtils {
  setupWSConnection(conn: unknown, req: IncomingMessage, opts?: { docName?: string, gc?: boolean }): void
  getYDoc(name: string, gc?: boolean): Y.Doc
  docs: Map<string, Y.Doc>
}
interface WsSocket { terminate(): void }
interface WsServer {
  clients: Set<WsSocket>
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, done: (ws: WsSocket) => void): void
  close(done?: () => void): void
}
interface WsModule { WebSocketServer: new (options: { noServer: true }) => WsServer }

async function startYWebsocketHub (docs: Preloaded[]): Promise<Hub> {
  // bin/utils is CommonJS and require()s the CommonJS build of yjs: its WSSharedDocs are
  // yjs.cjs Docs, so they are filled with yjs.cjs's applyUpdate. (With the ESM build loaded
  // too, yjs warns once that it was imported twice; the two never share a Doc here.)
  const require = createRequire(import.meta.url)
  const utils = require('y-websocket/bin/utils') as YWebsocketUtils
  const CY = require('yjs') as typeof Y
  const { WebSocketServer } = require('ws') as WsModule

  for (const { name, update } of docs) {
    if (utils.docs.has(name)) throw new Error(`y-websocket already holds ${name}`)
    CY.applyUpdate(utils.getYDoc(name), update)
  }

  // As y-websocket's bin/server.js: an http server handing upgrades to a ws server.
  const wss = new WebSocketServer({ noServer: true })
  const http = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/plain' })
    response.end('okay')
  })
  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    wss.handleUpgrade(request, socket, head, ws => { utils.setupWSConnection(ws, request) })
  })
  await new Promise<void>(resolve => { http.listen(0, '127.0.0.1', resolve) })
  const address = http.address()
  if (address == null || typeof address === 'string') throw new Error('y-websocket server did not bind')

  return {
    port: address.port,
    async close () {
      const closed = new Promise<void>(resolve => { http.close(() => { resolve() }) })
      for (const ws of wss.clients) ws.terminate()
      http.closeAllConnections()
      await new Promise<void>(resolve => { wss.close(() => { resolve() }) })
      await closed
      // The shared-docs map is module state: empty it, destroying each doc (and its awareness).
      for (const { name } of docs) {
        utils.docs.get(name)?.destroy()
        utils.docs.delete(name)
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Hocuspocus server

async function startHocuspocusHub (docs: Preloaded[]): Promise<Hub> {
  // v4: `port` must be in the configuration (listen(0) ignores a falsy port and keeps the
  // default 80); stopOnSignals would add process signal handlers per server.
  const server = new HocuspocusServer({
    port: 0,
    address: '127.0.0.1',
    quiet: true,
    stopOnSignals: false,
    // By default one connection may have at most 100 documents waiting for authentication
    // (and 1,000 messages queued for them). A client multiplexing 1,000 documents on its one
    // socket sends 1,000 auth messages in a burst: the server closes the socket ("too many
    // pending unauthenticated documents"), the provider reconnects, and the sync never ends.
    // Raised to the number of documents held; the queue (two messages a pending document,
    // sync step 1 and awareness) so that it cannot be the next limit hit on a slow run.
    maxPendingDocuments: Math.max(100, docs.length),
    maxUnauthenticatedQueueMessages: Math.max(1_000, 4 * docs.length)
  })
  const direct: DirectConnection[] = []
  for (const { name, update } of docs) {
    const connection = await server.hocuspocus.openDirectConnection(name)
    await connection.transact(document => { Y.applyUpdate(document, update) })
    direct.push(connection)
  }
  await server.listen()
  return {
    port: server.address.port,
    async close () {
      // destroy() resolves once no document is loaded: the direct connections must go first.
      const httpClosed = new Promise<void>(resolve => { server.httpServer.once('close', () => { resolve() }) })
      for (const connection of direct) await connection.disconnect()
      await server.destroy()
      server.httpServer.closeAllConnections()
      await httpClosed
    }
  }
}

export async function startHub (kind: HubKind, docs: Preloaded[]): Promise<Hub> {
  return kind === 'y-websocket' ? await startYWebsocketHub(docs) : await startHocuspocusHub(docs)
}

// ---------------------------------------------------------------------------------------------
// Workload 3: edit latency, client A → hub → client B

async function editLatency (kind: HubKind, config: BenchConfig, intervalMs: number): Promise<Metrics> {
  const content = makeDocs(config.seed, 1, 1000)[0]
  const name = LATENCY_DOC
  const hub = await startHub(kind, [{ name, update: encodeContent(content) }])
  const clients: HubClient[] = []
  try {
    const a = hubClient(kind, hub.port)
    clients.push(a)
    const b = hubClient(kind, hub.port)
    clients.push(b)
    const docA: HubDoc = a.open(name)
    const docB: HubDoc = b.open(name)
    await Promise.all([whenFull(docA, content.text.length), whenFull(docB, content.text.length)])

    const textA = docA.doc.getText('body')
    const textB = docB.doc.getText('body')
    const rand = prng(config.seed + 3)
    let arrived: ((at: number) => void) | null = null
    const observer = (): void => {
      const at = performance.now()
      const done = arrived
      arrived = null
      done?.(at)
    }
    textB.observe(observer)
    const edit = async (i: number): Promise<number> => {
      const position = Math.floor(rand() * (textA.length + 1))
      const seen = new Promise<number>(resolve => { arrived = resolve })
      const start = performance.now()
      textA.insert(position, String.fromCharCode(97 + (i % 26)))
      return (await seen) - start
    }
    const times = await pacedEdits(config.warmupEdits, config.edits, intervalMs, edit)
    textB.unobserve(observer)
    if (textB.toString() !== textA.toString()) throw new Error('A and B differ after the edits')
    return latencyMetrics(times)
  } finally {
    await Promise.all(clients.map(async client => { await client.destroy() }))
    await hub.close()
  }
}

// ---------------------------------------------------------------------------------------------
// Workload 1: initial sync of every document to a fresh client B (a child process)

interface PeerMessage { type: 'ready' | 'done', ms?: number, docs?: number }

async function initialSync (kind: HubKind, ctx: RunContext): Promise<Metrics> {
  const { config } = ctx
  const contents = makeDocs(config.seed, config.docs, config.docBytes)
  const names = contents.map((_, i) => `doc-${String(i).padStart(5, '0')}`)
  const hub = await startHub(kind, contents.map((content, i) => ({ name: names[i], update: encodeContent(content) })))
  const proxy = await countingProxy(hub.port)
  const docsFile = join(ctx.tmpDir(), 'docs.json')
  writeFileSync(docsFile, JSON.stringify(contents.map((content, i) => ({ name: names[i], length: content.text.length }))))

  const args = [PEER_SCRIPT, kind, String(proxy.port), docsFile]
  if (kind === 'y-websocket' && Number.isFinite(Y_WEBSOCKET_CONCURRENCY)) args.push(String(Y_WEBSOCKET_CONCURRENCY))
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', code => { resolve(code) })
  })
  try {
    const next = async (type: PeerMessage['type']): Promise<PeerMessage> => await new Promise((resolve, reject) => {
      const onMessage = (message: PeerMessage): void => {
        if (message.type !== type) return
        child.off('message', onMessage)
        resolve(message)
      }
      child.on('message', onMessage)
      exited.then(code => { reject(new Error(`${kind} peer exited (${code}) waiting for '${type}'`)) }, reject)
    })
    await next('ready')
    proxy.reset()
    const done = next('done')
    child.send({ type: 'go' })
    const { ms } = await done
    const bytesUp = proxy.up
    const bytesDown = proxy.down
    const peak = peakRssMB(child.pid!)
    child.send({ type: 'exit' })
    const code = await exited
    if (code !== 0) throw new Error(`${kind} peer exited with ${code}`)
    return { ms: ms!, bytesUp, bytesDown, bytes: bytesUp + bytesDown, peakRssMB: peak }
  } finally {
    if (child.exitCode == null && child.signalCode == null) {
      child.kill()
      await exited.catch(() => null)
    }
    await proxy.close()
    await hub.close()
  }
}

// ---------------------------------------------------------------------------------------------

export function hubScenarios (config: BenchConfig): Scenario[] {
  const kinds: HubKind[] = ['y-websocket', 'hocuspocus']
  const scenarios: Scenario[] = []
  for (const kind of kinds) {
    for (const intervalMs of config.editIntervalsMs) {
      scenarios.push({
        workload: WorkloadId.editLatency,
        variant: hubLatencyVariant(intervalMs),
        system: kind,
        version: VERSIONS[kind],
        versus: latencyVariant(1, intervalMs),
        run: async ctx => await editLatency(kind, ctx.config, intervalMs)
      })
      scenarios.push({
        workload: WorkloadId.editLatency,
        variant: hubLatencyVariant(intervalMs, true),
        system: kind,
        version: VERSIONS[kind],
        versus: latencyVariant(1, intervalMs, true),
        run: async ctx => await hubLatencyAcrossProcesses(kind, ctx.config, intervalMs)
      })
    }
    scenarios.push({
      workload: WorkloadId.initialSync,
      variant: `${config.docs} docs of ${config.docBytes / 1000} KB`,
      system: kind,
      version: VERSIONS[kind],
      run: async ctx => await initialSync(kind, ctx)
    })
  }
  return scenarios
}
