import { describe, it, expect } from 'vitest'
import * as encoding from 'lib0/encoding'
import { StorageCorruptError } from '@commonplace/core'
import { decodeLogRow, encodeLogRow } from '../src/codec.ts'
import { openRow } from '../src/row-check.ts'
import type { DocId } from '@commonplace/core'

/** The row as lib0's encoder writes it: a varuint count, then each update as varuint length and bytes. */
function lib0Row (updates: Uint8Array[]): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, updates.length)
  for (const u of updates) encoding.writeVarUint8Array(e, u)
  return encoding.toUint8Array(e)
}

describe('log rows', () => {
  it('are written byte for byte as lib0 writes them, across varuint lengths, and read back', () => {
    const lengths = [[], [0], [1, 127, 128, 129, 16_383, 16_384, 2_097_152], Array.from({ length: 300 }, (_, i) => i * 3)]
    for (const set of lengths) {
      const updates = set.map(n => Uint8Array.from({ length: n }, (_, i) => (i * 31) & 0xff))
      const row = encodeLogRow(updates)
      expect(openRow(row)).toEqual(lib0Row(updates))
      expect(decodeLogRow('d' as DocId, row)).toEqual(updates)
      // rows written before rows were sealed read as they are
      expect(decodeLogRow('d' as DocId, lib0Row(updates))).toEqual(updates)
    }
  })

  it('are sealed with a checksum: any flipped bit, or a row cut short, is StorageCorruptError', () => {
    const updates = [Uint8Array.from({ length: 40 }, (_, i) => i), Uint8Array.from({ length: 3 }, (_, i) => 200 + i)]
    const row = encodeLogRow(updates)
    for (let bit = 0; bit < row.byteLength * 8; bit++) {
      const flipped = row.slice()
      flipped[bit >> 3] ^= 1 << (bit & 7)
      expect(() => decodeLogRow('d' as DocId, flipped), `bit ${bit}`).toThrow(StorageCorruptError)
    }
    for (let length = 5; length < row.byteLength; length++) {
      expect(() => decodeLogRow('d' as DocId, row.subarray(0, length)), `length ${length}`).toThrow(StorageCorruptError)
    }
  })
})
