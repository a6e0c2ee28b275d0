import { describe, it, expect } from 'vitest'
import { memoryStore } from '@commonplace/storage'
import type { DocId, KeyValueStore } from '@commonplace/core'
import { indexedRecords } from '../src/indexed-records.ts'

const decode = (_id: DocId, bytes: Uint8Array): number => bytes[0]

/** The storage port with its reads counted. */
function counted (): { kv: KeyValueStore, gets: () => number } {
  const kv = memoryStore()
  let gets = 0
  return {
    kv: { ...kv, get: key => { gets++; return kv.get(key) }, range: options => kv.range(options), write: ops => { kv.write(ops) } },
    gets: () => gets
  }
}

describe('per-document records read on demand', () => {
  it('asks the disk once for a record it does not hold, and sees the record once its batch is written', () => {
    const { kv, gets } = counted()
    const records = indexedRecords(kv, 'i/', decode, 100)
    const id = 'doc1' as DocId
    // a document arriving is asked for several times before its first record is written
    expect(records.get(id)).toBeUndefined()
    expect(records.has(id)).toBe(false)
    expect(records.get(id)).toBeUndefined()
    expect(gets()).toBe(1)
    records.stage(id, 7)
    expect(records.get(id)).toBe(7)
    expect(records.has(id)).toBe(true)
    kv.write([{ type: 'put', key: 'i/doc1', value: Uint8Array.of(7) }])
    records.committed([[id, 7]])
    expect(records.get(id)).toBe(7)
    expect(records.all()).toEqual([7])
    expect(gets()).toBe(1)
  })

  it('goes back to the disk for a record whose write failed', () => {
    const { kv } = counted()
    kv.write([{ type: 'put', key: 'i/doc1', value: Uint8Array.of(1) }])
    const records = indexedRecords(kv, 'i/', decode, 100)
    const held = 'doc1' as DocId
    const arriving = 'doc2' as DocId
    expect(records.has(arriving)).toBe(false)
    records.stage(held, 2)
    records.stage(arriving, 3)
    records.discard(held)
    records.discard(arriving)
    expect(records.get(held)).toBe(1)
    expect(records.get(arriving)).toBeUndefined()
    expect(records.all()).toEqual([1])
  })

  it('keeps at most `max` documents remembered, absent ones included', () => {
    const { kv, gets } = counted()
    const records = indexedRecords(kv, 'i/', decode, 2)
    for (const id of ['a', 'b', 'c'] as DocId[]) records.get(id)
    expect(gets()).toBe(3)
    // 'a' was forgotten first: asking again reads the disk
    records.get('a' as DocId)
    expect(gets()).toBe(4)
    records.get('c' as DocId)
    expect(gets()).toBe(4)
  })
})
