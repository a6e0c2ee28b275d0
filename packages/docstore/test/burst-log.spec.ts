/**
 * A burst of local edits (made in one turn) is logged as the one update it is announced as, not as
 * each keystroke's update: what a reopened store reads is the same document.
 */
import { describe, expect, it } from 'vitest'
import { memoryStore } from '@commonplace/storage'
import type { DocumentChange } from '@commonplace/core'
import { createDocumentStore } from '../src/index.ts'
import { newHeader, signingStore, testOrg } from './fixtures.ts'

const logBytes = (kv: ReturnType<typeof memoryStore>): number =>
  [...kv.range({ gte: 'u/', lt: 'u0' })].reduce((sum, [, value]) => sum + value.byteLength, 0)

describe('a burst of edits in the log', () => {
  it('is logged as the update it was announced as; a reopened store reads the same text', async () => {
    const a = await testOrg()
    const header = await newHeader(a)
    const A = signingStore(a)
    A.store.create(header, doc => doc.getText('t').insert(0, 'Cold chain: '))
    A.store.flush()
    const before = logBytes(A.kv as ReturnType<typeof memoryStore>)
    // what each keystroke's update would weigh (Yjs encodes every transaction for this listener)
    let keystrokes = 0
    A.store.read(header.id, doc => doc.on('update', (u: Uint8Array) => { keystrokes += u.byteLength }))
    // one turn of typing and deleting: announced together
    for (let i = 0; i < 500; i++) {
      A.store.edit(header.id, doc => {
        const text = doc.getText('t')
        text.insert(text.length, `${i % 10}`)
        if (i % 7 === 6) text.delete(text.length - 3, 2)
      })
    }
    const announced = await new Promise<DocumentChange>(resolve => { const off = A.store.onChange(c => { off(); resolve(c) }) })
    A.store.flush()
    const logged = logBytes(A.kv as ReturnType<typeof memoryStore>) - before
    expect(announced.update?.byteLength).toBeLessThan(keystrokes / 5)
    expect(logged).toBeLessThan(keystrokes / 5)
    const text = A.store.read(header.id, doc => doc.getText('t').toString())
    A.store.close()
    const reopened = createDocumentStore({ storage: A.kv }, { signer: { org: a.id, key: a.key } })
    expect(reopened.read(header.id, doc => doc.getText('t').toString())).toBe(text)
    expect(text.startsWith('Cold chain: 0123')).toBe(true)
    reopened.close()
  })
})
