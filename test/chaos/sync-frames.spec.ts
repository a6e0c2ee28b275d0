/**
 * Generated input against the sync protocol's decoders: frames (random bytes and mutations of
 * valid frames of every message type), the grants inside ACCESS, and Yjs updates applied to a real
 * document store. Every case is a valid result or a typed error, and a refused update leaves the
 * document as it was. Signed items inside ENVELOPES: test/chaos/envelope-decoder.spec.ts.
 */
import { describe, it, expect, beforeAll } from 'vitest'
import fc from 'fast-check'
import * as Y from 'yjs'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { deriveDocId, randomNonce, signGrant, verifyGrant, verifyHeader } from '@commonplace/core'
import type { DocHeader, DocId, DocumentStore, OrgId, UpdateOrigin } from '@commonplace/core'
import { memoryStore } from '@commonplace/storage'
import { createDocumentStore } from '@commonplace/docstore'
import { decodeFrame, encodeFrame } from '@commonplace/sync'
import type { Message } from '@commonplace/sync'
import { check, mutate, mutations, runs, typed } from './generated.ts'

const PEER_ORIGIN: UpdateOrigin = { kind: 'peer', peer: 'generated' as OrgId }

let header: DocHeader
let valid: Message[]
let update: Uint8Array

beforeAll(async () => {
  const key = await generateKeyPair('Ed25519')
  const owner = peerIdFromPrivateKey(key).toString() as OrgId
  const nonce = randomNonce()
  header = { id: await deriveDocId(owner, nonce), owner, nonce }
  const reader = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString() as OrgId
  const grant = await signGrant(key, { doc: header.id, to: reader, role: 'read', seq: 1, issuer: owner, issuedAt: 1_700_000_000_000 })
  const doc = new Y.Doc()
  doc.getMap('meta').set('title', 'Sturzprophylaxe im Pflegeheim')
  doc.getText('t').insert(0, 'Hüftprotektoren anbieten, Beleuchtung nachts prüfen.')
  update = Y.encodeStateAsUpdate(doc)
  const holdings = { vector: { [owner]: 3, [reader]: 1 }, checkpoint: new Uint8Array(32).fill(5) }
  valid = [
    { type: 'hello', version: 2, storeId: 'store-1', name: 'Riverside Surgery' },
    { type: 'access', header, grants: [grant] },
    { type: 'offer', doc: header.id, digest: new Uint8Array(32).fill(7), holdings },
    { type: 'want', doc: header.id, holdings: { vector: {} } },
    { type: 'envelopes', doc: header.id, items: [update], more: false },
    { type: 'reply', doc: header.id, items: [update, update], more: true },
    { type: 'mark', seq: 42 },
    { type: 'ack', seq: 42 },
    { type: 'error', doc: header.id, code: 'ERR_FORBIDDEN', message: 'nein' }
  ]
})

/** Decode, then check every grant an ACCESS message carries as the sync session would. */
async function decodeAndVerify (bytes: Uint8Array): Promise<Message[]> {
  const messages = decodeFrame(bytes)
  for (const m of messages) {
    if (m.type !== 'access') continue
    const h = await verifyHeader(m.header)
    for (const g of m.grants) await verifyGrant(h, g)
  }
  return messages
}

describe('generated sync frames', () => {
  it('random bytes decode to messages or a typed error', async () => {
    const n = await check(fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async bytes => {
      await typed(async () => await decodeAndVerify(bytes))
    }), runs(300))
    expect(n).toBe(runs(300))
  })

  it('mutated valid frames decode to messages or a typed error, grants included', async () => {
    const outcomes = new Map<string, number>()
    const frame = fc.subarray(valid.map((_, i) => i), { minLength: 1 })
    const n = await check(fc.asyncProperty(frame, mutations, async (picked, edits) => {
      const bytes = mutate(encodeFrame(picked.map(i => valid[i])), edits)
      const outcome = await typed(async () => await decodeAndVerify(bytes))
      const key = outcome.ok ? 'ok' : outcome.code
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1)
    }), runs(400))
    expect(n).toBe(runs(400))
    expect([...outcomes.keys()]).toContain('ERR_MALFORMED_MESSAGE') // the mutations reached the decoder's checks
  })

  it('every valid frame still decodes to the same messages', () => {
    const bytes = encodeFrame(valid)
    expect(decodeFrame(bytes).map(m => m.type)).toEqual(valid.map(m => m.type))
    expect(encodeFrame(decodeFrame(bytes))).toEqual(bytes)
  })
})

describe('generated Yjs updates applied to a document store', () => {
  let store: DocumentStore
  let id: DocId

  beforeAll(() => {
    store = createDocumentStore({ storage: memoryStore() })
    id = store.create(header, doc => { doc.getText('t').insert(0, 'Ausgangstext') }).id
    store.flush()
  })

  /** Apply, and when the store refuses, check the document did not move. */
  async function applyChecked (bytes: Uint8Array): Promise<void> {
    const before = { digest: store.digest(id), text: store.read(id, d => d.getText('t').toString()) }
    const outcome = await typed(() => store.applyUpdate(id, bytes, PEER_ORIGIN))
    if (!outcome.ok) {
      expect(['ERR_CORRUPT_UPDATE', 'ERR_OVERSIZED_MESSAGE']).toContain(outcome.code)
      expect(store.digest(id)).toEqual(before.digest)
      expect(store.read(id, d => d.getText('t').toString())).toBe(before.text)
    }
    store.flush()
  }

  it('random bytes are applied or refused with ERR_CORRUPT_UPDATE, leaving the document as it was', async () => {
    const n = await check(fc.asyncProperty(fc.uint8Array({ maxLength: 256 }), applyChecked), runs(200))
    expect(n).toBe(runs(200))
  })

  it('mutated valid updates are applied or refused with ERR_CORRUPT_UPDATE, leaving the document as it was', async () => {
    const n = await check(fc.asyncProperty(mutations, async edits => { await applyChecked(mutate(update, edits)) }), runs(300))
    expect(n).toBe(runs(300))
  })
})

describe('generated sync frames inside a larger buffer', () => {
  /** `bytes` as a view into a buffer with other bytes after it, as a frame read off a stream may be. */
  function inBuffer (bytes: Uint8Array, after: Uint8Array): Uint8Array {
    const all = new Uint8Array(bytes.length + after.length)
    all.set(bytes)
    all.set(after, bytes.length)
    return all.subarray(0, bytes.length)
  }

  it('decodes the same as a copy that owns its buffer: nothing is read past the frame', async () => {
    const n = await check(fc.asyncProperty(mutations, fc.uint8Array({ minLength: 1, maxLength: 64 }), async (edits, after) => {
      const bytes = mutate(encodeFrame(valid), edits)
      const alone = await typed(() => encodeFrame(decodeFrame(bytes)))
      const viewed = await typed(() => encodeFrame(decodeFrame(inBuffer(bytes, after))))
      expect(viewed).toEqual(alone)
    }), runs(300))
    expect(n).toBe(runs(300))
  })
})
