/**
 * Slowing repeated sign-in failures, per account and per address (docs/people.md, "Throttling"):
 * after {@link FREE_FAILURES} failures in a row each attempt waits, doubling from
 * {@link FIRST_WAIT} up to a cap, and an attempt during the wait is refused without hashing.
 * There is no permanent lockout: the account's cap is short.
 */
import { TooManyAttemptsError } from '@commonplace/core'
import { FIRST_WAIT, FREE_FAILURES, MAX_THROTTLED_KEYS } from './constants.ts'

interface Failures { count: number, until: number }

/** One throttle (accounts, or addresses). */
export interface Throttle {
  /** @throws TooManyAttemptsError while `key` must wait (the message says how long) */
  check(key: string): void
  /** Count a failure for `key`. */
  fail(key: string): void
  /** Forget `key`'s failures (a success). */
  clear(key: string): void
}

/** A throttle whose waits stop growing at `maxWait` ms. */
export function createThrottle (init: { maxWait: number, now?: () => number, what: string }): Throttle {
  const now = init.now ?? Date.now
  // insertion order is age order: a re-set key moves to the end
  const failures = new Map<string, Failures>()
  return {
    check (key) {
      const entry = failures.get(key)
      if (entry == null || entry.until <= now()) return
      const seconds = Math.ceil((entry.until - now()) / 1000)
      const error = new TooManyAttemptsError(`Too many failed sign-ins ${init.what}; try again in ${seconds} s`)
      Object.assign(error, { retryAfter: seconds })
      throw error
    },
    fail (key) {
      const count = (failures.get(key)?.count ?? 0) + 1
      const wait = count <= FREE_FAILURES ? 0 : Math.min(init.maxWait, FIRST_WAIT * 2 ** Math.min(count - FREE_FAILURES - 1, 30))
      failures.delete(key)
      failures.set(key, { count, until: now() + wait })
      if (failures.size > MAX_THROTTLED_KEYS) failures.delete(failures.keys().next().value as string)
    },
    clear (key) { failures.delete(key) }
  }
}
