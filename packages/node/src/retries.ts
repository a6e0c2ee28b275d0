/**
 * Retrying something per organisation with exponential backoff: one timer per key, at most one
 * attempt at a time, the delay doubling from `firstDelay` up to `maxDelay`.
 */
import type { Logger } from '@libp2p/interface'

export interface RetriesInit {
  /** Throws (or rejects) when it should be tried again. */
  attempt: (key: string) => Promise<void>
  log: Logger
  /** First delay (ms). Default 5 s. */
  firstDelay?: number
  /** Longest delay (ms): bounds how late a peer that came back is reached. Default 1 h. */
  maxDelay?: number
}

export interface Retries {
  /** Try `key` again after its next delay (nothing if already scheduled). */
  schedule(key: string): void
  /** Forget `key` (delivered, or no longer wanted). */
  done(key: string): void
  /** Whether an attempt or a timer is pending for `key`. */
  pending(key: string): boolean
  stop(): void
}

export function createRetries (init: RetriesInit): Retries {
  const first = init.firstDelay ?? 5_000
  const max = init.maxDelay ?? 3_600_000
  const state = new Map<string, { failures: number, timer?: ReturnType<typeof setTimeout> }>()
  let stopped = false

  const run = (key: string): void => {
    const entry = state.get(key)
    if (entry == null || stopped) return
    entry.timer = undefined
    init.attempt(key).then(() => {}, err => {
      init.log('retry of %s failed: %s', key, (err as Error).message)
      retries.schedule(key)
    })
  }

  const retries: Retries = {
    schedule (key) {
      if (stopped) return
      const entry = state.get(key) ?? { failures: 0 }
      state.set(key, entry)
      if (entry.timer != null) return
      const delay = Math.min(max, first * 2 ** Math.min(entry.failures, 30))
      entry.failures++
      entry.timer = setTimeout(() => { run(key) }, delay)
      entry.timer.unref?.()
    },
    done (key) {
      clearTimeout(state.get(key)?.timer)
      state.delete(key)
    },
    pending: key => state.has(key),
    stop () {
      stopped = true
      for (const entry of state.values()) clearTimeout(entry.timer)
      state.clear()
    }
  }
  return retries
}
