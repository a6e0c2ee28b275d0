import { describe, it, expect } from 'vitest'
import * as Y from 'yjs'
import { CorruptUpdateError, structOwners } from '../src/index.ts'
import type { UpdateOwners } from '../src/index.ts'
import { prng } from './prng.ts'


/** What Yjs itself reads from an update, in the same shape as structOwners' answer. */
function yjsOwners (update: Uint8Array): Omit<UpdateOwners, 'deleteSetOffset'> {
  const { structs, ds } = Y.decodeUpdate(update)
  const out: Omit<UpdateOwners, 'deleteSetOffset'> = { clients: [], writes: [], skips: [], deletes: [] }
  for (const s of structs) {
    if (!out.clients.includes(s.id.client)) out.clients.push(s.id.client)
    const ranges = s instanceof Y.Skip ? out.skips : out.writes
    const last = ranges[ranges.length - 1]
    if (last != null && last.client === s.id.client && last.clock + last.length === s.id.clock) last.length += s.length
    else ranges.push({ client: s.id.client, clock: s.id.clock, length: s.length })
  }
  for (const [client, items] of ds.clients) {
    for (const item of items) out.deletes.push({ client, clock: item.clock, length: item.len })
  }
  return out
}

function expectSameAsYjs (update: Uint8Array): UpdateOwners {
  const ours = structOwners(update)
  const { deleteSetOffset: _offset, ...rest } = ours
  expect(rest).toEqual(yjsOwners(update))
  // Yjs's own summary of the clock span per client agrees too
  const meta = Y.parseUpdateMeta(update)
  for (const client of ours.clients) {
    const ranges = [...ours.writes, ...ours.skips].filter(r => r.client === client)
    expect(Math.min(...ranges.map(r => r.clock))).toBe(meta.from.get(client))
    expect(Math.max(...ranges.map(r => r.clock + r.length))).toBe(meta.to.get(client))
  }
  return ours
}

function updatesOf (doc: Y.Doc): Uint8Array[] {
  const out: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => out.push(u))
  return out
}

function typeRandomly (doc: Y.Doc, random: () => number, edits: number): void {
  const text = doc.getText('t')
  for (let i = 0; i < edits; i++) {
    const r = random()
    if (r < 0.6 || text.length === 0) text.insert(Math.floor(random() * (text.length + 1)), 'abcdé€😀'.slice(0, 1 + Math.floor(random() * 8)))
    else if (r < 0.9) text.delete(Math.floor(random() * text.length), 1)
    else text.format(0, Math.min(3, text.length), { bold: random() < 0.5 ? true : null })
  }
}

describe('structOwners', () => {
  it('reads inserts the way Yjs does, counting string lengths in UTF-16 units', () => {
    const doc = new Y.Doc()
    const updates = updatesOf(doc)
    doc.getText('t').insert(0, 'hello wörld 😀')
    doc.getText('t').insert(5, ',')
    for (const u of updates) expectSameAsYjs(u)
    const whole = expectSameAsYjs(Y.encodeStateAsUpdate(doc))
    expect(whole.clients).toEqual([doc.clientID])
    expect(whole.writes).toEqual([{ client: doc.clientID, clock: 0, length: 15 }])
  })

  it('reads deletions of other clients into the delete set, not the writes', () => {
    const a = new Y.Doc()
    a.getText('t').insert(0, 'written by a')
    const b = new Y.Doc()
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
    const updates = updatesOf(b)
    b.getText('t').delete(0, 7)
    const owners = expectSameAsYjs(updates[0])
    expect(owners.clients).toEqual([])
    expect(owners.deletes).toEqual([{ client: a.clientID, clock: 0, length: 7 }])
  })

  it('reads GC structs of garbage-collected content', () => {
    const doc = new Y.Doc({ gc: true })
    const map = doc.getMap('m')
    const inner = new Y.Array<number>()
    map.set('list', inner)
    inner.push([1, 2, 3, 4, 5])
    map.delete('list')
    const update = Y.encodeStateAsUpdate(doc)
    expect(Y.decodeUpdate(update).structs.some(s => s instanceof Y.GC)).toBe(true)
    const owners = expectSameAsYjs(update)
    expect(owners.writes).toEqual([{ client: doc.clientID, clock: 0, length: 6 }])
  })

  it('reads skip structs of a state with a missing range, and of merged updates with a gap', () => {
    const source = new Y.Doc()
    const updates = updatesOf(source)
    source.getText('t').insert(0, 'one ')
    source.getText('t').insert(4, 'two ')
    source.getText('t').insert(8, 'three')
    const holder = new Y.Doc()
    Y.applyUpdate(holder, updates[0])
    Y.applyUpdate(holder, updates[2]) // pending: the second is missing
    const fromState = expectSameAsYjs(Y.encodeStateAsUpdate(holder))
    expect(fromState.skips).toEqual([{ client: source.clientID, clock: 4, length: 4 }])
    const merged = expectSameAsYjs(Y.mergeUpdates([updates[0], updates[2]]))
    expect(merged.skips).toEqual([{ client: source.clientID, clock: 4, length: 4 }])
    expect(merged.writes).toEqual([{ client: source.clientID, clock: 0, length: 4 }, { client: source.clientID, clock: 8, length: 5 }])
  })

  it('reads merged updates of several clients and every kind of content', () => {
    const a = new Y.Doc()
    const b = new Y.Doc()
    const ua = updatesOf(a)
    const ub = updatesOf(b)
    const map = a.getMap<unknown>('m')
    map.set('any', { n: 1, f: 1.5, big: [true, null, 'x', { deep: [1, [2, [3]]] }], bytes: new Uint8Array([1, 2]) })
    map.set('bin', new Uint8Array([9, 9, 9]))
    map.set('sub', new Y.Doc())
    const text = a.getText('t')
    text.insert(0, 'formatted', { bold: true })
    text.insertEmbed(3, { image: 'x.png' })
    const xml = b.getXmlFragment('x')
    const el = new Y.XmlElement('p')
    xml.insert(0, [el, new Y.XmlText('text')])
    el.setAttribute('class', 'lead')
    el.insert(0, [new Y.XmlHook('hook') as unknown as Y.XmlElement])
    b.getArray('arr').insert(0, [1, 'two', { three: 3 }])
    b.getArray('arr').delete(1, 1)
    for (const u of [...ua, ...ub]) expectSameAsYjs(u)
    const merged = expectSameAsYjs(Y.mergeUpdates([...ua, ...ub]))
    expect(new Set(merged.clients)).toEqual(new Set([a.clientID, b.clientID]))
  })

  it('agrees with Yjs on seeded random editing sessions and their merges', () => {
    const random = prng(14)
    for (let round = 0; round < 20; round++) {
      const docs = [new Y.Doc({ gc: round % 2 === 0 }), new Y.Doc(), new Y.Doc()]
      const all: Uint8Array[] = []
      for (const doc of docs) doc.on('update', (u: Uint8Array) => all.push(u))
      for (let step = 0; step < 10; step++) {
        const doc = docs[Math.floor(random() * docs.length)]
        typeRandomly(doc, random, 1 + Math.floor(random() * 5))
        const other = docs[Math.floor(random() * docs.length)]
        Y.applyUpdate(other, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(other)))
      }
      for (const u of all) expectSameAsYjs(u)
      expectSameAsYjs(Y.mergeUpdates(all))
      for (const doc of docs) expectSameAsYjs(Y.encodeStateAsUpdate(doc))
    }
  })

  it('finds where the delete set begins, so the deletions can be left out', () => {
    // without gc, deleted items keep their content and only the delete set says they are deleted
    const doc = new Y.Doc({ gc: false })
    doc.getText('t').insert(0, 'keep all of this')
    doc.getText('t').delete(0, 5)
    const update = Y.encodeStateAsUpdate(doc)
    const { deleteSetOffset, deletes } = structOwners(update)
    expect(deletes.length).toBe(1)
    const withoutDeletes = new Uint8Array([...update.subarray(0, deleteSetOffset), 0])
    const copy = new Y.Doc()
    Y.applyUpdate(copy, withoutDeletes)
    expect(copy.getText('t').toString()).toBe('keep all of this')
    expect(structOwners(withoutDeletes).deletes).toEqual([])
  })

  it('refuses what Yjs would read differently or not at all', () => {
    const doc = new Y.Doc()
    doc.getText('t').insert(0, 'x')
    const update = Y.encodeStateAsUpdate(doc)
    const group = update.subarray(1, structOwners(update).deleteSetOffset)
    // one client listed twice: Y.applyUpdate would keep only the second list
    const twice = new Uint8Array([2, ...group, ...group, 0])
    expect(() => structOwners(twice)).toThrow(/listed twice/)
    expect(() => structOwners(new Uint8Array([...update, 0]))).toThrow(CorruptUpdateError)
    expect(() => structOwners(update.subarray(0, update.length - 1))).toThrow(CorruptUpdateError)
    expect(() => structOwners(new Uint8Array([]))).toThrow(CorruptUpdateError)
    // a skip's info byte with high bits set: a skip to Y.applyUpdate, an error to Y.decodeUpdate
    expect(() => structOwners(new Uint8Array([1, 1, 5, 0, 10 | 0x20, 3, 0]))).toThrow(CorruptUpdateError)
    expect(structOwners(new Uint8Array([1, 1, 5, 0, 10, 3, 0])).skips).toEqual([{ client: 5, clock: 0, length: 3 }])
    // an `any` value nested past the bound (Yjs would overflow its stack further down)
    const deep = new Uint8Array([1, 1, 5, 0, 8, 1, 1, 109, 1, ...new Array<number>(100).fill(117).flatMap(t => [t, 1]), 127, 0])
    expect(() => structOwners(deep)).toThrow(/nested too deep/)
  })

  it('never accepts what Yjs cannot decode, and agrees with it on what both accept (mutated updates)', () => {
    const random = prng(1914)
    const seeds: Uint8Array[] = []
    for (let i = 0; i < 12; i++) {
      const doc = new Y.Doc()
      typeRandomly(doc, random, 5 + i)
      doc.getMap('m').set('k', { a: [i, 'v'] })
      seeds.push(Y.encodeStateAsUpdate(doc))
    }
    let bothAccepted = 0
    let onlyYjsAccepted = 0
    for (let i = 0; i < 4000; i++) {
      const bytes = mutate(seeds[i % seeds.length], random)
      let theirs: ReturnType<typeof yjsOwners> | undefined
      try { theirs = yjsOwners(bytes) } catch { theirs = undefined }
      let ours: UpdateOwners | undefined
      try {
        ours = structOwners(bytes)
      } catch (err) {
        expect(err).toBeInstanceOf(CorruptUpdateError)
      }
      if (ours != null) {
        expect(theirs, 'structOwners accepted bytes Yjs cannot decode').toBeDefined()
        const { deleteSetOffset: _o, ...rest } = ours
        expect(rest).toEqual(theirs)
        bothAccepted++
      } else if (theirs != null) {
        onlyYjsAccepted++
      }
    }
    // the mutations reach both outcomes, so the comparison above was exercised
    expect(bothAccepted).toBeGreaterThan(100)
    expect(onlyYjsAccepted).toBeGreaterThan(0)
  })
})

function mutate (seed: Uint8Array, random: () => number): Uint8Array {
  const bytes = [...seed]
  const n = 1 + Math.floor(random() * 3)
  for (let i = 0; i < n; i++) {
    const at = Math.floor(random() * bytes.length)
    const r = random()
    if (r < 0.6) bytes[at] = Math.floor(random() * 256)
    else if (r < 0.75) bytes.splice(at, 1)
    else if (r < 0.9) bytes.splice(at, 0, Math.floor(random() * 256))
    else bytes.length = at
  }
  return new Uint8Array(bytes)
}
