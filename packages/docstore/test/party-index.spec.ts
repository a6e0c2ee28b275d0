import { describe, it, expect, afterEach } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sqliteStore } from '@commonplace/storage'
import type { DocumentStore, KeyValueStore, NetworkId } from '@commonplace/core'
import { createDocumentStore } from '../src/index.ts'
import { PARTY_INDEX_KEY } from '../src/keys.ts'
import { grantFor, newHeader, testOrg } from './fixtures.ts'

// Who each access list names, as the connection gater and "the documents of a network" ask it:
// an index on disk (g/ keys), on SQLite here because its rows have empty values.
describe('documents naming a party', () => {
  const dirs: string[] = []
  const kvs: KeyValueStore[] = []
  const open = (dir?: string): { kv: KeyValueStore, store: DocumentStore, dir: string } => {
    const folder = dir ?? mkdtempSync(join(tmpdir(), 'cp-party-'))
    if (dir == null) dirs.push(folder)
    const kv = sqliteStore({ path: join(folder, 'store.sqlite') })
    kvs.push(kv)
    return { kv, store: createDocumentStore({ storage: kv }), dir: folder }
  }
  const network = 'net_abcdefghijklmnopqrstuvwxyz' as NetworkId

  afterEach(() => {
    for (const kv of kvs.splice(0)) kv.close()
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  it('names the owner and whoever holds read or edit, follows revocations, and survives a reopen', async () => {
    const { store, dir, kv } = open()
    const owner = await testOrg()
    const practice = await testOrg()
    const trainer = await testOrg()
    const one = await newHeader(owner)
    const two = await newHeader(owner)
    store.create(one)
    store.create(two)
    store.mergeAccess(one, [await grantFor(owner, store.access(one.id)!, practice.id, 'edit')], { kind: 'local' })
    // staged, not written yet: reads see it
    expect(store.documentsNaming(practice.id)).toEqual([one.id])
    store.flush()
    store.mergeAccess(two, [await grantFor(owner, store.access(two.id)!, network, 'read')], { kind: 'local' })
    store.mergeAccess(two, [await grantFor(owner, store.access(two.id)!, trainer.id, 'read')], { kind: 'local' })
    store.flush()

    expect(store.documentsNaming(owner.id).sort()).toEqual([one.id, two.id].sort())
    expect(store.documentsNaming(owner.id, 1)).toHaveLength(1)
    expect(store.documentsNaming(practice.id)).toEqual([one.id])
    expect(store.documentsNaming(network)).toEqual([two.id])
    expect(store.documentsNaming(trainer.id)).toEqual([two.id])

    // revoked (role none): no longer named, staged and then on disk
    store.mergeAccess(one, [await grantFor(owner, store.access(one.id)!, practice.id, 'none')], { kind: 'local' })
    expect(store.documentsNaming(practice.id)).toEqual([])
    store.flush()
    expect(store.documentsNaming(practice.id)).toEqual([])

    kv.close()
    const reopened = open(dir).store
    expect(reopened.documentsNaming(practice.id)).toEqual([])
    expect(reopened.documentsNaming(trainer.id)).toEqual([two.id])
    expect(reopened.documentsNaming(network)).toEqual([two.id])
  })

  it('builds the index once for a store written before it existed', async () => {
    const { store, dir, kv } = open()
    const owner = await testOrg()
    const practice = await testOrg()
    const header = await newHeader(owner)
    store.create(header)
    store.mergeAccess(header, [await grantFor(owner, store.access(header.id)!, practice.id, 'read')], { kind: 'local' })
    store.flush()
    // as an older store left it: no g/ keys and no marker
    const indexed = kv.range({ gte: 'g/', lt: 'g0' })
    expect(indexed.length).toBe(2)
    kv.write([...indexed.map(([key]) => ({ type: 'del' as const, key })), { type: 'del', key: PARTY_INDEX_KEY }])
    expect(store.documentsNaming(practice.id)).toEqual([])

    kv.close()
    const { kv: again, store: reopened } = open(dir)
    expect(reopened.documentsNaming(practice.id)).toEqual([header.id])
    expect(reopened.documentsNaming(owner.id)).toEqual([header.id])
    expect(again.get(PARTY_INDEX_KEY)).toBeInstanceOf(Uint8Array)
  })
})
