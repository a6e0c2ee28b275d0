/**
 * The sync protocol spoken by hand, as a hostile peer with its own software would: a raw libp2p
 * node with a real identity (and so the grants that name it), no sync service of its own, frames
 * written and read directly.
 */
import * as varint from 'uint8-varint'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { multiaddr } from '@multiformats/multiaddr'
import { PROTOCOL, WIRE_VERSION, decodeFrame, encodeFrame } from '@commonplace/sync'
import type { Message } from '@commonplace/sync'
import type { Libp2p, PrivateKey, Stream } from '@libp2p/interface'

/** A frame as it goes on the stream: varint length, then the frame. */
export function framed (messages: Message[]): Uint8Array {
  const body = encodeFrame(messages)
  const prefix = varint.encode(body.byteLength)
  const out = new Uint8Array(prefix.byteLength + body.byteLength)
  out.set(prefix, 0)
  out.set(body, prefix.byteLength)
  return out
}

/** The messages of every frame read from the stream, in order. */
export async function * messagesOf (stream: Stream): AsyncGenerator<Message> {
  let buffer = new Uint8Array(0)
  for await (const chunk of stream) {
    const bytes = chunk instanceof Uint8Array ? chunk : chunk.subarray()
    const joined = new Uint8Array(buffer.byteLength + bytes.byteLength)
    joined.set(buffer, 0)
    joined.set(bytes, buffer.byteLength)
    buffer = joined
    for (;;) {
      if (buffer.byteLength === 0) break
      let length: number
      try {
        length = varint.decode(buffer)
      } catch {
        break // the length prefix itself is incomplete
      }
      const start = varint.encodingLength(length)
      if (buffer.byteLength < start + length) break
      yield * decodeFrame(buffer.subarray(start, start + length))
      buffer = buffer.subarray(start + length)
    }
  }
}

/** A raw libp2p node with `key` on loopback: no sync service, so no node opens a sync stream to it. */
export async function rawPeer (key: PrivateKey): Promise<Libp2p> {
  return await createLibp2p({
    privateKey: key,
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() }
  })
}

/** One hand-driven sync session to one node: send messages, wait for the node's answers. */
export interface RogueSession {
  send(messages: Message[]): void
  /**
   * Resolve with the messages from the node that `match` accepts, counted from the start of the
   * session, once there are at least `count` of them.
   */
  matching<T extends Message>(match: (m: Message) => m is T, count: number): Promise<T[]>
  /** Every message the node sent so far. */
  readonly received: Message[]
  /** Reset the stream (both directions) and wait until reading stopped. */
  close(): Promise<void>
}

/** Dial `address` on the sync protocol as `peer` and send HELLO. */
export async function rogueSession (peer: Libp2p, address: string): Promise<RogueSession> {
  const stream = await peer.dialProtocol(multiaddr(address), PROTOCOL)
  const received: Message[] = []
  const waiting = new Set<() => void>()
  const reading = (async () => {
    for await (const message of messagesOf(stream)) {
      received.push(message)
      for (const check of [...waiting]) check()
    }
  })().catch(() => {})
  const session: RogueSession = {
    received,
    send (messages) { stream.send(framed(messages)) },
    async matching<T extends Message> (match: (m: Message) => m is T, count: number): Promise<T[]> {
      return await new Promise<T[]>(resolve => {
        const check = (): void => {
          const found = received.filter(match)
          if (found.length < count) return
          waiting.delete(check)
          resolve(found)
        }
        waiting.add(check)
        check()
      })
    },
    async close () {
      // the node keeps its side open for as long as the connection lives: end both sides
      stream.abort(new Error('The rogue is done'))
      await reading
    }
  }
  session.send([{ type: 'hello', version: WIRE_VERSION, storeId: `rogue-${Math.random().toString(36).slice(2)}`, name: 'rogue' }])
  return session
}
