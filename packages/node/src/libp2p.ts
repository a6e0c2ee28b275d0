import { createLibp2p } from 'libp2p'
import type { Libp2pOptions } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { mdns } from '@libp2p/mdns'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { syncService } from '@commonplace/sync'
import type { SyncService } from '@commonplace/sync'
import { networkService } from '@commonplace/network'
import type { NetworkRegistry, NetworkService, NetworkServiceInit } from '@commonplace/network'
import { introduceService } from '@commonplace/directory'
import type { IntroduceService, IntroduceServiceInit } from '@commonplace/directory'
import { multiaddr } from '@multiformats/multiaddr'
import { InvalidInputError } from '@commonplace/core'
import type { DocumentStore } from '@commonplace/core'
import type { DocumentGate } from '@commonplace/docstore'
import { awarenessService } from './awareness-service.ts'
import type { AwarenessService } from './awareness-service.ts'
import type { ComponentLogger, Libp2p, PeerId, PrivateKey } from '@libp2p/interface'
import type { Identify } from '@libp2p/identify'
import type { Ping } from '@libp2p/ping'

export interface NodeServices {
  identify: Identify
  ping: Ping
  sync: SyncService
  network: NetworkService
  introduce: IntroduceService
  awareness: AwarenessService
  [key: string]: unknown
}

export type CommonplaceLibp2p = Libp2p<NodeServices>

export interface Libp2pInit {
  privateKey: PrivateKey
  listen: string[]
  /** Addresses announced to peers instead of the listen addresses (none: the listen addresses). */
  announce?: string[]
  store: DocumentStore
  /** Who may read which document, what is sent to whom (sync and the awareness relay ask it). */
  gate: DocumentGate
  name: string
  logger?: ComponentLogger
  /** Passed to libp2p's connection manager (limits; tests on one host lift the per-host inbound rate). */
  connectionManager?: Libp2pOptions['connectionManager']
  /** The learning networks this node knows (membership for network grants, roster replication). */
  registry: NetworkRegistry
  /** Told when a peer's roster changed from our statements (see NetworkServiceInit.onDelivered). */
  onDelivered?: NetworkServiceInit['onDelivered']
  /** Answers `/commonplace/introduce/1.0.0` (the directory's). */
  introduce: IntroduceServiceInit
  /** Decides, after Noise identified the peer, whether an inbound connection is refused. */
  denyInbound: (peer: PeerId) => boolean
  /** Find peers on the local network with mDNS (default true). */
  mdns?: boolean
  /** Serve as a circuit relay v2 for members behind NAT (default false). */
  relay?: boolean
  /** libp2p's metrics module (metrics.ts); none when undefined. */
  metrics?: Libp2pOptions['metrics']
}

/**
 * libp2p with TCP, WebSockets and circuit relay v2 (as a client), Noise, yamux, identify, ping,
 * the sync, network and introduce protocols, a connection gater, mDNS and optionally a relay server.
 */
export async function createCommonplaceLibp2p (init: Libp2pInit): Promise<CommonplaceLibp2p> {
  const services: Record<string, unknown> = {
    identify: identify(),
    ping: ping(),
    sync: syncService({ store: init.store, name: init.name, gate: init.gate }),
    network: networkService({ registry: init.registry, onDelivered: init.onDelivered }),
    introduce: introduceService(init.introduce),
    awareness: awarenessService({
      mayRead: (doc, peer) => init.gate.mayRead(doc, peer)
    })
  }
  // relayed member-to-member connections carry whole sessions: no per-connection data or time cap
  if (init.relay === true) services.relay = circuitRelayServer({ reservations: { applyDefaultLimit: false } })
  return await createLibp2p({
    privateKey: init.privateKey,
    start: false,
    addresses: { listen: init.listen, announce: (init.announce ?? []).map(announceAddress) },
    transports: [tcp(), webSockets(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: {
      denyInboundEncryptedConnection: (peer) => init.denyInbound(peer)
    },
    peerDiscovery: init.mdns === false ? [] : [mdns()],
    logger: init.logger,
    connectionManager: init.connectionManager,
    ...(init.metrics != null ? { metrics: init.metrics } : {}),
    services: services as Libp2pOptions<NodeServices>['services']
  }) as CommonplaceLibp2p
}

/** An announce address, checked: a malformed one is the caller's mistake, not an internal error. */
function announceAddress (address: string): string {
  try {
    return multiaddr(address).toString()
  } catch (err) {
    throw new InvalidInputError(`--announce: not a multiaddr: ${address}`, { cause: err })
  }
}
