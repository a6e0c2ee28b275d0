import { TypedEventEmitter, serviceCapabilities } from '@libp2p/interface'
import type { ComponentLogger, Connection, Logger, PeerId, Startable, Stream } from '@libp2p/interface'
import type { Registrar } from '@libp2p/interface-internal'
import type { DocId, DocumentChange, DocumentStore, OrgId } from '@commonplace/core'
import { createDocumentGate, preverify } from '@commonplace/docstore'
import type { DocumentGate } from '@commonplace/docstore'
import { createSyncSession } from './session.ts'
import { createPeerChannel } from './peer-channel.ts'
import { signaturesIn } from './signatures.ts'
import type { PeerChannel } from './peer-channel.ts'
import {
  DEFAULT_MARK_DELAY, DEFAULT_MAX_FRAME_BYTES, DEFAULT_MAX_ITEM_BYTES, DEFAULT_TARGET_FRAME_BYTES, MAX_STREAMS, PROTOCOL
} from './constants.ts'

export interface SyncInit {
  /** The documents to sync. */
  store: DocumentStore
  /** This organisation's display name, told to peers. */
  name?: string
  /** Largest frame accepted (protects memory against one peer). Default 16 MiB. */
  maxFrameBytes?: number
  /** Size at which outgoing batches are cut (keeps live edits flowing during catch-up). Default 256 KiB. */
  targetFrameBytes?: number
  /** Largest signed item (envelope or checkpoint) accepted in a message. Default: the largest envelope (8 MiB update). */
  maxItemBytes?: number
  /** Bytes of signed items per REPLY or first-meeting ENVELOPES of one document. Default 1 MiB. */
  pageBytes?: number
  /**
   * Longest wait (ms) before confirming a landed batch to peers when no frame goes out anyway.
   * Trades how fresh checkpoints are against a MARK/ACK exchange per burst. Default 50.
   */
  markDelay?: number
  /**
   * The gate to the documents: who may read them, what is sent to whom (default: the grants the
   * store holds, with no learning network's membership counting).
   */
  gate?: DocumentGate
}

export interface SyncComponents {
  registrar: Registrar
  peerId: PeerId
  logger: ComponentLogger
}

export interface SyncEvents {
  /** A session with a peer started. */
  'sync:open': CustomEvent<{ peer: OrgId }>
  /** A session ended; `error` is set when it ended because of bad input or a failure. */
  'sync:close': CustomEvent<{ peer: OrgId, error?: Error }>
  /** The peer confirmed everything up to our change `seq`. */
  'sync:ack': CustomEvent<{ peer: OrgId, seq: number }>
  /** We refused something the peer sent (or the peer refused something of ours). */
  'sync:refused': CustomEvent<{ peer: OrgId, doc: string, code: string, message: string, by: 'us' | 'peer' }>
}

export interface SyncService extends TypedEventEmitter<SyncEvents>, Startable {
  /** Peers with an open session, with the names they gave. */
  peers(): Array<{ orgId: OrgId, name?: string }>
  /**
   * Offer documents again to every connected peer (or to `peer`) that may read them now (after
   * a membership change made a network grant reach new organisations).
   */
  refresh(docs: DocId[], peer?: OrgId): void
  /** Frames and their bytes sent and received since start (payload, without libp2p framing). */
  readonly stats: { bytesIn: number, bytesOut: number, framesIn: number, framesOut: number }
  /** Messages queued for peers and not yet written, over every session (read per call). */
  queueDepth(): number
}

/**
 * The libp2p service for `/commonplace/sync/2.0.0`: one long-lived stream per peer, opened by
 * the peer whose id sorts first, carrying every shared document.
 *
 * @example
 * ```ts
 * const node = await createLibp2p({ services: { sync: syncService({ store }) } })
 * ```
 */
export function syncService (init: SyncInit): (components: SyncComponents) => SyncService {
  return (components) => new Sync(components, init)
}

class Sync extends TypedEventEmitter<SyncEvents> implements SyncService {
  readonly [Symbol.toStringTag] = '@commonplace/sync'
  readonly [serviceCapabilities] = ['@commonplace/sync']
  readonly stats = { bytesIn: 0, bytesOut: 0, framesIn: 0, framesOut: 0 }
  private readonly components: SyncComponents
  private readonly init: SyncInit
  private readonly log: Logger
  private readonly channels = new Map<string, { channel: PeerChannel, session: ReturnType<typeof createSyncSession>, connection: Connection }>()
  private topologyId?: string
  private markTimer?: ReturnType<typeof setTimeout>
  private unsubscribe?: () => void
  private readonly self: OrgId
  private readonly gate: DocumentGate

  constructor (components: SyncComponents, init: SyncInit) {
    super()
    this.components = components
    this.init = init
    this.log = components.logger.forComponent('commonplace:sync')
    this.self = components.peerId.toString() as OrgId
    this.gate = init.gate ?? createDocumentGate({ store: init.store }, { self: this.self })
  }

  async start (): Promise<void> {
    await this.components.registrar.handle(PROTOCOL, (stream, connection) => { this.attach(stream, connection) }, {
      maxInboundStreams: MAX_STREAMS, maxOutboundStreams: MAX_STREAMS
    })
    this.topologyId = await this.components.registrar.register(PROTOCOL, {
      onConnect: (peer, connection) => { this.onConnect(peer, connection) },
      onDisconnect: (peer) => {
        // this can arrive after a new connection to the same peer was set up: keep that one
        const entry = this.channels.get(peer.toString())
        if (entry != null && entry.connection.status !== 'open') this.detach(peer.toString())
      }
    })
    const offChange = this.init.store.onChange(change => { this.onChange(change) })
    // MARKs cover what is on disk. A frame that goes out carries one anyway; when none does,
    // a MARK follows the batch that landed after at most `markDelay` (one per burst, not per edit)
    const offDurable = this.init.store.onDurable(() => { this.scheduleMark() })
    this.unsubscribe = () => { offChange(); offDurable(); clearTimeout(this.markTimer) }
  }

  async stop (): Promise<void> {
    this.unsubscribe?.()
    if (this.topologyId != null) this.components.registrar.unregister(this.topologyId)
    await this.components.registrar.unhandle(PROTOCOL)
    await Promise.all([...this.channels.values()].map(async ({ channel }) => { await channel.close() }))
    this.channels.clear()
  }

  private scheduleMark (): void {
    if (this.markTimer != null) return
    this.markTimer = setTimeout(() => {
      this.markTimer = undefined
      for (const { channel } of this.channels.values()) channel.kick()
    }, this.init.markDelay ?? DEFAULT_MARK_DELAY)
    this.markTimer.unref?.()
  }

  peers (): Array<{ orgId: OrgId, name?: string }> {
    return [...this.channels.entries()].map(([orgId, { session }]) => ({ orgId: orgId as OrgId, name: session.peerName }))
  }

  queueDepth (): number {
    let depth = 0
    for (const { channel } of this.channels.values()) depth += channel.queued
    return depth
  }

  /** The peer whose id sorts first opens the one stream; the other waits for it. */
  private onConnect (peer: PeerId, connection: Connection): void {
    const id = peer.toString()
    if (this.self >= id || this.channels.get(id)?.connection === connection) return
    connection.newStream(PROTOCOL).then(stream => { this.attach(stream, connection) }, err => {
      this.log.error('could not open a sync stream to %p: %e', peer, err)
    })
  }

  private attach (stream: Stream, connection: Connection): void {
    const peer = connection.remotePeer.toString() as OrgId
    this.detach(peer)
    const session = createSyncSession({
      self: this.self,
      peer,
      name: this.init.name,
      store: this.init.store,
      onRefused: (r) => { this.safeDispatch('sync:refused', { peer, ...r, by: 'us' }) },
      onAck: (seq) => { this.safeDispatch('sync:ack', { peer, seq }) },
      gate: this.gate,
      pageBytes: this.init.pageBytes
    })
    const channel = createPeerChannel({
      stream,
      session,
      log: this.log,
      maxFrameBytes: this.init.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      targetFrameBytes: this.init.targetFrameBytes ?? DEFAULT_TARGET_FRAME_BYTES,
      limits: { maxItemBytes: this.init.maxItemBytes ?? DEFAULT_MAX_ITEM_BYTES },
      preverify: messages => preverify(signaturesIn(messages)),
      onBytes: (direction, bytes) => {
        if (direction === 'in') { this.stats.bytesIn += bytes; this.stats.framesIn++ } else { this.stats.bytesOut += bytes; this.stats.framesOut++ }
      }
    })
    const entry = { channel, session, connection }
    this.channels.set(peer, entry)
    this.safeDispatch('sync:open', { peer })
    channel.done.then(() => { this.ended(peer, entry) }, (error: Error) => { this.ended(peer, entry, error) })
  }

  private ended (peer: OrgId, entry: { channel: PeerChannel }, error?: Error): void {
    if (this.channels.get(peer) === entry) this.channels.delete(peer)
    this.safeDispatch('sync:close', { peer, error })
  }

  private detach (peer: string): void {
    const entry = this.channels.get(peer)
    if (entry == null) return
    this.channels.delete(peer)
    entry.channel.close().catch(() => {})
  }

  refresh (docs: DocId[], peer?: OrgId): void {
    const channels = peer == null ? [...this.channels.values()] : [this.channels.get(peer)].filter(c => c != null)
    for (const id of docs) {
      for (const { channel, session } of channels) {
        try {
          channel.send(session.reoffer(id))
        } catch (err) {
          channel.abort(err as Error)
        }
      }
    }
  }

  private onChange (change: DocumentChange): void {
    for (const { channel, session } of this.channels.values()) {
      try {
        channel.send(session.onChange(change))
      } catch (err) {
        channel.abort(err as Error)
      }
    }
  }

  private safeDispatch<K extends keyof SyncEvents> (type: K, detail: SyncEvents[K]['detail']): void {
    try {
      this.safeDispatchEvent(type, { detail })
    } catch (err) {
      this.log.error('listener for %s failed: %e', type, err)
    }
  }
}
