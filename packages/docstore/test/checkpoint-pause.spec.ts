/**
 * When the owner checkpoints (docs/authorship.md, Storage and compaction): a due checkpoint waits
 * for a pause in the document's changes and is then announced on its own; while editing goes on
 * without a pause, it rides with the change that makes it overdue.
 */
import { describe, expect, it } from 'vitest'
import { CHECKPOINT_KIND, decodeCheckpoint, signedItemKind } from '@commonplace/core'
import type { DocId, DocumentChange, DocumentStore } from '@commonplace/core'
import { memoryStore } from '@commonplace/storage'
import { deliver, newHeader, signingStore, testOrg } from './fixtures.ts'

const text = (store: DocumentStore, id: DocId): string => store.read(id, doc => doc.getText('t').toString())
const checkpointsIn = (items: Uint8Array[]): Uint8Array[] => items.filter(s => signedItemKind(s) === CHECKPOINT_KIND)

/** The next change `store` announces that carries a checkpoint. */
async function nextCheckpoint (store: DocumentStore): Promise<DocumentChange> {
  return await new Promise(resolve => {
    const off = store.onChange(change => {
      if (checkpointsIn(change.signed ?? []).length === 0) return
      off()
      resolve(change)
    })
  })
}

describe('checkpoints wait for a pause', () => {
  it('signs a due checkpoint once the changes pause, announced on its own, and a holder takes it', async () => {
    const a = await testOrg()
    const header = await newHeader(a)
    const A = signingStore(a, memoryStore(), undefined, { checkpointQuietMs: 20 })
    A.store.create(header, doc => doc.getText('t').insert(0, 'Frost protocol. '))
    A.store.flush()
    const B = signingStore(await testOrg())
    B.store.mergeAccess(header, [], { kind: 'peer', peer: a.id })
    // about 75 KB of envelopes: due (64 KiB), not overdue
    for (let i = 0; i < 150; i++) {
      A.store.edit(header.id, doc => doc.getText('t').insert(0, 'x'.repeat(500)))
      A.store.flush()
    }
    expect(checkpointsIn(A.signed)).toEqual([])
    const paused = await nextCheckpoint(A.store)
    expect(paused.origin.kind).toBe('storage')
    expect(paused.update).toBeUndefined()
    const [checkpoint] = checkpointsIn(paused.signed ?? [])
    expect(decodeCheckpoint(checkpoint).covers).toEqual([{ org: a.id, seq: 151, hash: expect.any(Uint8Array) }])
    // kept like any checkpoint: the store names it as its latest
    A.store.flush()
    expect(A.store.envelopeVector(header.id).checkpoint).toBeInstanceOf(Uint8Array)
    // a holder that followed along takes it as the next item
    expect(deliver(A.signed, B.store, header.id, a.id).filter(o => o !== 'applied')).toEqual([])
    expect(text(B.store, header.id)).toBe(text(A.store, header.id))
    expect(B.store.envelopeVector(header.id)).toEqual(A.store.envelopeVector(header.id))
    A.store.close()
  })

  it('while editing goes on without a pause, the checkpoint rides with the change that makes it overdue', async () => {
    const a = await testOrg()
    const header = await newHeader(a)
    const A = signingStore(a, memoryStore(), undefined, { checkpointQuietMs: 60_000 })
    A.store.create(header, doc => doc.getText('t').insert(0, 'Frost protocol. '))
    A.store.flush()
    let edits = 0
    while (checkpointsIn(A.signed).length === 0 && edits < 400) {
      A.store.edit(header.id, doc => doc.getText('t').insert(0, 'x'.repeat(500)))
      A.store.flush()
      edits++
    }
    // past twice the 64 KiB that made it due (envelopes of about 700 bytes: due after about 90)
    expect(edits).toBeGreaterThan(150)
    const rider = A.changes.find(c => checkpointsIn(c.signed ?? []).length > 0)
    expect(rider?.origin.kind).toBe('local')
    expect(rider?.update).toBeInstanceOf(Uint8Array)
    A.store.close()
  })
})
