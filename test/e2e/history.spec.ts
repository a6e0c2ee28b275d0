/**
 * Acceptance: conversation and history (issue 17), through the CLI, each organisation its own node
 * process. Riverside shares its protocol with Hillview at `comment` and with Canal Street at `read`;
 * Riverside comments on a passage, Hillview replies, the passage moves with an edit, Riverside
 * resolves and Hillview reopens; Canal Street sees the thread and may not comment; Hillview may not
 * edit the record. Riverside labels a version, changes the document, diffs and restores a section;
 * the activity feed lists the comments and changes. The labelled version reaches Hillview and Canal
 * Street, which list it and diff from it; a version of a record not shared with Canal Street never
 * reaches it. Then each refusal.
 *
 * The tests run in order and share the nodes.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliOk, runCli, sectionArgs } from '../helpers/cli.ts'
import { eventually } from '../helpers/eventually.ts'
import { nodeGroup } from '../helpers/node-process.ts'
import type { NodeProc } from '../helpers/node-process.ts'
import { killAllChildren } from '../helpers/processes.ts'

const REF = randomBytes(4).toString('hex')
const TITLE = `Handling abnormal blood results (ref ${REF})`

interface VersionJson { id: string, n: number, org?: string, orgName?: string, label?: string, reason: string }
interface ActivityJson { kind: string, doc: string, org?: string, label?: string, version?: number | string, text: string, changedBy?: Array<{ by: string, org: string, person?: string }> }
interface ThreadJson { id: string, org: string, state: string, passage?: string, detached: boolean, replies: Array<{ org: string, text: string }> }

const STEP_MS = 240_000
const WAIT_MS = 90_000

describe('comments, versions and the activity feed through the CLI', { timeout: STEP_MS }, () => {
  const group = nodeGroup()
  let river: NodeProc
  let hill: NodeProc
  let canal: NodeProc
  let doc = ''
  let thread = ''
  let labelled = 0
  let rota = ''

  beforeAll(async () => {
    [river, hill, canal] = await group.start('Riverside Surgery', 'Hillview Medical Practice', 'Canal Street Health Centre')
  }, STEP_MS)

  afterAll(async () => {
    await group.destroyAll()
    await killAllChildren()
  })

  it('a comment on a passage at Riverside, a reply at Hillview (comment access), resolve and reopen; Canal Street reads only', async () => {
    doc = (await cliOk(river.dataDir, ['doc', 'create', '--title', TITLE, ...sectionArgs('--section', {
      Problem: 'Abnormal results sit in the inbox.', Practice: 'The duty doctor reviews every abnormal result by 4 pm.'
    })])).id
    await cliOk(river.dataDir, ['share', doc, '--with', hill.orgId, '--role', 'comment'])
    await cliOk(river.dataDir, ['share', doc, '--with', canal.orgId, '--role', 'read'])
    for (const node of [hill, canal]) await cliOk(node.dataDir, ['connect', river.addresses[0]])

    thread = (await cliOk<ThreadJson>(river.dataDir, ['comment', 'add', doc, '--section', 'Practice', '--quote', 'by 4 pm', '--text', 'Why 4 pm and not noon?'])).id
    await eventually(async () => {
      const reply = await runCli(hill.dataDir, ['comment', 'reply', thread, '--text', 'Our lab reports by 2 pm.'])
      expect(reply.code, reply.stdout).toBe(0)
    }, { timeoutMs: WAIT_MS, what: 'Hillview holds the thread and replies' })
    await eventually(async () => {
      const [t] = await cliOk<ThreadJson[]>(river.dataDir, ['comment', 'list', doc])
      expect(t.replies).toMatchObject([{ org: hill.orgId, text: 'Our lab reports by 2 pm.' }])
    }, { timeoutMs: WAIT_MS, what: 'Riverside sees the reply' })

    // the anchor follows an edit of its section
    await cliOk(river.dataDir, ['doc', 'edit', doc, '--append', 'Escalate to the partner on call.', '--section', 'Practice'])
    expect((await cliOk<ThreadJson[]>(river.dataDir, ['comment', 'list', doc]))[0]).toMatchObject({ passage: 'by 4 pm', detached: false })

    await cliOk(river.dataDir, ['comment', 'resolve', thread])
    await eventually(async () => { expect((await cliOk<ThreadJson[]>(hill.dataDir, ['comment', 'list', doc]))[0].state).toBe('resolved') }, { timeoutMs: WAIT_MS, what: 'Hillview sees it resolved' })
    await cliOk(hill.dataDir, ['comment', 'reopen', thread])
    await eventually(async () => { expect((await cliOk<ThreadJson[]>(river.dataDir, ['comment', 'list', doc]))[0].state).toBe('open') }, { timeoutMs: WAIT_MS, what: 'Riverside sees it reopened' })

    await eventually(async () => { expect((await cliOk<ThreadJson[]>(canal.dataDir, ['comment', 'list', doc]))[0]?.replies).toHaveLength(1) }, { timeoutMs: WAIT_MS, what: 'Canal Street sees the thread' })
    const refused = await runCli(canal.dataDir, ['comment', 'add', doc, '--section', 'Practice', '--text', 'We do it at noon.'])
    expect(refused.json?.error?.code).toBe('ERR_COMMENT_FORBIDDEN')
    const edit = await runCli(hill.dataDir, ['doc', 'edit', doc, '--append', 'Hillview was here.', '--section', 'Practice'])
    expect(edit.json?.error?.code).toBe('ERR_READ_ONLY')
  })

  it('Riverside labels a version, changes the document, diffs, and restores one section as a new edit', async () => {
    labelled = (await cliOk<{ n: number }>(river.dataDir, ['doc', 'version', doc, '--label', 'Agreed at the March meeting'])).n
    await cliOk(river.dataDir, ['doc', 'edit', doc, '--append', 'Two duty doctors on Mondays.', '--section', 'Practice'])
    await cliOk(river.dataDir, ['doc', 'edit', doc, '--append', 'Also after 6 pm.', '--section', 'Problem'])
    const history = await cliOk<Array<{ n: number, label?: string }>>(river.dataDir, ['doc', 'history', doc])
    expect(history.find(v => v.n === labelled)?.label).toBe('Agreed at the March meeting')
    const diff = await runCli(river.dataDir, ['doc', 'diff', doc, '--from', String(labelled)], { json: false })
    expect(diff.stdout).toContain('+ Two duty doctors on Mondays.')
    await cliOk(river.dataDir, ['doc', 'restore', doc, '--version', String(labelled), '--section', 'Practice'])
    const text = (await runCli(river.dataDir, ['doc', 'show', doc], { json: false })).stdout
    expect(text).not.toContain('Two duty doctors on Mondays.')
    expect(text).toContain('Also after 6 pm.')
    // the restore travels like any edit
    await eventually(async () => {
      const seen = (await runCli(hill.dataDir, ['doc', 'show', doc], { json: false })).stdout
      expect(seen).toContain('Also after 6 pm.')
      expect(seen).not.toContain('Two duty doctors on Mondays.')
    }, { timeoutMs: WAIT_MS, what: 'Hillview holds the restored text' })
  })

  it('the labelled version travels: Hillview and Canal Street list it and diff from it; an organisation without read access never receives one', async () => {
    const shared = async (node: NodeProc, id: string, label: string): Promise<VersionJson | undefined> =>
      (await cliOk<VersionJson[]>(node.dataDir, ['doc', 'history', id])).find(v => v.org === river.orgId && v.label === label)
    for (const node of [hill, canal]) {
      await eventually(async () => { expect(await shared(node, doc, 'Agreed at the March meeting')).toBeDefined() }, { timeoutMs: WAIT_MS, what: 'the label reaches another organisation' })
      const v = await shared(node, doc, 'Agreed at the March meeting') as VersionJson
      expect(v).toMatchObject({ orgName: 'Riverside Surgery', reason: 'label' })
      const diff = await runCli(node.dataDir, ['doc', 'diff', doc, '--from', v.id], { json: false })
      expect(diff.stdout).toContain('+ Also after 6 pm.')
      expect((await runCli(node.dataDir, ['doc', 'history', doc], { json: false })).stdout).toContain('Riverside Surgery #')
    }
    rota = (await cliOk(river.dataDir, ['doc', 'create', '--title', `Staff rota (ref ${REF})`, ...sectionArgs('--section', { Rota: 'Two duty doctors on Mondays.' })])).id
    await cliOk(river.dataDir, ['share', rota, '--with', hill.orgId, '--role', 'edit'])
    await cliOk(river.dataDir, ['doc', 'version', rota, '--label', 'For Hillview only'])
    // after the rota's label, one on the document Canal Street reads: Canal Street has caught up past it
    await cliOk(river.dataDir, ['doc', 'version', doc, '--label', 'After the rota'])
    await eventually(async () => { expect(await shared(hill, rota, 'For Hillview only')).toBeDefined() }, { timeoutMs: WAIT_MS, what: 'Hillview lists the rota\'s version' })
    await eventually(async () => { expect(await shared(canal, doc, 'After the rota')).toBeDefined() }, { timeoutMs: WAIT_MS, what: 'Canal Street lists the later version' })
    expect((await runCli(canal.dataDir, ['doc', 'history', rota])).json?.error?.code).toBe('ERR_NOT_FOUND')
    expect((await runCli(canal.dataDir, ['doc', 'diff', doc, '--from', 'not a version'])).code).toBe(64)
  })

  it('the activity feed lists the comments, resolves and reopens, the changes, versions and restores, and an upstream change of a variant', async () => {
    const feed = await cliOk<ActivityJson[]>(river.dataDir, ['activity'])
    expect(feed.filter(i => i.doc === doc).map(i => i.kind)).toEqual(expect.arrayContaining(['changed', 'comment', 'reply', 'resolved', 'reopened', 'version', 'restored']))
    expect(feed.find(i => i.kind === 'version' && i.label === 'Agreed at the March meeting')).toMatchObject({ doc, org: river.orgId, version: labelled })
    const text = await runCli(river.dataDir, ['activity', '--since', '2000-01-01'], { json: false })
    expect(text.stdout).toContain('Hillview Medical Practice replied')
    expect(text.stdout).toContain('Hillview Medical Practice reopened a comment')
    expect(text.stdout).toContain(`Riverside Surgery labelled a version of "${TITLE}": Agreed at the March meeting  [${doc} version ${labelled}]`)
    expect(text.stdout).toContain(`Riverside Surgery restored "${TITLE}" from version ${labelled} (Practice)`)

    // at Hillview, Riverside's label and restore are listed under the ids they were shared with, as its History names them
    const history = await cliOk<VersionJson[]>(hill.dataDir, ['doc', 'history', doc])
    const label = history.find(v => v.org === river.orgId && v.label === 'Agreed at the March meeting') as VersionJson
    await eventually(async () => {
      const items = await cliOk<ActivityJson[]>(hill.dataDir, ['activity'])
      expect(items.find(i => i.kind === 'version' && i.label === 'Agreed at the March meeting')).toMatchObject({ doc, org: river.orgId, version: label.id })
      expect(items.find(i => i.kind === 'restored' && i.doc === doc)).toMatchObject({ org: river.orgId })
    }, { timeoutMs: WAIT_MS, what: 'Hillview\'s feed lists Riverside\'s version and restore' })

    // who changed a document: Riverside (its CLI writes as the organisation) made the rota, Hillview (edit) changes it
    await cliOk(hill.dataDir, ['doc', 'edit', rota, '--append', 'And on Fridays.', '--section', 'Rota'])
    await eventually(async () => {
      const item = (await cliOk<ActivityJson[]>(river.dataDir, ['activity'])).find(i => i.kind === 'changed' && i.doc === rota)
      expect(item?.changedBy).toMatchObject([{ by: 'Hillview Medical Practice', org: hill.orgId }, { by: 'Riverside Surgery', org: river.orgId }])
    }, { timeoutMs: WAIT_MS, what: 'Riverside\'s feed names Hillview\'s change of the rota' })
    expect((await runCli(river.dataDir, ['activity'], { json: false })).stdout).toContain(`"Staff rota (ref ${REF})" changed by Hillview Medical Practice and Riverside Surgery`)
    // at Hillview, Riverside's changes since Hillview held the document
    expect((await cliOk<ActivityJson[]>(hill.dataDir, ['activity'])).find(i => i.kind === 'changed' && i.doc === doc)?.changedBy?.[0]).toMatchObject({ by: 'Riverside Surgery', org: river.orgId })

    // Hillview adapts the document; Riverside changes it; Hillview's feed says its source changed
    const variant = (await cliOk<{ id: string }>(hill.dataDir, ['doc', 'adapt', doc, '--why', 'Two duty doctors on Mondays', '--title', `Abnormal results at Hillview (ref ${REF})`])).id
    await cliOk(river.dataDir, ['doc', 'edit', doc, '--append', 'Phone the patient the same day.', '--section', 'Practice'])
    await eventually(async () => {
      const items = await cliOk<Array<{ kind: string, doc: string }>>(hill.dataDir, ['activity'])
      expect(items.filter(i => i.kind === 'upstream').map(i => i.doc)).toEqual([variant])
    }, { timeoutMs: WAIT_MS, what: 'Hillview\'s feed lists the upstream change' })
    expect((await runCli(hill.dataDir, ['activity'], { json: false })).stdout).toContain('since the variant last took from it')
  })

  it('refuses an unknown version, a quote outside the document, an oversized comment and a bad date, changing nothing', async () => {
    expect((await runCli(river.dataDir, ['doc', 'diff', doc, '--from', '999'])).json?.error?.code).toBe('ERR_VERSION_UNKNOWN')
    expect((await runCli(river.dataDir, ['doc', 'restore', doc, '--version', '999'])).json?.error?.code).toBe('ERR_VERSION_UNKNOWN')
    expect((await runCli(river.dataDir, ['comment', 'add', doc, '--section', 'Practice', '--quote', 'not in it', '--text', 'x'])).json?.error?.code).toBe('ERR_ANCHOR_NOT_FOUND')
    expect((await runCli(river.dataDir, ['comment', 'add', doc, '--section', 'Practice', '--text', 'x'.repeat(4_001)])).json?.error?.code).toBe('ERR_TEXT_TOO_LONG')
    expect((await runCli(river.dataDir, ['activity', '--since', 'last tuesday'])).code).toBe(64)
    expect(await cliOk<ThreadJson[]>(river.dataDir, ['comment', 'list', doc])).toHaveLength(1)
  })
})
