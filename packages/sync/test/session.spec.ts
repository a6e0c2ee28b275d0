import { describe, it, expect } from 'vitest'
import * as Y from 'yjs'
import { memoryStore } from '@commonplace/storage'
import { createDocumentStore } from '@commonplace/docstore'
import { deriveDocId, nextGrantSeq, randomNonce, signGrant } from '@commonplace/core'
import type { DocHeader, DocumentStore, OrgId } from '@commonplace/core'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { createSyncSession } from '../src/index.ts'
import type { Message, SyncSession, UpdateMessage } from '../src/index.ts'

async function org (): Promise<{ key: Awaited<ReturnType<typeof generateKeyPair>>, id: OrgId, store: DocumentStore }> {
  const key = await generateKeyPair('Ed25519')
  return { key, id: peerIdFromPrivateKey(key).toString() as OrgId, store: createDocumentStore({ storage: memoryStore() }) }
}

type Org = Awaited<ReturnType<typeof org>>

/** A document owned by `owner` with `text` in it. */
async function docAt (owner: Org, text: string): Promise<DocHeader> {
  const nonce = randomNonce()
  const header = { id: await deriveDocId(owner.id, nonce), owner: owner.id, nonce }
  owner.store.create(header, d => d.getText('t').insert(0, text))
  return header
}

/** The owner grants `role` on the document to `to`. */
async function grant (owner: Org, header: DocHeader, to: OrgId, role: 'read' | 'edit'): Promise<void> {
  const acl = owner.store.access(header.id)!
  const signed = await signGrant(owner.key, { doc: header.id, to, role, seq: nextGrantSeq(acl), issuer: owner.id, issuedAt: 1 })
  owner.store.mergeAccess(header, [signed], { kind: 'local' })
}

/** A's and B's sessions after each answered the other's HELLO, with what A sent B first. */
async function meet (a: Org, b: Org): Promise<{ sa: SyncSession, sb: SyncSession, fromA: Message[] }> {
  const sa = createSyncSession({ self: a.id, peer: b.id, store: a.store })
  const sb = createSyncSession({ self: b.id, peer: a.id, store: b.store })
  await sb.receive(sa.open()[0])
  return { sa, sb, fromA: await sa.receive(sb.open()[0]) }
}

/** Deliver messages between two sessions in order until both are quiet; returns every message sent. */
async function pump (x: SyncSession, y: SyncSession, first: [Message[], Message[]]): Promise<Message[]> {
  const log: Message[] = []
  let toY = first[0]
  let toX = first[1]
  while (toX.length > 0 || toY.length > 0) {
    const nextX: Message[] = []
    const nextY: Message[] = []
    for (const m of toY) { log.push(m); nextX.push(...await y.receive(m)) }
    for (const m of toX) { log.push(m); nextY.push(...await x.receive(m)) }
    toX = [...nextX, ...y.mark()]
    toY = [...nextY, ...x.mark()]
  }
  return log
}

describe('sync session (no I/O)', () => {
  it('offers only shared documents, fetches what differs, and confirms with MARK/ACK', async () => {
    const a = await org()
    const b = await org()
    const header = await docAt(a, 'Betonieren bei Frost')
    const hidden = await docAt(a, 'not for b')
    await grant(a, header, b.id, 'edit')

    const sa = createSyncSession({ self: a.id, peer: b.id, store: a.store })
    const sb = createSyncSession({ self: b.id, peer: a.id, store: b.store })
    const log = await pump(sa, sb, [sa.open(), sb.open()])
    expect(b.store.read(header.id, d => d.getText('t').toString())).toBe('Betonieren bei Frost')
    expect(b.store.has(hidden.id)).toBe(false)
    expect(JSON.stringify(log.map(m => ('doc' in m ? m.doc : m.type === 'access' ? m.header.id : '')))).not.toContain(hidden.id)
    expect(log.filter(m => m.type === 'ack').length).toBeGreaterThan(0)
    expect(a.store.checkpoint(b.id, b.store.storeId)).toBe(a.store.changeSeq)

    // a second meeting with nothing changed: no offers at all
    const again = await pump(
      createSyncSession({ self: a.id, peer: b.id, store: a.store }),
      createSyncSession({ self: b.id, peer: a.id, store: b.store }),
      [[{ type: 'hello', version: 1, storeId: a.store.storeId, name: '' }], [{ type: 'hello', version: 1, storeId: b.store.storeId, name: '' }]]
    )
    expect(again.filter(m => m.type === 'offer')).toEqual([])
  })

  it('holds back an ACK until every WANT sent before the MARK is answered', async () => {
    const a = await org()
    const b = await org()
    const header = await docAt(a, 'x')
    await grant(a, header, b.id, 'read')
    // A met B's store before (a checkpoint below the document's last change): it offers
    a.store.flush()
    a.store.setCheckpoint(b.id, b.store.storeId, 1)
    const { sa, sb, fromA } = await meet(a, b)
    const replies: Message[] = []
    for (const m of fromA) replies.push(...await sb.receive(m))
    expect(replies.map(m => m.type)).toEqual(['want'])
    expect(sb.idle).toBe(false)
    const answer = await sa.receive(replies[0])
    expect(answer.map(m => m.type)).toEqual(['reply'])
    const ack = await sb.receive(answer[0])
    expect(ack).toEqual([{ type: 'ack', seq: a.store.changeSeq }])
    expect(b.store.read(header.id, d => d.getText('t').toString())).toBe('x')
  })

  it('refuses content from a reader and reports it', async () => {
    const a = await org()
    const r = await org()
    const header = await docAt(a, 'original')
    await grant(a, header, r.id, 'read')
    const refused: string[] = []
    const sa = createSyncSession({ self: a.id, peer: r.id, store: a.store, onRefused: e => refused.push(e.code) })
    await sa.receive({ type: 'hello', version: 1, storeId: 'r', name: 'r' })
    const evil = new Y.Doc()
    evil.getText('t').insert(0, 'evil')
    const out = await sa.receive({ type: 'update', doc: header.id, update: Y.encodeStateAsUpdate(evil) })
    expect(out).toMatchObject([{ type: 'error', code: 'ERR_FORBIDDEN', doc: header.id }])
    expect(refused).toEqual(['ERR_FORBIDDEN'])
    expect(a.store.read(header.id, d => d.getText('t').toString())).toBe('original')
  })

  it('sends the ACK of a MARK only once what it confirms is on disk', async () => {
    const a = await org()
    const memory = memoryStore()
    const held: Array<() => void> = []
    const release = (): void => { for (const resolve of held.splice(0)) resolve() }
    // B's storage puts batches on disk when the test says so
    const storage = { ...memory, sync: async () => { await new Promise<void>(resolve => { held.push(resolve) }) } }
    const b = { ...await org(), store: createDocumentStore({ storage }) }
    const header = await docAt(a, 'Schalung prüfen')
    await grant(a, header, b.id, 'edit')
    const { sb, fromA } = await meet(a, b)
    expect(fromA.map(m => m.type)).toEqual(['access', 'update', 'mark'])
    for (const m of fromA.slice(0, -1)) expect(await sb.receive(m)).toEqual([])
    let answered: Message[] | undefined
    const acking = sb.receive(fromA[2]).then(out => { answered = out })
    await new Promise(resolve => setImmediate(resolve))
    expect(answered).toBeUndefined()
    expect(b.store.changeSeq).toBe(0)
    expect(b.store.read(header.id, d => d.getText('t').toString())).toBe('Schalung prüfen')
    release()
    await acking
    expect(answered).toEqual([{ type: 'ack', seq: a.store.changeSeq }])
    expect(b.store.changeSeq).toBe(2) // the access list, then the update
  })

  it('treats anything before HELLO as a protocol error', async () => {
    const a = await org()
    const s = createSyncSession({ self: a.id, peer: a.id, store: a.store })
    await expect(s.receive({ type: 'mark', seq: 1 })).rejects.toMatchObject({ name: 'ProtocolError' })
  })

  it('sends documents whole to a peer store it never met, with no offer', async () => {
    const a = await org()
    const b = await org()
    const header = await docAt(a, 'Schalung prüfen')
    await grant(a, header, b.id, 'read')
    const { sb, fromA } = await meet(a, b)
    expect(fromA.map(m => m.type)).toEqual(['access', 'update', 'mark'])
    const replies: Message[] = []
    for (const m of fromA) replies.push(...await sb.receive(m))
    expect(replies).toEqual([{ type: 'ack', seq: a.store.changeSeq }])
    expect(b.store.read(header.id, d => d.getText('t').toString())).toBe('Schalung prüfen')
  })

  it('makes a whole document\'s bytes when the message is encoded, not when HELLO is answered', async () => {
    const a = await org()
    const b = await org()
    const headers = [await docAt(a, 'Bewehrung abnehmen'), await docAt(a, 'Frostschutz')]
    for (const h of headers) await grant(a, h, b.id, 'read')
    const diffs: string[] = []
    const diff = a.store.diff.bind(a.store)
    a.store.diff = (id, sv) => { diffs.push(id); return diff(id, sv) }
    const sa = createSyncSession({ self: a.id, peer: b.id, store: a.store })
    const fromA = await sa.receive({ type: 'hello', version: 1, storeId: b.store.storeId, name: 'b' })
    expect(diffs).toEqual([])
    // a change made before the frame goes out travels with it
    a.store.edit(headers[1].id, d => d.getText('t').insert(0, 'Vor Ort: '))
    const updates = fromA.filter((m): m is UpdateMessage => m.type === 'update')
    expect(updates.map(m => m.doc)).toEqual(headers.map(h => h.id))
    const copy = new Y.Doc()
    Y.applyUpdate(copy, updates[1].update)
    expect(copy.getText('t').toString()).toBe('Vor Ort: Frostschutz')
    expect(diffs).toEqual([headers[1].id])
  })
})
