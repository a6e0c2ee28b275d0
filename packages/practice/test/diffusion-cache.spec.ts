import { describe, it, expect } from 'vitest'
import { diffusionCache } from '../src/diffusion-cache.ts'
import type { OrgStatements } from '../src/diffusion-cache.ts'
import { diffusionView, finishDiffusion } from '../src/diffusion.ts'
import { lineageIndex } from '../src/family.ts'
import type { LineageDoc } from '../src/family.ts'
import type { ActivityStatement, AdoptionStatement } from '../src/adoption.ts'
import { AdoptionState } from '../src/constants.ts'

const ADOPTION_STATES = Object.values(AdoptionState)

/** A small deterministic generator (the view's rules read no signatures: statements here are verified ones). */
function prng (seed: number): () => number {
  let x = seed
  return () => { x = (x * 1103515245 + 12345) % 2147483648; return x / 2147483648 }
}

const NOW = Date.UTC(2026, 11, 6)
const ORGS = ['org-a', 'org-b', 'org-c', 'org-d', 'org-e']

describe('diffusionCache', () => {
  it('gives, after every change of statements, members or records, the view computed from scratch', () => {
    const rand = prng(7)
    const docs: LineageDoc[] = []
    for (let f = 0; f < 6; f++) {
      docs.push({ id: `root${f}`, owner: ORGS[f % 5], title: `Practice ${f}`, created: f })
      docs.push({ id: `var${f}`, owner: ORGS[(f + 1) % 5], title: `Practice ${f} (ours)`, created: 10 + f, derivedFrom: { doc: `root${f}`, version: 'v', org: ORGS[f % 5] } })
    }
    const statements = new Map<string, AdoptionStatement[]>(ORGS.map(o => [o, []]))
    const activity = new Map<string, ActivityStatement[]>(ORGS.map(o => [o, []]))
    const versions = new Map<string, number>(ORGS.map(o => [o, 0]))
    let members = ORGS.slice(0, 4).map(org => ({ org, name: org.toUpperCase(), role: 'member' as const }))
    let lineage = lineageIndex(docs)
    const add = (org: string): void => {
      const list = statements.get(org) ?? []
      const practice = rand() < 0.2 ? 'unheld' : `${rand() < 0.5 ? 'root' : 'var'}${Math.floor(rand() * 6)}`
      const seq = list.filter(s => s.practice === practice).length + 1
      list.push({ type: 'adoption', org, network: 'net', practice, seq, state: ADOPTION_STATES[Math.floor(rand() * ADOPTION_STATES.length)], at: Date.UTC(2025, 0, 1) + Math.floor(rand() * 600) * 86_400_000, sig: `${org}.${list.length}` })
      versions.set(org, (versions.get(org) ?? 0) + 1)
    }
    const cache = diffusionCache()
    for (let step = 0; step < 120; step++) {
      const roll = rand()
      const org = ORGS[Math.floor(rand() * ORGS.length)]
      if (roll < 0.7) add(org)
      else if (roll < 0.78) {
        activity.get(org)?.push({ type: 'activity', org, network: 'net', month: '2026-11', seq: step, edits: step, adaptations: 0, proposals: 1, lastAt: Date.UTC(2026, 10, 2), sig: `a${step}` })
        versions.set(org, (versions.get(org) ?? 0) + 1)
      } else if (roll < 0.86) {
        // a member joins or leaves
        members = members.some(m => m.org === org) ? members.filter(m => m.org !== org) : [...members, { org, name: org.toUpperCase(), role: 'member' as const }]
      } else if (roll < 0.93) {
        // a record arrives: the unheld practice becomes a variant of a family, or a second-level variant appears
        docs.push({ id: step % 2 === 0 ? 'unheld' : `deep${step}`, owner: org, title: `Arrived ${step}`, created: 100 + step, derivedFrom: { doc: step % 2 === 0 ? 'var1' : 'root2', version: 'v', org } })
        lineage = lineageIndex(docs)
      } else {
        // the same records, indexed again (a record's text changed)
        lineage = lineageIndex(docs)
      }
      const orgs: OrgStatements[] = ORGS.map(o => ({ org: o, key: String(versions.get(o)), adoption: statements.get(o) ?? [], activity: activity.get(o) ?? [] }))
      const kept = finishDiffusion(cache.core(members, orgs, lineage), NOW, 4)
      const scratch = diffusionView({ members, adoption: [...statements.values()].flat(), activity: [...activity.values()].flat(), lineage, now: NOW, quietWeeks: 4 })
      // the same view, in the same order to the byte
      expect(JSON.stringify(kept), `step ${step}`).toBe(JSON.stringify(scratch))
    }
  })

  it('computes again only the organisation whose statements changed', () => {
    const lineage = lineageIndex([{ id: 'p', owner: 'org-a', title: 'P', created: 0 }])
    const members = ORGS.slice(0, 2).map(org => ({ org, name: org, role: 'member' as const }))
    let reads = 0
    const counted = (org: string, at: number): Iterable<AdoptionStatement> => ({
      * [Symbol.iterator] () { reads++; yield { type: 'adoption', org, network: 'net', practice: 'p', seq: 1, state: 'adopted', at, sig: org } }
    })
    const cache = diffusionCache()
    const a = { org: 'org-a', key: '1', adoption: counted('org-a', Date.UTC(2026, 1, 1)), activity: [] }
    cache.core(members, [a, { org: 'org-b', key: '1', adoption: counted('org-b', Date.UTC(2026, 2, 1)), activity: [] }], lineage)
    expect(reads).toBe(2)
    const core = cache.core(members, [a, { org: 'org-b', key: '2', adoption: counted('org-b', Date.UTC(2026, 3, 1)), activity: [] }], lineage)
    expect(reads).toBe(3)
    expect(core.matrix.map(c => [c.org, c.at])).toEqual([['org-a', Date.UTC(2026, 1, 1)], ['org-b', Date.UTC(2026, 3, 1)]])
  })
})
