/**
 * Shared pieces of the generated-input class of the reliability suite (docs/reliability.md,
 * "Generated input"): case counts for the quick and full modes, a fixed seed printed on failure,
 * byte mutations of valid encodings, and the check that one case ended in a valid result or a
 * typed refusal within its time bound.
 */
import fc from 'fast-check'
import { isCommonplaceError } from '@commonplace/core'

/** Set by `npm run chaos` (without `--quick`): many more cases per property. */
export const FULL = process.env.CHAOS_FULL === '1'
/** The seed every property runs with; set CHAOS_SEED to replay another run. */
export const SEED = Number(process.env.CHAOS_SEED ?? 20_261_205)
/** How long one case may take before it counts as a hang. */
export const CASE_TIMEOUT_MS = 5_000

/** Cases per property: `quick` in `npm test`, `full` under `npm run chaos`. */
export function runs (quick: number, full = quick * 200): number {
  return FULL ? full : quick
}

/** Run a property with the fixed seed; a failure names the seed and the shrunk path to replay it. */
export async function check<T> (property: fc.IAsyncPropertyWithHooks<T> | fc.IPropertyWithHooks<T>, numRuns: number): Promise<number> {
  const details = await fc.check(property as fc.IAsyncPropertyWithHooks<T>, { seed: SEED, numRuns, endOnFailure: false })
  if (details.failed) {
    const cause = details.errorInstance as Error | undefined
    throw new Error(`${fc.defaultReportMessage(details) ?? 'property failed'}\n${cause?.name ?? ''}: ${cause?.message ?? ''}\nReplay with CHAOS_SEED=${SEED}`, { cause })
  }
  return details.numRuns
}

/** A case's outcome: the value, or the typed error it was refused with. */
export type Outcome<T> = { ok: true, value: T } | { ok: false, code: string }

/**
 * Run one case under {@link CASE_TIMEOUT_MS}: a value, or a CommonplaceError (its code). Anything
 * else (another exception, a hang) is rethrown so the property fails and shrinks.
 */
export async function typed<T> (run: () => T | Promise<T>): Promise<Outcome<T>> {
  let timer: NodeJS.Timeout | undefined
  const hang = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new Error(`case did not finish within ${CASE_TIMEOUT_MS} ms`)) }, CASE_TIMEOUT_MS)
  })
  try {
    const value = await Promise.race([Promise.resolve().then(run), hang])
    return { ok: true, value }
  } catch (err) {
    if (isCommonplaceError(err)) return { ok: false, code: err.code }
    throw err
  } finally {
    clearTimeout(timer)
  }
}

/** One edit of a valid encoding, as a peer that corrupts or forges bytes might send it. */
export type Mutation =
  | { kind: 'flip', at: number, bit: number }
  | { kind: 'insert', at: number, bytes: Uint8Array }
  | { kind: 'delete', at: number, count: number }
  | { kind: 'truncate', at: number }
  | { kind: 'set', at: number, value: number }

/** A few mutations of a byte string; positions are fractions of its length so they shrink well. */
export const mutations: fc.Arbitrary<Mutation[]> = fc.array(fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.constantFrom(0, 0x7f, 0x80, 0xff) })
), { minLength: 1, maxLength: 4 })

/** Apply `edits` to a copy of `bytes`. */
export function mutate (bytes: Uint8Array, edits: Mutation[]): Uint8Array {
  let out: Uint8Array = bytes.slice()
  for (const m of edits) {
    const at = out.length === 0 ? 0 : m.at % (out.length + (m.kind === 'insert' ? 1 : 0))
    if (m.kind === 'flip' && out.length > 0) out[at] ^= 1 << m.bit
    else if (m.kind === 'set' && out.length > 0) out[at] = m.value
    else if (m.kind === 'insert') out = concat(out.subarray(0, at), m.bytes, out.subarray(at))
    else if (m.kind === 'delete') out = concat(out.subarray(0, at), out.subarray(at + m.count))
    else if (m.kind === 'truncate') out = out.slice(0, at)
  }
  return out
}

/** Mutate the UTF-8 of a string (the result may no longer be valid UTF-8: decoded leniently). */
export function mutateText (text: string, edits: Mutation[]): string {
  return new TextDecoder().decode(mutate(new TextEncoder().encode(text), edits))
}

function concat (...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const p of parts) { out.set(p, offset); offset += p.length }
  return out
}

/** Arbitrary JSON values, with deep nesting now and then. */
export const jsonValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3000 }).map(depth => nest(depth)) }
)

/** `[[[...]]]` or `{"a":{"a":...}}` `depth` levels deep. */
export function nest (depth: number, kind: 'array' | 'object' = depth % 2 === 0 ? 'array' : 'object'): unknown {
  let value: unknown = 'tief'
  for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { a: value }
  return value
}
