/**
 * Growth of processing time on doubling input sizes, for the linear-time tests: the same work
 * timed on inputs of size n, 2n, 4n and 8n (the best of a few runs each, after a warm-up), and
 * the time for 8n compared with the time for n: about 8 for linear work, 64 for quadratic. The
 * bound is generous (the machine is shared) and a failing case is measured once more; no
 * absolute time is asserted.
 */
import { expect } from 'vitest'

/** Largest accepted time(8n) / time(n); linear work gives about 8, quadratic 64. */
export const MAX_RATIO = 24
const RUNS = 5
/** A floor (ms) that keeps timer resolution from making a tiny first time look like growth. */
const FLOOR_MS = 0.5

async function bestTime (work: () => unknown): Promise<number> {
  let best = Infinity
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now()
    await work()
    best = Math.min(best, performance.now() - start)
  }
  return best
}

async function growth<T> (n: number, make: (size: number) => T | Promise<T>, work: (input: T) => unknown): Promise<{ times: number[], ratio: number }> {
  await work(await make(n)) // warm-up: compile before timing
  const times: number[] = []
  for (const size of [n, 2 * n, 4 * n, 8 * n]) {
    const input = await make(size)
    times.push(await bestTime(() => work(input)))
  }
  return { times, ratio: times[3] / Math.max(times[0], FLOOR_MS) }
}

/** Asserts that `work(make(size))` takes at most about linear time in `size`, from `n` to `8n`. */
export async function expectLinear<T> (n: number, make: (size: number) => T | Promise<T>, work: (input: T) => unknown): Promise<void> {
  let { times, ratio } = await growth(n, make, work)
  // measured once more before failing: a garbage collection or a busy core can slow one size
  if (ratio >= MAX_RATIO) ({ times, ratio } = await growth(n, make, work))
  expect(ratio, `times for n, 2n, 4n, 8n: ${times.map(t => t.toFixed(2)).join(', ')} ms`).toBeLessThan(MAX_RATIO)
}
