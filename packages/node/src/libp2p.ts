import { createLibp2p } from 'libp2p'
import type { Libp2pOptions } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { syncService } from '@commonplace/sync'
import type { SyncService } from '@commonplace/sync'
import type { DocumentStore } from '@commonplace/core'
import type { ComponentLogger, Libp2p, PrivateKey } from '@libp2p/interface'
import type { Identify } from '@libp2p/identify'
import type { Ping } from '@libp2p/ping'

export interface NodeServices {
  identify: Identify
  ping: Ping
  sync: SyncService
  [key: string]: unknown
}

export type CommonplaceLibp2p = Libp2p<NodeServices>

export interface Libp2pInit {
  privateKey: PrivateKey
  listen: string[]
  store: DocumentStore
  name: string
  logger?: ComponentLogger
  /** Passed to libp2p's connection manager (limits; tests on one host lift the per-host inbound rate). */
  connectionManager?: Libp2pOptions['connectionManager']
}

/** libp2p with TCP and WebSockets, Noise, yamux, identify, ping and the sync protocol. */
export async function createCommonplaceLibp2p (init: Libp2pInit): Promise<CommonplaceLibp2p> {
  return await createLibp2p({
    privateKey: init.privateKey,
    start: false,
    addresses: { listen: init.listen },
    transports: [tcp(), webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    logger: init.logger,
    connectionManager: init.connectionManager,
    services: {
      identify: identify(),
      ping: ping(),
      sync: syncService({ store: init.store, name: init.name })
    }
  }) as CommonplaceLibp2p
}
