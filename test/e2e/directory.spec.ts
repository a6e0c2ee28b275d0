/**
 * Acceptance: two organisations find each other with cards and share by name, driven only through
 * the CLI of two node processes: Riverside prints its card, Hillview adds it, Riverside accepts the
 * introduction and shares a document with "Hillview Medical Practice"; the document reaches
 * Hillview, with a notice, although nobody ran `connect`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliOk, listDocs, runCli, sectionArgs, showDoc } from '../helpers/cli.ts'
import type { DocSummaryJson } from '../helpers/cli.ts'
import { eventually } from '../helpers/eventually.ts'
import { nodeGroup } from '../helpers/node-process.ts'
import type { NodeProc } from '../helpers/node-process.ts'
import { killAllChildren } from '../helpers/processes.ts'

interface ContactJson { orgId: string, name: string, status: string, online: boolean }
interface NoticeJson { kind: string, org: string, doc?: string, text: string, read: boolean }

describe('directory: cards, introductions and sharing by name through the CLI', () => {
  const group = nodeGroup()
  let riverside: NodeProc
  let hillview: NodeProc

  beforeAll(async () => {
    [riverside, hillview] = await group.start('Riverside Surgery', 'Hillview Medical Practice')
  })

  afterAll(async () => {
    await group.destroyAll()
    await killAllChildren()
  })

  it('card, contact add, contact accept, then share --with a name delivers the document with a notice', async () => {
    const card = await cliOk<{ code: string, name: string }>(riverside.dataDir, ['card'])
    expect(card.name).toBe('Riverside Surgery')
    const plain = await runCli(riverside.dataDir, ['card'], { json: false })
    expect(plain.stdout.split('\n')[0]).toBe(card.code)

    const own = await runCli(riverside.dataDir, ['contact', 'add', card.code])
    expect(own.json?.error?.code).toBe('ERR_CARD_SELF')
    const added = await cliOk<ContactJson>(hillview.dataDir, ['contact', 'add', card.code])
    expect(added).toMatchObject({ name: 'Riverside Surgery', status: 'awaiting' })

    const intros = await cliOk<ContactJson[]>(riverside.dataDir, ['contact', 'list'])
    expect(intros).toMatchObject([{ name: 'Hillview Medical Practice', status: 'introduced' }])
    expect((await cliOk<NoticeJson[]>(riverside.dataDir, ['notices']))[0].text).toBe('Hillview Medical Practice added you')
    await cliOk(riverside.dataDir, ['contact', 'accept', 'Hillview Medical Practice'])
    await eventually(async () => {
      expect(await cliOk<ContactJson[]>(hillview.dataDir, ['contact', 'list'])).toMatchObject([{ name: 'Riverside Surgery', status: 'contact' }])
    }, { what: 'Hillview holds Riverside as a contact' })
    const again = await runCli(hillview.dataDir, ['contact', 'add', card.code])
    expect(again.json?.error?.code).toBe('ERR_CONTACT_EXISTS')

    const doc = await cliOk<DocSummaryJson>(riverside.dataDir, ['doc', 'create', '--title', 'Handwashing', ...sectionArgs('--section', { Why: 'It stops infections.' })])
    const shared = await cliOk<{ grants: Array<{ to: string, name?: string }> }>(riverside.dataDir, ['share', doc.id, '--with', 'Hillview Medical Practice', '--role', 'edit'])
    expect(shared.grants).toMatchObject([{ to: hillview.orgId, name: 'Hillview Medical Practice' }])

    await eventually(async () => {
      expect((await listDocs(hillview.dataDir)).map(d => d.id)).toContain(doc.id)
      expect((await showDoc(hillview.dataDir, doc.id)).title).toBe('Handwashing')
    }, { what: 'the document reached Hillview' })
    await eventually(async () => {
      const notices = await cliOk<NoticeJson[]>(hillview.dataDir, ['notices'])
      expect(notices[0]).toMatchObject({ kind: 'shared', org: riverside.orgId, doc: doc.id, text: 'Riverside Surgery shared "Handwashing" with you', read: false })
    }, { what: 'Hillview has the notice' })
  }, 180_000) // a dozen CLI processes, each starting Node
})
