import { StorageClosedError, StorageFullError } from '@commonplace/core'
import type { KeyValueStore, RangeOptions, WriteOp } from '@commonplace/core'
import { normalizeRange, validateOps } from './range.ts'

export interface MemoryStoreInit {
  /**
   * Most bytes the store may hold, counted as the UTF-8 length of every key plus the length of
   * every value. A batch that would go over it throws StorageFullError and applies nothing.
   */
  quotaBytes?: number
}

/** First index whose key is `>= key` (`inclusive`) or `> key` (not `inclusive`). */
function search (keys: string[], key: string, inclusive: boolean): number {
  let lo = 0
  let hi = keys.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (keys[mid] < key || (!inclusive && keys[mid] === key)) lo = mid + 1
    else hi = mid
  }
  return lo
}

function entrySize (key: string, value: Uint8Array | undefined): number {
  return value === undefined ? 0 : Buffer.byteLength(key, 'utf8') + value.byteLength
}

/**
 * A `KeyValueStore` held in memory: keys kept sorted (binary search for ranges), values copied in
 * and out so no caller can change stored bytes. For tests, and for nodes that need no disk.
 *
 * @example
 * ```ts
 * const store = memoryStore({ quotaBytes: 1024 * 1024 })
 * store.write([{ type: 'put', key: 'a', value: Uint8Array.of(1) }])
 * store.get('a') // Uint8Array [1]
 * ```
 */
export function memoryStore (init: MemoryStoreInit = {}): KeyValueStore {
  const quota = init.quotaBytes ?? Infinity
  let keys: string[] = []
  let values = new Map<string, Uint8Array>()
  let used = 0
  let closed = false

  function assertOpen (): void {
    if (closed) throw new StorageClosedError()
  }

  return {
    get (key: string): Uint8Array | undefined {
      assertOpen()
      return values.get(key)?.slice()
    },

    range (options: RangeOptions): Array<[string, Uint8Array]> {
      assertOpen()
      const { lower, upper, limit, reverse } = normalizeRange(options)
      const start = lower === undefined ? 0 : search(keys, lower.key, lower.inclusive)
      const end = upper === undefined ? keys.length : search(keys, upper.key, !upper.inclusive)
      const count = Math.max(0, limit === -1 ? end - start : Math.min(limit, end - start))
      const out: Array<[string, Uint8Array]> = new Array(count)
      for (let i = 0; i < count; i++) {
        const key = keys[reverse ? end - 1 - i : start + i]
        out[i] = [key, (values.get(key) as Uint8Array).slice()]
      }
      return out
    },

    write (ops: WriteOp[]): void {
      assertOpen()
      validateOps(ops)
      // Stage the batch (later operations on a key win), check the quota, then apply it whole.
      const staged = new Map<string, Uint8Array | undefined>()
      for (const op of ops) staged.set(op.key, op.type === 'put' ? op.value.slice() : undefined)
      let delta = 0
      for (const [key, value] of staged) delta += entrySize(key, value) - entrySize(key, values.get(key))
      if (delta > 0 && used + delta > quota) {
        throw new StorageFullError(`Storage quota of ${quota} bytes exceeded: the batch needs ${delta} more bytes and ${quota - used} are free`)
      }
      for (const [key, value] of staged) {
        const exists = values.has(key)
        if (value === undefined) {
          if (!exists) continue
          values.delete(key)
          keys.splice(search(keys, key, true), 1)
        } else {
          if (!exists) keys.splice(search(keys, key, true), 0, key)
          values.set(key, value)
        }
      }
      used += delta
    },

    close (): void {
      if (closed) return
      closed = true
      keys = []
      values = new Map()
      used = 0
    }
  }
}
