/**
 * Child process for the automerge-repo 'footprint' scenario. Two modes:
 *
 *   node automerge-footprint.ts populate <storageDir> <count> <bytes> <seed> <urlsFile>
 *     (setup, not measured) writes `count` documents of makeDocs(seed, count, bytes) into a
 *     NodeFS storage folder and their URLs into `urlsFile`, then exits. Also used to set up A
 *     for 'reconnect'.
 *
 *   node --expose-gc automerge-footprint.ts serve <storageDir> <urlsFile|-> <open>
 *     starts a sync-server-style repo (NodeFS storage, NodeWSServerAdapter on 127.0.0.1:0,
 *     sharePolicy false) on that folder and reports over IPC:
 *       startMs      performance.now() when serving, i.e. since this process started
 *                    (performance.timeOrigin): Node boot, module and wasm loading included.
 *                    Serving = the ws server is listening and the repo has read its storage id.
 *       repoStartMs  from just before `new WebSocketServer`/`new Repo` to serving.
 *       idleRssMB    RSS after a global.gc() once serving.
 *       openRssMB    RSS (after global.gc()) once the first `open` URLs were found and loaded
 *                    from storage (repo.find of each); 0 when open is 0.
 *       openMs       time to find and load those documents.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { Repo } from '@automerge/automerge-repo'
import type { AutomergeUrl } from '@automerge/automerge-repo'
import { NodeWSServerAdapter } from '@automerge/automerge-repo-network-websocket'
import { makeDocs } from '../content.ts'
import { rssMB } from '../measure.ts'
import { ClosableFSStorage, shutdown } from './automerge-storage.ts'

export interface FootprintReport {
  type: 'done'
  startMs: number
  repoStartMs: number
  idleRssMB: number
  openRssMB: number
  openMs: number
}

/** The part of ws's WebSocketServer used here (ws ships no types; @types/ws is not installed). */
export interface WsServer {
  on(event: 'listening', listener: () => void): void
  on(event: 'error', listener: (error: Error) => void): void
  address(): { port: number } | string | null
  close(callback?: (error?: Error) => void): void
}
export type WsServerClass = new (options: { host: string, port: number }) => WsServer
const { WebSocketServer } = createRequire(import.meta.url)('ws') as { WebSocketServer: WsServerClass }

async function listen (): Promise<WsServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  await new Promise<void>((resolve, reject) => {
    wss.on('listening', resolve)
    wss.on('error', reject)
  })
  return wss
}

async function send (report: FootprintReport | { type: 'populated' }): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    process.send!(report, undefined, undefined, error => { if (error == null) resolve(); else reject(error) })
  })
}

/**
 * Batches of documents, each made by a fresh repo that is flushed and dropped: holding
 * thousands of Automerge documents in one heap makes V8 run a full GC every few allocations
 * while the wasm memory grows (10,000 documents created in one repo took 80 s here; in batches
 * of 1,000 about 25 s).
 */
async function populate (storageDir: string, count: number, bytes: number, seed: number, urlsFile: string): Promise<void> {
  const contents = makeDocs(seed, count, bytes)
  const urls: string[] = []
  const batch = 1000
  for (let from = 0; from < count; from += batch) {
    const storage = new ClosableFSStorage(storageDir)
    const repo = new Repo({ storage, network: [] })
    for (const content of contents.slice(from, from + batch)) urls.push(repo.create(content).url)
    await shutdown(repo, storage) // flushes every document and waits for the writes under way
  }
  writeFileSync(urlsFile, JSON.stringify(urls))
  await send({ type: 'populated' })
}

async function serve (storageDir: string, urlsFile: string, open: number): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc
  const repoStart = performance.now()
  const wss = await listen()
  const storage = new ClosableFSStorage(storageDir)
  const repo = new Repo({
    storage,
    network: [new NodeWSServerAdapter(wss as any)],
    // as automerge-repo-sync-server does: only sync what a peer asks for by id
    sharePolicy: async () => false
  })
  await repo.storageId()
  const servingAt = performance.now()
  gc?.()
  const idleRssMB = rssMB()

  let openRssMB = 0
  let openMs = 0
  if (open > 0) {
    const urls = (JSON.parse(readFileSync(urlsFile, 'utf8')) as string[]).slice(0, open)
    const openStart = performance.now()
    const handles = await Promise.all(urls.map(async url => await repo.find<{ text: string }>(url as AutomergeUrl)))
    if (handles.some(h => typeof h.doc()?.text !== 'string')) throw new Error('a document loaded without its text')
    openMs = performance.now() - openStart
    gc?.()
    openRssMB = rssMB()
  }
  await send({ type: 'done', startMs: servingAt, repoStartMs: servingAt - repoStart, idleRssMB, openRssMB, openMs })
  await shutdown(repo, storage)
  await new Promise<void>(resolve => { wss.close(() => { resolve() }) })
}

async function main (): Promise<void> {
  const [mode, ...args] = process.argv.slice(2)
  if (mode === 'populate') await populate(args[0], Number(args[1]), Number(args[2]), Number(args[3]), args[4])
  else if (mode === 'serve') await serve(args[0], args[1], Number(args[2]))
  else throw new Error(`unknown mode ${mode}`)
  process.exit(0)
}

// Run only as a script, not when the parent imports this module for its helpers and types.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch(error => {
    console.error('automerge-footprint failed:', error)
    process.exit(1)
  })
}
