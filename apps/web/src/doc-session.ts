/**
 * One open document in the page: a Y.Doc kept in IndexedDB (y-indexeddb) and synced with the
 * node over its WebSocket (y-websocket client protocol), written with a client id the node issued
 * (`tab-client.ts`). Tells whether the page is connected, whether everything typed here is on the
 * node's disk, and whether the node refused an edit of the page.
 */
import * as Y from 'yjs'
import * as authProtocol from 'y-protocols/auth'
import { IndexeddbPersistence } from 'y-indexeddb'
import { WebsocketProvider } from 'y-websocket'
import { api } from './api.ts'
import { tabClient } from './tab-client.ts'
import { within } from './within.ts'

/** `refused`: the node does not hold the document or refused an edit of this page (`refusal` says which). */
export type SaveState = 'saved' | 'saving' | 'offline' | 'loading' | 'refused'
/**
 * Why the node refused: no access (any more), an edit written with an id it did not issue, or the
 * person was signed out (their role changed, they were removed; docs/people.md).
 */
export type Refusal = 'no-access' | 'foreign-client' | 'signed-out'

/**
 * Why this tab has no client id from the node, so it shows the document read-only: the node was
 * unreachable, refused (it does not hold the document, or not for this organisation), or did not
 * answer within {@link CLIENT_ID_TIMEOUT_MS} (busy putting its writes on disk; the page opens the
 * document again once the answer comes).
 */
export type NoClient = 'unreachable' | 'refused' | 'slow'

/** What opening a document waits for now: this browser's copy, then an id from the node. */
export type OpenStep = 'local-copy' | 'client-id'

/** A document's page cannot open the document in this browser; `code` is stable, the message says what to do. */
export class DocOpenError extends Error {
  readonly code: 'ERR_LOCAL_COPY'
  constructor (message: string) {
    super(message)
    this.name = 'DocOpenError'
    this.code = 'ERR_LOCAL_COPY'
  }
}

/** How long the browser's copy (IndexedDB) may take to open before the page says it cannot (ms). */
export const LOCAL_COPY_TIMEOUT_MS = 20_000
/**
 * How long the page waits for the node to issue a client id before it shows the document without
 * one, read-only (ms). The node answers once the id's binding is on its disk, which a busy disk can
 * delay for long; the document need not be hidden meanwhile.
 */
export const CLIENT_ID_TIMEOUT_MS = 10_000

/** The y-protocols message type of an auth message (y-websocket's numbering). */
const MESSAGE_AUTH = 2

export interface DocSession {
  readonly id: string
  readonly doc: Y.Doc
  readonly provider: WebsocketProvider
  connected: boolean
  save: SaveState
  refusal?: Refusal
  readOnly: boolean
  /** False when this tab has no client id from the node (`noClient` says why): it cannot edit yet. */
  readonly writable: boolean
  readonly noClient?: NoClient
  /** With `noClient: 'slow'`: resolves once the node's id is kept here; open the document again to edit. */
  readonly late?: Promise<void>
  /** The document has content here: from this browser's copy, or once the node's sync arrived. */
  loaded: boolean
  subscribe(fn: () => void): () => void
  destroy(): void
}

/** How long after the last local edit the page asks the node what it holds (ms). */
const CHECK_DELAY = 250

/**
 * Open a document: load the browser's copy, take this tab's client id, then connect. The id is set
 * after the copy is loaded (Yjs gives a doc a new id when a load brings structs of its own id)
 * and before the provider exists (its awareness takes the doc's id).
 */
export async function openDocSession (id: string, user: { name: string, color: string }, onStep: (step: OpenStep) => void = () => {}): Promise<DocSession> {
  const doc = new Y.Doc({ guid: id })
  const persistence = new IndexeddbPersistence(`commonplace:${id}`, doc)
  onStep('local-copy')
  // y-indexeddb's promise never settles when the database does not open: bound it
  if (await within(persistence.whenSynced, LOCAL_COPY_TIMEOUT_MS) === undefined) {
    void persistence.destroy()
    doc.destroy()
    throw new DocOpenError(`This browser's copy of the document did not open within ${LOCAL_COPY_TIMEOUT_MS / 1000} s (its storage did not answer). Close other Commonplace tabs and reload the page.`)
  }
  onStep('client-id')
  const mine = await tabClient(id, persistence, CLIENT_ID_TIMEOUT_MS)
  if (mine.client != null) doc.clientID = mine.client
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`
  const provider = new WebsocketProvider(wsUrl, id, doc, { disableBc: true, maxBackoffTime: 2500, params: { clients: mine.all.join(',') } })
  provider.awareness.setLocalStateField('user', user)
  const listeners = new Set<() => void>()
  let timer: ReturnType<typeof setTimeout> | undefined
  let checking = false
  let dirty = true

  const session: DocSession = {
    id,
    doc,
    provider,
    connected: false,
    save: 'loading',
    readOnly: false,
    writable: mine.client != null,
    ...(mine.missing != null ? { noClient: mine.missing } : {}),
    ...(mine.late != null ? { late: mine.late } : {}),
    loaded: hasContent(doc),
    subscribe (fn) { listeners.add(fn); return () => { listeners.delete(fn) } },
    destroy () {
      clearTimeout(timer)
      provider.destroy()
      void persistence.destroy()
      doc.destroy()
      mine.release()
    }
  }
  const emit = (): void => { for (const fn of listeners) fn() }

  /** Ask the node for its state vector; saved when it has every change this page has. */
  const check = async (): Promise<void> => {
    if (checking || !session.connected || session.refusal != null) return
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
  const refuse = (why: Refusal): void => {
    session.save = 'refused'
    session.refusal = why
    emit()
  }
  provider.messageHandlers[MESSAGE_AUTH] = (_encoder, decoder) => {
    authProtocol.readAuthMessage(decoder, doc, (_y, reason) => {
      // 'read-only': the page shows the document read-only from the node's answer; anything else is a refused edit
      if (reason !== 'read-only') refuse('foreign-client')
    })
  }
  doc.on('afterTransaction', () => {
    // Yjs takes a new random id when another writer used ours: the node would refuse what it writes
    if (mine.client != null && doc.clientID !== mine.client && session.refusal == null) refuse('foreign-client')
  })
  provider.on('status', ({ status }: { status: string }) => {
    session.connected = status === 'connected'
    if (!session.connected && session.save !== 'refused') session.save = 'offline'
    emit()
  })
  provider.on('sync', (synced: boolean) => {
    if (!synced) return
    if (!session.loaded) { session.loaded = true; emit() }
    schedule()
  })
  provider.on('connection-close', (event: CloseEvent | null) => {
    // the node does not hold the document (any more), or this organisation lost access to it
    if (event?.code === 4404 || event?.code === 4403) {
      provider.shouldConnect = false
      refuse('no-access')
    }
    if (event?.code === 4401) {
      provider.shouldConnect = false
      refuse('signed-out')
    }
  })
  return session
}

/** Whether the document holds anything (a copy loaded from IndexedDB does; a first opening does not). */
function hasContent (doc: Y.Doc): boolean {
  return doc.store.clients.size > 0
}
