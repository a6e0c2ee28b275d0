import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { randomBytes } from 'node:crypto'
import { DatabaseSync } from 'node:sqlite'
import type { KeyValueStore } from '@commonplace/core'
import { sqliteStore } from '../src/index.ts'
import { keyValueStoreAcceptance } from './acceptance.ts'

const PAGE_SIZE = 4096
const SQLITE_MODULE = fileURLToPath(new URL('../src/sqlite.ts', import.meta.url))

keyValueStoreAcceptance('sqliteStore', (options = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'commonplace-storage-'))
  const path = join(dir, 'store.sqlite')
  const maxPageCount = options.capacityBytes === undefined ? undefined : Math.ceil(options.capacityBytes / PAGE_SIZE)
  return {
    store: sqliteStore({ path, maxPageCount }),
    reopen: () => sqliteStore({ path, maxPageCount }),
    cleanup: () => { rmSync(dir, { recursive: true, force: true }) }
  }
}, { persistent: true })

interface ChildResult { ok: boolean, name?: string, code?: string, message?: string }

/** Open `path` with sqliteStore in a separate Node process, close it, and report what happened. */
async function openInChild (dir: string, path: string): Promise<ChildResult> {
  const script = join(dir, 'open-child.mjs')
  writeFileSync(script, [
    'const [modulePath, dbPath] = process.argv.slice(2)',
    "const { pathToFileURL } = await import('node:url')",
    'let result',
    'try {',
    '  const { sqliteStore } = await import(pathToFileURL(modulePath).href)',
    '  sqliteStore({ path: dbPath }).close()',
    '  result = { ok: true }',
    '} catch (err) {',
    '  result = { ok: false, name: err?.name, code: err?.code, message: err?.message }',
    '}',
    "process.stdout.write('RESULT ' + JSON.stringify(result) + '\\n')"
  ].join('\n'))
  const child = spawn(process.execPath, [script, SQLITE_MODULE, path], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', resolve)
  })
  const line = stdout.split('\n').find(l => l.startsWith('RESULT '))
  if (line === undefined) throw new Error(`child exited with ${String(exitCode)} and no result; stderr: ${stderr}`)
  return JSON.parse(line.slice('RESULT '.length)) as ChildResult
}

describe('sqliteStore on disk', () => {
  let dir: string
  let path: string
  let stores: KeyValueStore[]

  function open (maxPageCount?: number): KeyValueStore {
    const store = sqliteStore({ path, maxPageCount })
    stores.push(store)
    return store
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'commonplace-storage-'))
    path = join(dir, 'store.sqlite')
    stores = []
  })

  afterEach(() => {
    for (const store of stores) store.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('creates the database file and keeps its data across close and reopen', () => {
    const first = open()
    expect(existsSync(path)).toBe(true)
    first.write([{ type: 'put', key: 'k', value: Uint8Array.of(7) }])
    first.close()
    expect(existsSync(`${path}-shm`)).toBe(false) // exclusive WAL keeps its index in memory
    const second = open()
    expect(second.get('k')).toEqual(Uint8Array.of(7))
  })

  it('copies the WAL into the database file once writes stop, not in the commits of a burst', async () => {
    let checkpointed!: () => void
    const quiet = new Promise<void>(resolve => { checkpointed = resolve })
    const store = sqliteStore({ path, onCheckpoint: () => { checkpointed() } })
    stores.push(store)
    const before = statSync(path).size
    // a catch-up's worth of commits: 4 MiB, past SQLite's own checkpoint at 1,000 pages
    for (let i = 0; i < 64; i++) store.write([{ type: 'put', key: `d/${String(i).padStart(3, '0')}`, value: new Uint8Array(randomBytes(64 * 1024)) }])
    expect(statSync(path).size).toBe(before)
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(4 * 1024 * 1024)
    await quiet
    expect(statSync(path).size).toBeGreaterThan(4 * 1024 * 1024)
    expect(store.get('d/063')?.byteLength).toBe(64 * 1024)
  })

  it('throws StorageFullError when the page limit is reached, keeping exactly the previous data, and writes again after deletes', () => {
    const store = open(40)
    const written: Array<[string, Uint8Array]> = []
    let full: unknown
    for (let i = 0; i < 100 && full === undefined; i++) {
      const entry: [string, Uint8Array] = [`k/${String(i).padStart(3, '0')}`, new Uint8Array(randomBytes(8 * 1024))]
      try {
        store.write([{ type: 'put', key: 'marker', value: Uint8Array.of(i) }, { type: 'put', key: entry[0], value: entry[1] }])
        written.push(entry)
      } catch (err) {
        full = err
      }
    }
    expect(full).toMatchObject({ name: 'StorageFullError', code: 'ERR_STORAGE_FULL' })
    expect((full as Error).cause).toMatchObject({ errstr: 'database or disk is full' })
    expect(written.length).toBeGreaterThan(0)
    expect(store.range({ gte: 'k/', lt: 'k0' })).toEqual(written)
    expect(store.get('marker')).toEqual(Uint8Array.of(written.length - 1))

    store.write(written.slice(0, 3).map(([key]) => ({ type: 'del', key })))
    store.write([{ type: 'put', key: 'after', value: new Uint8Array(8 * 1024) }])
    expect(store.get('after')).toHaveLength(8 * 1024)
  })

  /** A store as written before the table had rowids: `rows` rows of 8 KiB under `k/`. */
  function writeWithoutRowids (rows: number): Array<[string, Uint8Array]> {
    const db = new DatabaseSync(path)
    db.exec('PRAGMA journal_mode = WAL; CREATE TABLE kv (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID')
    const put = db.prepare('INSERT INTO kv (key, value) VALUES (?, ?)')
    const written: Array<[string, Uint8Array]> = []
    for (let i = 0; i < rows; i++) {
      const entry: [string, Uint8Array] = [`k/${String(i).padStart(3, '0')}`, new Uint8Array(randomBytes(8 * 1024))]
      put.run(...entry)
      written.push(entry)
    }
    db.close()
    return written
  }

  const tableSql = (): string => {
    const db = new DatabaseSync(path)
    try {
      return (db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'kv'").get() as { sql: string }).sql
    } finally {
      db.close()
    }
  }

  it('brings a store written WITHOUT ROWID over to a rowid table at open, every row kept', () => {
    const written = writeWithoutRowids(40)
    expect(tableSql()).toMatch(/WITHOUT ROWID/)
    const store = open()
    expect(store.range({ gte: 'k/', lt: 'k0' })).toEqual(written)
    store.write([{ type: 'put', key: 'k/040', value: Uint8Array.of(1) }, { type: 'del', key: 'k/000' }])
    store.close()
    expect(tableSql()).not.toMatch(/WITHOUT ROWID/)
    const again = open()
    expect(again.range({ gte: 'k/', lt: 'k0' })).toEqual([...written.slice(1), ['k/040', Uint8Array.of(1)]])
  })

  it('leaves a store written WITHOUT ROWID whole when its copy does not fit, with StorageFullError, and copies it once there is room', () => {
    const written = writeWithoutRowids(40)
    const pages = Math.ceil(statSync(path).size / PAGE_SIZE)
    const err = (() => { try { open(pages + 8) } catch (e) { return e } })()
    expect(err).toMatchObject({ name: 'StorageFullError', code: 'ERR_STORAGE_FULL' })
    expect(tableSql()).toMatch(/WITHOUT ROWID/)
    const store = open()
    expect(store.range({ gte: 'k/', lt: 'k0' })).toEqual(written)
    store.close()
    expect(tableSql()).not.toMatch(/WITHOUT ROWID/)
  })

  it('refuses a second open of the same path in this process with DataFolderInUseError, and allows it after close', () => {
    const first = open()
    first.write([{ type: 'put', key: 'k', value: Uint8Array.of(1) }])
    expect(() => open()).toThrow(expect.objectContaining({
      name: 'DataFolderInUseError',
      code: 'ERR_DATA_FOLDER_IN_USE',
      message: expect.stringContaining('is in use by another process')
    }))
    expect(first.get('k')).toEqual(Uint8Array.of(1))
    first.close()
    expect(open().get('k')).toEqual(Uint8Array.of(1))
  })

  it('makes another process that opens the same path fail with DataFolderInUseError until the holder closes', async () => {
    open().close() // an existing database, so the holder below takes the lock without writing
    const holder = open()
    const refused = await openInChild(dir, path)
    expect(refused).toMatchObject({ ok: false, name: 'DataFolderInUseError', code: 'ERR_DATA_FOLDER_IN_USE' })
    expect(refused.message).toContain(dir)
    holder.write([{ type: 'put', key: 'still', value: Uint8Array.of(1) }])
    expect(holder.get('still')).toEqual(Uint8Array.of(1))
    holder.close()
    expect(await openInChild(dir, path)).toEqual({ ok: true })
    expect(open().get('still')).toEqual(Uint8Array.of(1))
  })

  it('refuses a file that is not a SQLite database with StorageCorruptError and leaves it untouched', () => {
    const text = 'this is a text file, not a database\n'.repeat(50)
    writeFileSync(path, text)
    expect(() => open()).toThrow(expect.objectContaining({ name: 'StorageCorruptError', code: 'ERR_STORAGE_CORRUPT' }))
    expect(readFileSync(path, 'utf8')).toBe(text)
    expect(existsSync(`${path}-wal`)).toBe(false)
  })

  it('does not create a missing data folder, failing with StorageWriteError', () => {
    const missing = join(dir, 'missing', 'store.sqlite')
    expect(() => sqliteStore({ path: missing })).toThrow(expect.objectContaining({ name: 'StorageWriteError' }))
    expect(existsSync(join(dir, 'missing'))).toBe(false)
  })

  it('keeps every batch whose sync resolved when the process is killed, across WAL checkpoints and reuse', async () => {
    // the child writes 3,000 batches of 4 KiB (the WAL is checkpointed and reused about ten times),
    // syncs, says so, and is killed without closing
    const script = join(dir, 'crash-child.mjs')
    writeFileSync(script, [
      'const [modulePath, dbPath] = process.argv.slice(2)',
      "const { pathToFileURL } = await import('node:url')",
      'const { sqliteStore } = await import(pathToFileURL(modulePath).href)',
      'const store = sqliteStore({ path: dbPath })',
      'for (let i = 0; i < 3000; i++) {',
      "  store.write([{ type: 'put', key: `k/${String(i).padStart(4, '0')}`, value: new Uint8Array(4096).fill(i % 251) }])",
      '  if (i % 500 === 0) await store.sync()',
      '}',
      'await store.sync()',
      "process.stdout.write('SYNCED\\n')",
      'setInterval(() => {}, 1000)'
    ].join('\n'))
    const child = spawn(process.execPath, [script, SQLITE_MODULE, path], { stdio: ['ignore', 'pipe', 'inherit'] })
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject)
      child.once('exit', code => { reject(new Error(`child exited with ${String(code)} before syncing`)) })
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => { if (chunk.includes('SYNCED')) resolve() })
    })
    const exited = new Promise(resolve => child.once('exit', resolve))
    child.kill('SIGKILL')
    await exited
    const store = open()
    const rows = store.range({ gte: 'k/', lt: 'k0' })
    expect(rows).toHaveLength(3000)
    for (const [key, value] of rows) expect(value[4095]).toBe(Number(key.slice(2)) % 251)
  })

  it('has sync() with deferred durability (the default) and none when every commit is fsynced', async () => {
    const deferred = open()
    deferred.write([{ type: 'put', key: 'a', value: Uint8Array.of(1) }])
    expect(deferred.get('a')).toEqual(Uint8Array.of(1))
    await deferred.sync?.()
    deferred.close()
    await deferred.sync?.()
    const inCommit = sqliteStore({ path, durability: 'in-commit' })
    stores.push(inCommit)
    expect(inCommit.sync).toBeUndefined()
    inCommit.write([{ type: 'put', key: 'b', value: Uint8Array.of(2) }])
    expect(inCommit.get('a')).toEqual(Uint8Array.of(1))
  })
})
