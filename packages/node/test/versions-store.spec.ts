/**
 * The version store (docs/history.md, "Versions"): automatic versions are kept as the merge of the
 * changes announced since the previous one, whole states now and then; every version rebuilds to
 * the text it was taken at, also across a restart, a change not announced, and rows kept the old
 * way (a whole state every 32).
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { memoryStore } from '@commonplace/storage'
import type { DocId, DocumentChange, DocumentStore, KeyValueStore } from '@commonplace/core'
import { createVersions, MAX_ROWS_AFTER_FULL } from '../src/history/versions.ts'

const ID = 'aaaaaaaaaaaaaaaaaaaaaaaaaa' as DocId

/** A document and a store over it that announces each transaction's update a microtask later, as the node's store does. */
function announcingStore (ydoc: Y.Doc): DocumentStore & { silently: (fn: () => void) => void } {
  const listeners = new Set<(change: DocumentChange) => void>()
  let quiet = false
  ydoc.on('update', (update: Uint8Array) => {
    if (quiet) return
    queueMicrotask(() => { for (const l of listeners) l({ id: ID, update, accessChanged: false, origin: { kind: 'local' }, changeSeq: 0 } as unknown as DocumentChange) })
  })
  return {
    read: (_id: DocId, fn: (doc: Y.Doc) => unknown) => fn(ydoc),
    onChange: (l: (change: DocumentChange) => void) => { listeners.add(l); return () => listeners.delete(l) },
    silently: (fn: () => void) => { quiet = true; try { fn() } finally { quiet = false } }
  } as unknown as DocumentStore & { silently: (fn: () => void) => void }
}

/** Seeded choices (mulberry32): the same edits every run. */
function seededRandom (seed: number): { int: (min: number, max: number) => number } {
  let a = seed >>> 0
  const next = (): number => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return { int: (min, max) => min + Math.floor(next() * (max - min + 1)) }
}

const tick = async (): Promise<void> => { await new Promise(resolve => setImmediate(resolve)) }

/** Some random typing and deleting in a text, by one of two clients (the other's updates applied as a peer's). */
function typeSome (local: Y.Doc, peer: Y.Doc, random: ReturnType<typeof seededRandom>, edits: number): void {
  for (let i = 0; i < edits; i++) {
    const doc = random.int(0, 3) === 0 ? peer : local
    const text = doc.getText('body')
    if (text.length > 20 && random.int(0, 2) === 0) {
      const at = random.int(0, text.length - 2)
      text.delete(at, random.int(1, Math.min(12, text.length - at)))
    } else {
      text.insert(random.int(0, text.length), `w${i} `)
    }
    if (doc === peer) Y.applyUpdate(local, Y.encodeStateAsUpdate(peer, Y.encodeStateVector(local)))
    else Y.applyUpdate(peer, Y.encodeStateAsUpdate(local, Y.encodeStateVector(peer)))
  }
}

function rows (kv: KeyValueStore): Array<{ full: boolean, bytes: number }> {
  return kv.range({ gte: 'hv/', lt: 'hv0' }).map(([, v]) => ({ full: JSON.parse(new TextDecoder().decode(v.subarray(1, 1 + v[0]))).full as boolean, bytes: v.length }))
}

describe('the version store', () => {
  it('rebuilds every automatic version to its text, across deletions, a peer\'s changes, a change not announced and a restart', async () => {
    const random = seededRandom(7)
    const ydoc = new Y.Doc()
    const peer = new Y.Doc()
    const store = announcingStore(ydoc)
    const kv = memoryStore()
    let versions = createVersions(kv, store, Date.now)
    const expected: string[] = []
    for (let round = 0; round < 120; round++) {
      typeSome(ydoc, peer, random, random.int(1, 30))
      if (round === 40) store.silently(() => { ydoc.getText('body').insert(0, 'unannounced ') })
      if (round === 80) versions = createVersions(kv, store, Date.now) // a restart: nothing pending known
      await tick()
      versions.take(ID, 'changes')
      expected.push(ydoc.getText('body').toString())
    }
    for (let n = 1; n <= expected.length; n++) {
      const rebuilt = versions.rebuild(ID, n)
      expect(rebuilt.getText('body').toString(), `version ${n}`).toBe(expected[n - 1])
      rebuilt.destroy()
    }
    const kept = rows(kv)
    expect(kept[0].full).toBe(true)
    // whole states only now and then: far fewer than one per 32
    expect(kept.filter(r => r.full).length).toBeLessThan(kept.length / 8)
  })

  it('keeps an automatic version\'s row to what changed: no whole delete set in every row', async () => {
    const ydoc = new Y.Doc()
    const store = announcingStore(ydoc)
    const kv = memoryStore()
    const versions = createVersions(kv, store, Date.now)
    const text = ydoc.getText('body')
    // many separate deletions: a delete set with thousands of ranges
    text.insert(0, 'ab'.repeat(20_000))
    for (let i = 0; i < 4_000; i++) text.delete(i * 9, 1)
    await tick()
    versions.take(ID, 'first')
    text.insert(0, 'one more line. ')
    await tick()
    const taken = versions.take(ID, 'changes')
    expect(taken.bytes).toBeLessThan(200)
    // a version asked for by a person is encoded from the document (holding what is not yet announced)
    text.insert(0, 'staged ')
    const labelled = versions.take(ID, 'label', 'Agreed')
    expect(versions.rebuild(ID, labelled.n).getText('body').toString()).toBe(text.toString())
    expect(labelled.bytes).toBeGreaterThan(4_000)
  })

  it('rebuilds versions kept the old way, a whole state every 32, and goes on from them', async () => {
    const ydoc = new Y.Doc()
    const store = announcingStore(ydoc)
    const kv = memoryStore()
    const text = ydoc.getText('body')
    const expected: string[] = []
    let previous: Uint8Array | undefined
    for (let n = 1; n <= 40; n++) {
      text.insert(text.length, `line ${n}. `)
      if (n % 3 === 0) text.delete(0, 2)
      const full = (n - 1) % 32 === 0
      const e = encoding.createEncoder()
      encoding.writeVarString(e, JSON.stringify({ n, at: n, reason: 'changes', full }))
      const stateVector = Y.encodeStateVector(ydoc)
      encoding.writeVarUint8Array(e, stateVector)
      encoding.writeVarUint8Array(e, full || previous == null ? Y.encodeStateAsUpdate(ydoc) : Y.encodeStateAsUpdate(ydoc, previous))
      previous = stateVector
      kv.write([{ type: 'put', key: `hv/${ID}/${String(n).padStart(10, '0')}`, value: encoding.toUint8Array(e) }])
      expected.push(text.toString())
    }
    await tick()
    const versions = createVersions(kv, store, Date.now)
    text.insert(0, 'after the upgrade ')
    await tick()
    expect(versions.take(ID, 'changes').n).toBe(41)
    expected.push(text.toString())
    for (const n of [1, 31, 32, 33, 40, 41]) expect(versions.rebuild(ID, n).getText('body').toString(), `version ${n}`).toBe(expected[n - 1])
  })

  it('takes a whole state at the latest after MAX_ROWS_AFTER_FULL rows', async () => {
    const ydoc = new Y.Doc()
    const store = announcingStore(ydoc)
    const kv = memoryStore()
    const versions = createVersions(kv, store, Date.now)
    // a large state and tiny changes: the bytes would allow thousands of rows
    ydoc.getText('body').insert(0, 'x'.repeat(100_000))
    await tick()
    for (let i = 0; i <= MAX_ROWS_AFTER_FULL + 1; i++) {
      ydoc.getText('body').insert(0, 'y')
      await tick()
      versions.take(ID, 'changes')
    }
    const fulls = rows(kv).flatMap((r, i) => r.full ? [i + 1] : [])
    expect(fulls).toEqual([1, MAX_ROWS_AFTER_FULL + 1])
    expect(versions.rebuild(ID, MAX_ROWS_AFTER_FULL + 2).getText('body').length).toBe(100_000 + MAX_ROWS_AFTER_FULL + 2)
  })
})
