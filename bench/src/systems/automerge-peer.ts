/**
 * Child process for the automerge-repo scenarios 'initial-sync' and 'selective': peer B.
 *
 *   node automerge-peer.ts <port> <jobFile> <storageDir>
 *
 * B starts with an empty NodeFS storage folder, connects as a WebSocket client to
 * ws://127.0.0.1:<port> (the counting proxy in front of A), finds every URL in the job file
 * and waits until each document holds its full text. It reports over IPC:
 *   { type: 'done', ms, flushMs, peakRssMB, readyHandles, storedDocs }
 * `ms` runs from just before `new Repo` (which starts connecting) until B holds every document
 * in memory; `flushMs` until `repo.flush()` has also written them all to B's storage.
 * `peakRssMB` is B's own VmHWM, read after the flush, just before B shuts down and exits.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Repo } from '@automerge/automerge-repo'
import type { AutomergeUrl, DocHandle } from '@automerge/automerge-repo'
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket'
import { ClosableFSStorage, shutdown } from './automerge-storage.ts'
import { peakRssMB } from '../measure.ts'

export interface PeerJob {
  docs: { url: string, textLength: number }[]
}

export interface PeerReport {
  type: 'done'
  ms: number
  flushMs: number
  peakRssMB: number
  /** Document ids of the handles in B's repo that are ready (hold a document). */
  readyHandles: string[]
  /** Document ids with a snapshot or incremental chunk in B's storage folder. */
  storedDocs: string[]
}

interface TextDoc { title: string, text: string }

/** Document ids that NodeFSStorageAdapter holds data for: <dir>/<id[0:2]>/<id[2:]>/{snapshot,incremental}/... */
export function storedDocumentIds (dir: string): string[] {
  const ids: string[] = []
  if (!existsSync(dir)) return ids
  for (const a of readdirSync(dir, { withFileTypes: true })) {
    if (!a.isDirectory()) continue
    for (const b of readdirSync(join(dir, a.name), { withFileTypes: true })) {
      if (!b.isDirectory()) continue
      const kinds = readdirSync(join(dir, a.name, b.name))
      if (kinds.includes('snapshot') || kinds.includes('incremental')) ids.push(a.name + b.name)
    }
  }
  return ids
}

function hasFullText (handle: DocHandle<TextDoc>, textLength: number): boolean {
  if (!handle.isReady()) return false
  const text = handle.doc()?.text
  return typeof text === 'string' && text.length >= textLength
}

async function whenFullText (handle: DocHandle<TextDoc>, textLength: number): Promise<void> {
  if (hasFullText(handle, textLength)) return
  await new Promise<void>(resolve => {
    const onChange = (): void => {
      if (!hasFullText(handle, textLength)) return
      handle.off('change', onChange)
      resolve()
    }
    handle.on('change', onChange)
  })
}

async function main (): Promise<void> {
  const [portArg, jobFile, storageDir] = process.argv.slice(2)
  const job = JSON.parse(readFileSync(jobFile, 'utf8')) as PeerJob

  const start = performance.now()
  const adapter = new WebSocketClientAdapter(`ws://127.0.0.1:${portArg}`)
  const storage = new ClosableFSStorage(storageDir)
  const repo = new Repo({ storage, network: [adapter] })
  // Look documents up once A is a peer: the client adapter declares itself ready after 1 s
  // regardless, and a find that then sees no peer marks its document unavailable.
  await new Promise<void>(resolve => { adapter.once('peer-candidate', () => { resolve() }) })
  // B has to ask for every document by its URL: A (a sync server) announces nothing.
  await Promise.all(job.docs.map(async ({ url, textLength }) => {
    const handle = await repo.find<TextDoc>(url as AutomergeUrl)
    await whenFullText(handle, textLength)
  }))
  const ms = performance.now() - start
  await repo.flush()
  const flushMs = performance.now() - start

  const readyHandles = Object.values(repo.handles).filter(h => h.isReady()).map(h => h.documentId as string)
  const report: PeerReport = {
    type: 'done',
    ms,
    flushMs,
    peakRssMB: peakRssMB(),
    readyHandles,
    storedDocs: storedDocumentIds(storageDir)
  }
  await new Promise<void>((resolve, reject) => {
    process.send!(report, undefined, undefined, error => { if (error == null) resolve(); else reject(error) })
  })
  await shutdown(repo, storage)
  process.exit(0)
}

// Run only as a script, not when the parent imports this module for its helpers and types.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch(error => {
    console.error('automerge-peer failed:', error)
    process.exit(1)
  })
}
