import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import type { KeyValueStore, WriteOp } from '@commonplace/core'

/** What an adapter's `open` may be asked for, beyond a plain store. */
export interface AcceptanceOpenOptions {
  /** Give a store that holds roughly this many bytes, then throws StorageFullError. */
  capacityBytes?: number
}

export interface AcceptanceSubject {
  store: KeyValueStore
  /** Open the same storage again (after `store` is closed); omit for adapters that do not persist. */
  reopen?: () => KeyValueStore
  /** Remove whatever `open` created; stores are closed before it runs. */
  cleanup: () => void
}

const put = (key: string, value: Uint8Array | number[]): WriteOp => ({ type: 'put', key, value: Uint8Array.from(value) })
const del = (key: string): WriteOp => ({ type: 'del', key })
const keysOf = (entries: Array<[string, Uint8Array]>): string[] => entries.map(([key]) => key)

/**
 * The behaviour every `KeyValueStore` adapter must have. Call it from a spec file with a factory
 * that opens a fresh, empty store each time.
 */
export function keyValueStoreAcceptance (name: string, open: (options?: AcceptanceOpenOptions) => AcceptanceSubject, traits: { persistent: boolean }): void {
  describe(`${name}: KeyValueStore acceptance`, () => {
    let subjects: AcceptanceSubject[] = []
    let opened: KeyValueStore[] = []

    function fresh (options?: AcceptanceOpenOptions): AcceptanceSubject & { store: KeyValueStore } {
      const subject = open(options)
      subjects.push(subject)
      opened.push(subject.store)
      return subject
    }

    let store: KeyValueStore
    beforeEach(() => { store = fresh().store })

    afterEach(() => {
      for (const s of opened) s.close()
      for (const s of subjects) s.cleanup()
      subjects = []
      opened = []
    })

    describe('get, put and del', () => {
      it('returns undefined for a key never written', () => {
        expect(store.get('absent')).toBeUndefined()
      })

      it('returns the value put, and the newest value after an overwrite', () => {
        store.write([put('k', [1, 2, 3])])
        expect(store.get('k')).toEqual(Uint8Array.of(1, 2, 3))
        store.write([put('k', [4])])
        expect(store.get('k')).toEqual(Uint8Array.of(4))
      })

      it('forgets a deleted key, and deleting an absent key is not an error', () => {
        store.write([put('k', [1])])
        store.write([del('k')])
        expect(store.get('k')).toBeUndefined()
        expect(() => store.write([del('never-written')])).not.toThrow()
        expect(store.range({})).toEqual([])
      })

      it('accepts an empty batch as a no-op', () => {
        store.write([])
        expect(store.range({})).toEqual([])
      })

      it('applies the operations of a batch in order, so the last one on a key wins', () => {
        store.write([put('a', [1]), del('a'), put('b', [1]), put('b', [2]), put('c', [1]), del('c'), put('c', [3])])
        expect(store.get('a')).toBeUndefined()
        expect(store.get('b')).toEqual(Uint8Array.of(2))
        expect(store.get('c')).toEqual(Uint8Array.of(3))
      })

      it('applies a large batch whole', () => {
        const ops = Array.from({ length: 1000 }, (_, i) => put(`n/${String(i).padStart(4, '0')}`, [i & 0xff]))
        store.write(ops)
        const all = store.range({ gte: 'n/', lt: 'n0' })
        expect(all).toHaveLength(1000)
        expect(all[999]).toEqual(['n/0999', Uint8Array.of(999 & 0xff)])
      })
    })

    describe('atomic batches', () => {
      it('applies nothing of a batch that holds an invalid operation, and throws StorageWriteError', () => {
        store.write([put('a', [1])])
        const bad = [put('b', [2]), { type: 'put', key: 'c', value: 'not bytes' }, del('a')] as unknown as WriteOp[]
        expect(() => store.write(bad)).toThrow(expect.objectContaining({ name: 'StorageWriteError' }))
        expect(store.range({})).toEqual([['a', Uint8Array.of(1)]])
      })

      it('refuses a key that is not well-formed UTF-16 instead of aliasing another key', () => {
        expect(() => store.write([put('ok', [1]), put('x\uD800', [2])])).toThrow(expect.objectContaining({ name: 'StorageWriteError' }))
        expect(store.range({})).toEqual([])
      })

      it('applies nothing of a batch that runs out of space midway, throws StorageFullError, and accepts writes again after deletes', () => {
        const { store: small } = fresh({ capacityBytes: 256 * 1024 })
        small.write([put('a', [1]), put('b', randomBytes(64 * 1024))])
        const before = small.range({})
        const overflowing = [put('c', [3]), del('a'), put('d', randomBytes(512 * 1024)), put('e', [5])]
        expect(() => small.write(overflowing)).toThrow(expect.objectContaining({ name: 'StorageFullError', code: 'ERR_STORAGE_FULL' }))
        expect(small.range({})).toEqual(before)
        expect(small.get('c')).toBeUndefined()
        small.write([del('b')])
        small.write([put('f', randomBytes(100 * 1024))])
        expect(keysOf(small.range({}))).toEqual(['a', 'f'])
      })
    })

    describe('range', () => {
      const keys = ['a', 'b', 'c', 'd/x/1', 'd/x/2', 'd/x/20', 'd/x0', 'd/y/1', 'e']
      beforeEach(() => {
        // Written out of order, in two batches, to check the store sorts.
        store.write([...keys].reverse().slice(0, 4).map((k, i) => put(k, [i])))
        store.write([...keys].reverse().slice(4).map((k, i) => put(k, [i + 4])))
      })

      it('returns every entry in ascending key order with no options', () => {
        expect(keysOf(store.range({}))).toEqual(keys)
      })

      it('returns each key with its own value', () => {
        const reversed = [...keys].reverse()
        for (const [key, value] of store.range({})) expect(value).toEqual(Uint8Array.of(reversed.indexOf(key)))
      })

      it('honours inclusive and exclusive bounds', () => {
        expect(keysOf(store.range({ gte: 'b', lt: 'd' }))).toEqual(['b', 'c'])
        expect(keysOf(store.range({ gt: 'b', lte: 'd/x/1' }))).toEqual(['c', 'd/x/1'])
        expect(keysOf(store.range({ gte: 'b', lte: 'c' }))).toEqual(['b', 'c'])
        expect(keysOf(store.range({ gt: 'b', lt: 'c' }))).toEqual([])
        expect(keysOf(store.range({ gt: 'd/y/1' }))).toEqual(['e'])
        expect(keysOf(store.range({ lt: 'b' }))).toEqual(['a'])
        expect(keysOf(store.range({ lte: 'b' }))).toEqual(['a', 'b'])
      })

      it('uses bounds that fall between keys', () => {
        expect(keysOf(store.range({ gt: 'bb', lt: 'd/x/15' }))).toEqual(['c', 'd/x/1'])
        expect(keysOf(store.range({ gte: '0', lte: 'zz' }))).toEqual(keys)
      })

      it('returns nothing when the bounds exclude every key or cross', () => {
        expect(store.range({ gt: 'e' })).toEqual([])
        expect(store.range({ lt: 'a' })).toEqual([])
        expect(store.range({ gte: 'd', lt: 'b' })).toEqual([])
        expect(store.range({ gte: 'c', lte: 'c', reverse: true })).toHaveLength(1)
      })

      it('applies the tighter bound when both gt and gte (or lt and lte) are given', () => {
        expect(keysOf(store.range({ gte: 'a', gt: 'b' }))[0]).toBe('c')
        expect(keysOf(store.range({ gte: 'c', gt: 'b' }))[0]).toBe('c')
        expect(keysOf(store.range({ gt: 'c', gte: 'c' }))[0]).toBe('d/x/1')
        expect(keysOf(store.range({ lte: 'e', lt: 'c' }))).toEqual(['a', 'b'])
        expect(keysOf(store.range({ lte: 'b', lt: 'b' }))).toEqual(['a'])
      })

      it('scans a prefix with gte "p/" and lt "p0" without touching neighbours', () => {
        expect(keysOf(store.range({ gte: 'd/x/', lt: 'd/x0' }))).toEqual(['d/x/1', 'd/x/2', 'd/x/20'])
        expect(keysOf(store.range({ gte: 'd/x/', lt: 'd/x0', reverse: true, limit: 1 }))).toEqual(['d/x/20'])
        expect(keysOf(store.range({ gte: 'd/z/', lt: 'd/z0' }))).toEqual([])
      })

      it('returns keys in descending order with reverse, bounds applied the same', () => {
        expect(keysOf(store.range({ reverse: true }))).toEqual([...keys].reverse())
        expect(keysOf(store.range({ gt: 'a', lte: 'c', reverse: true }))).toEqual(['c', 'b'])
      })

      it('returns at most limit entries, taken from the start of the order', () => {
        expect(keysOf(store.range({ limit: 2 }))).toEqual(['a', 'b'])
        expect(keysOf(store.range({ limit: 2, reverse: true }))).toEqual(['e', 'd/y/1'])
        expect(keysOf(store.range({ gt: 'a', limit: 1 }))).toEqual(['b'])
        expect(keysOf(store.range({ lt: 'e', limit: 2, reverse: true }))).toEqual(['d/y/1', 'd/x0'])
        expect(store.range({ limit: 0 })).toEqual([])
        expect(store.range({ limit: 100 })).toHaveLength(keys.length)
        expect(store.range({ limit: Infinity })).toHaveLength(keys.length)
      })

      it('orders ASCII keys bytewise (digits before upper case before lower case)', () => {
        const mixed = ['m/a', 'm/B', 'm/0', 'm/~', 'm/_', 'm/Z', 'm/-']
        store.write(mixed.map(k => put(k, [0])))
        expect(keysOf(store.range({ gte: 'm/', lt: 'm0' }))).toEqual([...mixed].sort())
      })

      it('reflects deletes and overwrites', () => {
        store.write([del('b'), del('d/x/2'), put('c', [42])])
        expect(keysOf(store.range({ lte: 'd/x/20' }))).toEqual(['a', 'c', 'd/x/1', 'd/x/20'])
        expect(store.range({ gte: 'c', lte: 'c' })).toEqual([['c', Uint8Array.of(42)]])
      })
    })

    describe('byte values', () => {
      it('round-trips empty, every byte value and a 1 MiB value exactly, as Uint8Array', () => {
        const all = Uint8Array.from({ length: 256 }, (_, i) => i)
        const big = new Uint8Array(randomBytes(1024 * 1024))
        store.write([put('empty', []), put('all', all), put('big', big)])
        for (const [key, want] of [['empty', new Uint8Array(0)], ['all', all], ['big', big]] as const) {
          const got = store.get(key)
          expect(got).toBeInstanceOf(Uint8Array)
          expect(got?.byteLength).toBe(want.byteLength)
          expect(Buffer.compare(got as Uint8Array, want)).toBe(0)
        }
        const ranged = new Map(store.range({}))
        expect(Buffer.compare(ranged.get('big') as Uint8Array, big)).toBe(0)
        expect(ranged.get('empty')).toEqual(new Uint8Array(0))
      })

      it('stores only the bytes of a view, not its whole underlying buffer', () => {
        const backing = Uint8Array.of(9, 9, 1, 2, 3, 9)
        store.write([{ type: 'put', key: 'view', value: backing.subarray(2, 5) }])
        expect(store.get('view')).toEqual(Uint8Array.of(1, 2, 3))
      })

      it('keeps stored bytes safe from changes to the written or returned arrays', () => {
        const value = Uint8Array.of(1, 2, 3)
        store.write([{ type: 'put', key: 'k', value }])
        value[0] = 99
        const got = store.get('k') as Uint8Array
        got[1] = 99
        const [[, ranged]] = store.range({})
        ranged[2] = 99
        expect(store.get('k')).toEqual(Uint8Array.of(1, 2, 3))
      })
    })

    if (traits.persistent) describe('persistence', () => {
      it('keeps every entry across close and reopen', () => {
        const subject = subjects[0]
        if (subject.reopen === undefined) throw new Error('a persistent adapter must give reopen()')
        const big = new Uint8Array(randomBytes(256 * 1024))
        store.write([put('a', [1]), put('b', big), put('gone', [0])])
        store.write([del('gone')])
        store.close()
        const again = subject.reopen()
        opened.push(again)
        expect(again.get('a')).toEqual(Uint8Array.of(1))
        expect(Buffer.compare(again.get('b') as Uint8Array, big)).toBe(0)
        expect(keysOf(again.range({}))).toEqual(['a', 'b'])
        again.write([put('c', [3])])
        expect(keysOf(again.range({}))).toEqual(['a', 'b', 'c'])
      })
    })

    describe('after close', () => {
      it('throws StorageClosedError from get, range and write, and close is idempotent', () => {
        store.write([put('a', [1])])
        store.close()
        const closed = expect.objectContaining({ name: 'StorageClosedError', code: 'ERR_STORAGE_CLOSED' })
        expect(() => store.get('a')).toThrow(closed)
        expect(() => store.range({})).toThrow(closed)
        expect(() => store.write([put('b', [2])])).toThrow(closed)
        expect(() => store.write([])).toThrow(closed)
        expect(() => { store.close() }).not.toThrow()
      })
    })
  })
}
