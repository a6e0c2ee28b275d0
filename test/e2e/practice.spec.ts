/**
 * Acceptance: adapt and adopt (issue 15), through the CLI, with the PCN facilitator and three
 * practices of ../shared/DOMAIN.md each its own node process. Hillview adapts Riverside's protocol
 * with a reason; Riverside changes the source and Hillview takes one section of it; Hillview
 * proposes a change back and Riverside accepts it; all three set adoption states and share them
 * with the network; the facilitator's diffusion view has them with Riverside offline, Riverside's
 * states having reached it through the other members. Then each refusal.
 *
 * The tests run in order and share the nodes: each builds on the state the previous one left.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliOk, runCli, sectionArgs, showDoc } from '../helpers/cli.ts'
import { eventually } from '../helpers/eventually.ts'
import { createNetwork, inviteAndJoin, rosterConverged } from '../helpers/networks.ts'
import { nodeGroup } from '../helpers/node-process.ts'
import type { NodeProc } from '../helpers/node-process.ts'
import { killAllChildren } from '../helpers/processes.ts'

const REF = randomBytes(4).toString('hex')
const TITLE = `Handling abnormal blood results: who acts, by when (ref ${REF})`
const MONDAYS = `On Mondays two duty doctors share the results inbox; ref ${REF}-mondays.`
const EVENINGS = `Results after 6 pm go to the next morning's duty doctor; ref ${REF}-evenings.`
const TEMPLATE = `A results template in the clinical system; ref ${REF}-template.`

interface AdoptionJson { current?: { state: string, at: string }, networks: string[] }
interface DiffusionJson { matrix: Array<{ org: string, state: string, at: string, variant?: string }>, families: Array<{ id: string, tree: { children: Array<{ id: string }> } }>, curve: Array<{ total: number }> }

/** Each step runs many CLI processes against four nodes: on a shared two-core machine that takes minutes. */
const STEP_MS = 240_000
/** How long one condition may take to hold across the nodes. */
const WAIT_MS = 90_000

describe('adapt and adopt: lineage, upstream changes, proposals, adoption states and the diffusion view', { timeout: STEP_MS }, () => {
  const group = nodeGroup()
  let f: NodeProc
  let river: NodeProc
  let hill: NodeProc
  let canal: NodeProc
  let network = ''
  let source = ''
  let variant = ''
  let proposal = ''

  beforeAll(async () => {
    [f, river, hill, canal] = await group.start('Northfield & Canal PCN', 'Riverside Surgery', 'Hillview Medical Practice', 'Canal Street Health Centre')
    network = (await createNetwork(f, 'Northfield & Canal PCN')).id
    await inviteAndJoin(f, network, [river, hill, canal])
    await rosterConverged([f, river, hill, canal], network, [f, river, hill, canal], 'every roster lists all four')
  }, STEP_MS)

  afterAll(async () => {
    await group.destroyAll()
    await killAllChildren()
  })

  it('Hillview adapts Riverside\'s protocol with a reason; the family shows the variant, by whom and why', async () => {
    source = (await cliOk(river.dataDir, ['doc', 'create', '--title', TITLE, ...sectionArgs('--section', {
      Problem: 'Abnormal results sit in the inbox.', Practice: 'The duty doctor reviews by 4 pm.', Resources: 'One duty doctor.'
    })])).id
    await cliOk(river.dataDir, ['share', source, '--network', network, '--role', 'read'])
    await eventually(async () => { expect((await showDoc(hill.dataDir, source)).title).toBe(TITLE) }, { timeoutMs: WAIT_MS, what: 'Hillview holds the protocol' })

    variant = (await cliOk(hill.dataDir, ['doc', 'adapt', source, '--why', 'Two duty doctors on Mondays', '--reasons', 'staffing'])).id
    await cliOk(hill.dataDir, ['doc', 'edit', variant, '--append', MONDAYS, '--section', 'Practice'])
    await cliOk(hill.dataDir, ['share', variant, '--network', network, '--role', 'read'])
    const family = await cliOk(hill.dataDir, ['doc', 'family', variant])
    expect(family).toMatchObject({ doc: variant, path: [source, variant], root: { id: source, org: river.orgId, children: [{ id: variant, org: hill.orgId, why: 'Two duty doctors on Mondays', reasons: ['staffing'] }] } })
    const text = await runCli(hill.dataDir, ['doc', 'family', source], { json: false })
    expect(text.stdout).toContain('Two duty doctors on Mondays [staffing]')
    expect((await showDoc(hill.dataDir, variant)).meta).toMatchObject({ derivedFrom: { doc: source, org: river.orgId } })
  })

  it('Riverside changes the source; Hillview sees what changed, section by section, and takes one section', async () => {
    expect(await cliOk(hill.dataDir, ['doc', 'upstream', variant])).toMatchObject({ changed: false })
    await cliOk(river.dataDir, ['doc', 'edit', source, '--append', EVENINGS, '--section', 'Problem'])
    await cliOk(river.dataDir, ['doc', 'edit', source, '--append', TEMPLATE, '--section', 'Resources'])
    const upstream = await eventually(async () => {
      const view = await cliOk(hill.dataDir, ['doc', 'upstream', variant])
      expect(view.sections.map((s: { heading: string }) => s.heading)).toEqual(['Problem', 'Resources'])
      return view
    }, { timeoutMs: WAIT_MS, what: 'Hillview sees two upstream changes' })
    expect(upstream.changed).toBe(true)
    const diff = await runCli(hill.dataDir, ['doc', 'upstream', variant, '--diff'], { json: false })
    expect(diff.stdout).toContain('The source changed since you adapted it')
    expect(diff.stdout).toContain(`+ ${EVENINGS}`)

    const after = await cliOk(hill.dataDir, ['doc', 'upstream', variant, '--take', 'Resources'])
    expect(after.sections.map((s: { heading: string }) => s.heading)).toEqual(['Problem'])
    const doc = await showDoc(hill.dataDir, variant)
    expect(doc.sections.find(s => s.heading === 'Resources')?.markdown).toContain(TEMPLATE)
    expect(doc.sections.find(s => s.heading === 'Problem')?.markdown).not.toContain(EVENINGS)
    expect(doc.sections.find(s => s.heading === 'Practice')?.markdown).toContain(MONDAYS)
  })

  it('Hillview proposes its change back; Riverside previews and accepts it; Hillview sees the outcome; no one else learns of it', async () => {
    proposal = (await cliOk(hill.dataDir, ['doc', 'propose', variant, '--message', 'Mondays need two of us', '--section', 'Practice'])).id
    const incoming = await eventually(async () => {
      const list = await cliOk(river.dataDir, ['proposal', 'list', source])
      expect(list.map((p: { id: string }) => p.id)).toEqual([proposal])
      return list[0]
    }, { timeoutMs: WAIT_MS, what: 'Riverside sees the proposal' })
    expect(incoming).toMatchObject({ direction: 'in', proposer: hill.orgId, message: 'Mondays need two of us', status: 'open' })
    const preview = await runCli(river.dataDir, ['proposal', 'show', proposal], { json: false })
    expect(preview.stdout).toContain(`+ ${MONDAYS}`)

    const refused = await runCli(hill.dataDir, ['proposal', 'accept', proposal])
    expect(refused.json?.error?.code).toBe('ERR_FORBIDDEN')
    await cliOk(river.dataDir, ['proposal', 'accept', proposal, '--reply', 'Thank you, adopted for all days'])
    expect((await showDoc(river.dataDir, source)).sections.find(s => s.heading === 'Practice')?.markdown).toContain(MONDAYS)
    const again = await runCli(river.dataDir, ['proposal', 'decline', proposal])
    expect(again.json?.error?.code).toBe('ERR_PROPOSAL_CLOSED')
    await eventually(async () => {
      expect((await cliOk(hill.dataDir, ['proposal', 'list']))[0]).toMatchObject({ id: proposal, direction: 'out', status: 'accepted', reply: 'Thank you, adopted for all days' })
    }, { timeoutMs: WAIT_MS, what: 'Hillview sees the acceptance' })
    expect(await cliOk(canal.dataDir, ['proposal', 'list'])).toEqual([])
    expect((await runCli(canal.dataDir, ['doc', 'show', proposal])).json?.error?.code).toBe('ERR_NOT_FOUND')
  })

  it('all three share adoption states with the network; the facilitator sees them with Riverside offline', async () => {
    const hillState: AdoptionJson = await cliOk(hill.dataDir, ['adoption', 'set', source, '--state', 'adapted', '--note', 'Mondays covered', '--network', network])
    expect(hillState).toMatchObject({ current: { state: 'adapted' }, networks: [network] })
    // Canal Street back-dates its change: it started trialling forty days ago
    const started = new Date(Date.now() - 40 * 86_400_000).toISOString().slice(0, 10)
    const canalState: AdoptionJson = await cliOk(canal.dataDir, ['adoption', 'set', source, '--state', 'trialling', '--at', started, '--network', network])
    expect(canalState.current?.at).toBe(`${started}T00:00:00.000Z`)
    await eventually(async () => {
      expect((await cliOk<DiffusionJson>(f.dataDir, ['adoption', 'show', network])).matrix.length).toBe(2)
    }, { timeoutMs: WAIT_MS, what: 'the facilitator sees two states' })

    // Riverside's state is made while the facilitator is offline, and Riverside is gone when it returns
    await f.stop()
    await cliOk(river.dataDir, ['adoption', 'set', source, '--state', 'adopted', '--network', network])
    await eventually(async () => {
      expect((await cliOk<DiffusionJson>(canal.dataDir, ['adoption', 'show', network])).matrix.length).toBe(3)
    }, { timeoutMs: WAIT_MS, what: "Canal Street holds Riverside's state" })
    await river.stop()
    await f.restart({ samePort: true })
    const view = await eventually(async () => {
      const v = await cliOk<DiffusionJson>(f.dataDir, ['adoption', 'show', network])
      expect(v.matrix.length).toBe(3)
      return v
    }, { timeoutMs: WAIT_MS, what: "the facilitator receives Riverside's state from the other members" })
    expect(Object.fromEntries(view.matrix.map(c => [c.org, c.state]))).toEqual({ [river.orgId]: 'adopted', [hill.orgId]: 'adapted', [canal.orgId]: 'trialling' })
    expect(view.matrix.find(c => c.org === canal.orgId)?.at).toBe(canalState.current?.at)
    expect(view.matrix.find(c => c.org === hill.orgId)?.variant).toBe(variant)
    expect(view.families.map(fam => fam.id)).toEqual([source])
    expect(view.families[0].tree.children.map(c => c.id)).toEqual([variant])
    expect(view.curve[view.curve.length - 1].total).toBe(3)
    const matrix = await runCli(f.dataDir, ['adoption', 'show', network], { json: false })
    expect(matrix.stdout).toContain('Riverside Surgery')
    expect(matrix.stdout).toContain('adopted')
    await river.restart({ samePort: true })
  })

  it('refuses each bad input with a typed error and changes nothing', async () => {
    const privateDoc = (await cliOk(river.dataDir, ['doc', 'create', '--title', `Private (ref ${REF})`])).id
    const adapt = await runCli(canal.dataDir, ['doc', 'adapt', privateDoc, '--why', 'x'])
    expect(adapt.json?.error?.code).toBe('ERR_NOT_FOUND')
    const long = await runCli(hill.dataDir, ['adoption', 'set', source, '--state', 'adopted', '--note', 'x'.repeat(4001)])
    expect(long.json?.error?.code).toBe('ERR_TEXT_TOO_LONG')
    const why = await runCli(hill.dataDir, ['doc', 'adapt', source, '--why', 'x'.repeat(4001)])
    expect(why.json?.error?.code).toBe('ERR_TEXT_TOO_LONG')
    const state = await runCli(hill.dataDir, ['adoption', 'set', source, '--state', 'sort-of'])
    expect(state.code).toBe(64)
    const notShared = await runCli(river.dataDir, ['adoption', 'set', privateDoc, '--state', 'adopted', '--network', network])
    expect(notShared.json?.error?.code).toBe('ERR_NOT_SHARED')
    // --at: a date that is no date, one in the future, one before the practice's previous change
    for (const at of ['2026-02-31', 'June', '2999-01-01']) {
      const bad = await runCli(hill.dataDir, ['adoption', 'set', source, '--state', 'adopted', '--at', at])
      expect(bad.code).toBe(64)
      expect(bad.json?.error?.code).toBe('ERR_USAGE')
    }
    const early = await runCli(hill.dataDir, ['adoption', 'set', source, '--state', 'adopted', '--at', '2001-01-01'])
    expect(early.json?.error?.code).toBe('ERR_INVALID_INPUT')
    expect((await cliOk<DiffusionJson>(hill.dataDir, ['adoption', 'show', network])).matrix.find(c => c.org === hill.orgId)?.state).toBe('adapted')
    expect((await cliOk<DiffusionJson>(hill.dataDir, ['adoption', 'show', network])).matrix.length).toBe(3)
  })

  it('does not list a proposal from an organisation that may not read the source, at the source\'s owner', async () => {
    const second = (await cliOk(river.dataDir, ['doc', 'create', '--title', `Second (ref ${REF})`, ...sectionArgs('--section', { Practice: 'One way.' })])).id
    await cliOk(river.dataDir, ['share', second, '--with', canal.orgId, '--role', 'read'])
    await eventually(async () => { expect((await showDoc(canal.dataDir, second)).title).toContain('Second') }, { timeoutMs: WAIT_MS, what: 'Canal Street holds the second document' })
    const canalVariant = (await cliOk(canal.dataDir, ['doc', 'adapt', second, '--why', 'Our way'])).id
    await cliOk(canal.dataDir, ['doc', 'edit', canalVariant, '--append', 'Another way.', '--section', 'Practice'])
    await cliOk(river.dataDir, ['unshare', second, '--with', canal.orgId])
    // Canal Street may not have heard of the revocation: then its node sends the proposal, and Riverside refuses it
    const sent = await runCli(canal.dataDir, ['doc', 'propose', canalVariant, '--message', 'Try ours'])
    if (sent.code === 0) {
      const id = sent.json.id as string
      await eventually(async () => { expect((await runCli(river.dataDir, ['doc', 'show', id, '--format', 'json'])).code).toBe(0) }, { timeoutMs: WAIT_MS, what: 'the proposal document reached Riverside' })
      expect((await cliOk(river.dataDir, ['proposal', 'list'])).map((p: { id: string }) => p.id)).not.toContain(id)
    } else {
      expect(sent.json?.error?.code).toBe('ERR_FORBIDDEN')
    }
    expect((await cliOk(river.dataDir, ['proposal', 'list', second]))).toEqual([])
  })
})
