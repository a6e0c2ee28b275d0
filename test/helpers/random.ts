/**
 * Seeded randomness for the reliability suite: every random choice (when to kill, which edit, which
 * fault) comes from one seed (test/chaos/generated.ts: SEED), printed on failure, so a failing run
 * can be replayed.
 */

/** A generator of numbers in [0, 1) from a 32-bit seed (mulberry32). */
export interface Random {
  readonly seed: number
  next(): number
  /** An integer in [min, max]. */
  int(min: number, max: number): number
  pick<T>(items: readonly T[]): T
}

export function seededRandom (seed: number): Random {
  let a = seed >>> 0
  const next = (): number => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    seed,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: items => items[Math.floor(next() * items.length)]
  }
}
