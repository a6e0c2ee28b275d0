import { DatabaseSync } from 'node:sqlite'
import type { StatementSync } from 'node:sqlite'
import { StorageClosedError } from '@commonplace/core'
import type { KeyValueStore, RangeOptions, WriteOp } from '@commonplace/core'
import type { ComponentLogger, Logger } from '@libp2p/interface'
import { CHECKPOINT_QUIET_MS, LOG_COMPONENT, SQLITE_BUSY_TIMEOUT_MS, WAL_AUTOCHECKPOINT_PAGES, WAL_SIZE_LIMIT_BYTES } from './constants.ts'
import { normalizeRange, validateOps } from './range.ts'
import { openError, readError, writeError } from './sqlite-errors.ts'
import { openJournal } from './journal.ts'
import type { FileJournal } from './journal.ts'
import { walSync } from './wal-sync.ts'
import type { WalSync } from './wal-sync.ts'

export interface SqliteStoreInit {
  /** The database file. Its folder must exist: the caller owns the data folder. */
  path: string
  /**
   * SQLite `max_page_count`: the most pages (4 KiB by default) the file may grow to; past it a
   * write throws StorageFullError. Unset: limited by the disk only. Mostly for tests.
   */
  maxPageCount?: number
  /**
   * `'deferred'` (the default): a commit does not wait for the disk; `sync()` puts every commit so
   * far on disk with an fdatasync on libuv's thread pool (docs/storage.md). `'in-commit'`: every
   * commit is fsynced before `write()` returns (`synchronous=FULL`), and the store has no `sync`.
   */
  durability?: 'deferred' | 'in-commit'
  logger?: ComponentLogger
  /** Told after each checkpoint run once the store went quiet (docs/storage.md, "Checkpoints when quiet"). */
  onCheckpoint?: () => void
}

interface Row { key: string, value: Uint8Array }

/**
 * Open (or create) the pragmas and schema, and take the exclusive lock before returning.
 * `locking_mode=EXCLUSIVE` comes first so that WAL keeps its index in heap memory (no `-shm` file)
 * and the lock, once taken by the write transaction at the end, is held until close.
 */
function openDatabase (init: SqliteStoreInit): DatabaseSync {
  let db: DatabaseSync | undefined
  try {
    db = new DatabaseSync(init.path, { timeout: SQLITE_BUSY_TIMEOUT_MS })
    db.exec('PRAGMA locking_mode = EXCLUSIVE')
    const mode = db.prepare('PRAGMA journal_mode = WAL').get() as { journal_mode?: string } | undefined
    if (mode?.journal_mode !== 'wal') throw new Error(`Cannot switch to WAL journal mode (got ${String(mode?.journal_mode)})`)
    // FULL: every commit is fsynced before write() returns. NORMAL (in WAL mode): only checkpoints
    // sync, and the store syncs the WAL itself (wal-sync.ts). fullfsync matters on macOS only.
    const synchronous = init.durability === 'in-commit' ? 'FULL' : 'NORMAL'
    db.exec(`PRAGMA synchronous = ${synchronous}; PRAGMA fullfsync = ON; PRAGMA checkpoint_fullfsync = ON`)
    if (init.maxPageCount !== undefined) db.exec(`PRAGMA max_page_count = ${Math.max(1, Math.floor(init.maxPageCount))}`)
    // deferred: checkpoints run when the store is quiet (sqliteStore), not in the commit of a catch-up
    if (init.durability !== 'in-commit') db.exec(`PRAGMA wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}; PRAGMA journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`)
    db.exec(`CREATE TABLE IF NOT EXISTS kv ${KV_COLUMNS}`)
    if (isWithoutRowid(db)) withRowids(db, init.path, init.logger?.forComponent(LOG_COMPONENT))
    db.exec('BEGIN IMMEDIATE; COMMIT')
    return db
  } catch (err) {
    try { db?.close() } catch { /* the open error below is the one to report */ }
    throw openError(init.path, err)
  }
}

/**
 * The table: a rowid table with its keys in their own index. Not `WITHOUT ROWID`, which keeps each
 * row in the key's B-tree: rows of a document's whole state (10 KB and more) leave a few of them per
 * page, interior pages included, so every lookup went down a deep tree, a miss beside such rows
 * cost ~24 µs instead of ~0.7, and writing 1,000 documents of 10 KB took three times as long
 * (docs/storage.md, "The table").
 */
const KV_COLUMNS = '(key TEXT PRIMARY KEY, value BLOB NOT NULL)'

function isWithoutRowid (db: DatabaseSync): boolean {
  const row = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'kv'").get() as { sql?: string } | undefined
  return /WITHOUT\s+ROWID/i.test(row?.sql ?? '')
}

/**
 * Bring a store written before the table had rowids over: its rows copied into the new table in
 * one transaction (a failure, a full disk among them, rolls it back and leaves the old table whole),
 * then the file rewritten without the old table's pages (if that fails, they stay free for later writes).
 */
function withRowids (db: DatabaseSync, path: string, log?: Logger): void {
  log?.('copying the rows of %s into a table with rowids', path)
  db.exec('BEGIN IMMEDIATE')
  try {
    db.exec(`CREATE TABLE kv_rowid ${KV_COLUMNS}; INSERT INTO kv_rowid (key, value) SELECT key, value FROM kv ORDER BY key; DROP TABLE kv; ALTER TABLE kv_rowid RENAME TO kv`)
    db.exec('COMMIT')
  } catch (err) {
    if (db.isTransaction) db.exec('ROLLBACK')
    throw err
  }
  try {
    db.exec('VACUUM')
  } catch (err) {
    log?.error('rewriting %s without the old table failed; its pages stay free for later writes - %e', path, err)
  }
}

/** The journal beside a database just opened (`<file>.journal`); the database is closed again if it fails. */
function openJournalBeside (db: DatabaseSync, wal: WalSync | undefined, path: string, log?: Logger): FileJournal {
  try {
    return openJournal(`${path}.journal`, log)
  } catch (err) {
    db.close()
    wal?.closed(true)
    throw openError(`${path}.journal`, err)
  }
}

/** The WAL's disk sync for a database just opened; the database is closed again if it fails. */
function openWalSync (db: DatabaseSync, path: string, log?: Logger): WalSync {
  try {
    return walSync(path, { log })
  } catch (err) {
    db.close()
    throw openError(path, err)
  }
}

/**
 * A `KeyValueStore` in one SQLite file through `node:sqlite`: one table
 * `kv(key TEXT PRIMARY KEY, value BLOB NOT NULL)` (a rowid table; one written `WITHOUT ROWID`
 * before is copied over at open), in WAL mode, and an exclusive lock
 * held from open to close, so a second opener (another process, or this one again) gets
 * DataFolderInUseError. A file that is not a SQLite database gives StorageCorruptError. A batch
 * is durable once `sync()` resolves (or on return from `write()` with `durability: 'in-commit'`).
 * Beside it, `<file>.journal` holds the `journal`'s records.
 *
 * @example
 * ```ts
 * const store = sqliteStore({ path: join(dataFolder, 'store.sqlite') })
 * store.write([{ type: 'put', key: 'd/x/1', value: bytes }]) // applied on return
 * await store.sync?.() // on disk
 * store.range({ gte: 'd/x/', lt: 'd/x0' })
 * store.close()
 * ```
 */
export function sqliteStore (init: SqliteStoreInit): KeyValueStore {
  const { path } = init
  const log = init.logger?.forComponent(LOG_COMPONENT)
  let db: DatabaseSync | undefined = openDatabase(init)
  const wal = init.durability === 'in-commit' ? undefined : openWalSync(db, path, log)
  const journal = openJournalBeside(db, wal, path, log)
  log?.('opened %s', path)

  const getStmt = db.prepare('SELECT value FROM kv WHERE key = ?')
  const putStmt = db.prepare('INSERT OR REPLACE INTO kv (key, value) VALUES (?, ?)')
  const delStmt = db.prepare('DELETE FROM kv WHERE key = ?')
  const beginStmt = db.prepare('BEGIN IMMEDIATE')
  const commitStmt = db.prepare('COMMIT')
  const rollbackStmt = db.prepare('ROLLBACK')
  /** Range statements by shape (bound operators and direction), prepared on first use. */
  const rangeStmts = new Map<string, StatementSync>()
  const checkpointStmt = wal === undefined ? undefined : db.prepare('PRAGMA wal_checkpoint(PASSIVE)')
  /**
   * Armed by a write, put off by every read or write while armed: the WAL is checkpointed once the
   * store has been neither written nor read for CHECKPOINT_QUIET_MS (a node serving a catch-up
   * reads without writing: it is not paused then).
   */
  let quiet: ReturnType<typeof setTimeout> | undefined
  const checkpointWhenQuiet = (): void => {
    if (checkpointStmt === undefined) return
    if (quiet !== undefined) quiet.refresh()
    else {
      quiet = setTimeout(() => {
        quiet = undefined
        if (db === undefined || wal?.failure != null) return
        try {
          checkpointStmt.get()
        } catch (err) {
          // the WAL still holds everything: a later checkpoint (or the close) copies it
          log?.error('checkpoint of %s failed - %e', path, err)
          return
        }
        init.onCheckpoint?.()
      }, CHECKPOINT_QUIET_MS)
      quiet.unref()
    }
  }

  function open (): DatabaseSync {
    if (db === undefined) throw new StorageClosedError(`Storage ${path} is closed`)
    return db
  }

  /** A store whose disk sync failed takes no more writes (wal-sync.ts says why). */
  function writable (): DatabaseSync {
    const database = open()
    if (wal?.failure != null) throw wal.failure
    return database
  }

  function rangeStmt (database: DatabaseSync, lowerOp: string, upperOp: string, reverse: boolean): StatementSync {
    const shape = `${lowerOp}|${upperOp}|${reverse ? 'd' : 'a'}`
    let stmt = rangeStmts.get(shape)
    if (stmt === undefined) {
      const where: string[] = []
      if (lowerOp !== '') where.push(`key ${lowerOp} :lower`)
      if (upperOp !== '') where.push(`key ${upperOp} :upper`)
      stmt = database.prepare(
        `SELECT key, value FROM kv${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ` +
        `ORDER BY key ${reverse ? 'DESC' : 'ASC'} LIMIT :limit`
      )
      rangeStmts.set(shape, stmt)
    }
    return stmt
  }

  const store: KeyValueStore = {
    get (key: string): Uint8Array | undefined {
      open()
      quiet?.refresh()
      try {
        return (getStmt.get(key) as Row | undefined)?.value
      } catch (err) {
        throw readError(path, err)
      }
    },

    range (options: RangeOptions): Array<[string, Uint8Array]> {
      const database = open()
      quiet?.refresh()
      const { lower, upper, limit, reverse } = normalizeRange(options)
      const lowerOp = lower === undefined ? '' : lower.inclusive ? '>=' : '>'
      const upperOp = upper === undefined ? '' : upper.inclusive ? '<=' : '<'
      const params: Record<string, string | number> = { limit }
      if (lower !== undefined) params.lower = lower.key
      if (upper !== undefined) params.upper = upper.key
      try {
        const rows = rangeStmt(database, lowerOp, upperOp, reverse).all(params) as unknown as Row[]
        return rows.map(row => [row.key, row.value])
      } catch (err) {
        throw readError(path, err)
      }
    },

    write (ops: WriteOp[]): void {
      const database = writable()
      validateOps(ops)
      if (ops.length === 0) return
      try {
        beginStmt.run()
        for (const op of ops) {
          if (op.type === 'put') putStmt.run(op.key, op.value)
          else delStmt.run(op.key)
        }
        commitStmt.run()
        wal?.written()
        checkpointWhenQuiet()
      } catch (err) {
        // SQLITE_FULL may already have rolled the transaction back; roll back only what is open.
        if (database.isTransaction) {
          try { rollbackStmt.run() } catch (rollbackErr) { log?.error('rollback of %s failed - %e', path, rollbackErr) }
        }
        const named = writeError(path, err)
        log?.error('write to %s failed - %e', path, named)
        throw named
      }
    },

    close (): void {
      if (db === undefined) return
      const database = db
      db = undefined
      if (quiet !== undefined) clearTimeout(quiet)
      rangeStmts.clear()
      let clean = true
      try {
        // the last connection's close checkpoints the WAL into the database file, with fsyncs
        database.close()
        log?.('closed %s', path)
      } catch (err) {
        clean = false
        log?.error('closing %s failed - %e', path, err)
      }
      wal?.closed(clean)
      journal.close()
    }
  }
  store.journal = journal
  if (wal !== undefined) store.sync = async (options) => { await wal.sync(options?.signal) }
  return store
}
