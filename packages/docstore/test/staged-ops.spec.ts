import { describe, it, expect } from 'vitest'
import { memoryStore } from '@commonplace/storage'
import { StagedOps, overlay, put } from '../src/signed-docs.ts'

const bytes = (n: number): Uint8Array => Uint8Array.of(n)

describe('reading through the operations staged in a batch', () => {
  it('merges one document\'s staged puts and deletes into its rows, and a range across documents sees every document\'s', () => {
    const disk = memoryStore()
    disk.write([
      { type: 'put', key: 'b/doc1/0001', value: bytes(1) },
      { type: 'put', key: 'b/doc1/0002', value: bytes(2) },
      { type: 'put', key: 'b/doc2/0001', value: bytes(3) },
      { type: 'put', key: 's/doc1', value: bytes(4) }
    ])
    const ops = new StagedOps()
    // a batch of many documents, as a catch-up stages them
    for (let i = 0; i < 500; i++) put(ops, `b/other${i}/0001`, bytes(9))
    put(ops, 'b/doc1/0003', bytes(5))
    ops.set('b/doc1/0001', { type: 'del', key: 'b/doc1/0001' })
    put(ops, 's/doc1', bytes(6))
    const reader = overlay(disk, ops)
    expect(reader.range({ gte: 'b/doc1/', lt: 'b/doc10' })).toEqual([['b/doc1/0002', bytes(2)], ['b/doc1/0003', bytes(5)]])
    expect(reader.range({ gt: 'b/doc1/0002', lte: 'b/doc1/9999' })).toEqual([['b/doc1/0003', bytes(5)]])
    expect(reader.range({ gte: 'b/doc2/', lt: 'b/doc20' })).toEqual([['b/doc2/0001', bytes(3)]])
    expect(reader.range({ gte: 'b/doc1/', lt: 'b/doc10', reverse: true, limit: 1 })).toEqual([['b/doc1/0003', bytes(5)]])
    // a limit counts what is left once the staged deletes are taken out
    expect(reader.range({ gte: 'b/doc1/', lt: 'b/doc10', limit: 1 })).toEqual([['b/doc1/0002', bytes(2)]])
    expect(reader.get('s/doc1')).toEqual(bytes(6))
    expect(reader.get('b/doc1/0001')).toBeUndefined()
    // across documents: every staged key in the range
    expect(reader.range({ gte: 'b/', lt: 'b0' })).toHaveLength(503)
    // a key staged and then dropped is not read
    ops.delete('b/doc1/0003')
    expect(reader.range({ gte: 'b/doc1/', lt: 'b/doc10' })).toEqual([['b/doc1/0002', bytes(2)]])
    ops.clear()
    expect(overlay(disk, ops).range({ gte: 'b/doc1/', lt: 'b/doc10' })).toEqual([['b/doc1/0001', bytes(1)], ['b/doc1/0002', bytes(2)]])
  })
})
