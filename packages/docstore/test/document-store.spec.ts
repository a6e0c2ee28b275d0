import { describe, it, expect, beforeEach } from 'vitest'
import * as Y from 'yjs'
import { memoryStore } from '@commonplace/storage'
import { CorruptUpdateError, InvalidStatementError, NotFoundError, OversizedMessageError, StorageFullError } from '@commonplace/core'
import type { DocumentChange, DocumentStore, KeyValueStore } from '@commonplace/core'
import { createDocumentStore } from '../src/index.ts'
import { grantFor, newHeader, testOrg } from './fixtures.ts'
import type { TestOrg } from './fixtures.ts'

const text = (store: DocumentStore, id: Parameters<DocumentStore['read']>[0]): string =>
  store.read(id, doc => doc.getText('t').toString())

describe('document store', () => {
  let kv: KeyValueStore
  let store: DocumentStore
  let owner: TestOrg

  beforeEach(async () => {
    kv = memoryStore()
    store = createDocumentStore({ storage: kv })
    owner = await testOrg()
  })

  it('creates a document, indexes its title and kind, and keeps it across a reopen', async () => {
    const header = await newHeader(owner)
    const changes: DocumentChange[] = []
    store.onChange(c => changes.push(c))
    store.create(header, doc => {
      doc.getMap('meta').set('title', 'Betonieren bei Frost')
      doc.getMap('meta').set('kind', 'practice')
      doc.getText('t').insert(0, 'Frischbeton vor Frost schützen')
    })
    expect(changes).toHaveLength(0)
    store.flush()
    expect(store.info(header.id)).toMatchObject({ title: 'Betonieren bei Frost', kind: 'practice', owner: owner.id })
    expect(changes).toHaveLength(1)
    expect(changes[0]).toMatchObject({ id: header.id, accessChanged: true, origin: { kind: 'local' } })
    expect(changes[0].update).toBeInstanceOf(Uint8Array)

    const reopened = createDocumentStore({ storage: kv })
    expect(reopened.list().map(i => i.id)).toEqual([header.id])
    expect(text(reopened, header.id)).toBe('Frischbeton vor Frost schützen')
    expect(reopened.access(header.id)?.header).toEqual(header)
    expect(reopened.changeSeq).toBe(store.changeSeq)
    expect(reopened.storeId).toBe(store.storeId)
  })

  it('applies a peer update once: a duplicate changes nothing and writes nothing', async () => {
    const header = await newHeader(owner)
    store.create(header)
    const remote = new Y.Doc()
    remote.getText('t').insert(0, 'Repeat prescriptions in 2 working days')
    const update = Y.encodeStateAsUpdate(remote)
    const peer = (await testOrg()).id
    expect(store.applyUpdate(header.id, update, { kind: 'peer', peer })).toBe(true)
    const seq = store.changeSeq
    expect(store.applyUpdate(header.id, update, { kind: 'peer', peer })).toBe(false)
    expect(store.changeSeq).toBe(seq)
    expect(text(store, header.id)).toBe('Repeat prescriptions in 2 working days')
  })

  it('refuses a corrupt update with CorruptUpdateError and changes nothing', async () => {
    const header = await newHeader(owner)
    store.create(header, doc => doc.getText('t').insert(0, 'kept'))
    store.flush()
    const seq = store.changeSeq
    const garbage = new Uint8Array([1, 200, 3, 4, 5, 250, 251, 252, 253, 7, 9])
    expect(() => store.applyUpdate(header.id, garbage, { kind: 'local' })).toThrow(CorruptUpdateError)
    expect(store.changeSeq).toBe(seq)
    expect(text(store, header.id)).toBe('kept')
    expect(text(createDocumentStore({ storage: kv }), header.id)).toBe('kept')
  })

  it('refuses an oversized update and an update for an unknown document', async () => {
    const small = createDocumentStore({ storage: memoryStore() }, { maxUpdateBytes: 64 })
    const header = await newHeader(owner)
    small.create(header)
    const remote = new Y.Doc()
    remote.getText('t').insert(0, 'x'.repeat(200))
    expect(() => small.applyUpdate(header.id, Y.encodeStateAsUpdate(remote), { kind: 'local' })).toThrow(OversizedMessageError)
    const other = await newHeader(owner)
    expect(() => store.applyUpdate(other.id, Y.encodeStateAsUpdate(remote), { kind: 'local' })).toThrow(NotFoundError)
  })

  it('compacts a long update log into one row that loads to the same content', async () => {
    const compacting = createDocumentStore({ storage: kv }, { compactAfter: 20 })
    const header = await newHeader(owner)
    compacting.create(header)
    for (let i = 0; i < 100; i++) {
      compacting.edit(header.id, doc => doc.getText('t').insert(i, 'a'))
      compacting.flush()
    }
    const rows = kv.range({ gte: `u/${header.id}/`, lt: `u/${header.id}0` })
    expect(rows.length).toBeLessThanOrEqual(21)
    const reopened = createDocumentStore({ storage: kv })
    expect(text(reopened, header.id)).toBe('a'.repeat(100))
    expect(reopened.info(header.id)?.storedBytes).toBeLessThan(2_000)
  })

  it('on a full disk throws StorageFullError and keeps memory and disk as before', async () => {
    const header = await newHeader(owner)
    const tight = memoryStore({ quotaBytes: 4_000 })
    const s = createDocumentStore({ storage: tight })
    s.create(header, doc => doc.getText('t').insert(0, 'before'))
    s.flush()
    const seq = s.changeSeq
    const durable: number[] = []
    s.onDurable(n => durable.push(n))
    s.edit(header.id, doc => doc.getText('t').insert(6, 'x'.repeat(5_000)))
    expect(() => { s.flush() }).toThrow(StorageFullError)
    expect(durable).toEqual([])
    expect(s.changeSeq).toBe(seq)
    expect(s.failures).toBe(1)
    expect(text(s, header.id)).toBe('before')
    expect(text(createDocumentStore({ storage: tight }), header.id)).toBe('before')
  })

  it('tells equal copies by digest, including deletions that leave the state vector unchanged', async () => {
    const header = await newHeader(owner)
    store.create(header, doc => doc.getText('t').insert(0, 'Vaccine fridge cold-chain breach'))
    const other = createDocumentStore({ storage: memoryStore() })
    other.mergeAccess(header, [], { kind: 'local' })
    other.applyUpdate(header.id, store.diff(header.id), { kind: 'local' })
    expect(other.digest(header.id)).toEqual(store.digest(header.id))

    const before = store.info(header.id)?.stateVector
    store.edit(header.id, doc => doc.getText('t').delete(0, 8))
    expect(store.info(header.id)?.stateVector).toEqual(before)
    expect(other.digest(header.id)).not.toEqual(store.digest(header.id))
  })

  it('lists changes after a sequence number and keeps per-peer checkpoints', async () => {
    const a = await newHeader(owner)
    const b = await newHeader(owner)
    store.create(a)
    store.create(b)
    store.flush()
    const mid = store.changeSeq
    store.edit(a.id, doc => doc.getText('t').insert(0, 'x'))
    store.flush()
    expect(store.changesSince(mid).map(c => c.id)).toEqual([a.id])
    expect(store.changesSince(0).map(c => c.id)).toEqual([b.id, a.id])
    const peer = (await testOrg()).id
    expect(store.checkpoint(peer, 'store-1')).toBe(0)
    store.setCheckpoint(peer, 'store-1', mid)
    store.setCheckpoint(peer, 'store-1', mid - 1)
    expect(store.checkpoint(peer, 'store-1')).toBe(mid)
    expect(store.checkpoint(peer, 'store-2')).toBe(0)
  })

  it('writes a checkpoint with the next change, or at close, not on its own at each flush', async () => {
    let writes = 0
    const counting: KeyValueStore = { ...kv, write: (ops) => { writes++; kv.write(ops) } }
    const s = createDocumentStore({ storage: counting })
    const header = await newHeader(owner)
    s.create(header)
    s.flush()
    const peer = (await testOrg()).id
    writes = 0
    s.setCheckpoint(peer, 'store-1', s.changeSeq)
    s.flush()
    expect(writes).toBe(0)
    expect(s.checkpoint(peer, 'store-1')).toBe(s.changeSeq)
    expect(createDocumentStore({ storage: kv }).checkpoint(peer, 'store-1')).toBe(0)
    // rides with the next change
    s.edit(header.id, doc => doc.getText('t').insert(0, 'x'))
    s.flush()
    expect(writes).toBe(1)
    expect(createDocumentStore({ storage: kv }).checkpoint(peer, 'store-1')).toBe(s.changeSeq - 1)
    // alone, it is written at close at the latest
    s.setCheckpoint(peer, 'store-1', s.changeSeq)
    s.close()
    expect(writes).toBe(2)
    expect(createDocumentStore({ storage: kv }).checkpoint(peer, 'store-1')).toBe(s.changeSeq)
  })

  it('writes rows staged by a change listener in the change\'s own batch, and rows alone at close at the latest', async () => {
    let writes: string[][] = []
    const counting: KeyValueStore = { ...kv, write: (ops) => { writes.push(ops.map(op => `${op.type} ${op.key}`)); kv.write(ops) } }
    const s = createDocumentStore({ storage: counting })
    s.onChange(change => { s.stageRows([{ type: 'put', key: `dw/${change.id}`, value: new Uint8Array(0) }]) })
    const header = await newHeader(owner)
    s.create(header)
    s.flush()
    expect(writes).toHaveLength(1)
    expect(writes[0]).toContain(`put dw/${header.id}`)
    expect(writes[0]).toContain(`put i/${header.id}`)
    // alone: not at a flush, at close at the latest; a later op for the key replaces one not written
    writes = []
    s.stageRows([{ type: 'put', key: 'dw/x', value: new Uint8Array(0) }])
    s.stageRows([{ type: 'del', key: 'dw/x' }, { type: 'put', key: 'dw/y', value: new Uint8Array(1) }])
    s.flush()
    expect(writes).toEqual([])
    expect(() => { s.stageRows([{ type: 'put', key: 'dw/z', value: 'not bytes' as unknown as Uint8Array }]) }).toThrow(expect.objectContaining({ code: 'ERR_STORAGE_WRITE' }))
    s.close()
    expect(writes).toHaveLength(1)
    expect(writes[0]).toEqual(expect.arrayContaining(['del dw/x', 'put dw/y']))
    expect(kv.get('dw/y')).toEqual(new Uint8Array(1))
  })

  it('writes changes still staged when it is closed', async () => {
    const header = await newHeader(owner)
    store.create(header, doc => doc.getText('t').insert(0, 'written at close'))
    store.close()
    expect(text(createDocumentStore({ storage: kv }), header.id)).toBe('written at close')
  })

  it('takes a first copy from a peer as it is: announced unchanged, stored, and a corrupt one changes nothing', async () => {
    const header = await newHeader(owner)
    store.mergeAccess(header, [], { kind: 'local' })
    store.flush()
    const remote = new Y.Doc()
    remote.getMap('meta').set('title', 'Handover checklist')
    remote.getText('t').insert(0, 'Night shift handover in 10 minutes')
    const update = Y.encodeStateAsUpdate(remote)
    const changes: DocumentChange[] = []
    store.onChange(c => changes.push(c))
    const peer = (await testOrg()).id
    const seq = store.changeSeq
    expect(() => store.applyUpdate(header.id, update.slice(0, update.length - 9), { kind: 'peer', peer })).toThrow(CorruptUpdateError)
    expect(text(store, header.id)).toBe('')
    expect(store.applyUpdate(header.id, update, { kind: 'peer', peer })).toBe(true)
    store.flush()
    expect(changes.map(c => c.update)).toEqual([update])
    expect(store.changeSeq).toBe(seq + 1)
    expect(store.info(header.id)?.title).toBe('Handover checklist')
    expect(text(createDocumentStore({ storage: kv }), header.id)).toBe('Night shift handover in 10 minutes')
    // the same again changes nothing
    expect(store.applyUpdate(header.id, update, { kind: 'peer', peer })).toBe(false)
  })

  it('merges grants monotonically and refuses a header that does not match the one held', async () => {
    const header = await newHeader(owner)
    store.create(header)
    const reader = await testOrg()
    const g1 = await grantFor(owner, store.access(header.id)!, reader.id, 'read')
    expect(store.mergeAccess(header, [g1], { kind: 'local' })).toBe(true)
    expect(store.mergeAccess(header, [g1], { kind: 'local' })).toBe(false)
    store.flush()
    expect(() => store.mergeAccess({ ...header, nonce: 'a'.repeat(26) }, [], { kind: 'local' })).toThrow(InvalidStatementError)
    expect(createDocumentStore({ storage: kv }).access(header.id)?.grants.map(g => g.to)).toEqual([reader.id])
  })

  it('loads only the documents it is asked about', async () => {
    for (let i = 0; i < 30; i++) store.create(await newHeader(owner), doc => doc.getText('t').insert(0, `doc ${i}`))
    store.flush()
    const reopened = createDocumentStore({ storage: kv })
    expect(reopened.list()).toHaveLength(30)
    expect(reopened.loadedCount).toBe(0)
    const [first] = reopened.list()
    reopened.digest(first.id)
    expect(reopened.loadedCount).toBe(1)
  })

  it('announces a burst of edits as one change at once, and writes it as one batch after', async () => {
    let writes = 0
    const counting: KeyValueStore = { ...kv, write: (ops) => { writes++; kv.write(ops) } }
    const s = createDocumentStore({ storage: counting })
    const header = await newHeader(owner)
    const changes: DocumentChange[] = []
    s.onChange(c => changes.push(c))
    writes = 0
    s.create(header)
    for (let i = 0; i < 500; i++) s.edit(header.id, doc => doc.getText('t').insert(i, 'k'))
    await new Promise<void>(resolve => { queueMicrotask(resolve) })
    // announced a microtask later, before anything is on disk
    expect(writes).toBe(0)
    expect(changes).toHaveLength(1)
    expect(changes[0]).toMatchObject({ id: header.id, changeSeq: 501, accessChanged: true, origin: { kind: 'local' } })
    const replica = new Y.Doc()
    Y.applyUpdate(replica, changes[0].update!)
    expect(replica.getText('t').toString()).toBe('k'.repeat(500))
    const durableSeq = await new Promise<number>(resolve => { s.onDurable(resolve) })
    expect(durableSeq).toBe(501)
    expect(writes).toBeLessThanOrEqual(2) // the batch, and possibly a compaction
    expect(text(createDocumentStore({ storage: kv }), header.id)).toBe('k'.repeat(500))
  })
})
