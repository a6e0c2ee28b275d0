import { describe, expect, it } from 'vitest'
import { StorageFullError } from '@commonplace/core'
import { memoryStore } from '../src/index.ts'
import { keyValueStoreAcceptance } from './acceptance.ts'

keyValueStoreAcceptance('memoryStore', (options = {}) => ({
  store: memoryStore({ quotaBytes: options.capacityBytes }),
  cleanup: () => {}
}), { persistent: false })

describe('memoryStore quota', () => {
  it('counts the UTF-8 bytes of keys plus values, and allows a batch that fills the quota exactly', () => {
    const store = memoryStore({ quotaBytes: 10 })
    store.write([{ type: 'put', key: 'é', value: new Uint8Array(8) }]) // 2 + 8
    expect(() => store.write([{ type: 'put', key: 'x', value: new Uint8Array(0) }])).toThrow(StorageFullError)
  })

  it('counts an overwrite as the difference in size, so shrinking a value frees space', () => {
    const store = memoryStore({ quotaBytes: 10 })
    store.write([{ type: 'put', key: 'k', value: new Uint8Array(9) }])
    store.write([{ type: 'put', key: 'k', value: new Uint8Array(4) }, { type: 'put', key: 'j', value: new Uint8Array(4) }])
    expect(store.range({}).map(([key]) => key)).toEqual(['j', 'k'])
  })

  it('always accepts deletes, even when the store is full', () => {
    const store = memoryStore({ quotaBytes: 4 })
    store.write([{ type: 'put', key: 'k', value: new Uint8Array(3) }])
    store.write([{ type: 'del', key: 'k' }])
    store.write([{ type: 'put', key: 'j', value: new Uint8Array(3) }])
    expect(store.get('k')).toBeUndefined()
  })
})
