import { close as closeFd, closeSync, fdatasync, fsyncSync, openSync } from 'node:fs'
import { dirname } from 'node:path'
import { AbortError, StorageClosedError, StorageWriteError } from '@commonplace/core'
import type { Logger } from '@libp2p/interface'

/**
 * Puts a SQLite WAL on disk off the event loop: `fdatasync` of the `-wal` file on libuv's thread
 * pool (docs/storage.md, "Durability off the event loop"). One sync runs at a time; every `sync()`
 * waits for one that started after its call, so callers that come while one runs share the next.
 */
export interface WalSync {
  /** Note that a batch was committed to the WAL (it needs a sync to be durable). */
  written(): void
  /** Resolves once every batch noted before the call is on disk. */
  sync(signal?: AbortSignal): Promise<void>
  /** The error that failed the store for good, if a sync failed. */
  readonly failure: Error | undefined
  /**
   * After the database is closed (its close checkpoint synced everything, when `clean`): settle
   * every waiter and release the descriptor once no sync runs on it.
   */
  closed(clean: boolean): void
}

interface Waiter { generation: number, resolve: () => void, reject: (err: Error) => void, signal?: AbortSignal, onAbort?: () => void }

export interface WalSyncInit {
  log?: Logger
  /** `fs.fdatasync` unless given (a test gives a failing one: a real failure cannot be made here). */
  fdatasync?: (fd: number, callback: (err: NodeJS.ErrnoException | null) => void) => void
}

/** Open the WAL of the database at `path` (the database must be open in WAL mode) and sync its folder once. */
export function walSync (path: string, init: WalSyncInit = {}): WalSync {
  const { log } = init
  const datasync = init.fdatasync ?? fdatasync
  const walPath = `${path}-wal`
  const fd = openSync(walPath, 'r+')
  syncFolder(dirname(path))
  let generation = 0
  let synced = 0
  let running = false
  let fdOpen = true
  let done = false
  let closedClean = false
  let failure: Error | undefined
  const waiters = new Set<Waiter>()

  function settle (waiter: Waiter, err?: Error): void {
    waiters.delete(waiter)
    if (waiter.onAbort != null) waiter.signal?.removeEventListener('abort', waiter.onAbort)
    if (err == null) waiter.resolve()
    else waiter.reject(err)
  }

  function pump (): void {
    if (running || done || failure != null || waiters.size === 0) return
    running = true
    const upTo = generation
    datasync(fd, err => {
      running = false
      if (done) {
        release()
        return
      }
      if (err != null) {
        failure = new StorageWriteError(`Syncing ${walPath} to disk failed; writes since the last sync may be lost, and the store takes no more writes until the node restarts: ${err.message}`, { cause: err })
        log?.error('%e', failure)
        for (const waiter of [...waiters]) settle(waiter, failure)
        return
      }
      synced = upTo
      for (const waiter of [...waiters]) if (waiter.generation <= synced) settle(waiter)
      pump()
    })
  }

  function release (): void {
    if (!fdOpen || running) return
    fdOpen = false
    closeFd(fd, err => { if (err != null) log?.error('closing %s failed - %e', walPath, err) })
  }

  return {
    written () { generation++ },

    async sync (signal?: AbortSignal): Promise<void> {
      if (failure != null) throw failure
      if (done) {
        // a clean close synced everything written before it
        if (closedClean) return
        throw new StorageClosedError(`Storage ${path} was closed before its last writes were synced`)
      }
      if (signal?.aborted === true) throw new AbortError('Waiting for the disk was aborted')
      if (synced >= generation) return
      await new Promise<void>((resolve, reject) => {
        const waiter: Waiter = { generation, resolve, reject, signal }
        if (signal != null) {
          waiter.onAbort = () => { settle(waiter, new AbortError('Waiting for the disk was aborted')) }
          signal.addEventListener('abort', waiter.onAbort, { once: true })
        }
        waiters.add(waiter)
        pump()
      })
    },

    get failure () { return failure },

    closed (clean: boolean) {
      if (done) return
      done = true
      closedClean = clean
      const err = clean ? undefined : new StorageClosedError(`Storage ${path} was closed before its last writes were synced`)
      for (const waiter of [...waiters]) settle(waiter, failure ?? err)
      release()
    }
  }
}

/** fsync a folder so that a file created in it stays after a power cut (a no-op where folders cannot be opened). */
function syncFolder (folder: string): void {
  let fd: number | undefined
  try {
    fd = openSync(folder, 'r')
    fsyncSync(fd)
  } catch {
    // Windows cannot open a folder; its file system journals the entry
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}
