/**
 * One open document in the page: a Y.Doc kept in IndexedDB (y-indexeddb) and synced with the
 * node over its WebSocket (y-websocket client protocol). Tells whether the page is connected
 * and whether everything typed here is on the node's disk.
 */
import * as Y from 'yjs'
import { IndexeddbPersistence } from 'y-indexeddb'
import { WebsocketProvider } from 'y-websocket'
import { api } from './api.ts'

export type SaveState = 'saved' | 'saving' | 'offline' | 'loading' | 'refused'

export interface DocSession {
  readonly id: string
  readonly doc: Y.Doc
  readonly provider: WebsocketProvider
  /** Resolves once the browser's own copy (IndexedDB) is loaded. */
  readonly local: Promise<void>
  connected: boolean
  save: SaveState
  readOnly: boolean
  subscribe(fn: () => void): () => void
  destroy(): void
}

/** How long after the last local edit the page asks the node what it holds (ms). */
const CHECK_DELAY = 250

export function openDocSession (id: string, user: { name: string, color: string }): DocSession {
  const doc = new Y.Doc({ guid: id })
  const persistence = new IndexeddbPersistence(`commonplace:${id}`, doc)
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`
  const provider = new WebsocketProvider(wsUrl, id, doc, { disableBc: true, maxBackoffTime: 2500 })
  provider.awareness.setLocalStateField('user', user)
  const listeners = new Set<() => void>()
  let timer: ReturnType<typeof setTimeout> | undefined
  let checking = false
  let dirty = true

  const session: DocSession = {
    id,
    doc,
    provider,
    local: persistence.whenSynced.then(() => undefined),
    connected: false,
    save: 'loading',
    readOnly: false,
    subscribe (fn) { listeners.add(fn); return () => { listeners.delete(fn) } },
    destroy () {
      clearTimeout(timer)
      provider.destroy()
      void persistence.destroy()
      doc.destroy()
    }
  }
  const emit = (): void => { for (const fn of listeners) fn() }

  /** Ask the node for its state vector; saved when it has every change this page has. */
  const check = async (): Promise<void> => {
    if (checking || !session.connected) return
    checking = true
    dirty = false
    try {
      const { stateVector } = await api.stateVector(id)
      const remote = Y.decodeStateVector(Uint8Array.from(atob(stateVector), c => c.charCodeAt(0)))
      const local = Y.decodeStateVector(Y.encodeStateVector(doc))
      const behind = [...local].some(([client, clock]) => (remote.get(client) ?? 0) < clock)
      session.save = behind || dirty ? 'saving' : 'saved'
    } catch {
      session.save = session.connected ? 'saving' : 'offline'
    } finally {
      checking = false
      emit()
      if (session.save === 'saving' && session.connected) schedule()
    }
  }
  const schedule = (): void => {
    clearTimeout(timer)
    timer = setTimeout(() => { void check() }, CHECK_DELAY)
  }

  doc.on('update', (_update: Uint8Array, origin: unknown) => {
    if (origin === provider) return
    dirty = true
    if (session.connected) {
      session.save = 'saving'
      emit()
      schedule()
    }
  })
  provider.on('status', ({ status }: { status: string }) => {
    session.connected = status === 'connected'
    if (!session.connected && session.save !== 'refused') session.save = 'offline'
    emit()
  })
  provider.on('sync', (synced: boolean) => {
    if (synced) schedule()
  })
  provider.on('connection-close', (event: CloseEvent | null) => {
    // the node does not hold the document (any more), or this organisation lost access to it
    if (event?.code === 4404 || event?.code === 4403) {
      provider.shouldConnect = false
      session.save = 'refused'
      emit()
    }
  })
  return session
}
