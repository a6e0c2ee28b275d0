import { describe, it, expect, beforeEach } from 'vitest'
import * as Y from 'yjs'
import { memoryStore } from '@commonplace/storage'
import { toString as u8ToString } from 'uint8arrays'
import {
  CHECKPOINT_KIND, EnvelopeSignatureError, OversizedMessageError, StorageFullError, checkpointSigningBytes, encodeCheckpointBody, joinSigned, signBinding, ForbiddenError, ForeignClientError, NO_PREVIOUS, decodeCheckpoint,
  decodeEnvelope, deriveClientId, envelopeHash, signEnvelope, signedItemKind, verifyEnvelope
} from '@commonplace/core'
import type { DocHeader, DocId, DocumentStore } from '@commonplace/core'
import { createDocumentStore } from '../src/index.ts'
import { deriveClient } from '../src/signing.ts'
import { deliver, newHeader, removalOf, signingStore, testOrg } from './fixtures.ts'
import type { TestOrg } from './fixtures.ts'

const text = (store: DocumentStore, id: DocId): string => store.read(id, doc => doc.getText('t').toString())

describe('signed changes in the document store', () => {
  let a: TestOrg
  let b: TestOrg
  let header: DocHeader

  beforeEach(async () => {
    a = await testOrg()
    b = await testOrg()
    header = await newHeader(a)
  })

  it('signs each local burst once, with derived clients, chained by seq and prev', async () => {
    const { store, signed, changes } = signingStore(a)
    store.create(header, doc => doc.getText('t').insert(0, 'Frost'))
    store.flush()
    for (let i = 0; i < 50; i++) store.edit(header.id, doc => doc.getText('t').insert(0, 'x'))
    store.flush()
    expect(changes).toHaveLength(2)
    expect(signed).toHaveLength(2)
    const [first, second] = await Promise.all(signed.map(async bytes => await verifyEnvelope(decodeEnvelope(bytes))))
    expect([first.seq, second.seq]).toEqual([1, 2])
    expect(first.prev).toEqual(NO_PREVIOUS)
    expect(second.prev).toEqual(await envelopeHash(first))
    expect(first.signer).toBe(a.id)
    for (const c of [...first.clients, ...second.clients]) expect(await deriveClientId(a.id, header.id, c.nonce)).toBe(c.client)
    expect(store.read(header.id, doc => doc.clientID)).toBe(second.clients[0].client)
    expect(store.envelopeVector(header.id).vector).toEqual({ [a.id]: 2 })
  })

  it('signs a document created and edited in one go whole: another store that gets the envelope holds both', async () => {
    const A = signingStore(a)
    A.store.create(header, doc => doc.getText('t').insert(0, 'Frost'))
    A.store.edit(header.id, doc => doc.getText('t').insert(5, 'schutz'))
    A.store.flush()
    expect(A.signed).toHaveLength(1)
    const B = signingStore(b)
    B.store.mergeAccess(header, [], { kind: 'peer', peer: a.id })
    expect(deliver(A.signed, B.store, header.id, a.id)).toEqual(['applied'])
    expect(text(B.store, header.id)).toBe('Frostschutz')
  })

  it('derives client ids exactly as core does', async () => {
    for (const nonce of [0, 1, 2 ** 32 - 1, 123456]) expect(deriveClient(a.id, header.id, nonce)).toBe(await deriveClientId(a.id, header.id, nonce))
  })

  it('applies envelopes in order on another store, holds one past a gap, drops duplicates', async () => {
    const A = signingStore(a)
    A.store.create(header, doc => doc.getText('t').insert(0, 'eins'))
    A.store.flush()
    A.store.edit(header.id, doc => doc.getText('t').insert(4, ' zwei'))
    A.store.flush()
    A.store.edit(header.id, doc => doc.getText('t').insert(9, ' drei'))
    A.store.flush()
    const B = signingStore(b)
    B.store.mergeAccess(header, [], { kind: 'peer', peer: a.id })
    expect(deliver([A.signed[2], A.signed[1]], B.store, header.id, a.id)).toEqual(['held', 'held'])
    expect(text(B.store, header.id)).toBe('')
    expect(deliver([A.signed[0]], B.store, header.id, a.id)).toEqual(['applied'])
    expect(text(B.store, header.id)).toBe('eins zwei drei')
    expect(deliver(A.signed, B.store, header.id, a.id)).toEqual(['duplicate', 'duplicate', 'duplicate'])
    expect(B.store.envelopeVector(header.id).vector).toEqual({ [a.id]: 3 })
    B.store.flush()
    // B relays exactly the bytes A signed, announced as signed
    expect(B.signed.map(s => [...s])).toEqual([A.signed[0], A.signed[1], A.signed[2]].map(s => [...s]))
  })

  it('refuses an altered envelope, an editor without rights, and a client of another organisation, changing nothing', async () => {
    const A = signingStore(a)
    A.store.create(header, doc => doc.getText('t').insert(0, 'Frost'))
    A.store.flush()
    const mallory = await testOrg()
    const B = signingStore(b, memoryStore(), (_doc, who) => who !== mallory.id)
    B.store.mergeAccess(header, [], { kind: 'peer', peer: a.id })
    const altered = A.signed[0].slice()
    altered[altered.length - 70] ^= 1
    expect(() => B.store.applySigned(header.id, altered, { kind: 'peer', peer: a.id })).toThrow(EnvelopeSignatureError)
    // mallory signs with her own key an update that writes with A's client
    const first = decodeEnvelope(A.signed[0])
    const forged = await signEnvelope(mallory.key, { doc: header.id, signer: mallory.id, author: '', seq: 1, prev: NO_PREVIOUS, clients: first.clients, update: first.update })
    const C = signingStore(b)
    C.store.mergeAccess(header, [], { kind: 'peer', peer: a.id })
    expect(() => C.store.applySigned(header.id, forged.bytes, { kind: 'peer', peer: mallory.id })).toThrow(ForeignClientError)
    expect(() => B.store.applySigned(header.id, forged.bytes, { kind: 'peer', peer: mallory.id })).toThrow(ForbiddenError)
    expect(text(B.store, header.id)).toBe('')
    expect(text(C.store, header.id)).toBe('')
    expect(C.store.envelopeVector(header.id).vector).toEqual({})
    expect(deliver(A.signed, C.store, header.id, a.id)).toEqual(['applied'])
    expect(text(C.store, header.id)).toBe('Frost')
  })

  it('keeps the first of two envelopes with one seq (equivocation) and refuses a broken chain', async () => {
    const A = signingStore(a)
    A.store.create(header, doc => doc.getText('t').insert(0, 'eins'))
    A.store.flush()
    const B = signingStore(b)
    B.store.mergeAccess(header, [], { kind: 'peer', peer: a.id })
    deliver(A.signed, B.store, header.id, a.id)
    const other = new Y.Doc()
    const nonce = 7
    other.clientID = await deriveClientId(a.id, header.id, nonce)
    other.getText('t').insert(0, 'anders')
    const twin = await signEnvelope(a.key, { doc: header.id, signer: a.id, author: '', seq: 1, prev: NO_PREVIOUS, clients: [{ client: other.clientID, nonce }], update: Y.encodeStateAsUpdate(other) })
    expect(B.store.applySigned(header.id, twin.bytes, { kind: 'peer', peer: a.id })).toBe('duplicate')
    expect(text(B.store, header.id)).toBe('eins')
    const wrongPrev = await signEnvelope(a.key, { doc: header.id, signer: a.id, author: '', seq: 2, prev: new Uint8Array(32).fill(9), clients: [{ client: other.clientID, nonce }], update: Y.encodeStateAsUpdate(other) })
    expect(() => B.store.applySigned(header.id, wrongPrev.bytes, { kind: 'peer', peer: a.id })).toThrow(/does not follow/)
    expect(text(B.store, header.id)).toBe('eins')
  })

  it('answers signedSince with what a vector lacks, read by (doc, signer, seq)', async () => {
    const A = signingStore(a)
    A.store.create(header, doc => doc.getText('t').insert(0, '0'))
    A.store.flush()
    for (let i = 1; i < 20; i++) {
      A.store.edit(header.id, doc => doc.getText('t').insert(0, String(i)))
      A.store.flush()
    }
    expect(A.store.signedSince(header.id, { vector: {} }).items).toHaveLength(20)
    const since = A.store.signedSince(header.id, { vector: { [a.id]: 17 } })
    expect(since.items.map(i => decodeEnvelope(i).seq)).toEqual([18, 19, 20])
    const cut = A.store.signedSince(header.id, { vector: {} }, 1)
    expect(cut).toMatchObject({ more: true })
    expect(cut.items).toHaveLength(1)
    // staged and not yet written: seen too
    A.store.edit(header.id, doc => doc.getText('t').insert(0, 'x'))
    await Promise.resolve()
    expect(A.store.signedSince(header.id, { vector: { [a.id]: 20 } }).items).toHaveLength(1)
  })

  it('persists chain heads and bindings: after a reopen the chain goes on', async () => {
    const kv = memoryStore()
    const A = signingStore(a, kv)
    A.store.create(header, doc => doc.getText('t').insert(0, 'eins'))
    A.store.flush()
    A.store.close()
    const again = signingStore(a, kv)
    again.store.edit(header.id, doc => doc.getText('t').insert(0, 'zwei '))
    again.store.flush()
    const envelope = decodeEnvelope(again.signed[0])
    expect(envelope.seq).toBe(2)
    expect(envelope.prev).toEqual(await envelopeHash(decodeEnvelope(A.signed[0])))
    const B = signingStore(b)
    B.store.mergeAccess(header, [], { kind: 'peer', peer: a.id })
    expect(deliver(again.store.signedSince(header.id, { vector: {} }).items, B.store, header.id, a.id)).toEqual(['applied', 'applied'])
    expect(text(B.store, header.id)).toBe('zwei eins')
  })

  it('signs what a browser tab writes with an issued client, with its author', async () => {
    const A = signingStore(a)
    A.store.create(header)
    A.store.flush()
    const { client } = A.store.issueClient(header.id)
    const tab = new Y.Doc()
    tab.clientID = client
    tab.getText('t').insert(0, 'vom Browser')
    A.store.applyUpdate(header.id, Y.encodeStateAsUpdate(tab), { kind: 'local', author: 'person-1' })
    A.store.flush()
    // the empty create wrote nothing to sign: the tab's burst is the first envelope
    expect(A.signed).toHaveLength(1)
    const envelope = decodeEnvelope(A.signed[0])
    expect(envelope).toMatchObject({ author: 'person-1', seq: 1 })
    expect(envelope.clients.map(c => c.client)).toEqual([client])
    expect(A.store.attribution(header.id).of(client, 0)).toEqual({ org: a.id, person: 'person-1' })
    const B = signingStore(b)
    B.store.mergeAccess(header, [], { kind: 'peer', peer: a.id })
    deliver(A.signed, B.store, header.id, a.id)
    expect(text(B.store, header.id)).toBe('vom Browser')
    expect(B.store.attribution(header.id).of(client, 3)).toEqual({ org: a.id, person: 'person-1' })
  })

  it('holds at most 64 envelopes of a signer past a gap, refusing more with a typed error', async () => {
    const A = signingStore(a)
    A.store.create(header, doc => doc.getText('t').insert(0, '0'))
    A.store.flush()
    for (let i = 0; i < 66; i++) {
      A.store.edit(header.id, doc => doc.getText('t').insert(0, 'x'))
      A.store.flush()
    }
    const B = signingStore(b)
    B.store.mergeAccess(header, [], { kind: 'peer', peer: a.id })
    expect(deliver(A.signed.slice(1, 65), B.store, header.id, a.id).every(o => o === 'held')).toBe(true)
    expect(() => B.store.applySigned(header.id, A.signed[65], { kind: 'peer', peer: a.id })).toThrow(OversizedMessageError)
    expect(deliver(A.signed.slice(0, 1), B.store, header.id, a.id)).toEqual(['applied'])
    expect(B.store.envelopeVector(header.id).vector).toEqual({ [a.id]: 65 })
    expect(deliver(A.signed.slice(65), B.store, header.id, a.id)).toEqual(['applied', 'applied'])
    expect(text(B.store, header.id)).toBe(text(A.store, header.id))
  })

  it('keeps the binding of a client issued to a tab across a reopen, so the tab\'s later burst is still signed', async () => {
    const kv = memoryStore()
    const A = signingStore(a, kv)
    A.store.create(header)
    A.store.flush()
    const { client } = A.store.issueClient(header.id)
    A.store.close()
    const again = signingStore(a, kv)
    const tab = new Y.Doc()
    tab.clientID = client
    tab.getText('t').insert(0, 'nach dem Neustart')
    again.store.applyUpdate(header.id, Y.encodeStateAsUpdate(tab), { kind: 'local' })
    again.store.flush()
    expect(again.signed).toHaveLength(1)
    expect(decodeEnvelope(again.signed[0]).clients.map(c => c.client)).toEqual([client])
  })

  it('after a failed write, the envelopes it announced are staged again: the chain never forks', async () => {
    const kv = memoryStore({ quotaBytes: 48 * 1024 })
    const A = signingStore(a, kv)
    A.store.create(header, doc => doc.getText('t').insert(0, 'eins'))
    A.store.flush()
    A.store.edit(header.id, doc => doc.getText('t').insert(4, 'x'.repeat(40 * 1024)))
    expect(() => { A.store.flush() }).toThrow(StorageFullError)
    expect(A.signed).toHaveLength(2)
    // the announced envelope is in memory again (reads see it), and the next burst follows it
    expect(A.store.envelopeVector(header.id).vector).toEqual({ [a.id]: 2 })
    expect(text(A.store, header.id)).toHaveLength(4 + 40 * 1024)
    A.store.edit(header.id, doc => doc.getText('t').insert(0, 'drei '))
    await Promise.resolve()
    // the staged envelope is announced again (the same bytes), then the new one follows it
    const seqs = A.signed.map(bytes => decodeEnvelope(bytes).seq)
    expect(seqs).toEqual([1, 2, 2, 3])
    expect(A.signed[2]).toEqual(A.signed[1])
    expect(decodeEnvelope(A.signed[3]).prev).toEqual(await envelopeHash(decodeEnvelope(A.signed[1])))
    const B = signingStore(b)
    B.store.mergeAccess(header, [], { kind: 'peer', peer: a.id })
    expect(deliver(A.signed, B.store, header.id, a.id)).toEqual(['applied', 'applied', 'duplicate', 'applied'])
  })

  it('the owner checkpoints a long-edited document; a new holder gets the checkpoint, then the envelopes after it', async () => {
    // each checkpoint with the change that makes it due (checkpoint-pause.spec.ts: the default waits for a pause)
    const A = signingStore(a, memoryStore(), undefined, { checkpointQuietMs: 0 })
    A.store.create(header, doc => doc.getText('t').insert(0, 'start'))
    A.store.flush()
    const B = signingStore(b)
    B.store.mergeAccess(header, [], { kind: 'peer', peer: a.id })
    for (let i = 0; i < 300; i++) {
      A.store.edit(header.id, doc => doc.getText('t').insert(0, 'x'.repeat(500)))
      A.store.flush()
    }
    const checkpoints = A.signed.filter(s => signedItemKind(s) === CHECKPOINT_KIND)
    expect(checkpoints.length).toBeGreaterThanOrEqual(2)
    expect(decodeCheckpoint(checkpoints[0]).signer).toBe(a.id)
    // a holder that followed all along gets only envelopes; it took the checkpoints too
    expect(deliver(A.signed, B.store, header.id, a.id).filter(o => o !== 'applied')).toEqual([])
    expect(text(B.store, header.id)).toBe(text(A.store, header.id))
    // the envelopes the older checkpoint covers are gone
    const fresh = A.store.signedSince(header.id, { vector: {} }, 64 * 1024 * 1024)
    expect(signedItemKind(fresh.items[0])).toBe(CHECKPOINT_KIND)
    expect(fresh.items.length).toBeLessThan(301)
    const C = signingStore(await testOrg())
    C.store.mergeAccess(header, [], { kind: 'peer', peer: a.id })
    expect(deliver(fresh.items, C.store, header.id, a.id).every(o => o === 'applied')).toBe(true)
    expect(text(C.store, header.id)).toBe(text(A.store, header.id))
    expect(C.store.envelopeVector(header.id).vector).toEqual(A.store.envelopeVector(header.id).vector)
    // B's vector is current: nothing to send
    expect(A.store.signedSince(header.id, B.store.envelopeVector(header.id)).items).toEqual([])
  })

  it('the owner of an existing document signs a migration checkpoint of it on first open, with its claims as bindings', async () => {
    const kv = memoryStore()
    const old = createDocumentStore({ storage: kv })
    old.create(header, doc => doc.getText('t').insert(0, 'aus alter Zeit'))
    const client = old.read(header.id, doc => doc.clientID)
    const sig = u8ToString((await signBinding(a.key, header.id, client, a.id)).sig, 'base64url')
    old.edit(header.id, doc => doc.getMap('_clients').set(`${client}:${a.id}`, sig))
    old.flush()
    old.close()
    const A = signingStore(a, kv)
    const { checkpoint } = A.store.envelopeVector(header.id)
    expect(checkpoint).toBeInstanceOf(Uint8Array)
    expect(A.store.attribution(header.id).of(client, 0)).toEqual({ org: a.id })
    const items = A.store.signedSince(header.id, { vector: {} }).items
    expect(items).toHaveLength(1)
    const B = signingStore(b)
    B.store.mergeAccess(header, [], { kind: 'peer', peer: a.id })
    expect(deliver(items, B.store, header.id, a.id)).toEqual(['applied'])
    expect(text(B.store, header.id)).toBe('aus alter Zeit')
    expect(B.store.attribution(header.id).of(client, 0)).toEqual({ org: a.id })
    // a checkpoint signed by anyone but the owner is refused
    const decoded = decodeCheckpoint(items[0])
    const body = encodeCheckpointBody({ ...decoded, signer: b.id, number: 5 })
    const foreign = joinSigned(body, await b.key.sign(checkpointSigningBytes(body)))
    expect(() => B.store.applySigned(header.id, foreign, { kind: 'peer', peer: b.id })).toThrow(ForbiddenError)
  })
  it('signs a burst of local edits made while a peer\'s envelope waits for structs it builds on, and its edits reach the others', async () => {
    const A = signingStore(a)
    A.store.create(header, doc => doc.getText('t').insert(0, 'Frost'))
    A.store.flush()
    const B = signingStore(b)
    B.store.mergeAccess(header, [], { kind: 'peer', peer: a.id })
    deliver(A.signed, B.store, header.id, a.id)
    B.store.edit(header.id, doc => doc.getText('t').insert(5, ' bei'))
    B.store.flush()
    const fromB = B.signed.filter(s => decodeEnvelope(s).signer === b.id)
    deliver(fromB, A.store, header.id, b.id)
    A.store.edit(header.id, doc => doc.getText('t').insert(9, ' Nacht'))
    A.store.flush()
    const fromA = A.signed.filter(s => decodeEnvelope(s).signer === a.id)
    // C gets A's envelopes before B's: A's second one builds on B's text, so Yjs holds it pending
    const c = await testOrg()
    const C = signingStore(c)
    C.store.mergeAccess(header, [], { kind: 'peer', peer: a.id })
    expect(deliver(fromA, C.store, header.id, a.id)).toEqual(['applied', 'applied'])
    C.store.flush()
    expect(text(C.store, header.id)).toBe('Frost')
    // two local edits in one burst while that is pending: signed as C's first envelope, C's clients only
    C.store.edit(header.id, doc => doc.getText('t').insert(0, 'Bei '))
    C.store.edit(header.id, doc => doc.getText('t').insert(4, 'Kälte: '))
    C.store.flush()
    const fromC = C.signed.filter(s => decodeEnvelope(s).signer === c.id)
    expect(fromC.map(s => decodeEnvelope(s).seq)).toEqual([1])
    expect(C.store.envelopeVector(header.id).vector[c.id]).toBe(1)
    deliver(fromB, C.store, header.id, b.id)
    expect(text(C.store, header.id)).toBe('Bei Kälte: Frost bei Nacht')
    expect(deliver(fromC, A.store, header.id, c.id)).toEqual(['applied'])
    expect(deliver(fromC, B.store, header.id, c.id)).toEqual(['applied'])
    deliver(fromA.slice(1), B.store, header.id, a.id)
    for (const store of [A.store, B.store]) expect(text(store, header.id)).toBe('Bei Kälte: Frost bei Nacht')
  })
})

describe('removal in the document store', () => {
  it('neutralises an organisation\'s envelopes past its frontier (rebuilding where they were applied), deletions undone; a node that knew first ends the same', async () => {
    const a = await testOrg()
    const e = await testOrg()
    const header = await newHeader(a)
    const A = signingStore(a)
    A.store.create(header, doc => doc.getText('t').insert(0, 'Quarantine the stock.'))
    A.store.flush()
    const E = signingStore(e)
    E.store.mergeAccess(header, [], { kind: 'peer', peer: a.id })
    deliver(A.signed, E.store, header.id, a.id)
    E.store.edit(header.id, doc => doc.getText('t').insert(0, 'E before. '))
    E.store.flush()
    const frontier = 1
    // after its removal E deletes A's text and writes its own
    E.store.edit(header.id, doc => {
      const t = doc.getText('t')
      t.delete(10, t.length - 10)
      t.insert(10, 'Reuse the stock.')
    })
    E.store.flush()
    const fromE = E.signed.filter(s => decodeEnvelope(s).signer === e.id)
    expect(fromE).toHaveLength(2)

    // H, honest and not told of the removal either, writes inside E's late text
    const h = await testOrg()
    const H = signingStore(h)
    H.store.mergeAccess(header, [], { kind: 'peer', peer: a.id })
    deliver([...A.signed, ...fromE], H.store, header.id, e.id)
    H.store.edit(header.id, doc => doc.getText('t').insert(15, 'not '))
    H.store.flush()
    const fromH = H.signed.filter(s => decodeEnvelope(s).signer === h.id)
    expect(text(H.store, header.id)).toBe('E before. Reusenot  the stock.')

    // B applies all of it before it hears of the removal, then rebuilds
    const removal = removalOf(e.id, frontier)
    const B = signingStore(await testOrg(), memoryStore(), removal.mayEdit)
    B.store.mergeAccess(header, [], { kind: 'peer', peer: a.id })
    deliver([...A.signed, ...fromE], B.store, header.id, a.id)
    expect(text(B.store, header.id)).toBe('E before. Reuse the stock.')
    removal.learn()
    expect(B.store.refuseBeyond(header.id, e.id, frontier)).toBe(1)
    expect(text(B.store, header.id)).toBe('E before. Quarantine the stock.')
    // E's late envelope stays held (and relayed), neutralised: its chain goes on
    expect(B.store.envelopeVector(header.id).vector[e.id]).toBe(2)
    expect(B.store.refuseBeyond(header.id, e.id, frontier)).toBe(0)

    // C holds the removal first: E's late envelope is applied neutralised, whichever way it comes
    const C = signingStore(await testOrg(), memoryStore(), removal.mayEdit)
    C.store.mergeAccess(header, [], { kind: 'peer', peer: a.id })
    expect(deliver([...A.signed, ...fromE], C.store, header.id, a.id)).toEqual(['applied', 'applied', 'applied'])
    expect(text(C.store, header.id)).toBe(text(B.store, header.id))
    expect(C.store.digest(header.id)).toEqual(B.store.digest(header.id))
    // H's envelope builds on E's late items: it integrates on both, E's text stays deleted, H's shows
    deliver(fromH, B.store, header.id, h.id)
    deliver(fromH, C.store, header.id, h.id)
    expect(text(B.store, header.id)).toContain('not ')
    expect(text(B.store, header.id).replace('not ', '')).toBe('E before. Quarantine the stock.')
    expect(C.store.digest(header.id)).toEqual(B.store.digest(header.id))
    // a node that never had rights is still refused outright
    const D = signingStore(await testOrg(), memoryStore(), (_doc, who) => who !== e.id)
    D.store.mergeAccess(header, [], { kind: 'peer', peer: a.id })
    expect(() => D.store.applySigned(header.id, fromE[0], { kind: 'peer', peer: e.id })).toThrow(ForbiddenError)

    // A's later edits still reach both, and the rebuilt state survives a reopen of B
    A.store.edit(header.id, doc => doc.getText('t').insert(0, 'A: '))
    A.store.flush()
    deliver(A.signed.slice(-1), B.store, header.id, a.id)
    deliver(A.signed.slice(-1), C.store, header.id, a.id)
    // A never saw E's text: where 'A: ' lands beside it is Yjs's order of concurrent inserts
    const after = text(B.store, header.id)
    expect(after.replace('A: ', '').replace('not ', '')).toBe('E before. Quarantine the stock.')
    expect(text(C.store, header.id)).toBe(after)
    B.store.close()
    const reopened = createDocumentStore({ storage: B.kv })
    expect(text(reopened, header.id)).toBe(after)
  })
})
