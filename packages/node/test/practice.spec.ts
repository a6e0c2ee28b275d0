import { describe, it, expect, afterEach } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { adoptionKey, putLogEntries, signAdoption } from '@commonplace/practice'
import type { CommonplaceNode } from '../src/index.ts'
import { dataDirOf, startNode, stopAll, stopNode, until } from './directory-nodes.ts'

afterEach(stopAll)

/** A facilitator and three practices in one network; every member's documents reach the others. */
async function network (): Promise<{ f: CommonplaceNode, river: CommonplaceNode, hill: CommonplaceNode, canal: CommonplaceNode, net: string }> {
  const f = await startNode('Northfield & Canal PCN')
  const river = await startNode('Riverside Surgery')
  const hill = await startNode('Hillview Medical Practice')
  const canal = await startNode('Canal Street Health Centre')
  const net = (await f.api.createNetwork({ name: 'Northfield & Canal PCN' })).id
  for (const n of [river, hill, canal]) await n.api.join((await f.api.invite(net, {})).code)
  await until([f, river, hill, canal], async () => (await canal.api.members(net)).length === 4 && (await river.api.members(net)).length === 4 && (await hill.api.members(net)).length === 4, 'rosters of four')
  return { f, river, hill, canal, net }
}

const SECTIONS = [
  { heading: 'Problem', text: 'Abnormal results sit in the inbox.' },
  { heading: 'Practice', text: 'The duty doctor reviews by 4 pm.' },
  { heading: 'Resources', text: 'One duty doctor.' }
]

describe('adapt and adopt (nodes in one process)', () => {
  it('adapts with lineage, takes an upstream section, proposes back, and shows the diffusion view with the source offline', async () => {
    const { f, river, hill, canal, net } = await network()
    const source = await river.api.createDoc({ title: 'Handling abnormal blood results: who acts, by when', sections: SECTIONS })
    await river.api.share(source.id, { with: net, role: 'read' })
    await until([hill], () => hill.store.info(source.id)?.title === source.title, 'Hillview holds the protocol')

    const variant = await hill.api.adapt(source.id, { why: 'Two duty doctors on Mondays', reasons: ['staffing'] })
    expect(variant.derivedFrom).toMatchObject({ doc: source.id, org: river.orgId, held: true })
    await hill.api.editDoc(variant.id, { append: { section: 'Practice', text: 'On Mondays two duty doctors share the results.' } })
    const adaptation = await hill.api.adaptation(variant.id)
    expect(adaptation).toMatchObject({ note: 'Two duty doctors on Mondays', reasons: ['staffing'] })
    expect(adaptation.changes.map(c => [c.heading, c.status])).toEqual([['Practice', 'changed']])
    await hill.api.share(variant.id, { with: net, role: 'read' })
    expect((await hill.api.listDocs()).map(d => d.id).sort()).toEqual([source.id, variant.id].sort())

    // Riverside changes two sections; Hillview sees both and takes one
    expect((await hill.api.upstream(variant.id)).changed).toBe(false)
    await river.api.editDoc(source.id, { append: { section: 'Problem', text: 'Results arrive after 6 pm too.' } })
    await river.api.editDoc(source.id, { append: { section: 'Resources', text: 'A results template.' } })
    await until([hill], async () => (await hill.api.upstream(variant.id)).sections.length === 2, 'Hillview sees two upstream changes')
    const after = await hill.api.takeUpstream(variant.id, { sections: ['Resources'] })
    expect(after.sections.map(s => s.heading)).toEqual(['Problem'])
    expect((await hill.api.getDoc(variant.id)).sections.find(s => s.heading === 'Resources')?.markdown).toContain('A results template.')
    expect((await hill.api.dismissUpstream(variant.id, {})).changed).toBe(false)

    // the family, seen from the source's owner once the variant arrived
    await until([river], () => river.store.info(variant.id)?.title === source.title, 'Riverside holds the variant')
    const family = await river.api.family(source.id)
    expect(family.root.id).toBe(source.id)
    expect(family.root.children).toMatchObject([{ id: variant.id, org: hill.orgId, why: 'Two duty doctors on Mondays', reasons: ['staffing'] }])

    // propose back; Riverside accepts; Hillview sees the outcome
    // the preview is exactly what propose sends: against the source's current text, which moved on
    await river.api.editDoc(source.id, { append: { section: 'Practice', text: 'Escalate to the partner on call.' } })
    await until([hill], async () => (await hill.api.getDoc(source.id)).sections.some(s => s.markdown.includes('partner on call')), 'Hillview holds the new source')
    const preview = await hill.api.previewProposal(variant.id, { sections: ['Practice'] })
    expect(preview.map(s => [s.heading, s.status])).toEqual([['Practice', 'changed']])
    expect(preview[0].before).toContain('partner on call')
    // by default every section that differs from the source now: Problem too (Hillview dismissed that change)
    expect((await hill.api.previewProposal(variant.id)).map(s => s.heading)).toEqual(['Problem', 'Practice'])
    const proposal = await hill.api.propose(variant.id, { message: 'Mondays need two of us', sections: ['Practice'] })
    expect(proposal.sections).toEqual(preview)
    expect(proposal).toMatchObject({ direction: 'out', status: 'open', source: source.id })
    await until([river], async () => (await river.api.proposals()).length === 1, 'Riverside sees the proposal')
    const incoming = (await river.api.proposals(source.id))[0]
    expect(incoming).toMatchObject({ direction: 'in', proposer: hill.orgId, message: 'Mondays need two of us' })
    expect(incoming.sections[0].diff?.lines.some(l => l.op === 'added' && l.text.includes('two duty doctors'))).toBe(true)
    await expect(hill.api.acceptProposal(proposal.id, {})).rejects.toMatchObject({ code: 'ERR_FORBIDDEN' })
    await river.api.acceptProposal(incoming.id, { reply: 'Thank you' })
    expect((await river.api.getDoc(source.id)).sections.find(s => s.heading === 'Practice')?.markdown).toContain('two duty doctors')
    await expect(river.api.declineProposal(incoming.id, {})).rejects.toMatchObject({ code: 'ERR_PROPOSAL_CLOSED' })
    await until([hill], async () => (await hill.api.proposal(proposal.id)).status === 'accepted', 'Hillview sees the acceptance')
    // each side was told: the proposal at the source's owner, the decision at the proposer (once each)
    const told = async (node: CommonplaceNode, kind: string): Promise<Array<{ doc?: string, text: string }>> => (await node.api.notices()).filter(n => n.kind === kind)
    await until([river, hill], async () => (await told(river, 'proposal')).length === 1 && (await told(hill, 'outcome')).length === 1, 'both notices')
    expect(await told(river, 'proposal')).toMatchObject([{ doc: source.id, text: `Hillview Medical Practice proposed a change to "${source.title}"` }])
    expect(await told(hill, 'outcome')).toMatchObject([{ doc: variant.id, text: `Riverside Surgery accepted your proposal to "${source.title}"` }])
    expect(await told(hill, 'proposal')).toEqual([])
    // the accepted text is Hillview's own: not "the source changed since you adapted it"
    await until([hill], async () => (await hill.api.getDoc(source.id)).sections.some(s => s.markdown.includes('two duty doctors')), 'Hillview holds the accepted source')
    expect(await hill.api.upstream(variant.id)).toMatchObject({ changed: false, sections: [] })
    expect(canal.store.has(proposal.id)).toBe(false)

    // adoption states, shared with the network
    await river.api.setAdoption({ doc: source.id, state: 'adopted', networks: [net] })
    await hill.api.setAdoption({ doc: source.id, state: 'adapted', note: 'Mondays covered', networks: [net] })
    await canal.api.setAdoption({ doc: source.id, state: 'trialling', networks: [net] })
    await until([f], async () => (await f.api.diffusion(net)).matrix.length === 3, 'the facilitator sees three states')
    await stopNode(river)
    const view = await f.api.diffusion(net)
    expect(Object.fromEntries(view.matrix.map(c => [c.org, c.state]))).toEqual({ [river.orgId]: 'adopted', [hill.orgId]: 'adapted', [canal.orgId]: 'trialling' })
    expect(view.matrix.find(c => c.org === hill.orgId)?.variant).toBe(variant.id)
    expect(view.families[0].tree.children.map(c => c.id)).toEqual([variant.id])
    expect(view.curve[view.curve.length - 1].total).toBe(3)
    expect(view.orgs.length).toBe(4)
  })

  it('refuses bad input and changes nothing', async () => {
    const { river, hill, net } = await network()
    const source = await river.api.createDoc({ title: 'Repeat prescriptions', sections: SECTIONS })
    const unshared = await river.api.createDoc({ title: 'Private', sections: SECTIONS })
    await river.api.share(source.id, { with: net, role: 'read' })
    await until([hill], () => hill.store.info(source.id)?.title === source.title, 'Hillview holds it')
    await expect(hill.api.adapt(unshared.id, { why: 'x' })).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' })
    await expect(hill.api.adapt(source.id, { why: 'x'.repeat(4001) })).rejects.toMatchObject({ code: 'ERR_TEXT_TOO_LONG' })
    await expect(hill.api.adapt(source.id, { why: 'x', reasons: ['whim' as never] })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' })
    await expect(hill.api.upstream(source.id)).rejects.toMatchObject({ code: 'ERR_NOT_A_VARIANT' })
    await expect(hill.api.setAdoption({ doc: source.id, state: 'sort-of' as never })).rejects.toMatchObject({ code: 'ERR_ADOPTION_STATE_UNKNOWN' })
    await expect(hill.api.setAdoption({ doc: source.id, state: 'aware', note: 'x'.repeat(4001) })).rejects.toMatchObject({ code: 'ERR_TEXT_TOO_LONG' })
    await expect(river.api.setAdoption({ doc: unshared.id, state: 'adopted', networks: [net] })).rejects.toMatchObject({ code: 'ERR_NOT_SHARED' })
    await expect(hill.api.setAdoption({ doc: source.id, state: 'aware', at: 'last spring' })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' })
    await expect(hill.api.setAdoption({ doc: source.id, state: 'aware', at: new Date(Date.now() + 86_400_000).toISOString() })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' })
    const variant = await hill.api.adapt(source.id, { why: 'Local' })
    await expect(hill.api.propose(variant.id, { message: 'Nothing yet' })).rejects.toMatchObject({ code: 'ERR_NOTHING_TO_PROPOSE' })
    expect(await hill.api.previewProposal(variant.id)).toEqual([])
    await expect(hill.api.previewProposal(variant.id, { sections: ['Practice'] })).rejects.toMatchObject({ code: 'ERR_NOTHING_TO_PROPOSE' })
    await expect(hill.api.previewProposal(source.id)).rejects.toMatchObject({ code: 'ERR_NOT_A_VARIANT' })
    expect((await hill.api.adoption(source.id)).history).toEqual([])
    // a change recorded afterwards keeps its date; one before it is refused
    const march = '2026-03-02T09:00:00.000Z'
    expect((await hill.api.setAdoption({ doc: source.id, state: 'trialling', at: march })).current).toMatchObject({ state: 'trialling', at: march })
    await expect(hill.api.setAdoption({ doc: source.id, state: 'adopted', at: '2026-02-01T00:00:00.000Z' })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' })
    expect((await hill.api.adoption(source.id)).history.length).toBe(1)
    expect((await hill.api.proposals()).length).toBe(0)
  })

  it('ignores an adoption state in a member\'s log that its organisation did not sign, and counts it as refused', async () => {
    const { f, river, hill, canal, net } = await network()
    const source = await river.api.createDoc({ title: 'Vaccine fridge cold-chain breach', sections: SECTIONS })
    await river.api.share(source.id, { with: net, role: 'read' })
    await until([hill, canal], () => hill.store.info(source.id)?.title === source.title && canal.store.info(source.id)?.title === source.title, 'both hold it')
    await hill.api.setAdoption({ doc: source.id, state: 'trialling', networks: [net] })
    await until([f, canal], async () => (await f.api.diffusion(net)).matrix.length === 1 && (await canal.api.diffusion(net)).matrix.length === 1, 'everyone sees Hillview trialling')
    // Canal Street, an editor of Hillview's log like every member, writes states in Hillview's name
    const log = canal.store.list().find(info => info.kind === 'adoption-log' && info.owner === hill.orgId)?.id
    expect(log).toBeDefined()
    const byCanal = await signAdoption(await generateKeyPair('Ed25519'), {
      type: 'adoption', org: hill.orgId, network: net, practice: source.id, seq: 2, state: 'discontinued', at: Date.now(), reason: 'forged'
    })
    canal.store.edit(log as never, doc => { putLogEntries(doc, [[adoptionKey(byCanal), byCanal]]) })
    await until([f], async () => (await f.api.metrics?.() ?? '').includes('protocol="practice"'), 'the facilitator refused the forged state')
    expect((await f.api.diffusion(net)).matrix).toMatchObject([{ org: hill.orgId, state: 'trialling' }])
    // started again, the facilitator checks the logs it holds before anyone asks for a view
    const dir = dataDirOf(f)
    await stopNode(f)
    const again = await startNode('Northfield & Canal PCN', dir)
    await until([again], async () => (await again.api.metrics?.() ?? '').includes('protocol="practice"'), 'the restarted facilitator refused the forged state unasked')
    expect((await again.api.diffusion(net)).matrix).toMatchObject([{ org: hill.orgId, state: 'trialling' }])
  })

  it('tells the source\'s owner of a proposal once, also when the proposal changes after a restart', async () => {
    const { river, hill, net } = await network()
    const source = await river.api.createDoc({ title: 'Handling abnormal blood results: who acts, by when', sections: SECTIONS })
    await river.api.share(source.id, { with: net, role: 'read' })
    await until([hill], () => hill.store.info(source.id)?.title === source.title, 'Hillview holds the protocol')
    const variant = await hill.api.adapt(source.id, { why: 'Two duty doctors on Mondays', reasons: ['staffing'] })
    await hill.api.editDoc(variant.id, { append: { section: 'Practice', text: 'On Mondays two duty doctors share the results.' } })
    const first = await hill.api.propose(variant.id, { message: 'Mondays need two of us', sections: ['Practice'] })
    const proposalNotices = async (node: CommonplaceNode): Promise<string[]> => (await node.api.notices()).filter(n => n.kind === 'proposal').map(n => n.text)
    await until([river], async () => (await proposalNotices(river)).length === 1, 'Riverside is told of the proposal')
    const dir = dataDirOf(river)
    await stopNode(river)
    const again = await startNode('Riverside Surgery', dir)
    // the proposer writes to its proposal again (a later field), then proposes a second change
    hill.store.edit(first.id as never, doc => { doc.getMap('later').set('seen', true) })
    await hill.api.editDoc(variant.id, { append: { section: 'Resources', text: 'A second duty doctor on Mondays.' } })
    await hill.api.propose(variant.id, { message: 'And the rota', sections: ['Resources'] })
    await until([again, hill], async () => (await again.api.proposals(source.id)).length === 2, 'Riverside holds both proposals')
    await until([again], async () => (await proposalNotices(again)).length >= 2, 'Riverside is told of the second')
    expect(again.store.read(first.id as never, doc => doc.getMap('later').get('seen'))).toBe(true)
    expect(await proposalNotices(again)).toEqual([
      `Hillview Medical Practice proposed a change to "${source.title}"`,
      `Hillview Medical Practice proposed a change to "${source.title}"`
    ])
  })
})
