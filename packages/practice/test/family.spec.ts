import { describe, it, expect } from 'vitest'
import { ancestorsOf, familyOf, familyRoot, lineageIndex } from '../src/family.ts'
import type { LineageDoc } from '../src/family.ts'

const doc = (id: string, owner: string, created: number, from?: string, fromOrg = 'o?'): LineageDoc => ({
  id, owner, title: `T ${id}`, created, ...(from !== undefined ? { derivedFrom: { doc: from, version: 'v', org: fromOrg } } : {})
})

describe('families', () => {
  it('draws the source with its variants and their variants, oldest first', () => {
    const index = lineageIndex([doc('c', 'canal', 3, 'b', 'hill'), doc('a', 'river', 1), doc('b', 'hill', 2, 'a', 'river'), doc('d', 'canal', 1, 'a', 'river')])
    const family = familyOf(index, 'c')
    expect(family.path).toEqual(['a', 'b', 'c'])
    expect(family.root.id).toBe('a')
    expect(family.root.children.map(n => n.id)).toEqual(['d', 'b'])
    expect(family.root.children[1].children.map(n => n.id)).toEqual(['c'])
  })

  it('shows an ancestor it does not hold as its id and organisation only', () => {
    const index = lineageIndex([doc('b', 'hill', 2, 'a', 'river')])
    expect(ancestorsOf(index, 'b')).toEqual([{ id: 'a', org: 'river', held: false }])
    const family = familyOf(index, 'b')
    expect(family.root).toMatchObject({ id: 'a', org: 'river', held: false })
    expect(family.root.title).toBeUndefined()
    expect(family.root.children.map(n => n.id)).toEqual(['b'])
  })

  it('stops at a cycle of claimed sources', () => {
    const index = lineageIndex([doc('a', 'x', 1, 'b'), doc('b', 'y', 2, 'a')])
    expect(ancestorsOf(index, 'a').map(a => a.id)).toEqual(['b'])
    expect(familyRoot(index, 'a')).toBe('b')
    const family = familyOf(index, 'a')
    expect(family.root.id).toBe('b')
    expect(family.root.children.map(n => n.id)).toEqual(['a'])
    expect(family.root.children[0].children).toEqual([])
  })

  it('stops a long chain at the depth bound', () => {
    const docs = Array.from({ length: 100 }, (_, i) => doc(`d${i}`, 'o', i, i === 0 ? undefined : `d${i - 1}`))
    expect(ancestorsOf(lineageIndex(docs), 'd99').length).toBe(64)
  })
})
