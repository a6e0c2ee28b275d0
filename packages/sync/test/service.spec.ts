import { describe, it, expect, afterEach } from 'vitest'
import { connect, createDoc, disconnect, edit, share, testNode, textOf, until, waitFor } from './fixtures.ts'
import type { TestNode } from './fixtures.ts'

describe('sync service over loopback TCP', () => {
  const nodes: TestNode[] = []
  const make = async (name: string, markDelay?: number): Promise<TestNode> => {
    const n = await testNode(name, { markDelay })
    nodes.push(n)
    return n
  }
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map(async n => { await n.stop() }))
  })

  it('sends a shared document to the grantee and nothing of an unshared one', async () => {
    const a = await make('riverside')
    const b = await make('hillview')
    const shared = await createDoc(a, 'Handling abnormal blood results: who acts, by when')
    const secret = await createDoc(a, 'Internal rota for December')
    await share(a, shared.id, b.id, 'read')
    await connect(a, b)
    await until([b.store], () => textOf(b, shared.id) === 'Handling abnormal blood results: who acts, by when')
    expect(b.store.has(secret.id)).toBe(false)
    expect(b.store.list().map(i => i.id)).toEqual([shared.id])
  })

  it('pushes live edits both ways and sharing later sends the document then', async () => {
    const a = await make('a')
    const b = await make('b')
    await connect(a, b)
    const doc = await createDoc(a, 'Repeat prescription requests')
    expect(b.store.has(doc.id)).toBe(false)
    await share(a, doc.id, b.id, 'edit')
    await until([b.store], () => textOf(b, doc.id) === 'Repeat prescription requests')
    edit(b, doc.id, t => t.insert(t.length, ': 2-working-day turnaround'))
    await until([a.store], () => textOf(a, doc.id) === 'Repeat prescription requests: 2-working-day turnaround')
    edit(a, doc.id, t => t.delete(0, 7))
    await until([b.store], () => textOf(b, doc.id) === 'prescription requests: 2-working-day turnaround')
  })

  it('acknowledging starts no MARK/ACK exchange: one frame out per live edit', async () => {
    // no MARK by timer during the test: MARKs go only with frames that carry content
    const a = await make('a', 600_000)
    const b = await make('b', 600_000)
    const doc = await createDoc(a, 'Hand hygiene audit')
    await share(a, doc.id, b.id, 'edit')
    await connect(a, b)
    await until([b.store], () => textOf(b, doc.id) === 'Hand hygiene audit')
    const framesOut = a.sync.stats.framesOut
    let expected = 'Hand hygiene audit'
    for (let i = 0; i < 20; i++) {
      edit(a, doc.id, t => t.insert(t.length, '.'))
      expected += '.'
      await until([b.store], () => textOf(b, doc.id) === expected)
    }
    // each edit went out as one frame (its update, and a MARK of what A had landed); B's ACKs
    // carried no MARK of B's own, so A had nothing to acknowledge (one ACK from the set-up may
    // still have been on its way)
    expect(a.sync.stats.framesOut - framesOut).toBeGreaterThanOrEqual(20)
    expect(a.sync.stats.framesOut - framesOut).toBeLessThanOrEqual(21)
  })

  it('relays through a peer that both may reach, and carries edits back while the owner is away', async () => {
    const a = await make('a')
    const b = await make('b')
    const c = await make('c')
    const doc = await createDoc(a, 'Baugrube sichern')
    await share(a, doc.id, b.id, 'edit')
    await share(a, doc.id, c.id, 'edit')
    await connect(a, b)
    await connect(b, c)
    await until([c.store], () => textOf(c, doc.id) === 'Baugrube sichern')
    await disconnect(a, b)
    edit(c, doc.id, t => t.insert(t.length, ' – Checkliste'))
    await until([b.store], () => textOf(b, doc.id) === 'Baugrube sichern – Checkliste')
    await connect(a, b)
    await until([a.store], () => textOf(a, doc.id) === 'Baugrube sichern – Checkliste')
  })

  it('relays through a reader: the owner\'s later edits reach a reader it never meets, as the owner signed them', async () => {
    const a = await make('a')
    const b = await make('b')
    const c = await make('c')
    const doc = await createDoc(a, 'Sturzprophylaxe')
    await share(a, doc.id, b.id, 'read')
    await share(a, doc.id, c.id, 'read')
    await connect(a, b)
    await until([b.store], () => textOf(b, doc.id) === 'Sturzprophylaxe')
    await connect(b, c)
    await until([c.store], () => textOf(c, doc.id) === 'Sturzprophylaxe')
    edit(a, doc.id, t => t.insert(t.length, ' im Pflegeheim'))
    await until([c.store], () => textOf(c, doc.id) === 'Sturzprophylaxe im Pflegeheim')
    expect(c.store.envelopeVector(doc.id)).toEqual(a.store.envelopeVector(doc.id))
    expect(a.libp2p.getConnections(c.libp2p.peerId)).toEqual([])
  })

  it('refuses to relay to a peer without a grant', async () => {
    const a = await make('a')
    const b = await make('b')
    const d = await make('d')
    const doc = await createDoc(a, 'Vaccine fridge cold-chain breach: first-hour checklist')
    await share(a, doc.id, b.id, 'edit')
    await connect(a, b)
    await connect(b, d)
    await until([b.store], () => textOf(b, doc.id) != null)
    edit(b, doc.id, t => t.insert(0, '! '))
    await until([a.store], () => textOf(a, doc.id)?.startsWith('! ') === true)
    expect(d.store.list()).toEqual([])
  })

  it('after a reconnect with nothing changed exchanges no offers', async () => {
    const a = await make('a')
    const b = await make('b')
    const docs: Array<Awaited<ReturnType<typeof createDoc>>> = []
    for (let i = 0; i < 20; i++) {
      const d = await createDoc(a, `Practice ${i}`)
      await share(a, d.id, b.id, 'read')
      docs.push(d)
    }
    const acked = waitFor(a, 'sync:ack', e => e.peer === b.id && e.seq === a.store.changeSeq)
    await connect(a, b)
    await until([b.store], () => docs.every(d => textOf(b, d.id) != null))
    await acked
    // b's own change sequence moved as it stored a's documents: wait until a confirmed that too
    if (b.store.checkpoint(a.id, a.store.storeId) < b.store.changeSeq) {
      await waitFor(b, 'sync:ack', e => e.peer === a.id && e.seq === b.store.changeSeq)
    }
    await disconnect(a, b)
    const before = { in: a.sync.stats.bytesIn + b.sync.stats.bytesIn, out: a.sync.stats.bytesOut + b.sync.stats.bytesOut }
    const ackedAgain = waitFor(b, 'sync:ack', e => e.peer === a.id)
    await connect(a, b)
    await ackedAgain
    const bytes = a.sync.stats.bytesOut + b.sync.stats.bytesOut - before.out
    // two HELLOs, MARKs and ACKs: no offer for any of the 20 documents
    expect(bytes).toBeLessThan(200)
  })
})
