/**
 * The introducing side of `/commonplace/introduce/1.0.0`: a throwaway libp2p node with the
 * identity of the other organisation's card dials the card's addresses, one after the other,
 * until one answers (as join-client.ts does with an invitation's join identity).
 */
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { ConnectionFailedError } from '@commonplace/core'
import type { OrgId } from '@commonplace/core'
import { INTRODUCE_PROTOCOL, INTRODUCE_TIMEOUT_MS, exchange, introKeyFromSecret } from '@commonplace/directory'
import type { IntroduceReply, IntroduceRequest } from '@commonplace/directory'
import type { Logger } from '@libp2p/interface'

export interface IntroduceInit {
  /** The other organisation's card's introduction secret. */
  secret: Uint8Array
  org: OrgId
  addresses: string[]
  request: IntroduceRequest
  log: Logger
  signal?: AbortSignal
}

/** Send the request from the card's introduction identity; resolves to the other node's reply. */
export async function runIntroduction (init: IntroduceInit): Promise<IntroduceReply> {
  const node = await createLibp2p({
    privateKey: await introKeyFromSecret(init.secret),
    transports: [tcp(), webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()]
  })
  const failures: string[] = []
  try {
    for (const address of withPeer(init.addresses, init.org)) {
      try {
        const signal = AbortSignal.any([AbortSignal.timeout(INTRODUCE_TIMEOUT_MS), ...(init.signal != null ? [init.signal] : [])])
        const stream = await node.dialProtocol(multiaddr(address), INTRODUCE_PROTOCOL, { signal })
        return await exchange(stream, init.request, { signal })
      } catch (err) {
        failures.push(`${address}: ${(err as Error).message}`)
        init.log('introduction via %s failed: %s', address, (err as Error).message)
      }
    }
  } finally {
    await node.stop()
  }
  throw new ConnectionFailedError(`The organisation's node could not be reached (${failures.join('; ') || 'its card lists no address'})`)
}

/** Addresses with `/p2p/<org>`, so that Noise checks it is that organisation's node. */
export function withPeer (addresses: string[], org: OrgId): string[] {
  return addresses.map(a => a.includes('/p2p/') ? a : `${a}/p2p/${org}`)
}
