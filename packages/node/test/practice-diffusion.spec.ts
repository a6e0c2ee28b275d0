import { describe, it, expect, afterEach } from 'vitest'
import type { DocId } from '@commonplace/core'
import type { DiffusionView } from '@commonplace/api'
import { apiRequest } from './api-request.ts'
import { dataDirOf, startNode, stopAll, until } from './directory-nodes.ts'

afterEach(stopAll)

const SECTIONS = [{ heading: 'Practice', text: 'The duty doctor reviews by 4 pm.' }]

/** The view without the moment it was computed at. */
function timeless (view: DiffusionView): Omit<DiffusionView, 'at'> {
  const { at: _at, ...rest } = view
  return rest
}

describe('the diffusion view at a node: kept per member, and paged', () => {
  it('gives a node that followed every change the view a node computes at once; pages families most spread first', async () => {
    const f = await startNode('Northfield & Canal PCN')
    const river = await startNode('Riverside Surgery')
    const hill = await startNode('Hillview Medical Practice')
    const net = (await f.api.createNetwork({ name: 'Northfield & Canal PCN' })).id
    for (const n of [river, hill]) await n.api.join((await f.api.invite(net, {})).code)
    await until([f, river, hill], async () => (await river.api.members(net)).length === 3 && (await hill.api.members(net)).length === 3, 'rosters of three')
    const titles = ['Abnormal blood results', 'Repeat prescriptions', 'Vaccine fridge breach']
    const docs: DocId[] = []
    for (const title of titles) {
      const id = (await river.api.createDoc({ title, sections: SECTIONS })).id
      await river.api.share(id, { with: net, role: 'read' })
      docs.push(id)
    }
    await until([hill, f], () => docs.every(id => hill.store.has(id) && f.store.has(id)), 'Hillview and the facilitator hold the three')

    // the facilitator asks after each change (its cache keeps each member's part); Hillview asks only at the end
    const seen = async (check: (view: DiffusionView) => boolean, what: string): Promise<void> => {
      await until([f], async () => check(await f.api.diffusion(net)), what)
    }
    await river.api.setAdoption({ doc: docs[0], state: 'adopted', networks: [net] })
    await seen(v => v.matrix.length === 1, 'one state')
    await hill.api.setAdoption({ doc: docs[0], state: 'trialling', networks: [net], at: '2026-03-02T09:00:00.000Z' })
    await hill.api.setAdoption({ doc: docs[1], state: 'considering', networks: [net] })
    await seen(v => v.matrix.length === 3, 'three states')
    const variant = await hill.api.adapt(docs[0], { why: 'Two duty doctors on Mondays', reasons: ['staffing'] })
    await hill.api.setAdoption({ doc: docs[0], state: 'adapted', variant: variant.id })
    // the variant reaches the facilitator: the family's lineage changes under a view it keeps
    await hill.api.share(variant.id, { with: net, role: 'read' })
    await until([f], () => f.store.has(variant.id), 'the facilitator holds the variant')
    await river.api.setAdoption({ doc: docs[2], state: 'discontinued', reason: 'No fridge', networks: [net] })
    await seen(v => v.matrix.length === 4 && v.matrix.some(c => c.state === 'adapted'), "Hillview's adaptation")
    // a record's text changes (its lineage does not): the view stays what it was
    await river.api.editDoc(docs[1], { append: { section: 'Practice', text: 'And on Fridays.' } })
    await until([hill], async () => (await hill.api.getDoc(docs[1])).sections[0].markdown.includes('Fridays'), 'Hillview holds the edit')

    const followed = await f.api.diffusion(net)
    const fresh = await hill.api.diffusion(net)
    expect(timeless(fresh)).toEqual(timeless(followed))
    expect(followed.matrix.find(c => c.org === hill.orgId && c.family === docs[0])).toMatchObject({ state: 'adapted', variant: variant.id })
    expect(followed.orgs.find(o => o.org === hill.orgId)?.name).toBe('Hillview Medical Practice')
    expect(followed.families.find(fam => fam.id === docs[0])).toMatchObject({ ownerName: 'Riverside Surgery', tree: { orgName: 'Riverside Surgery', children: [{ id: variant.id, orgName: 'Hillview Medical Practice' }] } })
    expect(followed.activity.every(row => row.orgName !== undefined)).toBe(true)
    expect(followed.page).toBeUndefined()

    // a page: most spread first (two states, then one each by title), its cells and its families' curve only
    const first = await f.api.diffusion(net, { limit: 2 })
    expect(first.page).toEqual({ offset: 0, limit: 2, total: 3, families: 3 })
    expect(first.families.map(fam => fam.title)).toEqual([titles[0], titles[1]])
    expect(first.matrix.map(c => c.family).sort()).toEqual([docs[0], docs[0], docs[1]].sort())
    expect(first.curve.every(p => Object.keys(p.byFamily).every(id => id === docs[0] || id === docs[1]))).toBe(true)
    expect(first.curve.at(-1)?.total).toBe(followed.curve.at(-1)?.total)
    const second = await f.api.diffusion(net, { limit: 2, offset: 2 })
    expect(second.families.map(fam => fam.title)).toEqual([titles[2]])
    expect(second.matrix).toMatchObject([{ org: river.orgId, state: 'discontinued' }])
    const found = await f.api.diffusion(net, { limit: 10, find: 'PRESCRIPT' })
    expect(found.page).toEqual({ offset: 0, limit: 10, total: 1, families: 3, find: 'PRESCRIPT' })
    expect(found.matrix).toMatchObject([{ org: hill.orgId, state: 'considering' }])

    // the route reads the same options, and refuses bad ones with a typed error
    const dir = dataDirOf(f)
    const routed = await apiRequest(f, dir, 'GET', `/api/networks/${net}/diffusion?limit=2&offset=2`)
    expect(routed.status).toBe(200)
    expect(routed.json.families.map((fam: { id: string }) => fam.id)).toEqual([docs[2]])
    const recent = await apiRequest(f, dir, 'GET', `/api/networks/${net}/diffusion?months=1`)
    const lastMonth = [...followed.activity.map(row => row.month)].sort().at(-1)
    expect(recent.json.activity.length).toBeGreaterThan(0)
    expect(recent.json.activity.every((row: { month: string }) => row.month === lastMonth)).toBe(true)
    for (const query of ['months=0', 'months=601', 'limit=0', 'limit=501', 'limit=-1', 'offset=1', 'find=x', `limit=5&find=${'x'.repeat(201)}`, 'limit=two']) {
      const bad = await apiRequest(f, dir, 'GET', `/api/networks/${net}/diffusion?${query}`)
      expect(bad.status, query).toBe(400)
      expect(bad.json.error.code, query).toBe('ERR_INVALID_INPUT')
    }
  })
})
