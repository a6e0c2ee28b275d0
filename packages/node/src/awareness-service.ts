/**
 * The libp2p service for `/commonplace/awareness/2.0.0`: cursors and "who is here" of shared
 * documents, node to node (docs/protocol.md, "awareness").
 *
 * One length-prefixed frame per stream, `varString(doc id) varUint8Array(y-protocols awareness
 * update)`, like the other protocols' frames: at most {@link MAX_AWARENESS_FRAME_BYTES}, read within
 * {@link AWARENESS_TIMEOUT_MS}, {@link MAX_AWARENESS_STREAMS} streams per connection each way, and
 * at most {@link MAX_AWARENESS_RATE} frames a second from one peer (bursts of
 * {@link MAX_AWARENESS_BURST}). What the updates mean is the web app's business (`web/doc-rooms.ts`):
 * the service only moves them between peers that may read the document, and never dials a peer
 * for a cursor (only connected peers get one).
 */
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { TypedEventEmitter, serviceCapabilities } from '@libp2p/interface'
import type { ComponentLogger, Connection, Logger, Startable, Stream } from '@libp2p/interface'
import type { ConnectionManager, Registrar } from '@libp2p/interface-internal'
import { lpStream } from '@libp2p/utils'
import { MalformedMessageError, OversizedMessageError, ProtocolError, isCommonplaceError, parseDocId } from '@commonplace/core'
import type { DocId, OrgId } from '@commonplace/core'
import { MAX_AWARENESS_BYTES } from './web/constants.ts'

/** `/commonplace/awareness/2.0.0` */
export const AWARENESS_PROTOCOL = '/commonplace/awareness/2.0.0'
/** Largest frame: an awareness update of {@link MAX_AWARENESS_BYTES} with its document id and lengths. */
export const MAX_AWARENESS_FRAME_BYTES = MAX_AWARENESS_BYTES + 64
/** Streams of this protocol per connection, each way (each carries one frame). */
export const MAX_AWARENESS_STREAMS = 16
/** How long sending or reading one frame may take (ms). */
export const AWARENESS_TIMEOUT_MS = 5_000
/** Frames a second one peer may send (a cursor moves with every key typed, by every person there). */
export const MAX_AWARENESS_RATE = 50
/** Frames one peer may send at once after being quiet. */
export const MAX_AWARENESS_BURST = 100

export interface AwarenessServiceInit {
  /** May `peer` read `doc`? (the node's access gate; awareness goes only where the document may) */
  mayRead(doc: DocId, peer: OrgId): boolean
  /** The clock the rate limit reads (ms). Default Date.now. */
  now?: () => number
}

export interface AwarenessServiceComponents {
  registrar: Registrar
  connectionManager: ConnectionManager
  logger: ComponentLogger
}

export interface AwarenessMessage { doc: DocId, peer: OrgId, update: Uint8Array }

export interface AwarenessEvents {
  /** A peer that may read `doc` sent an awareness update for it. */
  'awareness:message': CustomEvent<AwarenessMessage>
  /** A peer's frame was refused (typed error code); counted like other bad input. */
  'awareness:refused': CustomEvent<{ peer: OrgId, code: string, message: string }>
}

export interface AwarenessService extends TypedEventEmitter<AwarenessEvents>, Startable {
  /**
   * Send an awareness update to every connected peer that may read `doc` (only to `to` when
   * given). Fire and forget: a cursor that does not arrive is replaced by the next.
   */
  send(doc: DocId, update: Uint8Array, to?: OrgId[]): void
}

/** @example `createLibp2p({ services: { awareness: awarenessService({ mayRead }) } })` */
export function awarenessService (init: AwarenessServiceInit): (components: AwarenessServiceComponents) => AwarenessService {
  return (components) => new Awareness(components, init)
}

class Awareness extends TypedEventEmitter<AwarenessEvents> implements AwarenessService {
  readonly [Symbol.toStringTag] = '@commonplace/awareness'
  readonly [serviceCapabilities] = ['@commonplace/awareness']
  private readonly components: AwarenessServiceComponents
  private readonly init: AwarenessServiceInit
  private readonly log: Logger
  /** Per peer, a token bucket of frames: tokens left and when it was last filled. */
  private readonly buckets = new Map<OrgId, { tokens: number, at: number }>()

  constructor (components: AwarenessServiceComponents, init: AwarenessServiceInit) {
    super()
    this.components = components
    this.init = init
    this.log = components.logger.forComponent('commonplace:awareness')
  }

  async start (): Promise<void> {
    await this.components.registrar.handle(AWARENESS_PROTOCOL, (stream, connection) => {
      this.receive(stream, connection).catch(err => {
        const peer = connection.remotePeer.toString() as OrgId
        this.log('awareness from %p refused: %s', connection.remotePeer, (err as Error).message)
        stream.abort(err as Error)
        if (isCommonplaceError(err)) this.safeDispatchEvent('awareness:refused', { detail: { peer, code: err.code, message: err.message } })
      })
    }, { maxInboundStreams: MAX_AWARENESS_STREAMS, maxOutboundStreams: MAX_AWARENESS_STREAMS })
  }

  async stop (): Promise<void> {
    await this.components.registrar.unhandle(AWARENESS_PROTOCOL)
    this.buckets.clear()
  }

  send (doc: DocId, update: Uint8Array, to?: OrgId[]): void {
    if (update.byteLength > MAX_AWARENESS_BYTES) return
    const frame = encodeAwarenessFrame(doc, update)
    const seen = new Set<string>()
    for (const connection of this.components.connectionManager.getConnections()) {
      const peer = connection.remotePeer.toString() as OrgId
      if (seen.has(peer) || (to != null && !to.includes(peer)) || !this.init.mayRead(doc, peer)) continue
      seen.add(peer)
      this.sendOn(connection, frame).catch(err => { this.log('awareness to %p not sent: %s', connection.remotePeer, (err as Error).message) })
    }
  }

  private async sendOn (connection: Connection, frame: Uint8Array): Promise<void> {
    const signal = AbortSignal.timeout(AWARENESS_TIMEOUT_MS)
    const stream = await connection.newStream(AWARENESS_PROTOCOL, { signal })
    try {
      await lpStream(stream, { maxDataLength: MAX_AWARENESS_FRAME_BYTES }).write(frame, { signal })
      await stream.close({ signal })
    } catch (err) {
      stream.abort(err as Error)
      throw err
    }
  }

  private async receive (stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString() as OrgId
    this.take(peer)
    const signal = AbortSignal.timeout(AWARENESS_TIMEOUT_MS)
    let bytes: Uint8Array
    try {
      bytes = (await lpStream(stream, { maxDataLength: MAX_AWARENESS_FRAME_BYTES }).read({ signal })).subarray()
    } catch (err) {
      throw typedReadError(err)
    }
    const { doc, update } = decodeAwarenessFrame(bytes)
    await stream.close({ signal }).catch(() => {})
    if (!this.init.mayRead(doc, peer)) {
      // not an error of the peer's: its access may have changed while the cursor was on its way
      this.log('dropped awareness for %s from %p: it may not read it', doc, connection.remotePeer)
      return
    }
    this.safeDispatchEvent('awareness:message', { detail: { doc, peer, update } })
  }

  /** Take one frame's token from `peer`'s bucket. @throws ProtocolError when it sends faster than allowed */
  private take (peer: OrgId): void {
    const now = (this.init.now ?? Date.now)()
    const bucket = this.buckets.get(peer) ?? { tokens: MAX_AWARENESS_BURST, at: now }
    bucket.tokens = Math.min(MAX_AWARENESS_BURST, bucket.tokens + (now - bucket.at) * MAX_AWARENESS_RATE / 1000)
    bucket.at = now
    this.buckets.set(peer, bucket)
    if (bucket.tokens < 1) throw new ProtocolError(`Awareness frames arrive faster than ${MAX_AWARENESS_RATE} a second`)
    bucket.tokens -= 1
    // forget peers that have been quiet long enough to have a full bucket again (bounds the map)
    if (this.buckets.size > 1024) {
      for (const [id, b] of this.buckets) if (now - b.at > (MAX_AWARENESS_BURST / MAX_AWARENESS_RATE) * 1000) this.buckets.delete(id)
    }
  }
}

/** One frame's payload: the document id, then the awareness update. */
export function encodeAwarenessFrame (doc: DocId, update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarString(encoder, doc)
  encoding.writeVarUint8Array(encoder, update)
  return encoding.toUint8Array(encoder)
}

/**
 * Read one frame's payload: a document id and an awareness update, nothing after them.
 * @throws MalformedMessageError (bytes that do not decode), OversizedMessageError (an update past
 * {@link MAX_AWARENESS_BYTES}), InvalidIdError (a bad document id)
 */
export function decodeAwarenessFrame (bytes: Uint8Array): { doc: DocId, update: Uint8Array } {
  let id: string
  let update: Uint8Array
  try {
    const decoder = decoding.createDecoder(bytes)
    id = decoding.readVarString(decoder)
    update = decoding.readVarUint8Array(decoder)
    // lib0 answers a length past the end with a shorter view: check the update ended inside the frame
    if (decoder.pos > bytes.length) throw new Error('a length runs past the end of the frame')
    if (decoding.hasContent(decoder)) throw new Error('trailing bytes after the update')
  } catch (err) {
    throw new MalformedMessageError(`An awareness frame does not decode: ${(err as Error).message}`, { cause: err })
  }
  if (update.byteLength > MAX_AWARENESS_BYTES) throw new OversizedMessageError(`An awareness update is longer than ${MAX_AWARENESS_BYTES} bytes`)
  return { doc: parseDocId(id), update }
}

/** The length-prefix reader's refusals of the peer's bytes as typed errors; aborts and resets stay as they are. */
function typedReadError (err: unknown): unknown {
  const name = (err as Error)?.name
  if (name === 'InvalidDataLengthError' || name === 'InvalidDataLengthLengthError' || name === 'InvalidMessageLengthError') {
    return new OversizedMessageError(`An awareness frame is longer than ${MAX_AWARENESS_FRAME_BYTES} bytes`, { cause: err })
  }
  if (name === 'UnexpectedEOFError') return new MalformedMessageError('An awareness frame ended before its length-prefixed end', { cause: err })
  return err
}
