import { describe, it, expect } from 'vitest'
import * as Y from 'yjs'
import type { DocId } from '@commonplace/core'
import { LengthPrefixedDecoder } from '@libp2p/utils'
import * as varint from 'uint8-varint'
import { coalesceUpdates, lengthOrWait } from '../src/peer-channel.ts'
import type { Message } from '../src/index.ts'

describe('coalesceUpdates', () => {
  it('merges consecutive updates of one document into one that applies to the same state', () => {
    const doc = new Y.Doc()
    const updates: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => updates.push(u))
    const text = doc.getText('t')
    for (const ch of 'Betonieren bei Frost') text.insert(text.length, ch)
    const a = 'aaaaaaaaaaaaaaaaaaaaaaaaaa' as DocId
    const b = 'bbbbbbbbbbbbbbbbbbbbbbbbbb' as DocId
    const queue: Message[] = [
      ...updates.slice(0, 10).map(update => ({ type: 'update' as const, doc: a, update })),
      { type: 'update', doc: b, update: updates[0] },
      ...updates.slice(10).map(update => ({ type: 'update' as const, doc: a, update })),
      { type: 'mark', seq: 3 }
    ]
    const out = coalesceUpdates(queue)
    expect(out.map(m => m.type === 'update' ? m.doc : m.type)).toEqual([a, b, a, 'mark'])
    const replica = new Y.Doc()
    for (const m of out) if (m.type === 'update' && m.doc === a) Y.applyUpdate(replica, m.update)
    expect(replica.getText('t').toString()).toBe('Betonieren bei Frost')
    const sent = out.filter(m => m.type === 'update' && m.doc === a).reduce((n, m) => n + (m as { update: Uint8Array }).update.byteLength, 0)
    expect(sent).toBeLessThan(updates.reduce((n, u) => n + u.byteLength, 0))
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
