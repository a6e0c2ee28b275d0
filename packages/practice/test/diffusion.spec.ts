import { describe, it, expect } from 'vitest'
import { diffusionView, monthsFrom } from '../src/diffusion.ts'
import { lineageIndex } from '../src/family.ts'
import { signActivity } from '../src/adoption.ts'
import { adoption, day, docOf, networkOf, org } from './fixtures.ts'

describe('diffusionView', async () => {
  const river = await org()
  const hill = await org()
  const canal = await org()
  const net = await networkOf(river)
  const protocol = await docOf(river)
  const variant = await docOf(hill)
  const lineage = lineageIndex([
    { id: protocol, owner: river.id, title: 'Handling abnormal blood results', created: day('2026-09-01') },
    { id: variant, owner: hill.id, title: 'Handling abnormal blood results (Hillview)', created: day('2026-10-03'), derivedFrom: { doc: protocol, version: 'v', org: river.id }, adaptation: { note: 'Two duty doctors on Mondays', reasons: ['staffing'], at: day('2026-10-03') } }
  ])
  const members = [
    { org: river.id, name: 'Riverside Surgery', role: 'facilitator' as const },
    { org: hill.id, name: 'Hillview Medical Practice', role: 'member' as const },
    { org: canal.id, name: 'Canal Street Health Centre', role: 'member' as const }
  ]
  const adoptionStatements = [
    await adoption(river, net, protocol, 1, 'adopted', day('2026-09-02')),
    await adoption(hill, net, protocol, 1, 'trialling', day('2026-09-20')),
    await adoption(hill, net, variant, 1, 'adapted', day('2026-10-03'), { variant }),
    await adoption(canal, net, protocol, 1, 'considering', day('2026-10-10')),
    await adoption(canal, net, protocol, 2, 'trialling', day('2026-11-02')),
    await adoption(canal, net, protocol, 3, 'discontinued', day('2026-11-20'), { reason: 'no second duty doctor' })
  ]
  const input = { members, adoption: adoptionStatements, activity: [], lineage, now: day('2026-12-06'), quietWeeks: 2 }

  it('puts each organisation\'s latest state of the family in the matrix', () => {
    const view = diffusionView(input)
    expect(view.families.map(f => f.id)).toEqual([protocol])
    expect(view.families[0].tree.children.map(c => c.id)).toEqual([variant])
    const state = Object.fromEntries(view.matrix.map(c => [c.org, c.state]))
    expect(state).toEqual({ [river.id]: 'adopted', [hill.id]: 'adapted', [canal.id]: 'discontinued' })
    expect(view.matrix.find(c => c.org === hill.id)).toMatchObject({ practice: variant, variant })
  })

  it('draws the cumulative curve by month', () => {
    const curve = diffusionView(input).curve
    expect(curve.map(p => [p.month, p.total])).toEqual([['2026-09', 2], ['2026-10', 2], ['2026-11', 2], ['2026-12', 2]])
    const withoutDrop = diffusionView({ ...input, adoption: adoptionStatements.slice(0, 5) }).curve
    expect(withoutDrop.map(p => p.total)).toEqual([2, 2, 3, 3])
    expect(withoutDrop[3].byFamily[protocol]).toBe(3)
    // per state: Hillview trialling in September, adapted from October; Canal Street's trial ends within November
    expect(curve.map(p => p.byState)).toEqual([
      { trialling: 1, adopted: 1, adapted: 0 }, { trialling: 0, adopted: 1, adapted: 1 }, { trialling: 0, adopted: 1, adapted: 1 }, { trialling: 0, adopted: 1, adapted: 1 }
    ])
    expect(withoutDrop[2].byState).toEqual({ trialling: 1, adopted: 1, adapted: 1 })
  })

  it('lists quiet members and counts activity', async () => {
    const activity = [await signActivity(hill.key, { type: 'activity', org: hill.id, network: net, month: '2026-12', seq: 1, edits: 3, adaptations: 0, proposals: 1, comments: 2, lastAt: day('2026-12-01') })]
    const view = diffusionView({ ...input, activity })
    // comments count where the statement has them (statements signed before comments existed have none)
    expect(view.activity.find(r => r.org === hill.id && r.month === '2026-12')).toMatchObject({ comments: 2 })
    expect(view.quiet.map(q => q.org).sort()).toEqual([river.id, canal.id].sort())
    expect(view.activity.find(r => r.org === hill.id && r.month === '2026-12')).toMatchObject({ edits: 3, proposals: 1 })
    expect(view.activity.find(r => r.org === canal.id && r.month === '2026-11')).toMatchObject({ adoptionChanges: 2 })
  })

  it('ignores statements of non-members and about documents not held', async () => {
    const stranger = await org()
    const unknown = await docOf(river)
    const view = diffusionView({
      ...input,
      adoption: [...adoptionStatements, await adoption(stranger, net, protocol, 1, 'adopted', day('2026-10-01')), await adoption(hill, net, unknown, 1, 'adopted', day('2026-10-01'))]
    })
    expect(view.matrix.length).toBe(3)
    expect(view.families.length).toBe(1)
  })

  it('computes the same view whatever the order of its inputs', () => {
    const a = diffusionView(input)
    const b = diffusionView({ ...input, adoption: [...adoptionStatements].reverse(), members: [...members].reverse() })
    expect(b.matrix).toEqual(a.matrix)
    expect(b.curve).toEqual(a.curve)
  })

  it('lists months across a year end', () => {
    expect(monthsFrom('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02'])
  })
})

describe('monthOf', () => {
  it('gives the UTC month of any time, as a Date would', async () => {
    const { monthOf } = await import('../src/adoption.ts')
    for (const ms of [0, Date.UTC(2024, 1, 29, 23, 59, 59), Date.UTC(2025, 11, 31, 23, 59, 59, 999), Date.UTC(2026, 0, 1), Date.UTC(2100, 2, 1) - 1]) {
      expect(monthOf(ms)).toBe(new Date(ms).toISOString().slice(0, 7))
    }
    for (let i = 0; i < 1000; i++) {
      const ms = Math.floor(((i * 7919) % 1000) / 1000 * 4e12)
      expect(monthOf(ms)).toBe(new Date(ms).toISOString().slice(0, 7))
    }
  })
})
