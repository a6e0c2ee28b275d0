/**
 * `/commonplace/awareness/1.0.0`: cursors and "who is here" for a shared document, node to node.
 *
 * One message per stream: `varString(doc id) varUint8Array(y-protocols awareness update)`, at most
 * {@link MAX_AWARENESS_BYTES}, read within {@link AWARENESS_READ_TIMEOUT}. A node sends an awareness
 * change of its own browsers only to connected peers that may read the document, and drops one
 * from a peer that may not (or for a document no browser here has open). Awareness is not
 * relayed onward: each node tells its direct peers (docs/web.md).
 */
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { MalformedMessageError, mayRead, parseDocId } from '@commonplace/core'
import type { DocId, DocumentStore, Membership, OrgId } from '@commonplace/core'
import type { Connection, Libp2p, Logger, PeerId, Stream } from '@libp2p/interface'
import { AWARENESS_PROTOCOL, AWARENESS_READ_TIMEOUT, MAX_AWARENESS_BYTES, MAX_AWARENESS_STREAMS } from './constants.ts'
import type { DocRooms } from './doc-rooms.ts'

export interface AwarenessRelayInit {
  libp2p: Libp2p
  store: DocumentStore
  /** Network rosters: a grant to a network covers its members. */
  membership?: Membership
  rooms: () => DocRooms
  log: Logger
}

export interface AwarenessRelay {
  start(): Promise<void>
  stop(): Promise<void>
  /** Send an awareness update of this node's browsers to every connected peer that may read `doc`. */
  send(doc: DocId, update: Uint8Array): void
}

export function awarenessRelay (init: AwarenessRelayInit): AwarenessRelay {
  const { libp2p, store, log, membership } = init
  const onDisconnect = (event: CustomEvent<PeerId>): void => { init.rooms().peerGone(event.detail.toString() as OrgId) }

  const sendTo = (peer: PeerId, message: Uint8Array): void => {
    libp2p.dialProtocol(peer, AWARENESS_PROTOCOL, { signal: AbortSignal.timeout(AWARENESS_READ_TIMEOUT) })
      .then(async stream => {
        stream.send(message)
        await stream.close()
      })
      .catch(err => { log('awareness to %p not sent: %s', peer, (err as Error).message) })
  }

  const receive = async (stream: Stream, connection: Connection): Promise<void> => {
    const peer = connection.remotePeer.toString() as OrgId
    const { doc, update } = decodeMessage(await readAll(stream))
    const acl = store.access(doc)
    if (acl == null || !mayRead(acl, peer, membership)) {
      log('dropped awareness for %s from %p: it may not read it', doc, connection.remotePeer)
      return
    }
    const reply = init.rooms().peerAwareness(doc, peer, update)
    if (reply != null) sendTo(connection.remotePeer, encodeMessage(doc, reply))
  }

  return {
    async start () {
      await libp2p.handle(AWARENESS_PROTOCOL, (stream, connection) => {
        receive(stream, connection).catch(err => {
          log('awareness from %p refused: %s', connection.remotePeer, (err as Error).message)
          stream.abort(err as Error)
        })
      }, { maxInboundStreams: MAX_AWARENESS_STREAMS, maxOutboundStreams: MAX_AWARENESS_STREAMS })
      libp2p.addEventListener('peer:disconnect', onDisconnect)
    },
    async stop () {
      libp2p.removeEventListener('peer:disconnect', onDisconnect)
      await libp2p.unhandle(AWARENESS_PROTOCOL)
    },
    send (doc, update) {
      const acl = store.access(doc)
      if (acl == null || update.byteLength > MAX_AWARENESS_BYTES) return
      const message = encodeMessage(doc, update)
      const seen = new Set<string>()
      for (const connection of libp2p.getConnections()) {
        const peer = connection.remotePeer
        if (seen.has(peer.toString()) || !mayRead(acl, peer.toString(), membership)) continue
        seen.add(peer.toString())
        sendTo(peer, message)
      }
    }
  }
}

export function encodeMessage (doc: DocId, update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarString(encoder, doc)
  encoding.writeVarUint8Array(encoder, update)
  return encoding.toUint8Array(encoder)
}

/**
 * Read one message: a document id and an awareness update, nothing after them.
 * @throws MalformedMessageError (bytes that do not decode), InvalidIdError (a bad document id)
 */
export function decodeMessage (bytes: Uint8Array): { doc: DocId, update: Uint8Array } {
  let id: string
  let update: Uint8Array
  try {
    const decoder = decoding.createDecoder(bytes)
    id = decoding.readVarString(decoder)
    update = decoding.readVarUint8Array(decoder)
    // lib0 answers a length past the end with a shorter view: check the update ended inside the message
    if (decoder.pos > bytes.length) throw new Error('a length runs past the end of the message')
    if (decoding.hasContent(decoder)) throw new Error('trailing bytes after the update')
  } catch (err) {
    throw new MalformedMessageError(`An awareness message does not decode: ${(err as Error).message}`, { cause: err })
  }
  return { doc: parseDocId(id), update }
}

/** The whole message, refusing more than the limit or a peer that takes too long. */
async function readAll (stream: Stream): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let size = 0
  const timer = setTimeout(() => { stream.abort(new Error('awareness message timed out')) }, AWARENESS_READ_TIMEOUT)
  try {
    for await (const chunk of stream) {
      const bytes = chunk.subarray()
      size += bytes.byteLength
      if (size > MAX_AWARENESS_BYTES + 256) throw new RangeError('awareness message too large')
      chunks.push(bytes)
    }
  } finally {
    clearTimeout(timer)
  }
  const all = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) { all.set(chunk, offset); offset += chunk.byteLength }
  return all
}
