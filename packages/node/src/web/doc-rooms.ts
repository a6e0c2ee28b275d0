/**
 * The node's end of the y-websocket protocol: each browser WebSocket at `/ws/<doc id>` syncs
 * one document with the node's document store (no second copy of the document in memory) and
 * shares awareness (cursors, who is here) with the other browsers on the same document and,
 * through the awareness service (`../awareness-service.ts`), with peers that may read it.
 *
 * A browser's edit is this organisation's edit: it is applied with origin `{ kind: 'local' }`, so
 * the store signs it, and only when the organisation may write (otherwise the browser is told
 * "read-only", a y-protocols auth message) and when it writes only with the client ids this node
 * issued to the tab (`browser-clients.ts`; otherwise "ERR_FOREIGN_CLIENT"). A refused update
 * changes nothing.
 */
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import * as authProtocol from 'y-protocols/auth'
import * as awarenessProtocol from 'y-protocols/awareness'
import { isCommonplaceError, parseDocId } from '@commonplace/core'
import type { DocId, DocumentStore, OrgId } from '@commonplace/core'
import type { DocumentGate } from '@commonplace/docstore'
import type { Logger } from '@libp2p/interface'
import type { WebSocket } from 'ws'
import { MAX_AWARENESS_BYTES } from './constants.ts'
import { checkTabUpdate, tabClients } from './browser-clients.ts'
import type { Caller } from '../people/people.ts'
import { atLeast } from '../people/roles.ts'
import { withUserName } from './awareness-names.ts'

const MESSAGE_SYNC = 0
const MESSAGE_AWARENESS = 1
const MESSAGE_AUTH = 2
const MESSAGE_QUERY_AWARENESS = 3

/** An awareness change a peer sent (through the relay). */
interface PeerOrigin { peer: OrgId }

function isPeerOrigin (origin: unknown): origin is PeerOrigin {
  return typeof origin === 'object' && origin != null && 'peer' in origin
}

interface Room {
  id: DocId
  /** Per browser socket, the awareness client ids it controls. */
  conns: Map<WebSocket, Set<number>>
  /** Per browser socket, the Yjs client ids it may write with. */
  writers: Map<WebSocket, Set<number>>
  /** Per browser socket, who opened it (docs/people.md, "The live connection"). */
  callers: Map<WebSocket, Caller>
  awareness: awarenessProtocol.Awareness
}

export interface DocRoomsInit {
  store: DocumentStore
  self: OrgId
  /** Who may read and write which document. */
  gate: DocumentGate
  log: Logger
  /** Awareness changes made by this node's browsers, to pass on to peers. */
  onLocalAwareness?: (doc: DocId, update: Uint8Array) => void
  /** The name a page's cursor carries, from who its session is (docs/people.md); the page's own label without it. */
  cursorName?: (caller: Caller) => string
}

export interface DocRooms {
  /**
   * Serve one browser connection for the document named in the path; `clients` is the `?clients=`
   * list of the Yjs client ids the tab writes with.
   */
  attach(ws: WebSocket, docId: string, clients: string | null, caller: Caller): void
  /** An awareness update a peer sent for `doc`; returns the states of our browsers if the peer showed new clients. */
  peerAwareness(doc: DocId, peer: OrgId, update: Uint8Array): Uint8Array | undefined
  /** Forget a peer's cursors (it disconnected). */
  peerGone(peer: OrgId): void
  /** Documents some browser has open here now. */
  openDocs(): DocId[]
  close(): void
}

export function createDocRooms (init: DocRoomsInit): DocRooms {
  const { store, self, log, gate } = init
  const rooms = new Map<DocId, Room>()
  /** Every browser socket served (origin of its awareness changes). */
  const browsers = new WeakSet<object>()
  /** Awareness client ids each peer controls, per document. */
  const peerClients = new Map<OrgId, Map<DocId, Set<number>>>()

  const broadcast = (room: Room, message: Uint8Array): void => {
    for (const ws of room.conns.keys()) send(ws, message)
  }

  const offChange = store.onChange(change => {
    const room = rooms.get(change.id)
    if (room == null) return
    if (change.update != null) {
      // to every browser, the one that made it too: a burst from two browsers comes as one change
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, MESSAGE_SYNC)
      syncProtocol.writeUpdate(encoder, change.update)
      broadcast(room, encoding.toUint8Array(encoder))
    }
    if (change.accessChanged) {
      if (!gate.mayRead(change.id)) {
        for (const ws of room.conns.keys()) ws.close(4403, 'access revoked')
      }
    }
  })

  const openRoom = (id: DocId): Room => {
    const existing = rooms.get(id)
    if (existing != null) return existing
    const awareness = new awarenessProtocol.Awareness(new Y.Doc({ gc: true }))
    awareness.setLocalState(null)
    const room: Room = { id, conns: new Map(), writers: new Map(), callers: new Map(), awareness }
    awareness.on('update', ({ added, updated, removed }: AwarenessChanges, origin: unknown) => {
      const changed = [...added, ...updated, ...removed]
      const fromBrowser = browsers.has(origin as object)
      const owned = fromBrowser ? room.conns.get(origin as WebSocket) : isPeerOrigin(origin) ? peerClients.get(origin.peer)?.get(id) : undefined
      if (owned != null) {
        for (const client of [...added, ...updated]) owned.add(client)
        for (const client of removed) owned.delete(client)
      }
      const update = awarenessProtocol.encodeAwarenessUpdate(awareness, changed)
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, MESSAGE_AWARENESS)
      encoding.writeVarUint8Array(encoder, update)
      broadcast(room, encoding.toUint8Array(encoder))
      if (fromBrowser) init.onLocalAwareness?.(id, update)
    })
    rooms.set(id, room)
    return room
  }

  const closeConn = (room: Room, ws: WebSocket): void => {
    const clients = room.conns.get(ws)
    room.conns.delete(ws)
    room.writers.delete(ws)
    room.callers.delete(ws)
    if (clients != null && clients.size > 0) awarenessProtocol.removeAwarenessStates(room.awareness, [...clients], ws)
    if (room.conns.size === 0) {
      room.awareness.destroy()
      rooms.delete(room.id)
    }
  }

  const receive = (room: Room, ws: WebSocket, data: Uint8Array): void => {
    const decoder = decoding.createDecoder(data)
    const type = decoding.readVarUint(decoder)
    switch (type) {
      case MESSAGE_SYNC: {
        const sub = decoding.readVarUint(decoder)
        if (sub === syncProtocol.messageYjsSyncStep1) {
          const encoder = encoding.createEncoder()
          encoding.writeVarUint(encoder, MESSAGE_SYNC)
          encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2)
          encoding.writeVarUint8Array(encoder, store.diff(room.id, decoding.readVarUint8Array(decoder)))
          send(ws, encoding.toUint8Array(encoder))
        } else if (sub === syncProtocol.messageYjsSyncStep2 || sub === syncProtocol.messageYjsUpdate) {
          applyBrowserUpdate(room, ws, decoding.readVarUint8Array(decoder))
        }
        return
      }
      case MESSAGE_AWARENESS: {
        const sent = decoding.readVarUint8Array(decoder)
        if (sent.byteLength > MAX_AWARENESS_BYTES) throw new RangeError('awareness update too large')
        const caller = room.callers.get(ws)
        const update = init.cursorName != null && caller != null ? withUserName(sent, init.cursorName(caller)) : sent
        awarenessProtocol.applyAwarenessUpdate(room.awareness, update, ws)
        return
      }
      case MESSAGE_QUERY_AWARENESS:
        send(ws, awarenessMessage(room.awareness, [...room.awareness.getStates().keys()]))
        return
      default:
        throw new RangeError(`unknown message type ${type}`)
    }
  }

  const applyBrowserUpdate = (room: Room, ws: WebSocket, update: Uint8Array): void => {
    if (isEmptyUpdate(update)) return
    const caller = room.callers.get(ws)
    // a viewer's page is read-only; a forged write from it is refused here, whatever the page sent
    if (caller == null || !atLeast(caller.role, 'editor') || !gate.mayWrite(room.id)) {
      send(ws, deniedMessage('read-only'))
      return
    }
    let lacking: Uint8Array
    try {
      lacking = checkTabUpdate(store, room.id, update, room.writers.get(ws) ?? new Set())
    } catch (err) {
      if (!isCommonplaceError(err)) throw err
      // the tab hears why (its page says its edits are refused); the socket stays for what is valid
      log('refused a browser update for %s: %s', room.id, err.message)
      send(ws, deniedMessage(err.code))
      return
    }
    // the organisation signs it; the envelope names the person ('' for the node's administrator)
    store.applyUpdate(room.id, lacking, { kind: 'local', author: caller.person?.id ?? '' })
  }

  return {
    attach (ws, docIdText, clientList, caller) {
      let id: DocId
      let writers: Set<number>
      try {
        id = parseDocId(docIdText)
      } catch {
        ws.close(4400, 'not a document id')
        return
      }
      if (!store.has(id) || !gate.mayRead(id)) {
        ws.close(4404, 'no such document here')
        return
      }
      try {
        writers = tabClients(store, self, id, clientList)
      } catch {
        ws.close(4400, 'bad client list')
        return
      }
      const room = openRoom(id)
      room.conns.set(ws, new Set())
      room.writers.set(ws, writers)
      room.callers.set(ws, caller)
      browsers.add(ws)
      ws.binaryType = 'nodebuffer'
      ws.on('message', (data: Buffer) => {
        try {
          receive(room, ws, new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
        } catch (err) {
          log('closing browser socket for %s: %s', id, (err as Error).message)
          ws.close(4400, 'bad message')
        }
      })
      ws.on('close', () => { closeConn(room, ws) })
      ws.on('error', () => { ws.terminate() })
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, MESSAGE_SYNC)
      encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep1)
      encoding.writeVarUint8Array(encoder, store.read(id, doc => Y.encodeStateVector(doc)))
      send(ws, encoding.toUint8Array(encoder))
      const states = [...room.awareness.getStates().keys()]
      if (states.length > 0) send(ws, awarenessMessage(room.awareness, states))
    },

    peerAwareness (doc, peer, update) {
      const room = rooms.get(doc)
      if (room == null || !gate.mayRead(doc, peer)) return undefined
      const byDoc = peerClients.get(peer) ?? new Map<DocId, Set<number>>()
      peerClients.set(peer, byDoc)
      const owned = byDoc.get(doc) ?? new Set<number>()
      byDoc.set(doc, owned)
      const before = owned.size
      awarenessProtocol.applyAwarenessUpdate(room.awareness, update, { peer })
      if (owned.size <= before) return undefined
      // the peer showed someone new: tell it who is here (it may have missed it)
      const ours = [...room.conns.values()].flatMap(clients => [...clients])
      return ours.length > 0 ? awarenessProtocol.encodeAwarenessUpdate(room.awareness, ours) : undefined
    },

    peerGone (peer) {
      const byDoc = peerClients.get(peer)
      peerClients.delete(peer)
      for (const [doc, clients] of byDoc ?? []) {
        const room = rooms.get(doc)
        if (room != null && clients.size > 0) awarenessProtocol.removeAwarenessStates(room.awareness, [...clients], { peer })
      }
    },

    openDocs () { return [...rooms.keys()] },

    close () {
      offChange()
      for (const room of rooms.values()) {
        for (const ws of room.conns.keys()) ws.terminate()
        room.awareness.destroy()
      }
      rooms.clear()
    }
  }
}

interface AwarenessChanges { added: number[], updated: number[], removed: number[] }

/** A y-protocols auth message refusing what the browser sent, with the reason. */
function deniedMessage (reason: string): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MESSAGE_AUTH)
  authProtocol.writePermissionDenied(encoder, reason)
  return encoding.toUint8Array(encoder)
}

function awarenessMessage (awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MESSAGE_AWARENESS)
  encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, clients))
  return encoding.toUint8Array(encoder)
}

/** An update with no structs and no deletions (what a browser with nothing new sends as step 2). */
function isEmptyUpdate (update: Uint8Array): boolean {
  return update.byteLength === 2 && update[0] === 0 && update[1] === 0
}

function send (ws: WebSocket, message: Uint8Array): void {
  if (ws.readyState !== ws.OPEN) return
  ws.send(message, err => { if (err != null) ws.terminate() })
}
