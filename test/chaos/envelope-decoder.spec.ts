/**
 * Generated input against signed items (issue 14): the envelope and checkpoint decoders, and
 * ENVELOPES frames handed to a sync session over a real document store that signs and verifies.
 * Every case is a valid result or a typed error; an item that is not byte for byte one its author
 * signed is refused, and a refused item leaves the document, its envelope vector and the store's
 * change sequence as they were.
 */
import { describe, it, expect, beforeAll } from 'vitest'
import fc from 'fast-check'
import * as Y from 'yjs'
import { generateKeyPair } from '@libp2p/crypto/keys'
import {
  CHECKPOINT_KIND, decodeCheckpoint, decodeEnvelope, deriveDocId, mayWrite, nextGrantSeq, randomNonce, signGrant, signedItemKind
} from '@commonplace/core'
import type { DocId, DocumentStore, OrgId, UpdateOrigin } from '@commonplace/core'
import { memoryStore } from '@commonplace/storage'
import { createDocumentStore } from '@commonplace/docstore'
import { createSyncSession, decodeFrame, encodeFrame } from '@commonplace/sync'
import type { Message } from '@commonplace/sync'
import type { PrivateKey } from '@libp2p/interface'
import { check, mutate, mutations, runs, typed } from './generated.ts'
import { orgOf, selfSigned } from '../helpers/rogue-envelopes.ts'

/** A store that signs with `key` and lets whoever its access list names as editor sign changes. */
function signing (key: PrivateKey): DocumentStore {
  const store: DocumentStore = createDocumentStore({ storage: memoryStore() }, {
    signer: { org: orgOf(key), key },
    mayEdit: (doc, org) => { const acl = store.access(doc); return acl != null && mayWrite(acl, org) }
  })
  return store
}

let id: DocId
let editor: OrgId
/** The organisation of the store under test (an editor too). */
let self: OrgId
/** Signed items as their authors made them: the owner's, then one of an editor. */
let valid: Uint8Array[]
/** The store under test: it holds the access list and the owner's items; the editor's is new to it. */
let target: DocumentStore

beforeAll(async () => {
  const ownerKey = await generateKeyPair('Ed25519')
  const editorKey = await generateKeyPair('Ed25519')
  const owner = signing(ownerKey)
  editor = orgOf(editorKey)
  const nonce = randomNonce()
  const header = { id: await deriveDocId(orgOf(ownerKey), nonce), owner: orgOf(ownerKey), nonce }
  id = header.id
  owner.create(header, d => {
    d.getMap('meta').set('title', 'Sturzprophylaxe im Pflegeheim')
    d.getText('t').insert(0, 'Hüftprotektoren anbieten, Beleuchtung nachts prüfen.')
  })
  const targetKey = await generateKeyPair('Ed25519')
  self = orgOf(targetKey)
  for (const to of [editor, self]) {
    const acl = owner.access(id)!
    owner.mergeAccess(header, [await signGrant(ownerKey, { doc: id, to, role: 'edit', seq: nextGrantSeq(acl), issuer: header.owner, issuedAt: 1_700_000_000_000 })], { kind: 'local' })
  }
  owner.flush()
  const ownerItems = owner.signedSince(id, { vector: {} }).items
  const mine = await selfSigned(editorKey, id, owner.diff(id), d => { d.getText('t').insert(0, 'Sturzrisiko erfassen. ') })
  valid = [...ownerItems, mine]
  target = signing(targetKey)
  const acl = owner.access(id)!
  target.mergeAccess(acl.header, acl.grants, { kind: 'local' })
  for (const item of ownerItems) target.applySigned(id, item, PEER)
  target.flush()
})

const PEER: UpdateOrigin = { kind: 'peer', peer: 'generated' as OrgId }

/** What a refusal must leave as it was. */
function snapshot (): string {
  return JSON.stringify({
    digest: Buffer.from(target.digest(id)).toString('hex'),
    vector: target.envelopeVector(id),
    seq: target.changeSeq,
    text: target.read(id, d => d.getText('t').toString())
  })
}

const isValid = (bytes: Uint8Array): boolean => valid.some(v => v.length === bytes.length && v.every((b, i) => b === bytes[i]))

describe('generated signed items', () => {
  it('random bytes decode as an envelope or a checkpoint, or are refused with a typed error', async () => {
    const n = await check(fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async bytes => {
      await typed(() => decodeEnvelope(bytes))
      await typed(() => decodeCheckpoint(bytes))
    }), runs(400))
    expect(n).toBe(runs(400))
  })

  it('mutated items decode or are refused with a typed error, and the store applies none that is not as signed', async () => {
    const outcomes = new Map<string, number>()
    const n = await check(fc.asyncProperty(fc.integer({ min: 0, max: 1000 }), mutations, async (pick, edits) => {
      const source = valid[pick % valid.length]
      const bytes = mutate(source, edits)
      await typed(() => signedItemKind(bytes) === CHECKPOINT_KIND ? decodeCheckpoint(bytes) : decodeEnvelope(bytes))
      const before = snapshot()
      const outcome = await typed(() => target.applySigned(id, bytes, PEER))
      const key = outcome.ok ? outcome.value : outcome.code
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1)
      if (!isValid(bytes)) {
        expect(outcome.ok, `a mutated item was taken: ${key}`).toBe(false)
        expect(snapshot()).toBe(before)
      }
      target.flush()
    }), runs(400))
    expect(n).toBe(runs(400))
    // the mutations reached the checks past decoding
    expect([...outcomes.keys()]).toContain('ERR_ENVELOPE_SIGNATURE')
  })
})

describe('generated ENVELOPES frames handed to a sync session', () => {
  it('decode to messages or a typed error; the session answers refused items with typed ERRORs and applies none', async () => {
    const n = await check(fc.asyncProperty(mutations, fc.boolean(), async (edits, reply) => {
      const frame = encodeFrame([{ type: reply ? 'reply' : 'envelopes', doc: id, items: valid.slice(-2), more: false }])
      const decoded = await typed(() => decodeFrame(mutate(frame, edits)))
      if (!decoded.ok) return
      const session = createSyncSession({ self, peer: editor, store: target })
      await session.receive({ type: 'hello', version: 2, storeId: 'generated', name: '' })
      for (const m of decoded.value) {
        const before = snapshot()
        const out = await typed(async () => await session.receive(m))
        const items = m.type === 'envelopes' || m.type === 'reply' ? m.items : []
        if (items.every(item => !isValid(item))) expect(snapshot()).toBe(before)
        if (out.ok) for (const answer of out.value as Message[]) if (answer.type === 'error') expect(answer.code).toMatch(/^ERR_[A-Z_]+$/)
      }
      target.flush()
    }), runs(200))
    expect(n).toBe(runs(200))
  })

  it('a valid item still applies once, then is a duplicate', () => {
    const fresh = valid[valid.length - 1]
    const before = target.read(id, d => d.getText('t').toString())
    const first = target.applySigned(id, fresh, PEER)
    expect(['applied', 'duplicate']).toContain(first)
    expect(target.applySigned(id, fresh, PEER)).toBe('duplicate')
    expect(target.read(id, d => d.getText('t').toString())).toBe(first === 'applied' ? `Sturzrisiko erfassen. ${before}` : before)
    expect(Y.decodeUpdate(decodeEnvelope(fresh).update).structs.length).toBeGreaterThan(0)
  })
})
