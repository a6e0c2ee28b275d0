import { describe, it, expect, afterEach } from 'vitest'
import * as Y from 'yjs'
import type { DocId } from '@commonplace/core'
import { connect, createDoc, disconnect, share, testNode, textOf, until } from './fixtures.ts'
import type { TestNode } from './fixtures.ts'

const PREFIX = 'Visit log: '

/** A turn of the event loop: frames in flight are read, so the two nodes' envelopes cross. */
async function turn (): Promise<void> {
  await new Promise(resolve => setImmediate(resolve))
}

/** The client id a node's loaded copy of `doc` writes with. */
function clientOf (node: TestNode, doc: DocId): number {
  return node.store.read(doc, d => d.clientID)
}

describe('two editors typing into one document at the same time', () => {
  const nodes: TestNode[] = []
  const refused: string[] = []
  afterEach(async () => {
    refused.length = 0
    await Promise.all(nodes.splice(0).map(async n => { await n.stop() }))
  })

  /** A (the owner) and B, editors of one document, connected; A answers catch-up in pages of `pageBytes`. */
  async function pair (pageBytes?: number): Promise<{ a: TestNode, b: TestNode, doc: DocId }> {
    const a = await testNode('riverside', { pageBytes })
    const b = await testNode('hillview')
    nodes.push(a, b)
    for (const n of nodes) n.sync.addEventListener('sync:refused', e => { refused.push(`${n.name}: ${e.detail.code} ${e.detail.message}`) })
    const header = await createDoc(a, PREFIX)
    await share(a, header.id, b.id, 'edit')
    await connect(a, b)
    await until([b.store], () => textOf(b, header.id) === PREFIX)
    return { a, b, doc: header.id }
  }

  it('end in one text holding every keystroke of both, while each burst crosses the other in flight', async () => {
    const { a, b, doc } = await pair()
    const reference = new Y.Doc()
    Y.applyUpdate(reference, a.store.diff(doc))
    const type = (node: TestNode, round: number, key: number): void => {
      const changed = node.store.edit(doc, d => {
        const t = d.getText('t')
        // both type at the same place (right after the prefix), and now and then delete a
        // character there, whoever wrote it: insertions and deletions of both meet at one spot
        if (key % 5 === 4 && t.length > PREFIX.length) t.delete(PREFIX.length, 1)
        else t.insert(PREFIX.length + (key % 3), `${node.name[0]}${round}`)
      })
      if (changed) Y.applyUpdate(reference, node.store.diff(doc, Y.encodeStateVector(reference)))
    }
    for (let round = 0; round < 40; round++) {
      // each keystroke its own burst, the two nodes' bursts interleaved
      for (let key = 0; key < 6; key++) {
        type(a, round, key)
        type(b, round, key)
        if (key % 2 === 1) await turn()
      }
      // every few rounds, one side types on top of everything the other has sent so far
      if (round % 8 === 7) {
        const heads = a.store.envelopeVector(doc).vector
        await until([b.store], () => b.store.envelopeVector(doc).vector[a.id] === heads[a.id])
      }
    }
    const expected = reference.getText('t').toString()
    await until([a.store, b.store], () => textOf(a, doc) === expected && textOf(b, doc) === expected)

    expect(refused).toEqual([])
    expect(Buffer.from(a.store.digest(doc)).toString('hex')).toBe(Buffer.from(b.store.digest(doc)).toString('hex'))
    // every burst went out signed: each node holds the other's whole chain
    expect(b.store.envelopeVector(doc).vector).toEqual(a.store.envelopeVector(doc).vector)
    expect(a.store.envelopeVector(doc).vector[b.id]).toBeGreaterThanOrEqual(40)
    expect(b.store.envelopeVector(doc).vector[a.id]).toBeGreaterThanOrEqual(40)
  })

  it('a third editor typing while it catches up, with one editor\'s envelopes waiting for the other\'s structs, has its burst signed and delivered', async () => {
    // A answers catch-up one envelope per page, so that C applies them over several turns
    const { a, b, doc } = await pair(1)
    // B types, then A types right after B's text: each of A's later envelopes builds on B's structs
    for (let round = 0; round < 6; round++) {
      b.store.edit(doc, d => { d.getText('t').insert(d.getText('t').length, ` b${round}`) })
      await until([a.store], () => textOf(a, doc)?.endsWith(` b${round}`) === true)
      a.store.edit(doc, d => { d.getText('t').insert(d.getText('t').length, ` a${round}`) })
      await until([b.store], () => textOf(b, doc)?.endsWith(` a${round}`) === true)
    }
    const held = textOf(a, doc) as string
    // C catches up from A a page (one envelope) at a time; A gives its own envelopes first, then
    // B's, so A's wait in C's Yjs document for B's structs for a while
    const c = await testNode('lakeside')
    nodes.push(c)
    c.sync.addEventListener('sync:refused', e => { refused.push(`${c.name}: ${e.detail.code} ${e.detail.message}`) })
    await share(a, doc, c.id, 'edit')
    let typed = false
    const pending = (): boolean => c.store.has(doc) && c.store.read(doc, d => d.store.pendingStructs != null)
    const off = c.store.onChange(change => {
      if (typed || change.id !== doc || !pending()) return
      typed = true
      // the person at C types two keystrokes in one go while that is so
      c.store.edit(doc, d => { d.getText('t').insert(0, 'C') })
      c.store.edit(doc, d => { d.getText('t').insert(1, ': ') })
    })
    await connect(a, c)
    const expected = `C: ${held}`
    await until([a.store, b.store, c.store], () => [a, b, c].every(n => textOf(n, doc) === expected))
    off()
    expect(typed).toBe(true)
    expect(refused).toEqual([])
    expect(a.store.envelopeVector(doc).vector[c.id]).toBe(1)
  })

  it('order insertions made at one place at once by client id, not by arrival, so both nodes agree', async () => {
    const { a, b, doc } = await pair()
    await disconnect(a, b)
    a.store.edit(doc, d => { d.getText('t').insert(PREFIX.length, 'aaa') })
    b.store.edit(doc, d => { d.getText('t').insert(PREFIX.length, 'bbb') })
    // the client ids are derived at random per load: which insertion comes first is decided by them
    const [first, second] = clientOf(a, doc) < clientOf(b, doc) ? ['aaa', 'bbb'] : ['bbb', 'aaa']
    await connect(a, b)
    const expected = PREFIX + first + second
    await until([a.store, b.store], () => textOf(a, doc) === expected && textOf(b, doc) === expected)
    expect(refused).toEqual([])
  })
})
