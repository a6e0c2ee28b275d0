import { afterEach, describe, expect, it, vi } from 'vitest'
import { StorageFullError, StorageWriteError } from '@commonplace/core'
import { groupCommit } from '../src/group-commit.ts'
import type { GroupCommitInit } from '../src/group-commit.ts'

/** Disk syncs the test lands (or fails) one at a time, in the order they were asked for. */
function heldSyncs (): { sync: () => Promise<void>, land: () => Promise<void>, fail: (err: Error) => Promise<void>, running: () => number } {
  const held: Array<{ resolve: () => void, reject: (err: Error) => void }> = []
  const settled = async (): Promise<void> => { await new Promise(resolve => setImmediate(resolve)) }
  return {
    sync: async () => { await new Promise<void>((resolve, reject) => { held.push({ resolve, reject }) }) },
    land: async () => { held.shift()?.resolve(); await settled() },
    fail: async err => { held.shift()?.reject(err); await settled() },
    running: () => held.length
  }
}

function setup (overrides: Partial<GroupCommitInit> = {}): { commits: ReturnType<typeof groupCommit>, syncs: ReturnType<typeof heldSyncs>, writes: number[], failures: Array<[number, Error]> } {
  const syncs = heldSyncs()
  const writes: number[] = []
  const failures: Array<[number, Error]> = []
  const commits = groupCommit({
    seq: 0,
    sync: syncs.sync,
    maxWaitingBytes: 1000,
    writeWaiting: () => { writes.push(writes.length + 1) },
    syncFailed: (seq, err) => { failures.push([seq, err]) },
    ...overrides
  })
  return { commits, syncs, writes, failures }
}

describe('group commit', () => {
  it('defers a batch only while a sync runs, and asks for it to be written once that sync lands', async () => {
    const { commits, syncs, writes } = setup()
    expect(commits.defer(10)).toBe(false)
    commits.written(1)
    expect(commits.syncing).toBe(true)
    expect(commits.defer(10)).toBe(true)
    expect(writes).toEqual([])
    await syncs.land()
    expect(commits.durableSeq).toBe(1)
    expect(writes).toEqual([1])
    expect(commits.syncing).toBe(false)
  })

  it('does not defer a batch of maxWaitingBytes or more', () => {
    const { commits } = setup()
    commits.written(1)
    expect(commits.defer(999)).toBe(true)
    expect(commits.defer(1000)).toBe(false)
  })

  it('resolves each waiter once its change is durable, and tells onDurable listeners in order', async () => {
    const { commits, syncs } = setup()
    const seen: number[] = []
    commits.onDurable(seq => seen.push(seq))
    commits.written(1)
    const resolved: number[] = []
    const first = commits.whenDurable(1).then(() => { resolved.push(1) })
    const second = commits.whenDurable(3).then(() => { resolved.push(3) })
    await syncs.land()
    await first
    expect(resolved).toEqual([1])
    commits.written(3)
    await syncs.land()
    await second
    expect(resolved).toEqual([1, 3])
    expect(seen).toEqual([1, 3])
  })

  it('a failed write rejects only the waiters whose changes were not written before it', async () => {
    const { commits, syncs } = setup()
    commits.written(2)
    const kept = commits.whenDurable(2)
    const lost = commits.whenDurable(5)
    const full = new StorageFullError('database or disk is full')
    commits.writeFailed(full)
    await expect(lost).rejects.toBe(full)
    await syncs.land()
    await kept
    expect(commits.durableSeq).toBe(2)
  })

  it('a failed sync is reported, rejects the waiters behind it and leaves durableSeq where it was', async () => {
    const { commits, syncs, failures } = setup()
    commits.written(4)
    const eio = new StorageWriteError('Syncing to disk failed (EIO)')
    const rejected = expect(commits.whenDurable(4)).rejects.toBe(eio)
    await syncs.fail(eio)
    await rejected
    expect(failures).toEqual([[4, eio]])
    expect(commits.durableSeq).toBe(0)
  })

  it('rejects with AbortError when the signal aborts, before or while waiting', async () => {
    const { commits } = setup()
    commits.written(1)
    await expect(commits.whenDurable(1, AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' })
    const controller = new AbortController()
    const waiting = commits.whenDurable(1, controller.signal)
    controller.abort()
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('without a disk sync every written batch is durable at once and nothing waits', () => {
    const { commits } = setup({ sync: undefined })
    commits.written(7)
    expect(commits.durableSeq).toBe(7)
    expect(commits.syncing).toBe(false)
    expect(commits.defer(1)).toBe(false)
  })

  describe('burst hold', () => {
    afterEach(() => { vi.useRealTimers() })

    /** Group commit with a clock the test sets, timers faked, and a sync that lands at once. */
    function bursts (overrides: Partial<GroupCommitInit> = {}): ReturnType<typeof setup> & { at: (ms: number) => void } {
      vi.useFakeTimers()
      let clock = 0
      const parts = setup({ sync: undefined, burstGapMs: 0.5, burstHoldMs: 5, now: () => clock, ...overrides })
      return { ...parts, at: ms => { clock = ms } }
    }

    /** A batch written and its sync held, then a batch staged 0.3 ms later: held as a burst. */
    function heldBurst (): ReturnType<typeof bursts> & { syncs: ReturnType<typeof heldSyncs> } {
      const syncs = heldSyncs()
      const parts = bursts({ sync: syncs.sync })
      parts.commits.defer(10)
      parts.commits.written(1)
      parts.at(0.3)
      expect(parts.commits.defer(10)).toBe(true)
      return { ...parts, syncs }
    }

    it('holds the batch of a turn that came within burstGapMs of the previous one until burstHoldMs after it', () => {
      const { commits, writes, at } = bursts()
      expect(commits.defer(10)).toBe(false)
      commits.written(1)
      at(0.2)
      expect(commits.defer(10)).toBe(true)
      at(0.4)
      expect(commits.defer(20)).toBe(true)
      vi.advanceTimersByTime(4.9)
      expect(writes).toEqual([])
      vi.advanceTimersByTime(0.1)
      expect(writes).toEqual([1])
      expect(vi.getTimerCount()).toBe(0)
    })

    it('writes at once the batches of turns further apart than burstGapMs', () => {
      const { commits, writes, at } = bursts()
      for (const [i, ms] of [0, 1, 2.5, 20].entries()) {
        at(ms)
        expect(commits.defer(10)).toBe(false)
        commits.written(i + 1)
      }
      expect(writes).toEqual([])
      expect(vi.getTimerCount()).toBe(0)
      expect(commits.durableSeq).toBe(4)
    })

    it('a batch written during its hold (whenDurable, close) ends the hold', () => {
      const { commits, writes, at } = bursts()
      commits.defer(10)
      at(0.1)
      expect(commits.defer(10)).toBe(true)
      commits.written(2)
      vi.advanceTimersByTime(10)
      expect(writes).toEqual([])
      expect(commits.durableSeq).toBe(2)
    })

    it('whenDurable ends the hold: the batch is written once the running sync lands', async () => {
      const { commits, writes, syncs } = heldBurst()
      const durable = commits.whenDurable(2)
      syncs.land().catch(() => {})
      await vi.advanceTimersByTimeAsync(0)
      expect(writes).toEqual([1])
      commits.written(2)
      syncs.land().catch(() => {})
      await vi.advanceTimersByTimeAsync(0)
      await durable
      expect(commits.durableSeq).toBe(2)
    })

    it('a hold that ends while a disk sync runs waits for the sync to land', async () => {
      const { commits, writes, syncs } = heldBurst()
      vi.advanceTimersByTime(5)
      expect(writes).toEqual([])
      syncs.land().catch(() => {})
      await vi.runAllTimersAsync()
      expect(writes).toEqual([1])
      expect(commits.durableSeq).toBe(1)
    })

    it('a burst batch of maxWaitingBytes or more is written at once', () => {
      const { commits, at } = bursts()
      commits.defer(10)
      at(0.1)
      expect(commits.defer(1000)).toBe(false)
    })

    it('burstHoldMs 0 never holds', () => {
      const { commits, at } = bursts({ burstHoldMs: 0 })
      commits.defer(10)
      at(0.1)
      expect(commits.defer(10)).toBe(false)
    })
  })
})
