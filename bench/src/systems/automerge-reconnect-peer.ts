/**
 * Child process for the automerge-repo 'reconnect' scenario: peer B, driven over IPC.
 *
 *   node automerge-reconnect-peer.ts <port> <jobFile> <storageDir>
 *
 * 1. Connects (NodeFS storage, WebSocket client to ws://127.0.0.1:<port>), finds every URL of
 *    the job (in batches, see FIND_BATCH) until each has its full text, flushes, and reports
 *    { type: 'synced', storageId }. B keeps every handle open: automerge-repo resyncs on
 *    reconnection only the documents whose handles are open.
 * 2. On { type: 'disconnect' }: disconnects its WebSocketClientAdapter (going offline; the
 *    adapter would otherwise retry on its own after its 5 s retryInterval), reports 'offline'.
 * 3. On { type: 'reconnect', changed: [{ index, textLength }] }: starts the clock, connects the
 *    adapter again and reports { type: 'changed', ms } once every listed document holds at
 *    least textLength characters. From reconnecting on, it also reports
 *    { type: 'counts', sent, received } (repo messages through its adapter) after it sends or
 *    receives, so the parent can tell when every message has arrived.
 * 4. On { type: 'exit' }: shuts the repo down and exits.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Repo, parseAutomergeUrl } from '@automerge/automerge-repo'
import type { AutomergeUrl, DocHandle } from '@automerge/automerge-repo'
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket'
import { ClosableFSStorage, shutdown } from './automerge-storage.ts'
import type { PeerJob } from './automerge-peer.ts'

/**
 * Setup only: documents looked up at once. A handle still loading or requesting after 60 s
 * (DocHandle's timeoutDelay) turns 'unavailable', and finding 10,000 documents at once on
 * 2 cores takes longer than that. Small batches also keep the two processes from being busy
 * for seconds on end: NodeWSServerAdapter drops a client whose pong it has not seen within its
 * 5 s keep-alive interval, and B's pending finds then turn 'unavailable' (see findEventually).
 */
const FIND_BATCH = 100

export type ReconnectCommand =
  | { type: 'disconnect' }
  | { type: 'reconnect', changed: { index: number, textLength: number }[] }
  | { type: 'exit' }

export type ReconnectReport =
  | { type: 'synced', storageId: string }
  | { type: 'offline' }
  | { type: 'changed', ms: number }
  | { type: 'counts', sent: number, received: number }

interface TextDoc { title: string, text: string }

function send (report: ReconnectReport): void {
  process.send!(report)
}

function textLength (handle: DocHandle<TextDoc>): number {
  if (!handle.isReady()) return -1
  const text = handle.doc()?.text
  return typeof text === 'string' ? text.length : -1
}

async function whenTextLength (handle: DocHandle<TextDoc>, length: number): Promise<void> {
  if (textLength(handle) >= length) return
  await new Promise<void>(resolve => {
    const onChange = (): void => {
      if (textLength(handle) < length) return
      handle.off('change', onChange)
      resolve()
    }
    handle.on('change', onChange)
  })
}

/**
 * repo.find, except that a document that turned 'unavailable' because the connection dropped
 * (pending finds fail once their peer is gone) is waited for again: when the adapter has
 * reconnected, the repo resyncs every open handle, this one included.
 */
async function findEventually (repo: Repo, url: AutomergeUrl, dropped: () => boolean): Promise<DocHandle<TextDoc>> {
  try {
    return await repo.find<TextDoc>(url)
  } catch (error) {
    const handle = repo.handles[parseAutomergeUrl(url).documentId] as DocHandle<TextDoc> | undefined
    if (!dropped() || handle == null) throw error
    while (!handle.isReady()) {
      try { await handle.whenReady(['ready']) } catch { /* its 60 s timeout: wait again */ }
    }
    return handle
  }
}

async function main (): Promise<void> {
  const [portArg, jobFile, storageDir] = process.argv.slice(2)
  const job = JSON.parse(readFileSync(jobFile, 'utf8')) as PeerJob

  const adapter = new WebSocketClientAdapter(`ws://127.0.0.1:${portArg}`)
  const storage = new ClosableFSStorage(storageDir)
  const repo = new Repo({ storage, network: [adapter] })
  await new Promise<void>(resolve => { adapter.once('peer-candidate', () => { resolve() }) })
  let drops = 0
  const onDrop = (): void => {
    drops++
    console.error('automerge-reconnect-peer: A dropped the connection during setup (keep-alive); the adapter reconnects after 5 s')
  }
  adapter.on('peer-disconnected', onDrop)
  const handles: DocHandle<TextDoc>[] = []
  for (let from = 0; from < job.docs.length; from += FIND_BATCH) {
    handles.push(...await Promise.all(job.docs.slice(from, from + FIND_BATCH).map(async ({ url, textLength }) => {
      const handle = await findEventually(repo, url as AutomergeUrl, () => drops > 0)
      await whenTextLength(handle, textLength)
      return handle
    })))
  }
  adapter.off('peer-disconnected', onDrop)
  if (adapter.remotePeerId == null || adapter.socket?.readyState !== 1) {
    await new Promise<void>(resolve => { adapter.once('peer-candidate', () => { resolve() }) })
  }
  await repo.flush()
  const storageId = await repo.storageId()
  if (storageId == null) throw new Error('B has no storage id')

  // Message counts, reported (coalesced) after each send or receipt once reconnecting.
  const counts = { sent: 0, received: 0, reporting: false, pending: false }
  const report = (): void => {
    if (!counts.reporting || counts.pending) return
    counts.pending = true
    setImmediate(() => { counts.pending = false; send({ type: 'counts', sent: counts.sent, received: counts.received }) })
  }
  const rawSend = adapter.send.bind(adapter)
  adapter.send = message => {
    rawSend(message)
    if ('documentId' in message) { counts.sent++; report() }
  }
  adapter.on('message', () => { counts.received++; report() })

  const done = new Promise<void>((resolve, reject) => {
    process.on('message', message => {
      const command = message as ReconnectCommand
      if (command.type === 'disconnect') {
        adapter.disconnect()
        send({ type: 'offline' })
      } else if (command.type === 'reconnect') {
        counts.sent = 0
        counts.received = 0
        counts.reporting = true
        const start = performance.now()
        adapter.connect(repo.peerId, adapter.peerMetadata)
        Promise.all(command.changed.map(async ({ index, textLength }) => { await whenTextLength(handles[index], textLength) }))
          .then(() => { send({ type: 'changed', ms: performance.now() - start }) })
          .catch(reject)
      } else if (command.type === 'exit') {
        counts.reporting = false
        resolve()
      }
    })
  })
  send({ type: 'synced', storageId })
  await done
  await shutdown(repo, storage)
  process.exit(0)
}

// Run only as a script, not when a module imports this one for its types.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch(error => {
    console.error('automerge-reconnect-peer failed:', error)
    process.exit(1)
  })
}
