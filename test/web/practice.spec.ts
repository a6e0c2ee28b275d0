/**
 * Adapt and adopt, end to end in Chromium (docs/practice.md): three practices and the PCN's
 * facilitator, each its own node process, in one learning network. Hillview adapts Riverside's
 * protocol with a reason; Riverside changes the source; Hillview sees the upstream change and
 * takes one section of it; Hillview proposes its change back and Riverside accepts it, and
 * Hillview sees the answer; all three record adoption states and share them with the network
 * while the facilitator's node is stopped; Riverside stops; the facilitator's node starts again
 * and its diffusion view shows the matrix, the family tree and the curve, Riverside's state
 * having come through the other members. axe-core finds no WCAG 2.2 A/AA violation on any new
 * view, at 1280 and 360 px, and none scrolls sideways. Screenshots go to docs/screenshots.
 */
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { cliOk, showDoc } from '../helpers/cli.ts'
import { eventually } from '../helpers/eventually.ts'
import { killAllChildren } from '../helpers/processes.ts'
import { checkView } from './helpers/axe.ts'
import { addParagraph } from './helpers/editors.ts'
import { launchChromium } from './helpers/browser.ts'
import { WebNode } from './helpers/web-node.ts'

const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
const TITLE = 'Handling abnormal blood results: who acts, by when'
const NETWORK = 'Northfield & Canal PCN'
const CONTEXT = 'Results arrive in the practice inbox from the hospital lab twice a day.'
const PRACTICE = 'The duty doctor reviews red results by 11:00.'
const OUTCOMES = 'No red result waited past the same day in the March audit.'
const HILLVIEW_CONTEXT = 'On Mondays two duty doctors share the results: after the weekend there are twice as many.'
const RIVERSIDE_PRACTICE = 'Red results are phoned through to the patient by 12:00.'
const RIVERSIDE_OUTCOMES = 'The April audit found two amber results read late.'
const WHY = 'Two duty doctors on Mondays: twice the results after the weekend.'


/** The matrix of the diffusion view as a node's local API answers it (with the CLI's token). */
async function diffusionAt (node: WebNode, network: string): Promise<{ matrix: Array<{ org: string, state: string }> }> {
  const token = readFileSync(join(node.dataDir, 'api-token'), 'utf8').trim()
  const res = await fetch(`${node.apiUrl}/api/networks/${encodeURIComponent(network)}/diffusion`, { headers: { authorization: `Bearer ${token}` } })
  if (!res.ok) throw new Error(`diffusion: ${res.status} ${await res.text()}`)
  return await res.json() as { matrix: Array<{ org: string, state: string }> }
}

const sectionText = async (node: WebNode, doc: string, heading: string): Promise<string> =>
  (await showDoc(node.dataDir, doc)).sections.find(s => s.heading === heading)?.markdown ?? ''

/** Four node processes and four pages: each step waits on replication between them. */
const STEP_TIMEOUT_MS = 120_000

describe('adapt and adopt: a practice spreads across three practices, seen by the facilitator', () => {
  const riverside = new WebNode('Riverside Surgery')
  const hillview = new WebNode('Hillview Medical Practice')
  const canal = new WebNode('Canal Street Health Centre')
  const pcn = new WebNode('Northfield & Canal PCN education lead')
  const nodes = [riverside, hillview, canal, pcn]
  let browser: Browser
  let contexts: BrowserContext[] = []
  let pageR: Page
  let pageH: Page
  let pageC: Page
  let pageF: Page
  let network = ''
  let source = ''
  let variant = ''

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true })
    ;[browser] = await Promise.all([launchChromium(), ...nodes.map(async n => await n.start())])
    // the facilitator makes the network; each practice joins with a code
    network = (await cliOk<{ id: string }>(pcn.dataDir, ['network', 'create', NETWORK])).id
    const code = (await cliOk<{ code: string }>(pcn.dataDir, ['network', 'invite', network, '--uses', '3'])).code
    for (const n of [riverside, hillview, canal]) await cliOk(n.dataDir, ['network', 'join', code])
    // Riverside's protocol, shared with the network to read
    source = (await cliOk<{ id: string }>(riverside.dataDir, ['doc', 'create', '--title', TITLE, '--kind', 'protocol',
      '--section', `Context=${CONTEXT}`, '--section', `Practice=${PRACTICE}`, '--section', `Outcomes=${OUTCOMES}`])).id
    await cliOk(riverside.dataDir, ['share', source, '--with', network, '--role', 'read'])
    await eventually(async () => {
      for (const n of [hillview, canal, pcn]) expect((await showDoc(n.dataDir, source)).title).toBe(TITLE)
    }, { what: 'every member holds Riverside\'s protocol' })

    const options = { viewport: { width: 1100, height: 900 } }
    contexts = await Promise.all(nodes.map(async () => await browser.newContext(options)))
    ;[pageR, pageH, pageC, pageF] = await Promise.all(contexts.map(async c => await c.newPage()))
    for (const [name, page] of [['Riverside', pageR], ['Hillview', pageH], ['Canal', pageC], ['PCN', pageF]] as const) {
      page.on('pageerror', err => { console.log(`[${name} page] ${err.message}`) })
    }
    await Promise.all(nodes.map(async (n, i) => { await [pageR, pageH, pageC, pageF][i].goto(n.login) }))
    await Promise.all([pageR, pageH, pageC, pageF].map(async p => { await p.getByRole('button', { name: 'New document' }).waitFor() }))
  }, 120_000)

  afterAll(async () => {
    await Promise.all(contexts.map(async c => { await c.close() }))
    await browser?.close()
    await Promise.all(nodes.map(async n => { await n.destroy() }))
    await killAllChildren()
  }, STEP_TIMEOUT_MS)

  it('Hillview adapts Riverside\'s protocol with a reason, and the family shows both', async () => {
    // the node's sync is held back, as on a slow link: the form opens before the record has arrived
    let release = (): void => {}
    const held = new Promise<void>(resolve => { release = resolve })
    await pageH.routeWebSocket(/\/ws\//, ws => {
      const server = ws.connectToServer()
      server.onMessage(message => { void held.then(() => { ws.send(message) }) })
    })
    await pageH.goto(`${hillview.apiUrl}/#/doc/${encodeURIComponent(source)}`)
    await pageH.getByRole('button', { name: 'Adapt for our organisation' }).click()
    const form = pageH.getByRole('form', { name: 'Adapt for our organisation' })
    const titleField = form.getByRole('textbox', { name: 'Title of your version' })
    expect(await titleField.inputValue()).toBe('')
    release()
    // the title of our version follows the source's once it arrives
    await eventually(async () => { expect(await titleField.inputValue()).toBe(TITLE) }, { what: 'the form shows the source\'s title' })
    await form.getByRole('textbox', { name: 'What will you change, and why?' }).fill(WHY)
    // no reason chosen: refused with a sentence, nothing made
    await form.getByRole('button', { name: 'Adapt', exact: true }).click()
    await form.getByRole('alert').getByText('Choose at least one reason').waitFor()
    await form.getByRole('checkbox', { name: 'Staffing' }).check()
    await checkView(pageH, 'the adapt form')
    await form.screenshot({ path: `${SCREENSHOTS}adapt.png` })
    await form.getByRole('button', { name: 'Adapt', exact: true }).click()
    await pageH.waitForURL(url => !url.hash.includes(encodeURIComponent(source)) && url.hash.startsWith('#/doc/'))
    variant = decodeURIComponent(new URL(pageH.url()).hash.slice('#/doc/'.length))

    // the variant's own record: where it came from, the reason and the note
    const record = pageH.getByRole('region', { name: 'Adapted from' })
    await record.getByRole('link', { name: TITLE }).waitFor()
    await record.getByText('Staffing').waitFor()
    await record.getByText(WHY).waitFor()
    const family = pageH.getByRole('list', { name: /^Family of / })
    await family.getByRole('link', { name: TITLE }).first().waitFor()
    expect(await family.locator('[aria-current="page"]').count()).toBe(1)
    // Hillview writes its local arrangement, and shares its version with the network
    await addParagraph(pageH, 'Context', HILLVIEW_CONTEXT)
    await eventually(async () => {
      const text = await sectionText(hillview, variant, 'Context')
      expect(text).toContain(CONTEXT)
      expect(text).toContain(HILLVIEW_CONTEXT)
    }, { what: 'Hillview\'s node holds its change, after the text it came with' })
    await cliOk(hillview.dataDir, ['share', variant, '--with', network, '--role', 'read'])
    const variantDoc = await showDoc(hillview.dataDir, variant)
    expect(variantDoc.owner).toBe(hillview.orgId)
  }, STEP_TIMEOUT_MS)

  it('Riverside changes the source; Hillview sees the change section by section and takes one section', async () => {
    await pageR.goto(`${riverside.apiUrl}/#/doc/${encodeURIComponent(source)}`)
    await addParagraph(pageR, 'Practice', RIVERSIDE_PRACTICE)
    await addParagraph(pageR, 'Outcomes', RIVERSIDE_OUTCOMES)
    await eventually(async () => { expect(await sectionText(hillview, source, 'Outcomes')).toContain('April audit') }, { what: 'Hillview holds Riverside\'s change' })

    const upstream = pageH.getByRole('region', { name: 'The source changed since you adapted it' })
    await upstream.waitFor()
    const changes = upstream.getByRole('list', { name: 'Changes in the source' })
    await changes.getByText(RIVERSIDE_PRACTICE).waitFor()
    await changes.getByText(RIVERSIDE_OUTCOMES).waitFor()
    await checkView(pageH, 'the upstream panel')
    await upstream.screenshot({ path: `${SCREENSHOTS}upstream.png` })
    await upstream.getByRole('button', { name: 'Take this change to “Practice”' }).click()
    await upstream.getByRole('status').getByText('Took the source\'s change to “Practice” into your version.').waitFor()
    // the page's editor and Hillview's node have Riverside's new paragraph; Outcomes still waits
    await pageH.getByRole('textbox', { name: 'Practice', exact: true }).getByText(RIVERSIDE_PRACTICE).waitFor()
    expect(await sectionText(hillview, variant, 'Practice')).toContain(RIVERSIDE_PRACTICE)
    expect(await sectionText(hillview, variant, 'Context')).toContain('two duty doctors')
    await changes.getByText(RIVERSIDE_OUTCOMES).waitFor()
    expect(await changes.getByText(RIVERSIDE_PRACTICE).count()).toBe(0)
  }, STEP_TIMEOUT_MS)

  it('Hillview proposes its change back with a preview; Riverside accepts; Hillview sees the answer', async () => {
    await pageH.getByRole('button', { name: 'Propose back' }).click()
    const form = pageH.getByRole('form', { name: 'Propose back to Riverside Surgery' })
    // Outcomes differs only because Riverside moved on: not ours to propose
    await form.getByRole('checkbox', { name: 'Context' }).waitFor()
    const outcomes = form.getByRole('checkbox', { name: 'Outcomes' })
    if (await outcomes.count() > 0) await outcomes.uncheck()
    const preview = form.getByRole('list', { name: 'Preview of the proposal' })
    await preview.getByText(HILLVIEW_CONTEXT).waitFor()
    expect(await preview.getByText(RIVERSIDE_OUTCOMES).count()).toBe(0)
    await form.getByRole('textbox', { name: 'Message to Riverside Surgery' }).fill('Two duty doctors on Mondays cleared the backlog by noon for us. Worth a try?')
    await checkView(pageH, 'the propose form')
    await form.screenshot({ path: `${SCREENSHOTS}propose.png` })
    await form.getByRole('button', { name: 'Send the proposal' }).click()
    await pageH.getByRole('status').getByText('Proposal sent to Riverside Surgery').waitFor()

    // Riverside is told: a notice, which leads to the source
    await pageR.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Notices/ }).click()
    await pageR.getByRole('list', { name: 'Notices' }).getByRole('link', { name: /^Hillview Medical Practice proposed a change to "/ }).waitFor()
    await pageR.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Proposals' }).click()
    const proposal = pageR.getByRole('article', { name: /^Hillview Medical Practice's proposal on / })
    await proposal.getByText(HILLVIEW_CONTEXT).waitFor()
    await proposal.getByRole('textbox', { name: /^Reply to / }).fill('Thank you: from next week for every practice.')
    await checkView(pageR, 'the proposals inbox')
    await pageR.screenshot({ path: `${SCREENSHOTS}proposals.png`, fullPage: true })
    await proposal.getByRole('button', { name: /^Accept / }).click()
    await pageR.getByRole('status').getByText('Accepted the proposal from Hillview Medical Practice').waitFor()
    expect(await sectionText(riverside, source, 'Context')).toContain('two duty doctors')

    const sent = pageH.getByRole('list', { name: 'Proposals sent' })
    await sent.getByText('Accepted', { exact: true }).waitFor()
    await sent.getByText('Thank you: from next week for every practice.', { exact: false }).waitFor()
    // and Hillview is told of the decision
    await eventually(async () => {
      const notices = await pageH.evaluate(async () => await (await fetch('/api/notices')).json() as Array<{ kind: string, text: string }>)
      expect(notices.filter(n => n.kind === 'outcome').map(n => n.text)).toEqual([expect.stringMatching(/^Riverside Surgery accepted your proposal to "/)])
    }, { timeoutMs: 30_000, what: 'Hillview is told of the decision' })
  }, STEP_TIMEOUT_MS)

  it('all three record adoption states and share them with the network', async () => {
    // the facilitator is away while the states are set: they must reach it through the members
    await pcn.stop()
    const record = async (page: Page, node: WebNode, state: string, note: string): Promise<void> => {
      await page.goto(`${node.apiUrl}/#/doc/${encodeURIComponent(source)}`)
      const panel = page.getByRole('region', { name: 'Our adoption of this practice' })
      await panel.getByRole('checkbox', { name: NETWORK }).check()
      await panel.getByRole('combobox', { name: 'State' }).selectOption({ label: state })
      await panel.getByRole('textbox', { name: 'Note on outcomes (optional)' }).fill(note)
      await panel.getByRole('button', { name: 'Record the state' }).click()
      await panel.getByRole('status').getByText(`Recorded: ${state}. Shared with ${NETWORK}.`).waitFor()
      await panel.getByRole('list', { name: 'Adoption history' }).getByText(state, { exact: true }).waitFor()
    }
    await record(pageR, riverside, 'Adopted', 'In use since January in all three teams.')
    await record(pageH, hillview, 'Adapted', 'Our Monday variant.')
    await record(pageC, canal, 'Trialling', 'Trying it for one quarter.')
    await checkView(pageC, 'the adoption panel')
    await pageC.getByRole('region', { name: 'Our adoption of this practice' }).screenshot({ path: `${SCREENSHOTS}adoption.png` })
    // Riverside's state is at the other members before Riverside goes
    const expected = [`${riverside.orgId}:adopted`, `${hillview.orgId}:adapted`, `${canal.orgId}:trialling`].sort()
    await eventually(async () => {
      for (const node of [hillview, canal]) expect((await diffusionAt(node, network)).matrix.map(c => `${c.org}:${c.state}`).sort()).toEqual(expected)
    }, { what: 'Hillview and Canal Street see the three states' })
  }, STEP_TIMEOUT_MS)

  it('with Riverside offline, the facilitator\'s diffusion view shows the matrix, the family tree and the curve', async () => {
    await riverside.stop()
    await pcn.start()
    await pageF.goto(`${pcn.apiUrl}/#/network/${encodeURIComponent(network)}`)
    await pageF.getByRole('link', { name: 'How practices spread' }).click()
    await pageF.getByRole('heading', { level: 1, name: `How practices spread in ${NETWORK}` }).waitFor()
    const matrix = pageF.getByRole('table', { name: /^Adoption of each practice family/ })
    const row = matrix.getByRole('row', { name: new RegExp(`^${TITLE}`) })
    // states come in as the facilitator's node syncs with Hillview and Canal Street
    await row.getByRole('cell', { name: /^Adopted/ }).waitFor({ timeout: 30_000 })
    await row.getByRole('cell', { name: /^Adapted/ }).waitFor()
    await row.getByRole('cell', { name: /^Trialling/ }).waitFor()
    const header = await matrix.getByRole('columnheader').allTextContents()
    expect(header).toEqual(expect.arrayContaining(['Riverside Surgery', 'Hillview Medical Practice', 'Canal Street Health Centre']))

    const tree = pageF.getByRole('list', { name: `Family of ${TITLE}` })
    await tree.getByText('Hillview Medical Practice', { exact: false }).first().waitFor()
    await tree.getByText(WHY).waitFor()
    await tree.getByText('Staffing').waitFor()

    const chart = pageF.getByRole('img', { name: /^Organisations trialling, adopted or adapted/ })
    await chart.waitFor()
    const figures = pageF.getByRole('table', { name: /, by month$/ })
    await pageF.getByText('The figures as a table').click()
    const last = figures.getByRole('row').last()
    expect((await last.getByRole('cell').first().textContent())?.trim()).toBe('3')
    await checkView(pageF, 'the diffusion view')
    // the page's event stream reconnects a moment after the node came back (its screenshot says so)
    await pageF.getByText('Connected to the node').waitFor()
    await pageF.screenshot({ path: `${SCREENSHOTS}diffusion.png`, fullPage: true })
    await pageF.setViewportSize({ width: 360, height: 780 })
    await pageF.screenshot({ path: `${SCREENSHOTS}narrow-diffusion.png` })
    await pageF.setViewportSize({ width: 1100, height: 900 })
  }, STEP_TIMEOUT_MS)

  it('Hillview\'s variant page, with its family and answered proposal, passes axe at both widths', async () => {
    await pageH.goto(`${hillview.apiUrl}/#/doc/${encodeURIComponent(variant)}`)
    await pageH.getByRole('list', { name: 'Proposals sent' }).getByText('Accepted', { exact: true }).waitFor()
    await pageH.getByRole('region', { name: 'Family' }).screenshot({ path: `${SCREENSHOTS}family.png` })
    await checkView(pageH, 'a variant')
  }, STEP_TIMEOUT_MS)
})
