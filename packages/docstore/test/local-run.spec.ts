/**
 * Local edits made one after another are encoded as one update when they are announced or
 * written (a run), not one per edit. Whatever else happens in the same turn (a peer's change to the
 * document, an edit to another document, an edit that throws, the document unloaded), every node
 * ends with every edit, and the store reopened reads what it held.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { memoryStore } from '@commonplace/storage'
import type { DocumentStore, DocHeader, DocId } from '@commonplace/core'
import { createDocumentStore } from '../src/index.ts'
import { deliver, newHeader, signingStore, testOrg } from './fixtures.ts'
import type { TestOrg } from './fixtures.ts'

const text = (store: DocumentStore, id: DocId): string => store.read(id, doc => doc.getText('t').toString())

const type = (store: DocumentStore, id: DocId, s: string): boolean =>
  store.edit(id, doc => { const t = doc.getText('t'); t.insert(t.length, s) })

const reopened = (org: TestOrg, kv: ReturnType<typeof memoryStore>): DocumentStore =>
  createDocumentStore({ storage: kv }, { signer: { org: org.id, key: org.key } })

async function shared (): Promise<{ a: TestOrg, b: TestOrg, header: DocHeader, A: ReturnType<typeof signingStore>, B: ReturnType<typeof signingStore> }> {
  const a = await testOrg()
  const b = await testOrg()
  const header = await newHeader(a)
  const A = signingStore(a)
  const B = signingStore(b)
  A.store.create(header, doc => doc.getText('t').insert(0, 'Log: '))
  A.store.flush()
  B.store.mergeAccess(header, [], { kind: 'peer', peer: a.id })
  deliver(A.signed, B.store, header.id, a.id)
  return { a, b, header, A, B }
}

describe('a run of local edits', () => {
  it('is announced signed with every edit; a peer change in the middle of it is not signed into it', async () => {
    const { a, b, header, A, B } = await shared()
    const fromA = A.signed.length
    const fromB = B.signed.length
    type(B.store, header.id, '[b]')
    B.store.flush()
    type(A.store, header.id, 'x')
    type(A.store, header.id, 'y')
    // the peer's envelope arrives in the same turn as A's typing
    expect(deliver(B.signed.slice(fromB), A.store, header.id, b.id)).toEqual(['applied'])
    type(A.store, header.id, 'z')
    A.store.flush()
    const mine = A.signed.slice(fromA)
    expect(mine.length).toBeGreaterThanOrEqual(2)
    // B takes what A signed: A's edits, each envelope A's own
    expect(deliver(mine, B.store, header.id, a.id).every(o => o === 'applied' || o === 'duplicate')).toBe(true)
    expect(text(B.store, header.id)).toBe(text(A.store, header.id))
    expect(text(A.store, header.id)).toMatch(/^Log: /)
    for (const s of ['x', 'y', 'z', '[b]']) expect(text(A.store, header.id)).toContain(s)
    A.store.close()
    expect(text(reopened(a, A.kv as ReturnType<typeof memoryStore>), header.id)).toBe(text(B.store, header.id))
  })

  it('edits to two documents in turn, with one document loaded at a time, each keep every keystroke', async () => {
    const a = await testOrg()
    const kv = memoryStore()
    const store = createDocumentStore({ storage: kv }, { signer: { org: a.id, key: a.key }, maxLoaded: 1 })
    const [h1, h2] = [await newHeader(a), await newHeader(a)]
    store.create(h1)
    store.create(h2)
    store.flush()
    const announced: Array<{ id: DocId, update?: Uint8Array }> = []
    store.onChange(c => { if (c.origin.kind === 'local') announced.push({ id: c.id, update: c.update }) })
    for (let i = 0; i < 30; i++) {
      type(store, i % 3 === 0 ? h2.id : h1.id, `${i % 10}`)
    }
    await new Promise(resolve => setImmediate(resolve))
    store.flush()
    // every local change announced carries its update, and the updates make both texts
    const copies = new Map<DocId, Y.Doc>([[h1.id, new Y.Doc()], [h2.id, new Y.Doc()]])
    for (const c of announced.filter(c => c.id === h1.id || c.id === h2.id)) {
      expect(c.update).toBeInstanceOf(Uint8Array)
      Y.applyUpdate(copies.get(c.id) as Y.Doc, c.update as Uint8Array)
    }
    const expected = (docOf: (i: number) => boolean): string => Array.from({ length: 30 }, (_, i) => i).filter(docOf).map(i => `${i % 10}`).join('')
    expect(text(store, h1.id)).toBe(expected(i => i % 3 !== 0))
    expect(text(store, h2.id)).toBe(expected(i => i % 3 === 0))
    expect(copies.get(h1.id)?.getText('t').toString()).toBe(text(store, h1.id))
    expect(copies.get(h2.id)?.getText('t').toString()).toBe(text(store, h2.id))
    store.close()
    const again = reopened(a, kv)
    expect(text(again, h1.id)).toBe(expected(i => i % 3 !== 0))
    expect(text(again, h2.id)).toBe(expected(i => i % 3 === 0))
  })

  it('an edit that throws: changing nothing, the run goes on; changing something first, it is dropped, or kept with the run before it', async () => {
    const { a, header, A } = await shared()
    const id = header.id
    // throws before changing anything, in the middle of a run
    type(A.store, id, 'a')
    expect(() => A.store.edit(id, () => { throw new Error('refused') })).toThrow('refused')
    type(A.store, id, 'b')
    A.store.flush()
    expect(text(A.store, id)).toBe('Log: ab')
    // changes, then throws, as the first edit of a run: what it changed is dropped
    expect(() => A.store.edit(id, doc => { doc.getText('t').insert(0, 'PARTIAL '); throw new Error('half done') })).toThrow('half done')
    expect(text(A.store, id)).toBe('Log: ab')
    type(A.store, id, 'c')
    // changes, then throws, after edits not yet encoded: kept with them (nothing they did is lost)
    expect(() => A.store.edit(id, doc => { const t = doc.getText('t'); t.delete(t.length - 1, 1); t.insert(t.length, 'D'); throw new Error('late') })).toThrow('late')
    type(A.store, id, 'e')
    A.store.flush()
    expect(text(A.store, id)).toBe('Log: abDe')
    A.store.close()
    expect(text(reopened(a, A.kv as ReturnType<typeof memoryStore>), id)).toBe('Log: abDe')
  })

  it('is encoded before the document is read off the event loop (storedUpdates)', async () => {
    const { header, A } = await shared()
    type(A.store, header.id, '1')
    type(A.store, header.id, '2')
    const doc = new Y.Doc()
    for (const u of A.store.storedUpdates(header.id)) Y.applyUpdate(doc, u)
    expect(doc.getText('t').toString()).toBe('Log: 12')
  })
})
