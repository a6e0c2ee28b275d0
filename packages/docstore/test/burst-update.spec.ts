import { describe, it, expect } from 'vitest'
import * as Y from 'yjs'
import { encodeBurstUpdate } from '../src/burst-update.ts'

/** A small deterministic random generator (mulberry32). */
function random (seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = seed
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Edits of every kind: text inserts, deletes and formats, map sets and deletes, nested types. */
function edit (doc: Y.Doc, rnd: () => number): void {
  const text = doc.getText('body')
  const meta = doc.getMap('meta')
  const list = doc.getArray<unknown>('list')
  const r = rnd()
  if (r < 0.45 || text.length === 0) text.insert(Math.floor(rnd() * (text.length + 1)), 'abcdefgh'.slice(0, 1 + Math.floor(rnd() * 8)))
  else if (r < 0.7) text.delete(Math.floor(rnd() * text.length), 1 + Math.floor(rnd() * 5))
  else if (r < 0.78) text.format(Math.floor(rnd() * text.length), 3, { bold: rnd() < 0.5 ? true : null })
  else if (r < 0.86) meta.set(`k${Math.floor(rnd() * 5)}`, rnd() < 0.7 ? Math.floor(rnd() * 100) : { nested: 'x' })
  else if (r < 0.9) meta.delete(`k${Math.floor(rnd() * 5)}`)
  else if (r < 0.96) list.insert(0, [rnd() < 0.5 ? new Y.Map() : Math.floor(rnd() * 9)])
  else if (list.length > 0) list.delete(0, 1)
}

describe('burst updates', () => {
  it('write structs exactly as Yjs does: with the whole delete set they equal Y.encodeStateAsUpdate', () => {
    const rnd = random(7)
    const a = new Y.Doc()
    const b = new Y.Doc()
    const stateVectors: Uint8Array[] = [new Uint8Array([0])]
    for (let i = 0; i < 600; i++) {
      edit(rnd() < 0.7 ? a : b, rnd)
      if (i % 37 === 0) { Y.applyUpdate(a, Y.encodeStateAsUpdate(b)); Y.applyUpdate(b, Y.encodeStateAsUpdate(a)) }
      if (i % 50 === 0) stateVectors.push(Y.encodeStateVector(a))
      if (i % 23 === 0) {
        for (const sv of stateVectors) {
          const ours = encodeBurstUpdate(a, Y.decodeStateVector(sv), Y.createDeleteSetFromStructStore(a.store))
          expect(ours).toEqual(Y.encodeStateAsUpdate(a, sv))
        }
      }
    }
  })

  it('with the deletions of the burst only, bring a copy from the burst\'s start to the same document', () => {
    const rnd = random(11)
    const doc = new Y.Doc()
    const copy = new Y.Doc()
    for (let burst = 0; burst < 40; burst++) {
      const start = Y.decodeStateVector(Y.encodeStateVector(doc))
      const deleted: Array<ReturnType<typeof Y.createDeleteSet>> = []
      const collect = (tr: Y.Transaction): void => { deleted.push(tr.deleteSet) }
      doc.on('afterTransaction', collect)
      for (let i = 0; i < 1 + Math.floor(rnd() * 60); i++) doc.transact(() => { edit(doc, rnd) })
      doc.off('afterTransaction', collect)
      const update = encodeBurstUpdate(doc, start, Y.mergeDeleteSets(deleted))
      expect(update.byteLength).toBeLessThanOrEqual(Y.encodeStateAsUpdate(doc, Y.encodeStateVector(copy)).byteLength)
      Y.applyUpdate(copy, update)
      expect(Y.encodeStateAsUpdate(copy)).toEqual(Y.encodeStateAsUpdate(doc))
    }
    expect(copy.getText('body').toDelta()).toEqual(doc.getText('body').toDelta())
  })
})
