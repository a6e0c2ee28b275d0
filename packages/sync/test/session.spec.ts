import { describe, it, expect } from 'vitest'
import { memoryStore } from '@commonplace/storage'
import { deriveDocId, nextGrantSeq, randomNonce, signGrant } from '@commonplace/core'
import type { DocHeader, DocumentStore, OrgId } from '@commonplace/core'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { MAX_REFUSALS_PER_SESSION, createSyncSession } from '../src/index.ts'
import type { EnvelopesMessage, Message, SyncSession } from '../src/index.ts'
import { craftEnvelope, signingStore } from './fixtures.ts'

async function org (storage = memoryStore()): Promise<{ key: Awaited<ReturnType<typeof generateKeyPair>>, id: OrgId, store: DocumentStore }> {
  const key = await generateKeyPair('Ed25519')
  return { key, id: peerIdFromPrivateKey(key).toString() as OrgId, store: signingStore(key, storage) }
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

const textAt = (o: Org, id: DocHeader['id']): string | undefined => o.store.has(id) ? o.store.read(id, d => d.getText('t').toString()) : undefined
const hello = (storeId: string): Message => ({ type: 'hello', version: 2, storeId, name: '' })

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
    expect(textAt(b, header.id)).toBe('Betonieren bei Frost')
    expect(b.store.has(hidden.id)).toBe(false)
    expect(JSON.stringify(log.map(m => ('doc' in m ? m.doc : m.type === 'access' ? m.header.id : '')))).not.toContain(hidden.id)
    expect(log.filter(m => m.type === 'ack').length).toBeGreaterThan(0)
    expect(a.store.checkpoint(b.id, b.store.storeId)).toBe(a.store.changeSeq)
    expect(b.store.envelopeVector(header.id)).toEqual(a.store.envelopeVector(header.id))

    // a second meeting with nothing changed: no offers at all
    const again = await pump(
      createSyncSession({ self: a.id, peer: b.id, store: a.store }),
      createSyncSession({ self: b.id, peer: a.id, store: b.store }),
      [[hello(a.store.storeId)], [hello(b.store.storeId)]]
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
    expect(textAt(b, header.id)).toBe('x')
  })

  it('refuses a change a reader signed itself, counts it, and applies nothing', async () => {
    const a = await org()
    const r = await org()
    const header = await docAt(a, 'original')
    await grant(a, header, r.id, 'read')
    const refused: string[] = []
    const sa = createSyncSession({ self: a.id, peer: r.id, store: a.store, onRefused: e => refused.push(e.code) })
    await sa.receive(hello('r'))
    const item = await craftEnvelope(r.key, header.id, a.store.diff(header.id), d => d.getText('t').insert(0, 'evil '))
    const before = a.store.envelopeVector(header.id)
    const out = await sa.receive({ type: 'envelopes', doc: header.id, items: [item], more: false })
    expect(out).toMatchObject([{ type: 'error', code: 'ERR_FORBIDDEN', doc: header.id }])
    expect(refused).toEqual(['ERR_FORBIDDEN'])
    expect(textAt(a, header.id)).toBe('original')
    expect(a.store.envelopeVector(header.id)).toEqual(before)
  })

  it('takes the owner\'s signed changes from a reader that relays them, and refuses them altered', async () => {
    const a = await org()
    const b = await org()
    const c = await org()
    const header = await docAt(a, 'Sturzprophylaxe')
    await grant(a, header, b.id, 'read')
    await grant(a, header, c.id, 'read')
    await pump(...pair(a, b))
    a.store.edit(header.id, d => d.getText('t').insert(d.getText('t').length, ' im Heim'))
    const live: EnvelopesMessage[] = []
    const off = b.store.onChange(change => { if (change.signed != null) live.push({ type: 'envelopes', doc: change.id, items: change.signed, more: false }) })
    await pump(...pair(a, b))
    off()
    expect(textAt(b, header.id)).toBe('Sturzprophylaxe im Heim')

    // B (a reader) meets C, which A never met: C gets A's document and later change from B
    await pump(...pair(b, c))
    expect(textAt(c, header.id)).toBe('Sturzprophylaxe im Heim')
    expect(c.store.envelopeVector(header.id)).toEqual(a.store.envelopeVector(header.id))

    // a relay that alters a signed change: refused by its signature, nothing applied
    const d = await org()
    await grant(a, header, d.id, 'read')
    const sd = createSyncSession({ self: d.id, peer: b.id, store: d.store })
    await sd.receive(hello(b.store.storeId))
    await sd.receive({ type: 'access', header, grants: a.store.access(header.id)!.grants })
    const items = b.store.signedSince(header.id, { vector: {} }).items.map(i => i.slice())
    const last = items[items.length - 1]
    last[last.length - 70] ^= 1
    const out = await sd.receive({ type: 'envelopes', doc: header.id, items, more: false })
    expect(out.filter(m => m.type === 'error').map(m => (m as { code: string }).code)).toContain('ERR_ENVELOPE_SIGNATURE')
    expect(textAt(d, header.id)).not.toContain('im Heim')
    expect(live.length).toBeGreaterThan(0)
  })

  it('asks with its envelope vector when a change waits for an earlier one', async () => {
    const a = await org()
    const b = await org()
    const header = await docAt(a, 'Wundversorgung')
    await grant(a, header, b.id, 'edit')
    await pump(...pair(a, b))
    const changes: Uint8Array[] = []
    for (const word of ['A: ', 'B: ']) {
      // one burst each: the next edit waits until the store announced (and signed) this one
      const announced = new Promise<void>(resolve => {
        const off = a.store.onChange(change => { changes.push(...(change.signed ?? [])); off(); resolve() })
      })
      a.store.edit(header.id, d => d.getText('t').insert(0, word))
      await announced
    }
    expect(changes).toHaveLength(2)
    const sb = createSyncSession({ self: b.id, peer: a.id, store: b.store })
    await sb.receive(hello(a.store.storeId))
    const out = await sb.receive({ type: 'envelopes', doc: header.id, items: [changes[1]], more: false })
    expect(out).toEqual([{ type: 'want', doc: header.id, holdings: b.store.envelopeVector(header.id) }])
    // asked once with these holdings: the same gap again asks no more
    expect(await sb.receive({ type: 'envelopes', doc: header.id, items: [changes[1]], more: false })).toEqual([])
  })

  it(`ends the session after ${MAX_REFUSALS_PER_SESSION} items no honest node sends, not for items refused for lack of rights`, async () => {
    const a = await org()
    const r = await org()
    const header = await docAt(a, 'original')
    await grant(a, header, r.id, 'read')
    const sa = createSyncSession({ self: a.id, peer: r.id, store: a.store })
    await sa.receive(hello('r'))
    const item = await craftEnvelope(r.key, header.id, a.store.diff(header.id), d => d.getText('t').insert(0, 'evil '))
    // refused for lack of rights (an honest relay ahead of us in grants or rosters sends such items too)
    const forbidden = Array.from({ length: MAX_REFUSALS_PER_SESSION + 1 }, () => item)
    expect(await sa.receive({ type: 'envelopes', doc: header.id, items: forbidden, more: false })).toHaveLength(MAX_REFUSALS_PER_SESSION + 1)
    // a forged signature
    const forged = item.slice()
    forged[forged.length - 1] ^= 1
    const items = Array.from({ length: MAX_REFUSALS_PER_SESSION }, () => forged)
    const out = await sa.receive({ type: 'envelopes', doc: header.id, items, more: false })
    expect(new Set(out.map(m => (m as { code: string }).code))).toEqual(new Set(['ERR_ENVELOPE_SIGNATURE']))
    await expect(sa.receive({ type: 'envelopes', doc: header.id, items: [forged], more: false })).rejects.toMatchObject({ name: 'ProtocolError' })
    expect(textAt(a, header.id)).toBe('original')
  })

  it('sends the ACK of a MARK only once what it confirms is on disk', async () => {
    const a = await org()
    const memory = memoryStore()
    const held: Array<() => void> = []
    const release = (): void => { for (const resolve of held.splice(0)) resolve() }
    // B's storage puts batches on disk when the test says so
    const b = await org({ ...memory, sync: async () => { await new Promise<void>(resolve => { held.push(resolve) }) } })
    const header = await docAt(a, 'Schalung prüfen')
    await grant(a, header, b.id, 'edit')
    const { sb, fromA } = await meet(a, b)
    expect(fromA.map(m => m.type)).toEqual(['access', 'envelopes', 'mark'])
    for (const m of fromA.slice(0, -1)) expect(await sb.receive(m)).toEqual([])
    let answered: Message[] | undefined
    const acking = sb.receive(fromA[2]).then(out => { answered = out })
    await new Promise(resolve => setImmediate(resolve))
    expect(answered).toBeUndefined()
    expect(b.store.changeSeq).toBe(0)
    expect(textAt(b, header.id)).toBe('Schalung prüfen')
    release()
    await acking
    expect(answered).toEqual([{ type: 'ack', seq: a.store.changeSeq }])
    expect(b.store.changeSeq).toBeGreaterThanOrEqual(2) // the access list, then the signed items
  })

  it('treats anything before HELLO, and a HELLO of protocol 1, as a protocol error', async () => {
    const a = await org()
    const s = createSyncSession({ self: a.id, peer: a.id, store: a.store })
    await expect(s.receive({ type: 'mark', seq: 1 })).rejects.toMatchObject({ name: 'ProtocolError' })
    await expect(s.receive({ type: 'hello', version: 1, storeId: 'old', name: '' })).rejects.toMatchObject({ name: 'ProtocolError' })
  })

  it('sends documents whole to a peer store it never met, with no offer', async () => {
    const a = await org()
    const b = await org()
    const header = await docAt(a, 'Schalung prüfen')
    await grant(a, header, b.id, 'read')
    const { sb, fromA } = await meet(a, b)
    expect(fromA.map(m => m.type)).toEqual(['access', 'envelopes', 'mark'])
    const replies: Message[] = []
    for (const m of fromA) replies.push(...await sb.receive(m))
    expect(replies).toEqual([{ type: 'ack', seq: a.store.changeSeq }])
    expect(textAt(b, header.id)).toBe('Schalung prüfen')
  })

  it('reads a whole document\'s signed items when the message is encoded, not when HELLO is answered', async () => {
    const a = await org()
    const b = await org()
    const headers = [await docAt(a, 'Bewehrung abnehmen'), await docAt(a, 'Frostschutz')]
    for (const h of headers) await grant(a, h, b.id, 'read')
    const reads: string[] = []
    const since = a.store.signedSince.bind(a.store)
    a.store.signedSince = (id, have, max) => { reads.push(id); return since(id, have, max) }
    const sa = createSyncSession({ self: a.id, peer: b.id, store: a.store })
    const fromA = await sa.receive(hello(b.store.storeId))
    expect(reads).toEqual([])
    // a change made before the frame goes out travels with it
    a.store.edit(headers[1].id, d => d.getText('t').insert(0, 'Vor Ort: '))
    // this turn announced local changes already (the documents, their grants): this one is signed at its end
    await new Promise(resolve => setImmediate(resolve))
    const pushed = fromA.filter((m): m is EnvelopesMessage => m.type === 'envelopes')
    expect(pushed.map(m => m.doc)).toEqual(headers.map(h => h.id))
    const sb = createSyncSession({ self: b.id, peer: a.id, store: b.store })
    await sb.receive(hello(a.store.storeId))
    for (const m of fromA) if (m.type !== 'envelopes' || m.doc === headers[1].id) await sb.receive(m)
    expect(textAt(b, headers[1].id)).toBe('Vor Ort: Frostschutz')
    expect(reads).toEqual([headers[1].id])
  })
})

/** Two fresh sessions between x and y and their HELLOs, for `pump`. */
function pair (x: Org, y: Org): [SyncSession, SyncSession, [Message[], Message[]]] {
  const sx = createSyncSession({ self: x.id, peer: y.id, store: x.store })
  const sy = createSyncSession({ self: y.id, peer: x.id, store: y.store })
  return [sx, sy, [sx.open(), sy.open()]]
}
