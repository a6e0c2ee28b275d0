import { describe, it, expect } from 'vitest'
import { computeRoster } from '../src/roster.ts'
import { genesis, invitation, join, member, org } from './fixtures.ts'

describe('computeRoster', () => {
  it('makes the creator the first facilitator and counts joins by invitations of facilitators', async () => {
    const f = await org()
    const a = await org()
    const g = await genesis(f)
    const i = await invitation(f, g)
    const roster = computeRoster([g, i, await join(a, i)], 5_000)
    expect(roster?.members.get(f.id)?.role).toBe('facilitator')
    expect(roster?.members.get(a.id)).toMatchObject({ role: 'member', since: 2_000 })
  })

  it('ignores statements by organisations that are not facilitators', async () => {
    const f = await org()
    const a = await org()
    const stranger = await org()
    const g = await genesis(f)
    const forged = await invitation(stranger, g)
    const roster = computeRoster([g, forged, await join(a, forged), await member(a, g, stranger.id, 'facilitator', 1)], 5_000)
    expect([...roster?.members.keys() ?? []]).toEqual([f.id])
  })

  it('counts only the first `uses` joins of an invitation, by time then id, and none after expiry', async () => {
    const f = await org()
    const [a, b, c] = [await org(), await org(), await org()]
    const g = await genesis(f)
    const once = await invitation(f, g, { uses: 1, expiresAt: 10_000 })
    const late = await invitation(f, g, { uses: 5, expiresAt: 2_500 })
    const roster = computeRoster([g, once, late, await join(b, once, 2_100), await join(a, once, 2_000), await join(c, late, 3_000)], 5_000)
    expect(roster?.members.has(a.id)).toBe(true)
    expect(roster?.members.has(b.id)).toBe(false)
    expect(roster?.members.has(c.id)).toBe(false)
    expect(roster?.usesOf(once.id)).toBe(1)
  })

  it('removal wins over a join and a same-seq role, and a removed facilitator signs nothing more', async () => {
    const f = await org()
    const [a, d, e] = [await org(), await org(), await org()]
    const g = await genesis(f)
    const i = await invitation(f, g, { uses: 3, role: 'facilitator' })
    const statements = [g, i, await join(a, i), await join(d, i)]
    expect(computeRoster(statements, 5_000)?.members.get(d.id)?.role).toBe('facilitator')
    // D (a facilitator) adds E; F removes D; E's membership was signed by D and now counts for nothing
    const byD = await member(d, g, e.id, 'member', 1)
    const removal = await member(f, g, d.id, 'removed', 1)
    const concurrent = await member(a, g, d.id, 'facilitator', 1)
    const roster = computeRoster([...statements, byD, removal, concurrent], 5_000)
    expect(roster?.members.has(d.id)).toBe(false)
    expect(roster?.removed.has(d.id)).toBe(true)
    expect(roster?.members.has(e.id)).toBe(false)
    expect(roster?.seqOf(d.id)).toBe(1)
  })

  it('lets a member leave on its own signature, but not add anyone', async () => {
    const f = await org()
    const a = await org()
    const g = await genesis(f)
    const i = await invitation(f, g)
    const roster = computeRoster([g, i, await join(a, i), await member(a, g, a.id, 'removed', 1)], 5_000)
    expect(roster?.members.has(a.id)).toBe(false)
    expect(roster?.removed.has(a.id)).toBe(true)
  })

  it('gives the same roster whatever the order of the statements', async () => {
    const f = await org()
    const [a, b] = [await org(), await org()]
    const g = await genesis(f)
    const i = await invitation(f, g, { uses: 2, role: 'facilitator' })
    const statements = [g, i, await join(a, i), await join(b, i), await member(a, g, b.id, 'removed', 1)]
    const one = computeRoster(statements, 5_000)
    const other = computeRoster([...statements].reverse(), 5_000)
    const sorted = (roster: typeof one): unknown[] => [...roster?.members.entries() ?? []].sort(([x], [y]) => x < y ? -1 : 1)
    expect(sorted(one)).toEqual(sorted(other))
    expect(one?.removed.has(b.id)).toBe(true)
  })
})
