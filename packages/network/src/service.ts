/**
 * The libp2p service for learning networks: replicates roster statements to connected members
 * (`/commonplace/network/1.0.0`) and answers join handshakes (`/commonplace/join/1.0.0`).
 */
import { TypedEventEmitter, serviceCapabilities } from '@libp2p/interface'
import type { ComponentLogger, Connection, Logger, PeerId, Startable, Stream } from '@libp2p/interface'
import type { Registrar } from '@libp2p/interface-internal'
import { verifyStatement } from '@commonplace/core'
import type { NetworkId, OrgId, Statement } from '@commonplace/core'
import { JOIN_PROTOCOL, JOIN_TIMEOUT_MS, MAX_STATEMENTS_PER_NETWORK, NETWORK_PROTOCOL } from './constants.ts'
import { readFrame, writeFrame } from './frames.ts'
import { acceptJoin } from './join.ts'
import type { LocalUses } from './join.ts'
import type { NetworkRegistry } from './registry.ts'

export interface NetworkServiceInit {
  registry: NetworkRegistry
  now?: () => number
  /**
   * Called when a peer took statements of ours that changed its roster (it may now accept
   * documents it refused a moment ago: offer them again).
   */
  onDelivered?: (peer: OrgId, networks: NetworkId[]) => void
}

export interface NetworkServiceComponents {
  registrar: Registrar
  peerId: PeerId
  logger: ComponentLogger
}

export interface NetworkServiceEvents {
  /** A peer sent statements that did not verify. */
  'network:refused': CustomEvent<{ peer: OrgId, message: string }>
}

export interface NetworkService extends TypedEventEmitter<NetworkServiceEvents>, Startable {
  /**
   * Send every statement of `networks` (default: all shared) to a connected peer; resolves once
   * the peer holds them, with whether its roster changed.
   */
  push(connection: Connection, networks?: NetworkId[]): Promise<boolean>
}

export function networkService (init: NetworkServiceInit): (components: NetworkServiceComponents) => NetworkService {
  return (components) => new Networks(components, init)
}

class Networks extends TypedEventEmitter<NetworkServiceEvents> implements NetworkService {
  readonly [Symbol.toStringTag] = '@commonplace/network'
  readonly [serviceCapabilities] = ['@commonplace/network']
  private readonly components: NetworkServiceComponents
  private readonly init: NetworkServiceInit
  private readonly log: Logger
  private readonly self: OrgId
  private readonly uses: LocalUses = new Map()
  private topologyId?: string

  constructor (components: NetworkServiceComponents, init: NetworkServiceInit) {
    super()
    this.components = components
    this.init = init
    this.log = components.logger.forComponent('commonplace:network')
    this.self = components.peerId.toString() as OrgId
  }

  async start (): Promise<void> {
    await this.components.registrar.handle(NETWORK_PROTOCOL, (stream, connection) => {
      this.receive(stream, connection).catch(err => { this.log('statements from %p refused: %e', connection.remotePeer, err) })
    }, { maxInboundStreams: 4 })
    await this.components.registrar.handle(JOIN_PROTOCOL, (stream, connection) => {
      this.answerJoin(stream, connection).catch(err => { this.log('join from %p failed: %e', connection.remotePeer, err) })
    }, { maxInboundStreams: 1 })
    this.topologyId = await this.components.registrar.register(NETWORK_PROTOCOL, {
      onConnect: (_peer, connection) => { this.push(connection).catch(err => { this.log('push failed: %e', err) }) }
    })
  }

  async stop (): Promise<void> {
    if (this.topologyId != null) this.components.registrar.unregister(this.topologyId)
    await this.components.registrar.unhandle(NETWORK_PROTOCOL)
    await this.components.registrar.unhandle(JOIN_PROTOCOL)
  }

  /** The statements a peer may have: those of the networks it is in or asked to join, with presences. */
  private statementsFor (peer: OrgId, only?: NetworkId[]): { statements: Statement[], networks: NetworkId[] } {
    const { registry } = this.init
    const out: Statement[] = []
    const networks: NetworkId[] = []
    const orgs = new Set<OrgId>()
    for (const network of only ?? registry.networks()) {
      const roster = registry.roster(network)
      // a node that left or was removed still tells its peers so (its statements are signed)
      if (roster == null || !(roster.members.has(this.self) || roster.removed.has(this.self))) continue
      const related = roster.members.has(peer) || roster.removed.has(peer) || roster.requests.some(r => r.member === peer)
      if (!related) continue
      out.push(...registry.statements(network))
      networks.push(network)
      for (const org of roster.members.keys()) orgs.add(org)
    }
    return { statements: [...out, ...this.presencesOf(orgs)], networks }
  }

  async push (connection: Connection, only?: NetworkId[]): Promise<boolean> {
    const peer = connection.remotePeer.toString() as OrgId
    const { statements, networks } = this.statementsFor(peer, only)
    if (statements.length === 0 || connection.status !== 'open') return false
    const signal = AbortSignal.timeout(JOIN_TIMEOUT_MS)
    const stream = await connection.newStream(NETWORK_PROTOCOL, { signal })
    let changed = false
    try {
      await writeFrame(stream, statements, { signal })
      // the peer answers once it holds the statements: what depends on them (documents shared
      // with the network) can follow without racing them
      changed = (await readFrame(stream, { signal }) as { changed?: unknown })?.changed === true
      await stream.close()
    } catch (err) {
      stream.abort(err as Error)
      throw err
    }
    if (changed) this.init.onDelivered?.(peer, networks)
    return changed
  }

  private async receive (stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString() as OrgId
    try {
      const signal = AbortSignal.timeout(JOIN_TIMEOUT_MS)
      const frame = await readFrame(stream, { signal })
      if (!Array.isArray(frame) || frame.length > MAX_STATEMENTS_PER_NETWORK * 4) throw new Error('expected a list of statements')
      const verified: Statement[] = []
      for (const value of frame) {
        try {
          verified.push(await verifyStatement(value))
        } catch (err) {
          this.safeDispatch({ peer, message: (err as Error).message })
        }
      }
      const { networks } = this.init.registry.add(verified)
      await writeFrame(stream, { ok: true, changed: networks.length > 0 }, { signal })
      await stream.close().catch(() => {})
    } catch (err) {
      stream.abort(err as Error)
      this.safeDispatch({ peer, message: (err as Error).message })
    }
  }

  private async answerJoin (stream: Stream, connection: Connection): Promise<void> {
    const signal = AbortSignal.timeout(JOIN_TIMEOUT_MS)
    try {
      const frame = await readFrame(stream, { signal })
      try {
        const statements = await acceptJoin(this.init.registry, this.self, frame, connection.remotePeer.toString(), (this.init.now ?? Date.now)(), this.uses)
        await writeFrame(stream, { ok: true, statements: [...statements, ...this.presences(statements)] }, { signal })
      } catch (err) {
        const e = err as Error & { code?: string }
        await writeFrame(stream, { ok: false, code: e.code ?? 'ERR_INVITATION_INVALID', message: e.message }, { signal })
      }
      await stream.close()
    } catch (err) {
      stream.abort(err as Error)
      throw err
    } finally {
      // the join identity has no further business here
      connection.close().catch(() => {})
    }
  }

  /** The members' presences, for a joiner: the orgs the network's statements name. */
  private presences (statements: Statement[]): Statement[] {
    const orgs = new Set<OrgId>()
    for (const s of statements) {
      if (s.type === 'join' || s.type === 'member') orgs.add(s.member)
      else if (s.type === 'genesis') orgs.add(s.creator)
    }
    return this.presencesOf(orgs)
  }

  private presencesOf (orgs: Iterable<OrgId>): Statement[] {
    return [...orgs].map(org => this.init.registry.presence(org)).filter((p): p is NonNullable<typeof p> => p != null)
  }

  private safeDispatch (detail: { peer: OrgId, message: string }): void {
    try {
      this.safeDispatchEvent('network:refused', { detail })
    } catch (err) {
      this.log.error('listener failed: %e', err)
    }
  }
}
