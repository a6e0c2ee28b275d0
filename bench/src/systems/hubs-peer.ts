/**
 * Client side of the hub benchmarks (y-websocket and Hocuspocus).
 *
 * Imported by ./hubs.ts for clients that run in the runner's process (edit latency), and run
 * as a child process for client B of the initial sync:
 *
 *   node hubs-peer.ts <y-websocket|hocuspocus> <port> <docs file> [concurrency]
 *
 * The docs file is JSON, `[{ "name": "…", "length": 10000 }, …]`: the documents to sync and
 * the length of the text each must reach. Over IPC the child says `{ type: 'ready' }` once
 * loaded, starts on `{ type: 'go' }`, answers `{ type: 'done', ms, docs }` when every
 * document is synced with its full text, and on `{ type: 'exit' }` destroys its providers and
 * exits. Only client code is loaded here, so the child's peak RSS is the client's.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider'

export type HubKind = 'y-websocket' | 'hocuspocus'

/** ws 8 (CommonJS, no bundled types): the WebSocket client both providers are given in Node. */
const require = createRequire(import.meta.url)
export const NodeWebSocket = (require('ws') as { WebSocket: typeof WebSocket }).WebSocket

/** One document of one client, whichever hub it talks to. */
export interface HubDoc {
  name: string
  doc: Y.Doc
  readonly synced: boolean
  /** Calls `listener` on the provider's synced event; returns a function that removes it. */
  onSynced(listener: () => void): () => void
  /** Destroys the provider and its doc; resolves once its socket (if it owns one) is closed. */
  destroy(): Promise<void>
}

/** A client of a hub: y-websocket opens one socket per document, Hocuspocus multiplexes one. */
export interface HubClient {
  open(name: string, doc?: Y.Doc): HubDoc
  /** Destroys every provider and socket; resolves once the sockets are closed. */
  destroy(): Promise<void>
}

/** Resolves when `ws` has closed (at once if it has or if there is none). */
async function closed (ws: WebSocket | null | undefined): Promise<void> {
  if (ws == null || ws.readyState === ws.CLOSED) return
  await new Promise<void>(resolve => { ws.addEventListener('close', () => { resolve() }, { once: true }) })
}

export function hubClient (kind: HubKind, port: number): HubClient {
  const url = `ws://127.0.0.1:${port}`
  if (kind === 'y-websocket') {
    const open = new Set<HubDoc>()
    return {
      open (name, doc = new Y.Doc()) {
        // disableBc: without it, providers of the same room in one process (A and B of the
        // latency test) exchange updates over lib0's in-process BroadcastChannel, bypassing
        // the server (Node 24 has a global BroadcastChannel).
        const provider = new WebsocketProvider(url, name, doc, { WebSocketPolyfill: NodeWebSocket, disableBc: true })
        const hubDoc: HubDoc = {
          name,
          doc,
          get synced () { return provider.synced },
          onSynced (listener) {
            const handler = (state: boolean): void => { if (state) listener() }
            provider.on('synced', handler)
            return () => { provider.off('synced', handler) }
          },
          async destroy () {
            if (!open.delete(hubDoc)) return
            const socketClosed = closed(provider.ws)
            provider.destroy()
            doc.destroy()
            await socketClosed
          }
        }
        open.add(hubDoc)
        return hubDoc
      },
      async destroy () {
        await Promise.all([...open].map(async d => { await d.destroy() }))
      }
    }
  }
  // Hocuspocus: one HocuspocusProviderWebsocket per client, a HocuspocusProvider per document.
  // With a shared socket the provider does not attach itself (only providers that create their
  // own socket do): attach() must be called, or nothing is ever sent.
  const socket = new HocuspocusProviderWebsocket({ url, WebSocketPolyfill: NodeWebSocket })
  const open = new Set<HubDoc>()
  return {
    open (name, doc = new Y.Doc()) {
      const provider = new HocuspocusProvider({ websocketProvider: socket, name, document: doc })
      provider.attach()
      const hubDoc: HubDoc = {
        name,
        doc,
        get synced () { return provider.isSynced },
        onSynced (listener) {
          const handler = (): void => { listener() }
          provider.on('synced', handler)
          return () => { provider.off('synced', handler) }
        },
        async destroy () {
          if (!open.delete(hubDoc)) return
          provider.destroy()
          doc.destroy()
        }
      }
      open.add(hubDoc)
      return hubDoc
    },
    async destroy () {
      await Promise.all([...open].map(async d => { await d.destroy() }))
      const socketClosed = closed(socket.webSocket)
      socket.destroy()
      await socketClosed
    }
  }
}

/** Resolves once `hubDoc` is synced and its `body` text is `length` long. */
export async function whenFull (hubDoc: HubDoc, length: number): Promise<void> {
  const text = hubDoc.doc.getText('body')
  const full = (): boolean => hubDoc.synced && text.length === length
  if (full()) return
  await new Promise<void>(resolve => {
    const check = (): void => {
      if (!full()) return
      offSynced()
      hubDoc.doc.off('update', check)
      resolve()
    }
    const offSynced = hubDoc.onSynced(check)
    hubDoc.doc.on('update', check)
  })
}

interface DocTarget { name: string, length: number }

/** Child process: client B of the initial sync. */
async function main (): Promise<void> {
  const [kind, portArg, docsFile, concurrencyArg] = process.argv.slice(2)
  if ((kind !== 'y-websocket' && kind !== 'hocuspocus') || portArg == null || docsFile == null) {
    throw new Error('usage: hubs-peer.ts <y-websocket|hocuspocus> <port> <docs file> [concurrency]')
  }
  const send = (message: unknown): void => { process.send!(message) }
  const targets = JSON.parse(readFileSync(docsFile, 'utf8')) as DocTarget[]
  // y-websocket's WebsocketProvider adds a process 'exit' listener per document.
  process.setMaxListeners(targets.length + 10)
  const concurrency = concurrencyArg == null ? Infinity : Number(concurrencyArg)
  const opened: { client?: HubClient } = {}

  const go = new Promise<void>(resolve => {
    process.on('message', (message: { type: string }) => {
      if (message.type === 'go') resolve()
      if (message.type === 'exit') {
        void (opened.client?.destroy() ?? Promise.resolve()).finally(() => { process.exit(0) })
      }
    })
  })
  // Never outlive the runner.
  process.on('disconnect', () => { process.exit(1) })
  send({ type: 'ready' })
  await go

  // The clock starts before the first socket is made (Hocuspocus's connects on creation).
  const start = performance.now()
  const b = hubClient(kind, Number(portArg))
  opened.client = b
  let next = 0
  // Open documents with at most `concurrency` not yet full: each one that completes opens
  // the next. Documents that are full stay open (connected) until the end.
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const target = targets[next++]
      await whenFull(b.open(target.name), target.length)
    }
  }
  const workers = Math.min(targets.length, concurrency)
  await Promise.all(Array.from({ length: workers }, worker))
  const ms = performance.now() - start
  send({ type: 'done', ms, docs: targets.length })
}

if (import.meta.main) {
  main().catch(error => {
    console.error(error)
    process.exit(1)
  })
}
