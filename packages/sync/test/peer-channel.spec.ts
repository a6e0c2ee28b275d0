import { describe, it, expect } from 'vitest'
import * as Y from 'yjs'
import type { DocId } from '@commonplace/core'
import { coalesceUpdates } from '../src/peer-channel.ts'
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
