/**
 * Delivery of a change made by an organisation a document is shared with (docs/directory.md,
 * "Delivery"), as separate node processes: Hillview edits Riverside's document while Riverside is
 * stopped. Riverside, started again, owes no one anything and dials no one; Hillview, which kept
 * a `dw/` row for Riverside in its change's batch, dials it, and Riverside gets the edit.
 */
import { afterAll, describe, expect, it } from 'vitest'
import type { CliApi } from '@commonplace/cli'
import { eventually } from '../helpers/eventually.ts'
import { apiOf } from '../helpers/node-api.ts'
import { nodeGroup } from '../helpers/node-process.ts'
import type { NodeProc } from '../helpers/node-process.ts'
import { killAllChildren } from '../helpers/processes.ts'

const START = ['--no-mdns']

describe('delivery of an edit made at the organisation a document is shared with', () => {
  const group = nodeGroup()

  afterAll(async () => {
    await group.destroyAll()
    await killAllChildren()
  })

  it('reaches the owner once it is back, dialled by the organisation that made the edit', async () => {
    const started: NodeProc[] = await group.startWith({ args: START }, 'Riverside Surgery', 'Hillview Medical Practice')
    let riverside = started[0]
    const hillview = started[1]
    let r: CliApi = await apiOf(riverside)
    const h: CliApi = await apiOf(hillview)
    await h.addContact({ card: (await r.card()).code })
    await r.acceptContact('Hillview Medical Practice')
    const doc = await r.createDoc({ title: 'Handwashing', sections: [{ heading: 'Why', text: 'It stops infections.' }] })
    await r.share(doc.id, { with: 'Hillview Medical Practice', role: 'edit' })
    await eventually(async () => {
      expect((await r.getDoc(doc.id)).grants[0].delivery?.state).toBe('delivered')
    }, { what: 'Hillview has the document and Riverside knows it' })

    await riverside.stop()
    await h.editDoc(doc.id, { append: { section: 'Why', text: 'Twenty seconds with soap.' } })
    riverside = await riverside.restart({ samePort: true, args: START })
    r = await apiOf(riverside)
    await eventually(async () => {
      expect((await r.getDoc(doc.id)).sections[0].markdown).toBe('It stops infections.\n\nTwenty seconds with soap.')
    }, { what: 'the edit reached Riverside after it started again', timeoutMs: 60_000 })
  }, 180_000)
})
