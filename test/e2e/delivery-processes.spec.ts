/**
 * Delivery (docs/directory.md, "Delivery") as separate node processes.
 *
 * After a crash: the owner edits a shared document while the grantee is connected but before the
 * grantee confirms it (its process is paused), then the owner is killed (SIGKILL) and the grantee
 * too, so that nothing the owner sent survives in a socket. Both start again; the owner, on a new
 * port the grantee cannot know (no mDNS), dials the grantee by itself, because the change left a
 * `dw/` row in its own batch, and the grantee gets the edit.
 *
 * By the organisation that made the change: Hillview edits Riverside's document while Riverside is
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

describe('delivery between node processes', () => {
  const group = nodeGroup()

  afterAll(async () => {
    await group.destroyAll()
    await killAllChildren()
  })

  it('the owner redials at its next start and the grantee gets the edit it never confirmed', async () => {
    let [riverside, hillview]: NodeProc[] = await group.startWith({ args: START }, 'Riverside Surgery', 'Hillview Medical Practice')
    let r: CliApi = await apiOf(riverside)
    let h: CliApi = await apiOf(hillview)
    // contacts: each knows where the other listens now (their cards)
    await h.addContact({ card: (await r.card()).code })
    await r.acceptContact('Hillview Medical Practice')
    const doc = await r.createDoc({ title: 'Vaccine fridge checks', sections: [{ heading: 'Daily', text: 'Check at 08:00.' }] })
    await r.share(doc.id, { with: hillview.orgId, role: 'edit' })
    await eventually(async () => {
      expect((await r.getDoc(doc.id)).grants[0].delivery?.state).toBe('delivered')
      expect((await h.getDoc(doc.id)).sections[0].markdown).toBe('Check at 08:00.')
    }, { what: 'Hillview has the document and Riverside knows it' })

    // Hillview stays connected but reads nothing and confirms nothing; Riverside's edit is
    // acknowledged (on disk) and then Riverside crashes
    process.kill(hillview.pid as number, 'SIGSTOP')
    try {
      await r.editDoc(doc.id, { append: { section: 'Daily', text: 'Thermometer replaced on Monday.' } })
      expect((await r.peers()).map(p => p.orgId)).toContain(hillview.orgId)
      await riverside.kill()
    } finally {
      // killed while paused: whatever Riverside sent dies in its socket
      await hillview.kill()
    }

    hillview = await hillview.restart({ samePort: true, args: START })
    riverside = await riverside.restart({ args: START })
    r = await apiOf(riverside)
    h = await apiOf(hillview)
    await eventually(async () => {
      expect((await h.getDoc(doc.id)).sections[0].markdown).toBe('Check at 08:00.\n\nThermometer replaced on Monday.')
    }, { what: 'the edit reached Hillview after both restarted', timeoutMs: 60_000 })
    await eventually(async () => {
      expect((await r.getDoc(doc.id)).grants[0].delivery?.state).toBe('delivered')
    }, { what: 'Riverside knows Hillview has it' })
  }, 180_000)

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
