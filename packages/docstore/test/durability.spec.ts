import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sqliteStore } from '@commonplace/storage'
import { StorageWriteError } from '@commonplace/core'
import type { KeyValueStore } from '@commonplace/core'
import { createDocumentStore } from '../src/index.ts'
import { newHeader, testOrg } from './fixtures.ts'

/** A SQLite store whose disk syncs wait for the test: `release()` lets them run, `fail()` fails them. */
function heldSync (inner: KeyValueStore): { storage: KeyValueStore, release: () => void, fail: (err: Error) => void, waiting: () => number } {
  let waiters: Array<{ resolve: () => void, reject: (err: Error) => void }> = []
  const take = (): typeof waiters => { const taken = waiters; waiters = []; return taken }
  return {
    storage: {
      get: key => inner.get(key),
      range: options => inner.range(options),
      write: ops => { inner.write(ops) },
      close: () => { inner.close() },
      sync: async options => {
        await new Promise<void>((resolve, reject) => { waiters.push({ resolve, reject }) })
        await inner.sync?.(options)
      }
    },
    release: () => { for (const w of take()) w.resolve() },
    fail: err => { for (const w of take()) w.reject(err) },
    waiting: () => waiters.length
  }
}

describe('document store on a store that syncs after writing', () => {
  let dir: string
  let inner: KeyValueStore

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'commonplace-durability-'))
    inner = sqliteStore({ path: join(dir, 'store.sqlite') })
  })

  afterEach(() => {
    inner.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('moves changeSeq, calls onDurable and resolves whenDurable only once the disk sync is done', async () => {
    const held = heldSync(inner)
    const store = createDocumentStore({ storage: held.storage })
    const before = store.changeSeq
    const durable: number[] = []
    store.onDurable(seq => durable.push(seq))
    const header = await newHeader(await testOrg())
    store.create(header, doc => doc.getText('t').insert(0, 'Handhygiene vor jedem Patientenkontakt'))
    let resolved = false
    const waiting = store.whenDurable().then(() => { resolved = true })
    // written (the reads see it), not yet on disk
    expect(inner.get(`i/${header.id}`)).toBeDefined()
    expect(held.waiting()).toBe(2)
    await new Promise(resolve => setImmediate(resolve))
    expect(resolved).toBe(false)
    expect(durable).toEqual([])
    expect(store.changeSeq).toBe(before)
    held.release()
    await waiting
    expect(durable).toEqual([before + 1])
    expect(store.changeSeq).toBe(before + 1)
  })

  it('counts a failed disk sync as a failure, rejects whenDurable with it and leaves changeSeq where it was', async () => {
    const held = heldSync(inner)
    const store = createDocumentStore({ storage: held.storage })
    const header = await newHeader(await testOrg())
    store.create(header, doc => doc.getText('t').insert(0, 'x'))
    const waiting = store.whenDurable()
    held.fail(new StorageWriteError('Syncing to disk failed (EIO)'))
    await expect(waiting).rejects.toMatchObject({ name: 'StorageWriteError' })
    await new Promise(resolve => setImmediate(resolve))
    expect(store.failures).toBe(1)
    expect(store.changeSeq).toBe(0)
  })

  it('on the real SQLite store: what whenDurable confirmed is there after a reopen', async () => {
    const store = createDocumentStore({ storage: inner })
    const header = await newHeader(await testOrg())
    store.create(header, doc => doc.getText('t').insert(0, 'Kältekette des Impfstoffs'))
    await store.whenDurable()
    expect(store.changeSeq).toBe(1)
    inner.close()
    inner = sqliteStore({ path: join(dir, 'store.sqlite') })
    expect(createDocumentStore({ storage: inner }).read(header.id, doc => doc.getText('t').toString())).toBe('Kältekette des Impfstoffs')
  })
})
