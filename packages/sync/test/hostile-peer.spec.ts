import { describe, it, expect, afterEach } from 'vitest'
import * as varint from 'uint8-varint'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { Libp2p, PrivateKey, Stream } from '@libp2p/interface'
import { PROTOCOL, decodeFrame, encodeFrame } from '../src/index.ts'
import type { Message } from '../src/index.ts'
import * as Y from 'yjs'
import { NO_PREVIOUS, decodeEnvelope, encodeEnvelopeBody, envelopeHash, joinSigned, signEnvelope } from '@commonplace/core'
import { rememberedCount, verifierUp } from '@commonplace/docstore'
import type { OrgId } from '@commonplace/core'
import { connect, craftEnvelope, createDoc, share, testNode, textOf, until, waitFor } from './fixtures.ts'
import type { TestNode } from './fixtures.ts'

/** A peer that speaks the wire format by hand, with a real identity and a real connection. */
async function rawPeer (key: PrivateKey): Promise<Libp2p> {
  return await createLibp2p({
    privateKey: key,
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() }
  })
}

function frame (messages: Message[]): Uint8Array {
  const body = encodeFrame(messages)
  return new Uint8Array([...varint.encode(body.byteLength), ...body])
}

async function firstFrames (stream: Stream, count: number): Promise<Message[]> {
  const out: Message[] = []
  let buf = new Uint8Array(0)
  for await (const chunk of stream) {
    buf = new Uint8Array([...buf, ...chunk.subarray()])
    while (buf.byteLength > 0) {
      const len = varint.decode(buf)
      const start = varint.encodingLength(len)
      if (buf.byteLength < start + len) break
      out.push(...decodeFrame(buf.subarray(start, start + len)))
      buf = buf.subarray(start + len)
    }
    if (out.filter(m => m.type === 'error').length >= count) break
  }
  return out
}

describe('a hostile or broken peer', () => {
  const stops: Array<() => Promise<void>> = []
  afterEach(async () => { await Promise.all(stops.splice(0).map(async s => { await s() })) })

  async function setup (role: 'read' | 'edit'): Promise<{ a: TestNode, raw: Libp2p, doc: Awaited<ReturnType<typeof createDoc>>, stream: Stream, key: PrivateKey }> {
    const a = await testNode('owner')
    const r = await testNode('peer')
    stops.push(async () => { await a.stop() })
    const doc = await createDoc(a, 'Care navigation scripts for reception')
    await share(a, doc.id, r.id, role)
    await connect(a, r)
    await until([r.store], () => textOf(r, doc.id) != null)
    await r.stop()
    const raw = await rawPeer(r.key)
    stops.push(async () => { await raw.stop() })
    const stream = await raw.dialProtocol(a.libp2p.getMultiaddrs()[0], PROTOCOL)
    return { a, raw, doc, stream, key: r.key }
  }

  it('refuses a change signed by a peer with read access: typed error back, nothing applied or stored', async () => {
    const { a, doc, stream, key } = await setup('read')
    const before = a.store.changeSeq
    const item = await craftEnvelope(key, doc.id, a.store.diff(doc.id), d => d.getText('t').insert(0, 'INJECTED '))
    const refused = waitFor(a, 'sync:refused', e => e.doc === doc.id)
    stream.send(frame([
      { type: 'hello', version: 2, storeId: 'rogue', name: 'rogue' },
      { type: 'envelopes', doc: doc.id, items: [item], more: false }
    ]))
    const replies = await firstFrames(stream, 1)
    expect(await refused).toMatchObject({ code: 'ERR_FORBIDDEN', by: 'us' })
    expect(replies.find(m => m.type === 'error')).toMatchObject({ doc: doc.id, code: 'ERR_FORBIDDEN' })
    expect(textOf(a, doc.id)).toBe('Care navigation scripts for reception')
    expect(a.store.changeSeq).toBe(before)
  })

  it('resets the stream on a malformed frame and changes nothing', async () => {
    const { a, doc, stream } = await setup('edit')
    const before = a.store.changeSeq
    const closed = waitFor(a, 'sync:close', e => e.error != null)
    stream.send(new Uint8Array([5, 0xff, 0xff, 0xff, 0xff, 0xff]))
    expect((await closed).error?.name).toBe('MalformedMessageError')
    expect(a.store.changeSeq).toBe(before)
    expect(textOf(a, doc.id)).toBe('Care navigation scripts for reception')
  })

  it('resets the stream on an oversized frame before reading it', async () => {
    const { a, stream } = await setup('edit')
    const closed = waitFor(a, 'sync:close', e => e.error != null)
    stream.send(varint.encode(1024 * 1024 * 1024))
    expect((await closed).error?.name).toBe('OversizedMessageError')
  })

  it('refuses a signed change whose Yjs update is corrupt, from an editor, and changes nothing', async () => {
    const { a, doc, stream, key } = await setup('edit')
    const before = a.store.changeSeq
    const signer = peerIdFromPrivateKey(key).toString() as OrgId
    const corrupt = await signEnvelope(key, { doc: doc.id, signer, author: '', seq: 1, prev: NO_PREVIOUS, clients: [], update: new Uint8Array([3, 9, 200, 1, 2, 3, 4, 5, 6, 7]) })
    const refused = waitFor(a, 'sync:refused', e => e.doc === doc.id)
    stream.send(frame([
      { type: 'hello', version: 2, storeId: 'rogue', name: 'rogue' },
      { type: 'envelopes', doc: doc.id, items: [corrupt.bytes], more: false }
    ]))
    expect(await refused).toMatchObject({ code: 'ERR_CORRUPT_UPDATE' })
    expect(a.store.changeSeq).toBe(before)
    expect(textOf(a, doc.id)).toBe('Care navigation scripts for reception')
  })

  it('checks a catch-up\'s signatures on the worker and still refuses a signature lifted onto other bytes', async () => {
    await verifierUp()
    const { a, doc, stream, key } = await setup('edit')
    // a chain of four changes, as an editor catching up would send it
    const ydoc = new Y.Doc()
    Y.applyUpdate(ydoc, a.store.diff(doc.id))
    const items: Uint8Array[] = []
    let prev: Uint8Array = NO_PREVIOUS
    for (let seq = 1; seq <= 4; seq++) {
      const item = await craftEnvelope(key, doc.id, Y.encodeStateAsUpdate(ydoc), d => d.getText('t').insert(0, `step ${seq}: `), { seq, prev, nonce: 10 + seq })
      const envelope = decodeEnvelope(item)
      Y.applyUpdate(ydoc, envelope.update)
      prev = await envelopeHash(envelope)
      items.push(item)
    }
    // the first one's signature on a body that says something else, sent ahead of it
    const first = decodeEnvelope(items[0])
    const other = decodeEnvelope(await craftEnvelope(key, doc.id, a.store.diff(doc.id), d => d.getText('t').insert(0, 'Skip the sepsis screen. ')))
    const lifted = joinSigned(encodeEnvelopeBody({ ...first, update: other.update }), first.sig)
    const refused = waitFor(a, 'sync:refused', e => e.doc === doc.id)
    stream.send(frame([
      { type: 'hello', version: 2, storeId: 'rogue', name: 'rogue' },
      { type: 'envelopes', doc: doc.id, items: [lifted, ...items], more: false }
    ]))
    expect(await refused).toMatchObject({ code: 'ERR_ENVELOPE_SIGNATURE', by: 'us' })
    await until([a.store], () => textOf(a, doc.id)?.startsWith('step 4: ') === true)
    expect(textOf(a, doc.id)).toBe('step 4: step 3: step 2: step 1: Care navigation scripts for reception')
    // nothing of what the worker vouched for is left unchecked
    expect(rememberedCount()).toBe(0)
  })

  it('gives a peer that speaks only protocol 1 no stream at all: nothing falls back to unsigned updates', async () => {
    const { a, raw } = await setup('edit')
    await expect(raw.dialProtocol(a.libp2p.getMultiaddrs()[0], '/commonplace/sync/1.0.0')).rejects.toMatchObject({ name: 'UnsupportedProtocolError' })
  })

  it('refuses a grant not signed by the owner', async () => {
    const { a, doc, stream } = await setup('edit')
    const acl = a.store.access(doc.id)!
    const forged = { ...acl.grants[0], role: 'edit' as const, to: a.id, seq: 99 }
    const refused = waitFor(a, 'sync:refused', e => e.doc === doc.id)
    stream.send(frame([
      { type: 'hello', version: 2, storeId: 'rogue', name: 'rogue' },
      { type: 'access', header: acl.header, grants: [forged] }
    ]))
    expect(await refused).toMatchObject({ code: 'ERR_INVALID_STATEMENT' })
    expect(a.store.access(doc.id)).toEqual(acl)
  })
})
