import { AbortError } from '@commonplace/core'

/**
 * Group commit on a store that syncs after writing (docs/storage.md, "Group commit"): while a
 * disk sync runs, changes stay staged in memory and go to disk in one batch when it lands, so a
 * fast writer pays one commit and one sync per sync, not per change. Tracks what is written and
 * what is durable, and who waits for it.
 */
export interface GroupCommit {
  /** The latest change sequence number on disk. */
  readonly durableSeq: number
  /**
   * Called at the end of each turn that staged changes: whether the batch, now `stagedBytes`,
   * waits, for the running disk sync or, in a burst (this turn came less than `burstGapMs` after
   * the previous one), until `burstHoldMs` after its first change. When it waits, `writeWaiting`
   * is called once both are over. Past `maxWaitingBytes` nothing waits.
   */
  defer(stagedBytes: number): boolean
  /** A batch with the changes up to `seq` was written: durable now, or once the disk sync after it lands. */
  written(seq: number): void
  /** A batch failed to be written: whoever waits for changes after the last batch written is rejected with `err`. */
  writeFailed(err: Error): void
  /**
   * Resolves once the changes up to `seq` are durable. Whatever is staged waits for the running
   * sync (not for a burst's hold), is written when it lands, and is durable after the next.
   * @throws the write's or the sync's error when the changes are lost, AbortError
   */
  whenDurable(seq: number, signal?: AbortSignal): Promise<void>
  /** Whether a disk sync runs now. */
  readonly syncing: boolean
  onDurable(listener: (seq: number) => void): () => void
  /** At close: the staged batch is written by the closer; drop listeners. */
  clear(): void
}

export interface GroupCommitInit {
  /** The change sequence number on disk at open. */
  seq: number
  /** The storage's disk sync; without one every written batch is durable at once. */
  sync?: () => Promise<void>
  maxWaitingBytes: number
  /** Turns with changes closer than this (ms) are a burst; 0: never hold for a burst. */
  burstGapMs?: number
  /** In a burst, a batch is written at the earliest this long (ms) after its first change. */
  burstHoldMs?: number
  /** A clock in ms with sub-ms resolution (performance.now by default). */
  now?: () => number
  /** Write the batch that waited for the sync that just landed. */
  writeWaiting: () => void
  /** A disk sync failed: the changes up to `seq` may not be on disk. */
  syncFailed: (seq: number, err: Error) => void
}

interface Waiter { seq: number, resolve: () => void, reject: (err: Error) => void, signal?: AbortSignal, onAbort?: () => void }

export function groupCommit (init: GroupCommitInit): GroupCommit {
  const { sync, maxWaitingBytes, writeWaiting, syncFailed, burstGapMs = 0, burstHoldMs = 0 } = init
  const now = init.now ?? (() => performance.now())
  const waiters = new Set<Waiter>()
  const listeners = new Set<(seq: number) => void>()
  let durableSeq = init.seq
  let writtenSeq = init.seq
  let syncsRunning = 0
  let waiting = false
  /** When the previous turn with changes ended; -Infinity before the first. */
  let lastTurnAt = -Infinity
  /** Runs while a burst's batch is held; it ends the hold. */
  let holdTimer: ReturnType<typeof setTimeout> | undefined

  const settle = (waiter: Waiter, err?: Error): void => {
    waiters.delete(waiter)
    if (waiter.onAbort != null) waiter.signal?.removeEventListener('abort', waiter.onAbort)
    if (err == null) waiter.resolve()
    else waiter.reject(err)
  }
  const failAfter = (kept: number, err: Error): void => {
    for (const waiter of [...waiters]) if (waiter.seq > kept) settle(waiter, err)
  }
  const landed = (seq: number): void => {
    if (seq <= durableSeq) return
    durableSeq = seq
    for (const waiter of [...waiters]) if (waiter.seq <= seq) settle(waiter)
    for (const listener of listeners) listener(seq)
  }
  const resume = (): void => {
    if (!waiting || syncsRunning > 0 || holdTimer != null) return
    endHold()
    waiting = false
    writeWaiting()
  }
  const endHold = (): void => {
    clearTimeout(holdTimer)
    holdTimer = undefined
  }

  return {
    get durableSeq () { return durableSeq },
    get syncing () { return syncsRunning > 0 },

    defer (stagedBytes) {
      const at = now()
      const burst = at - lastTurnAt < burstGapMs
      lastTurnAt = at
      if (stagedBytes >= maxWaitingBytes) return false
      if (burst && burstHoldMs > 0 && holdTimer == null && !waiting) {
        holdTimer = setTimeout(() => {
          holdTimer = undefined
          resume()
        }, burstHoldMs)
      }
      if (syncsRunning === 0 && holdTimer == null) return false
      waiting = true
      return true
    },

    written (seq) {
      writtenSeq = seq
      endHold()
      waiting = false
      if (sync == null) {
        landed(seq)
        return
      }
      syncsRunning++
      sync().then(() => {
        syncsRunning--
        landed(seq)
        resume()
      }, (err: Error) => {
        syncsRunning--
        syncFailed(seq, err)
        failAfter(durableSeq, err)
        resume()
      })
    },

    writeFailed (err) {
      failAfter(writtenSeq, err)
    },

    async whenDurable (seq, signal) {
      if (signal?.aborted === true) throw new AbortError('Waiting for the disk was aborted')
      if (seq <= durableSeq) return
      // somebody waits: a burst's batch is held no longer
      endHold()
      if (syncsRunning > 0) waiting = true
      await new Promise<void>((resolve, reject) => {
        const waiter: Waiter = { seq, resolve, reject, signal }
        if (signal != null) {
          waiter.onAbort = () => { settle(waiter, new AbortError('Waiting for the disk was aborted')) }
          signal.addEventListener('abort', waiter.onAbort, { once: true })
        }
        waiters.add(waiter)
      })
    },

    onDurable (listener) {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    },

    clear () {
      endHold()
      waiting = false
      listeners.clear()
    }
  }
}
