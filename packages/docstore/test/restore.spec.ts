import { describe, it, expect } from 'vitest'
import { memoryStore } from '@commonplace/storage'
import { EnvelopeSignatureError, StorageCorruptError } from '@commonplace/core'
import type { DocId, DocumentStore, KeyValueStore } from '@commonplace/core'
import { createDocumentStore } from '../src/index.ts'
import { newHeader, testOrg } from './fixtures.ts'
import type { TestOrg } from './fixtures.ts'

const text = (store: DocumentStore, id: DocId): string => store.read(id, doc => doc.getText('t').toString())

function open (org: TestOrg, kv: KeyValueStore): { store: DocumentStore, signed: Uint8Array[] } {
  const store = createDocumentStore({ storage: kv }, { signer: { org: org.id, key: org.key } })
  const signed: Uint8Array[] = []
  store.onChange(c => { signed.push(...c.signed ?? []) })
  return { store, signed }
}

/** Flip a bit in the first stored log row of `id` (the store is closed). */
function damage (kv: KeyValueStore, id: DocId): void {
  const [[key, value]] = kv.range({ gte: `u/${id}/`, lt: `u/${id}0` })
  const flipped = value.slice()
  flipped[flipped.length - 1] ^= 1
  kv.write([{ type: 'put', key, value: flipped }])
}

describe('restoring a quarantined document from signed items', () => {
  it('checks a peer\'s items like any others, adds our own it lacks, and takes the document out of quarantine', async () => {
    const [a, b] = [await testOrg(), await testOrg()]
    const header = await newHeader(a)
    const kv = memoryStore()
    let A = open(a, kv)
    A.store.create(header, doc => doc.getText('t').insert(0, 'eins'))
    A.store.flush()
    const B = open(b, memoryStore())
    B.store.mergeAccess(header, [], { kind: 'peer', peer: a.id })
    for (const item of A.signed) B.store.applySigned(header.id, item, { kind: 'peer', peer: a.id })
    // an edit of ours the peer never gets, then one of the peer's we have
    A.store.edit(header.id, doc => doc.getText('t').insert(4, ' zwei'))
    B.store.edit(header.id, doc => doc.getText('t').insert(0, '> '))
    B.store.flush()
    for (const item of B.signed) A.store.applySigned(header.id, item, { kind: 'peer', peer: b.id })
    A.store.close()
    damage(kv, header.id)

    A = open(a, kv)
    expect(() => text(A.store, header.id)).toThrow(expect.objectContaining({ code: 'ERR_STORAGE_CORRUPT' }))
    expect(A.store.quarantined().map(q => q.id)).toEqual([header.id])
    // asked for as holding nothing; nothing given while quarantined
    expect(A.store.envelopeVector(header.id)).toEqual({ vector: {} })
    expect(A.store.signedSince(header.id, { vector: {} })).toEqual({ items: [], more: false })
    B.store.edit(header.id, doc => doc.getText('t').insert(0, '3 '))
    B.store.flush()

    const { items } = B.store.signedSince(header.id, A.store.envelopeVector(header.id))
    // a forged item is refused, typed, and restores nothing
    const forged = items[0].slice()
    forged[forged.length - 1] ^= 1
    expect(() => A.store.applySigned(header.id, forged, { kind: 'peer', peer: b.id })).toThrow(EnvelopeSignatureError)
    expect(A.store.quarantined()).toHaveLength(1)
    for (const item of items) A.store.applySigned(header.id, item, { kind: 'peer', peer: b.id })
    expect(A.store.quarantined()).toEqual([])
    expect(text(A.store, header.id)).toBe('3 > eins zwei')

    // restored for good: our chain goes on where it was, the peer takes our next edit
    A.signed.length = 0
    A.store.edit(header.id, doc => doc.getText('t').insert(0, '!'))
    A.store.flush()
    await A.store.whenDurable()
    const ours = A.store.signedSince(header.id, B.store.envelopeVector(header.id)).items
    expect(ours.map(item => B.store.applySigned(header.id, item, { kind: 'peer', peer: a.id }))).toEqual(['applied', 'applied'])
    expect(text(B.store, header.id)).toBe('!3 > eins zwei')
    A.store.close()
    A = open(a, kv)
    expect(text(A.store, header.id)).toBe('!3 > eins zwei')
    expect(A.store.quarantined()).toEqual([])
  })
})

/**
 * `kv` with the rows of `unreadable` keys behind a damaged page, as SQLite has them: reading one,
 * or a range over one, gives ERR_STORAGE_CORRUPT with SQLite's own sentence.
 */
function behindDamagedPage (kv: KeyValueStore, unreadable: Set<string>): KeyValueStore {
  const malformed = (): never => { throw new StorageCorruptError('Reading commonplace.db failed: database disk image is malformed') }
  return {
    ...kv,
    get: key => unreadable.has(key) ? malformed() : kv.get(key),
    range: options => {
      const rows = kv.range({ ...options, limit: undefined })
      const stop = rows.findIndex(([key]) => unreadable.has(key))
      const limit = options.limit ?? Infinity
      if (stop >= 0 && stop < limit) malformed()
      return rows.slice(0, limit)
    }
  }
}

describe('a document whose own records a damaged page hides', () => {
  it('is quarantined by any read of them, refused with the quarantine\'s error, and the others are still listed', async () => {
    const a = await testOrg()
    const kv = memoryStore()
    let A = open(a, kv)
    const headers = [await newHeader(a), await newHeader(a), await newHeader(a)]
    for (const h of headers) A.store.create(h, doc => doc.getText('t').insert(0, `text of ${h.id}`))
    A.store.flush()
    A.store.close()
    const [infoLost, aclLost, fine] = headers.map(h => h.id)
    const damaged = behindDamagedPage(kv, new Set([`i/${infoLost}`, `a/${aclLost}`]))
    A = open(a, damaged)

    // every read of the document, whichever record it meets first, gets the quarantine's sentence
    const refused = expect.objectContaining({ code: 'ERR_STORAGE_CORRUPT', message: expect.stringContaining('quarantined') })
    expect(() => A.store.has(infoLost)).toThrow(refused)
    for (const read of [() => A.store.info(infoLost), () => text(A.store, infoLost), () => A.store.attribution(infoLost), () => A.store.lastChanges(infoLost)]) {
      expect(read).toThrow(refused)
    }
    expect(() => A.store.access(aclLost)).toThrow(refused)
    expect(A.store.quarantined().map(q => q.id).sort()).toEqual([infoLost, aclLost].sort())
    // the listing goes on past the damaged entry; a meeting offers the rest
    expect(A.store.list().map(info => info.id).sort()).toEqual([aclLost, fine].sort())
    expect(A.store.changesSince(0).map(c => c.id)).toContain(fine)
    expect(text(A.store, fine)).toBe(`text of ${fine}`)
  })
})
