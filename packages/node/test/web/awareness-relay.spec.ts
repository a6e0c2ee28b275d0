/**
 * The awareness relay with stand-ins for libp2p and the store: whom it sends a browser's
 * awareness to, and which peers' awareness it takes.
 */
import { describe, expect, it } from 'vitest'
import { defaultLogger } from '@libp2p/logger'
import type { AccessList, DocId, DocumentStore } from '@commonplace/core'
import type { Libp2p, Stream } from '@libp2p/interface'
import { awarenessRelay, encodeMessage } from '../../src/web/awareness-relay.ts'
import type { DocRooms } from '../../src/web/doc-rooms.ts'
import { MAX_AWARENESS_BYTES } from '../../src/web/constants.ts'

const DOC = 'aaaaaaaaaaaaaaaaaaaaaaaaaa' as DocId
const OWNER = 'owner-org'
const READER = 'reader-org'
const STRANGER = 'stranger-org'

const peer = (id: string): any => ({ toString: () => id })

function setup (): { relay: ReturnType<typeof awarenessRelay>, dialled: string[], received: string[], handler: () => (stream: Stream, connection: any) => void } {
  const dialled: string[] = []
  const received: string[] = []
  let handler: ((stream: Stream, connection: any) => void) | undefined
  const acl = { header: { id: DOC, owner: OWNER, nonce: '' }, grants: [{ to: READER, role: 'read' }] } as unknown as AccessList
  const libp2p = {
    getConnections: () => [READER, STRANGER, READER].map(id => ({ remotePeer: peer(id) })),
    dialProtocol: async (to: any) => {
      dialled.push(to.toString())
      return { send: () => true, close: async () => {} }
    },
    handle: async (_protocol: string, h: typeof handler) => { handler = h },
    unhandle: async () => {},
    addEventListener: () => {},
    removeEventListener: () => {}
  } as unknown as Libp2p
  const store = { access: (id: DocId) => id === DOC ? acl : undefined } as unknown as DocumentStore
  const rooms = { peerAwareness: (_doc: DocId, from: string) => { received.push(from); return undefined } } as unknown as DocRooms
  const relay = awarenessRelay({ libp2p, store, rooms: () => rooms, log: defaultLogger().forComponent('test') })
  return { relay, dialled, received, handler: () => handler! }
}

/** A stream that yields `bytes` and records whether it was aborted. */
function stream (bytes: Uint8Array): Stream & { aborted?: Error } {
  const s: any = {
    async * [Symbol.asyncIterator] () { yield bytes },
    abort (err: Error) { s.aborted = err }
  }
  return s
}

async function settle (): Promise<void> {
  await new Promise(resolve => setImmediate(resolve))
}

describe('awareness relay', () => {
  it('sends a browser\'s awareness once to each connected peer that may read the document, to no other', async () => {
    const { relay, dialled } = setup()
    await relay.start()
    relay.send(DOC, new Uint8Array([1, 2, 3]))
    relay.send('bbbbbbbbbbbbbbbbbbbbbbbbbb' as DocId, new Uint8Array([1]))
    await settle()
    expect(dialled).toEqual([READER])
  })

  it('takes awareness from a peer that may read the document and drops it from one that may not', async () => {
    const { relay, received, handler } = setup()
    await relay.start()
    const message = encodeMessage(DOC, new Uint8Array([0]))
    handler()(stream(message), { remotePeer: peer(STRANGER) })
    handler()(stream(message), { remotePeer: peer(READER) })
    await settle()
    expect(received).toEqual([READER])
  })

  it('aborts a stream that brings more than an awareness update may hold', async () => {
    const { relay, received, handler } = setup()
    await relay.start()
    const big = stream(encodeMessage(DOC, new Uint8Array(MAX_AWARENESS_BYTES + 1024)))
    handler()(big, { remotePeer: peer(READER) })
    await settle()
    expect(big.aborted?.message).toMatch(/too large/)
    expect(received).toEqual([])
  })
})
