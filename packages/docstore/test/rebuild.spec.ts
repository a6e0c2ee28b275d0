/**
 * The rebuild after a removal (docs/authorship.md, "Removal, deletions included") takes only what a
 * node holds: a checkpoint that leaves the removed member's late envelopes out, plus every envelope
 * after it. A node that caught up from a checkpoint covering those envelopes holds no such base and
 * not the envelopes the checkpoint stands for; rebuilding it from the envelopes after the
 * checkpoint alone would drop every acknowledged edit the checkpoint carries. And it neutralises
 * only what an envelope arriving after the removal is applied as: the owner's changes to its own
 * document count on every node, whether they came before the removal or after.
 */
import { describe, expect, it } from 'vitest'
import { CHECKPOINT_KIND, decodeEnvelope, signedItemKind } from '@commonplace/core'
import type { DocId, DocumentStore, OrgId } from '@commonplace/core'
import { memoryStore } from '@commonplace/storage'
import { createDocumentGate, createDocumentStore } from '../src/index.ts'
import { deliver, newHeader, removalOf, signingStore, testOrg } from './fixtures.ts'

const text = (store: DocumentStore, id: DocId): string => store.read(id, doc => doc.getText('t').toString())

describe('the rebuild after a removal', () => {
  it('leaves a holder that caught up from a checkpoint as it is: nothing the checkpoint carries is lost', async () => {
    const a = await testOrg()
    const e = await testOrg()
    const header = await newHeader(a)
    // each checkpoint with the change that makes it due: two of them before C joins
    const A = signingStore(a, memoryStore(), undefined, { checkpointQuietMs: 0 })
    A.store.create(header, doc => doc.getText('t').insert(0, 'Quarantine the stock. '))
    A.store.flush()
    const E = signingStore(e)
    E.store.mergeAccess(header, [], { kind: 'peer', peer: a.id })
    deliver(A.signed, E.store, header.id, a.id)
    E.store.edit(header.id, doc => doc.getText('t').insert(0, 'E before. '))
    E.store.flush()
    const frontier = 1
    // E's envelope 2, written after the facilitator took the frontier, reaches the owner
    E.store.edit(header.id, doc => doc.getText('t').insert(0, 'E late. '))
    E.store.flush()
    const fromE = E.signed.filter(s => decodeEnvelope(s).signer === e.id)
    expect(deliver(fromE, A.store, header.id, e.id)).toEqual(['applied', 'applied'])
    // the owner writes on: two checkpoints, both covering E's late envelope; what they cover is pruned
    for (let i = 0; i < 300; i++) {
      A.store.edit(header.id, doc => doc.getText('t').insert(doc.getText('t').length, `A${i} ${'x'.repeat(500)} `))
      A.store.flush()
    }

    // C joins now: it is given the latest checkpoint, then the envelopes after it
    const fresh = A.store.signedSince(header.id, { vector: {} }, 64 * 1024 * 1024)
    expect(signedItemKind(fresh.items[0])).toBe(CHECKPOINT_KIND)
    const removal = removalOf(e.id, frontier)
    const C = signingStore(await testOrg(), memoryStore(), removal.mayEdit)
    C.store.mergeAccess(header, [], { kind: 'peer', peer: a.id })
    expect(deliver(fresh.items, C.store, header.id, a.id).every(o => o === 'applied')).toBe(true)
    const held = C.store.digest(header.id)
    expect(held).toEqual(A.store.digest(header.id))
    expect(text(C.store, header.id)).toMatch(/^E late\. E before\. Quarantine the stock\. A0 x+ A1 /)

    // then it hears of E's removal: no base leaves E's late envelope out, so the document stays whole
    removal.learn()
    expect(C.store.refuseBeyond(header.id, e.id, frontier)).toBe(0)
    expect(C.store.digest(header.id)).toEqual(held)
    expect(text(C.store, header.id)).toContain(' A299 ')
    // A's later edits still apply on top, and the copy on disk is whole too
    A.store.edit(header.id, doc => doc.getText('t').insert(0, 'A: '))
    A.store.flush()
    expect(deliver(A.signed.slice(-1), C.store, header.id, a.id)).toEqual(['applied'])
    expect(C.store.digest(header.id)).toEqual(A.store.digest(header.id))
    C.store.close()
    expect(createDocumentStore({ storage: C.kv }).digest(header.id)).toEqual(A.store.digest(header.id))
  })
  it('keeps the changes a removed owner made to its own document, as a node that held the removal first applies them', async () => {
    const r = await testOrg()
    const header = await newHeader(r)
    const frontier = 1
    // what the node decides with: the document gate, whose removal frontier each store learns
    const gated = async (): Promise<{ store: DocumentStore, learn: () => void }> => {
      let known = false
      let mayApply: (doc: DocId, org: OrgId, seq: number) => boolean | 'removed' = () => false
      const { store } = signingStore(await testOrg(), memoryStore(), (doc, org, seq) => mayApply(doc, org, seq))
      const gate = createDocumentGate({ store }, { self: r.id, removalFrontier: (_acl, _doc, org) => known && org === r.id ? frontier : undefined })
      mayApply = gate.mayApply
      store.mergeAccess(header, [], { kind: 'peer', peer: r.id })
      return { store, learn: () => { known = true } }
    }
    const R = signingStore(r)
    R.store.create(header, doc => doc.getText('t').insert(0, 'Readings twice a day.'))
    R.store.flush()
    // R, removed from the network while partitioned, goes on writing in its own document
    R.store.edit(header.id, doc => doc.getText('t').insert(0, 'R late. '))
    R.store.flush()
    expect(R.signed).toHaveLength(2)

    // B had R's late envelope before it heard of the removal; C heard of the removal first
    const B = await gated()
    expect(deliver(R.signed, B.store, header.id, r.id)).toEqual(['applied', 'applied'])
    B.learn()
    expect(B.store.refuseBeyond(header.id, r.id, frontier)).toBe(0)
    const C = await gated()
    C.learn()
    expect(deliver(R.signed, C.store, header.id, r.id)).toEqual(['applied', 'applied'])
    expect(text(B.store, header.id)).toBe('R late. Readings twice a day.')
    expect(C.store.digest(header.id)).toEqual(B.store.digest(header.id))
  })
})
