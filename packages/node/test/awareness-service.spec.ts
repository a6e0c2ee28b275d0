/**
 * `/commonplace/awareness/2.0.0` between real libp2p nodes over loopback TCP: whom a node sends
 * awareness to, which frames it takes, and the typed refusals of what a hostile peer can send.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { lpStream } from '@libp2p/utils'
import * as encoding from 'lib0/encoding'
import type { Libp2p } from '@libp2p/interface'
import type { DocId, OrgId } from '@commonplace/core'
import {
  AWARENESS_PROTOCOL, MAX_AWARENESS_BURST, MAX_AWARENESS_FRAME_BYTES, awarenessService, decodeAwarenessFrame, encodeAwarenessFrame
} from '../src/awareness-service.ts'
import type { AwarenessMessage, AwarenessService } from '../src/awareness-service.ts'
import { MAX_AWARENESS_BYTES } from '../src/web/constants.ts'

const DOC = 'pogy44w7pdaq3ljf5suqo2tkw4' as DocId
const OTHER_DOC = 'aaaaaaaaaaaaaaaaaaaaaaaaaa' as DocId
type Node = Libp2p<{ awareness: AwarenessService }>
const nodes: Node[] = []

afterEach(async () => { await Promise.all(nodes.splice(0).map(async n => { await n.stop() })) })

/** A node whose `readers` may read DOC (nobody may read OTHER_DOC), on a clock the test holds. */
async function node (readers: () => Set<string>, clock = { now: 0 }): Promise<Node> {
  const n = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { awareness: awarenessService({ mayRead: (doc, peer) => doc === DOC && readers().has(peer), now: () => clock.now }) }
  })
  nodes.push(n)
  return n
}

/** The next `count` awareness messages and refusals `n` sees. */
function collect (n: Node): { messages: AwarenessMessage[], refusals: string[], next: (what: 'message' | 'refusal') => Promise<void> } {
  const messages: AwarenessMessage[] = []
  const refusals: string[] = []
  const waiters: Array<{ what: string, resolve: () => void }> = []
  const wake = (what: string): void => { for (const w of waiters.splice(0)) if (w.what === what) w.resolve(); else waiters.push(w) }
  n.services.awareness.addEventListener('awareness:message', e => { messages.push(e.detail); wake('message') })
  n.services.awareness.addEventListener('awareness:refused', e => { refusals.push(e.detail.code); wake('refusal') })
  return { messages, refusals, next: async what => { await new Promise<void>(resolve => { waiters.push({ what, resolve }) }) } }
}

/** Write raw frame payloads (each length-prefixed, as the protocol frames them) on one stream each. */
async function rogueSend (from: Node, to: Node, payloads: Uint8Array[], maxDataLength = 16 * MAX_AWARENESS_FRAME_BYTES): Promise<void> {
  for (const payload of payloads) {
    const stream = await from.dialProtocol(to.peerId, AWARENESS_PROTOCOL)
    await lpStream(stream, { maxDataLength }).write(payload)
    await stream.close().catch(() => {})
  }
}

describe('the awareness service', () => {
  it('sends an update once to each connected peer that may read the document, and to no other', async () => {
    const owner = new Set<string>()
    const reader = await node(() => owner)
    const stranger = await node(() => owner)
    const sender = await node(() => new Set([reader.peerId.toString()]))
    owner.add(sender.peerId.toString())
    const atReader = collect(reader)
    const atStranger = collect(stranger)
    // two connections to the reader: it still gets one copy
    await sender.dial(reader.getMultiaddrs()[0])
    await reader.dial(sender.getMultiaddrs()[0])
    await sender.dial(stranger.getMultiaddrs()[0])
    const arrived = atReader.next('message')
    sender.services.awareness.send(DOC, Uint8Array.from([1, 2, 3]))
    sender.services.awareness.send(OTHER_DOC, Uint8Array.from([4]))
    await arrived
    // a last frame to the reader after the others: once it is there, nothing else is on its way to it
    const last = atReader.next('message')
    sender.services.awareness.send(DOC, Uint8Array.from([9]), [reader.peerId.toString() as OrgId])
    await last
    expect(atReader.messages.map(m => [m.doc, m.peer, [...m.update]])).toEqual([
      [DOC, sender.peerId.toString(), [1, 2, 3]], [DOC, sender.peerId.toString(), [9]]
    ])
    expect(atStranger.messages).toEqual([])
  })

  it('drops a frame for a document its sender may not read, and takes the next one', async () => {
    const allowed = new Set<string>()
    const a = await node(() => allowed)
    const b = await node(() => new Set())
    allowed.add(b.peerId.toString())
    const atA = collect(a)
    await b.dial(a.getMultiaddrs()[0])
    const taken = atA.next('message')
    await rogueSend(b, a, [encodeAwarenessFrame(OTHER_DOC, Uint8Array.from([1])), encodeAwarenessFrame(DOC, Uint8Array.from([2]))])
    await taken
    expect(atA.messages.map(m => [m.doc, [...m.update]])).toEqual([[DOC, [2]]])
    expect(atA.refusals).toEqual([])
  })

  it('refuses an oversized, a malformed and a mis-named frame with typed errors', async () => {
    const allowed = new Set<string>()
    const a = await node(() => allowed)
    const b = await node(() => new Set())
    allowed.add(b.peerId.toString())
    const atA = collect(a)
    await b.dial(a.getMultiaddrs()[0])
    const bad = [
      new Uint8Array(MAX_AWARENESS_FRAME_BYTES + 1),
      Uint8Array.from([5]),
      encodeAwarenessFrame('not-a-document' as DocId, Uint8Array.from([1]))
    ]
    for (const payload of bad) {
      const refused = atA.next('refusal')
      await rogueSend(b, a, [payload]).catch(() => {})
      await refused
    }
    expect(atA.refusals).toEqual(['ERR_OVERSIZED_MESSAGE', 'ERR_MALFORMED_MESSAGE', 'ERR_INVALID_ID'])
    expect(atA.messages).toEqual([])
  })

  it('refuses frames past the burst a peer may send at once, and takes them again as time passes', async () => {
    const clock = { now: 1_000_000 }
    const allowed = new Set<string>()
    const a = await node(() => allowed, clock)
    const b = await node(() => new Set())
    allowed.add(b.peerId.toString())
    const atA = collect(a)
    await b.dial(a.getMultiaddrs()[0])
    const frame = encodeAwarenessFrame(DOC, Uint8Array.from([7]))
    const all = new Promise<void>(resolve => {
      const check = (): void => { if (atA.messages.length + atA.refusals.length === MAX_AWARENESS_BURST + 1) resolve() }
      a.services.awareness.addEventListener('awareness:message', check)
      a.services.awareness.addEventListener('awareness:refused', check)
    })
    await rogueSend(b, a, Array.from({ length: MAX_AWARENESS_BURST + 1 }, () => frame)).catch(() => {})
    await all
    expect(atA.messages.length).toBe(MAX_AWARENESS_BURST)
    expect(atA.refusals).toEqual(['ERR_PROTOCOL'])
    clock.now += 1000
    const again = atA.next('message')
    await rogueSend(b, a, [frame])
    await again
    expect(atA.messages.length).toBe(MAX_AWARENESS_BURST + 1)
  })
})

describe('awareness frames', () => {
  it('read back what was written, and refuse trailing bytes and an update past the limit', () => {
    expect(decodeAwarenessFrame(encodeAwarenessFrame(DOC, Uint8Array.from([1, 2])))).toEqual({ doc: DOC, update: Uint8Array.from([1, 2]) })
    const trailing = Uint8Array.from([...encodeAwarenessFrame(DOC, Uint8Array.from([1])), 0])
    expect(() => decodeAwarenessFrame(trailing)).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED_MESSAGE' }))
    const encoder = encoding.createEncoder()
    encoding.writeVarString(encoder, DOC)
    encoding.writeVarUint8Array(encoder, new Uint8Array(MAX_AWARENESS_BYTES + 1))
    expect(() => decodeAwarenessFrame(encoding.toUint8Array(encoder))).toThrow(expect.objectContaining({ code: 'ERR_OVERSIZED_MESSAGE' }))
  })
})
