import { describe, it, expect } from 'vitest'
import type { DocId } from '@commonplace/core'
import { LengthPrefixedDecoder } from '@libp2p/utils'
import * as varint from 'uint8-varint'
import { coalesceEnvelopes, lengthOrWait } from '../src/peer-channel.ts'
import type { Message } from '../src/index.ts'

describe('coalesceEnvelopes', () => {
  it('merges consecutive live ENVELOPES of one document, keeping every item as it was signed and in order', () => {
    const a = 'aaaaaaaaaaaaaaaaaaaaaaaaaa' as DocId
    const b = 'bbbbbbbbbbbbbbbbbbbbbbbbbb' as DocId
    const item = (n: number): Uint8Array => Uint8Array.of(1, n)
    const queue: Message[] = [
      { type: 'envelopes', doc: a, items: [item(1)], more: false },
      { type: 'envelopes', doc: a, items: [item(2), item(3)], more: false },
      { type: 'envelopes', doc: b, items: [item(4)], more: false },
      { type: 'envelopes', doc: a, items: [item(5)], more: false },
      { type: 'envelopes', doc: a, items: [item(6)], more: true },
      { type: 'mark', seq: 3 }
    ]
    const out = coalesceEnvelopes(queue)
    expect(out.map(m => m.type === 'envelopes' ? [m.doc, m.items.map(i => i[1])] : m.type)).toEqual([
      [a, [1, 2, 3]], [b, [4]], [a, [5]], [a, [6]], 'mark'
    ])
    expect((out[0] as { items: Uint8Array[] }).items[0]).toBe(queue[0].type === 'envelopes' ? queue[0].items[0] : null)
  })

  it('leaves a message whose items are read when it is sent (a first meeting) unread and apart', () => {
    const a = 'aaaaaaaaaaaaaaaaaaaaaaaaaa' as DocId
    let reads = 0
    const lazy = { type: 'envelopes' as const, doc: a, get items () { reads++; return [Uint8Array.of(1, 9)] }, get more () { return false } }
    const out = coalesceEnvelopes([{ type: 'envelopes', doc: a, items: [Uint8Array.of(1, 1)], more: false }, lazy])
    expect(out).toHaveLength(2)
    expect(reads).toBe(0)
  })
})

describe('lengthOrWait', () => {
  const prefixed = (frame: Uint8Array): Uint8Array => new Uint8Array([...varint.encode(frame.byteLength), ...frame])
  const decoder = (max: number): LengthPrefixedDecoder => new LengthPrefixedDecoder({ maxDataLength: max, maxBufferSize: max * 2, lengthDecoder: lengthOrWait(max) })

  it('answers a length the buffer cannot hold, without throwing, while the prefix is incomplete', () => {
    const read = lengthOrWait(1000)
    expect(read(new Uint8Array(0))).toBe(0)
    expect(read(Uint8Array.of(0x80))).toBe(1000)
    expect(read(Uint8Array.of(0xe8, 0x87))).toBe(1000)
    expect(read(Uint8Array.of(0x96, 0x01))).toBe(150)
    expect(read(Uint8Array.of(0x05, 1, 2))).toBe(5)
  })

  it('gives the same frames as the default prefix reader however the bytes are split', () => {
    const frames = [new Uint8Array(0), Uint8Array.of(1), new Uint8Array(300).fill(7), new Uint8Array(20_000).fill(9)]
    const wire = new Uint8Array(frames.reduce((n, f) => n + prefixed(f).byteLength, 0))
    let at = 0
    for (const f of frames) { wire.set(prefixed(f), at); at += prefixed(f).byteLength }
    for (const split of [1, 2, 3, 7, 1000, wire.byteLength]) {
      const d = decoder(32_000)
      const out: number[] = []
      for (let i = 0; i < wire.byteLength; i += split) for (const frame of d.decode(wire.subarray(i, i + split))) out.push(frame.byteLength)
      // an empty frame yields nothing, as with the default reader
      expect(out).toEqual([1, 300, 20_000])
    }
  })

  it('still refuses a frame longer than allowed', () => {
    const d = decoder(100)
    expect(() => [...d.decode(prefixed(new Uint8Array(101)))]).toThrow(expect.objectContaining({ name: 'InvalidMessageLengthError' }))
  })
})
