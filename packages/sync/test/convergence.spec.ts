import { describe, it, expect, afterEach } from 'vitest'
import * as Y from 'yjs'
import { connect, createDoc, disconnect, share, testNode, textOf, until } from './fixtures.ts'
import type { TestNode } from './fixtures.ts'

/**
 * Replay one schedule with `SEEDS=7 npx vitest run packages/sync/test/convergence.spec.ts`.
 * A small seeded generator (mulberry32) so that a failing schedule can be replayed. */
function prng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const WORDS = ['trench ', 'shoring ', 'Frost ', 'Beton ', 'duty doctor ', 'fridge ', 'log ', 'check ']

describe('convergence of signed changes under random edits, disconnects and reconnects, readers relaying', () => {
  const nodes: TestNode[] = []
  afterEach(async () => { await Promise.all(nodes.splice(0).map(async n => { await n.stop() })) })

  for (const seed of (process.env.SEEDS ?? '1,7,42,1234,9001').split(',').map(Number)) {
    it(`converges to one state on every node (seed ${seed})`, async () => {
      const rand = prng(seed)
      const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]
      // a owns; b and c edit; d and e only read, and relay
      for (const name of ['a', 'b', 'c', 'd', 'e']) nodes.push(await testNode(`${name}-${seed}`))
      const [a] = nodes
      const editors = nodes.slice(0, 3)
      const doc = await createDoc(a, 'Shift planning that staff help design. ')
      for (const n of nodes.slice(1)) await share(a, doc.id, n.id, editors.includes(n) ? 'edit' : 'read')
      const reference = new Y.Doc()
      Y.applyUpdate(reference, a.store.diff(doc.id))
      const links = new Set<string>()
      const key = (x: TestNode, y: TestNode): string => [x.id, y.id].sort().join('|')

      for (let step = 0; step < 120; step++) {
        const r = rand()
        if (r < 0.55) {
          const n = pick(editors)
          if (!n.store.has(doc.id)) continue
          const changed = n.store.edit(doc.id, d => {
            const t = d.getText('t')
            if (rand() < 0.75 || t.length < 5) t.insert(Math.floor(rand() * (t.length + 1)), pick(WORDS))
            else t.delete(Math.floor(rand() * (t.length - 4)), 1 + Math.floor(rand() * 3))
          })
          if (changed) Y.applyUpdate(reference, n.store.diff(doc.id, Y.encodeStateVector(reference)))
        } else if (r < 0.8) {
          const x = pick(nodes)
          const y = pick(nodes)
          if (x === y || links.has(key(x, y))) continue
          await connect(x, y)
          links.add(key(x, y))
        } else {
          const [x, y] = [pick(nodes), pick(nodes)]
          if (x === y || !links.has(key(x, y))) continue
          await disconnect(x, y)
          links.delete(key(x, y))
        }
      }

      // heal: drop every link, then a chain a - b - d - c - e, so that c's edits reach a and b,
      // and everything reaches e, only through a reader (d)
      for (const link of [...links]) {
        const [x, y] = link.split('|').map(id => nodes.find(n => n.id === id)!)
        await disconnect(x, y)
      }
      const [, b, c, d, e] = nodes
      for (const [x, y] of [[a, b], [b, d], [d, c], [d, e]]) await connect(x, y)
      const expected = reference.getText('t').toString()
      await until(nodes.map(n => n.store), () => nodes.every(n => textOf(n, doc.id) === expected))
      const digests = nodes.map(n => Buffer.from(n.store.digest(doc.id)).toString('hex'))
      expect(new Set(digests).size).toBe(1)
      expect(nodes.map(n => textOf(n, doc.id))).toEqual(nodes.map(() => expected))
    })
  }
})
