import { describe, it, expect } from 'vitest'
import { byFamilyOf, familiesBySpread, familyPage, lastMonths } from '../src/diffusion-page.ts'

const families = [
  { id: 'c', title: 'Vaccine fridge breach' },
  { id: 'a', title: 'Abnormal blood results' },
  { id: 'b', title: 'Repeat prescriptions' },
  { id: 'd', title: 'Abnormal blood results' }
]
const matrix = [
  { org: 'o1', family: 'b' }, { org: 'o2', family: 'b' }, { org: 'o1', family: 'c' }, { org: 'o3', family: 'b' }, { org: 'o2', family: 'd' }
]

describe('familyPage', () => {
  const order = familiesBySpread(families, matrix)

  it('orders families by spread, then title, then id, whatever order they came in', () => {
    expect(order.order.map(f => f.id)).toEqual(['b', 'd', 'c', 'a'])
    expect(familiesBySpread([...families].reverse(), [...matrix].reverse()).order.map(f => f.id)).toEqual(['b', 'd', 'c', 'a'])
  })

  it('gives a page with its families\' cells and how many families match', () => {
    expect(familyPage(order, { limit: 2 })).toEqual({ families: [families[2], families[3]], cells: [matrix[0], matrix[1], matrix[3], matrix[4]], total: 4 })
    expect(familyPage(order, { limit: 2, offset: 2 })).toMatchObject({ families: [families[0], families[1]], cells: [matrix[2]], total: 4 })
    expect(familyPage(order, { limit: 2, offset: 10 })).toEqual({ families: [], cells: [], total: 4 })
    expect(familyPage(order, { limit: 5, find: '  ABNORMAL ' })).toMatchObject({ families: [families[3], families[1]], total: 2 })
  })

  it('keeps a curve point\'s counts of the page\'s families only', () => {
    expect(byFamilyOf({ a: 1, b: 2, c: 0 }, [{ id: 'b' }, { id: 'c' }, { id: 'x' }])).toEqual({ b: 2, c: 0 })
  })

  it('keeps the activity of the last months that have any', () => {
    const rows = [{ org: 'a', month: '2026-01' }, { org: 'b', month: '2026-03' }, { org: 'a', month: '2025-12' }, { org: 'a', month: '2026-03' }]
    expect(lastMonths(rows, 2)).toEqual([rows[0], rows[1], rows[3]])
    expect(lastMonths(rows, 10)).toEqual(rows)
  })
})
