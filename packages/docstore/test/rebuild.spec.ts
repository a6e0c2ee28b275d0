/**
 * The rebuild after a removal (docs/authorship.md, "Removal, deletions included") takes only what a
 * node holds: a checkpoint that leaves the removed member's late envelopes out, plus every envelope
 * after it. A node that caught up from a checkpoint covering those envelopes holds no such base and
 * not the envelopes the checkpoint stands for; rebuilding it from the envelopes after the
 * checkpoint alone would drop every acknowledged edit the checkpoint carries.
 */
import { describe, expect, it } from 'vitest'
import { CHECKPOINT_KIND, decodeEnvelope, signedItemKind } from '@commonplace/core'
import type { DocId, DocumentStore } from '@commonplace/core'
import { createDocumentStore } from '../src/index.ts'
import { deliver, newHeader, signingStore, testOrg } from './fixtures.ts'

const text = (store: DocumentStore, id: DocId): string => store.read(id, doc => doc.getText('t').toString())

describe('the rebuild after a removal', () => {
  it('leaves a holder that caught up from a checkpoint as it is: nothing the checkpoint carries is lost', async () => {
    const a = await testOrg()
    const e = await testOrg()
    const header = await newHeader(a)
    const A = signingStore(a)
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
    const C = signingStore(await testOrg())
    C.store.mergeAccess(header, [], { kind: 'peer', peer: a.id })
    expect(deliver(fresh.items, C.store, header.id, a.id).every(o => o === 'applied')).toBe(true)
    const held = C.store.digest(header.id)
    expect(held).toEqual(A.store.digest(header.id))
    expect(text(C.store, header.id)).toMatch(/^E late\. E before\. Quarantine the stock\. A0 x+ A1 /)

    // then it hears of E's removal: no base leaves E's late envelope out, so the document stays whole
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
})
