import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fdatasync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { walSync } from '../src/wal-sync.ts'

describe('walSync', () => {
  let dir: string
  let db: DatabaseSync

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'commonplace-wal-'))
    db = new DatabaseSync(join(dir, 'db.sqlite'))
    db.exec('PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; CREATE TABLE t (v)')
  })

  afterEach(() => {
    try { db.close() } catch { /* closed by the test */ }
    rmSync(dir, { recursive: true, force: true })
  })

  it('resolves at once with nothing written, and shares one disk sync between the calls made while it runs', async () => {
    let calls = 0
    const wal = walSync(join(dir, 'db.sqlite'), { fdatasync: (fd, cb) => { calls++; fdatasync(fd, cb) } })
    await wal.sync()
    expect(calls).toBe(0)
    db.exec('INSERT INTO t VALUES (1)')
    wal.written()
    const first = wal.sync()
    db.exec('INSERT INTO t VALUES (2)')
    wal.written()
    // both wait for a sync that started after their write: the running one, then one more
    await Promise.all([first, wal.sync(), wal.sync(), wal.sync()])
    expect(calls).toBe(2)
    await wal.sync()
    expect(calls).toBe(2)
    wal.closed(true)
  })

  it('fails the store for good when a disk sync fails: every waiter and later call gets StorageWriteError', async () => {
    let fail = true
    const wal = walSync(join(dir, 'db.sqlite'), {
      fdatasync: (fd, cb) => {
        if (fail) setImmediate(() => { cb(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })) })
        else fdatasync(fd, cb)
      }
    })
    wal.written()
    const results = await Promise.allSettled([wal.sync(), wal.sync()])
    for (const r of results) expect(r).toMatchObject({ status: 'rejected', reason: { name: 'StorageWriteError', code: 'ERR_STORAGE_WRITE' } })
    fail = false
    await expect(wal.sync()).rejects.toMatchObject({ name: 'StorageWriteError' })
    expect(wal.failure?.message).toMatch(/EIO/)
    wal.closed(true)
  })

  it('rejects a waiter whose signal aborts with AbortError, and later syncs still work', async () => {
    let release: (() => void) | undefined
    const wal = walSync(join(dir, 'db.sqlite'), { fdatasync: (fd, cb) => { release = () => { fdatasync(fd, cb) } } })
    wal.written()
    const controller = new AbortController()
    const waiting = wal.sync(controller.signal)
    controller.abort()
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' })
    const next = wal.sync()
    release?.()
    await next
    expect(wal.failure).toBeUndefined()
    wal.closed(true)
  })

  it('settles waiters when the database closes: resolved after a clean close, StorageClosedError otherwise', async () => {
    const never = (): void => {}
    const clean = walSync(join(dir, 'db.sqlite'), { fdatasync: never })
    clean.written()
    const waiting = clean.sync()
    db.close()
    clean.closed(true)
    await waiting
    await clean.sync()

    db = new DatabaseSync(join(dir, 'db.sqlite'))
    db.exec('PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = WAL; INSERT INTO t VALUES (3)')
    const unclean = walSync(join(dir, 'db.sqlite'), { fdatasync: never })
    unclean.written()
    const lost = unclean.sync()
    unclean.closed(false)
    await expect(lost).rejects.toMatchObject({ name: 'StorageClosedError' })
    await expect(unclean.sync()).rejects.toMatchObject({ name: 'StorageClosedError' })
  })
})
