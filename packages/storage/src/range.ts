import { StorageWriteError } from '@commonplace/core'
import type { RangeOptions, WriteOp } from '@commonplace/core'

/** One bound of a range: the key and whether it is included. */
export interface Bound {
  key: string
  inclusive: boolean
}

/** A range with at most one lower and one upper bound; `limit` is `-1` for "no limit". */
export interface NormalRange {
  lower?: Bound
  upper?: Bound
  limit: number
  reverse: boolean
}

/**
 * Reduce `gt`/`gte` (and `lt`/`lte`) to the tighter of the two, so that every bound given applies
 * and both adapters agree. A `limit` that is absent, `Infinity` or negative means no limit.
 */
export function normalizeRange (options: RangeOptions): NormalRange {
  let lower: Bound | undefined
  if (options.gte !== undefined) lower = { key: options.gte, inclusive: true }
  if (options.gt !== undefined && (lower === undefined || options.gt >= lower.key)) {
    lower = { key: options.gt, inclusive: false }
  }
  let upper: Bound | undefined
  if (options.lte !== undefined) upper = { key: options.lte, inclusive: true }
  if (options.lt !== undefined && (upper === undefined || options.lt <= upper.key)) {
    upper = { key: options.lt, inclusive: false }
  }
  const limit = options.limit === undefined || !Number.isFinite(options.limit) || options.limit < 0
    ? -1
    : Math.floor(options.limit)
  return { lower, upper, limit, reverse: options.reverse === true }
}

/**
 * Check the shape of a batch before anything is applied. Keys must be well-formed strings (a lone
 * surrogate would be silently replaced on its way to UTF-8 and alias another key) and values bytes.
 * @throws StorageWriteError naming the first bad operation
 */
export function validateOps (ops: WriteOp[]): void {
  if (!Array.isArray(ops)) throw new StorageWriteError('A write batch must be an array of operations')
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]
    if (op === null || typeof op !== 'object') throw new StorageWriteError(`Operation ${i} is not an object`)
    if (typeof op.key !== 'string' || !op.key.isWellFormed()) {
      throw new StorageWriteError(`Operation ${i} has a key that is not a well-formed string`)
    }
    if (op.type === 'put') {
      if (!(op.value instanceof Uint8Array)) throw new StorageWriteError(`Operation ${i} puts a value that is not a Uint8Array`)
    } else if (op.type !== 'del') {
      throw new StorageWriteError(`Operation ${i} has an unknown type`)
    }
  }
}
