/**
 * Acceptance: removing an organisation from a learning network (issue 3, scenario 3). Once the
 * removal reaches a member, that member closes the removed organisation's connections, sends it
 * nothing and refuses its updates made after the removal, whoever relays them. Edits the removed
 * organisation made while partitioned from the members that knew first, and that reached a member
 * that did not know yet, are undone everywhere: the members end in the same state.
 *
 * Nodes restart on the TCP port of their previous run (`samePort`), so that members that meet
 * again after a partition find each other at the addresses they last published.
 * The tests run in order and share the nodes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliOk, listenAddress, peerIds, runCli, sectionArgs, sharedContent, showDoc } from '../helpers/cli.ts'
import type { DocJson, DocSummaryJson } from '../helpers/cli.ts'
import { convergedDoc, sectionText } from '../helpers/documents.ts'
import { eventually } from '../helpers/eventually.ts'
import { createNetwork, fullyConnected, inviteAndJoin, memberIds, networks, rosterConverged } from '../helpers/networks.ts'
import { nodeGroup } from '../helpers/node-process.ts'
import type { NodeProc } from '../helpers/node-process.ts'
import { killAllChildren } from '../helpers/processes.ts'

const TITLE = 'Vaccine fridge cold-chain breach: first-hour checklist'
const PRACTICE = 'Quarantine the stock, record the minimum and maximum readings, call the manufacturer before any dose is given.'
const E_LATE = 'Northgate (removed) adds: reuse the stock if the fridge recovers within the hour.'
const A_AFTER_E = 'Riverside adds: the second fridge key stays with the duty nurse.'
const A_AFTER_D = 'Riverside adds: breaches are reported to the PCN board every quarter.'
const D_LATE_HEADING = 'Lakeside (removed)'
const D_LATE = 'Lakeside adds, after its removal: skip the manufacturer call at weekends.'
const B_HEADING = 'Hillview'
const B_LATE = 'Hillview adds, while it had not heard of the removal yet: a data logger in every fridge.'

describe('removing an organisation from a learning network', () => {
  const group = nodeGroup()
  let f: NodeProc
  let a: NodeProc
  let b: NodeProc
  let c: NodeProc
  let d: NodeProc
  let e: NodeProc
  let network = ''
  let docId = ''

  beforeAll(async () => {
    [f, a, b, c, d, e] = await group.start(
      'Northfield & Canal PCN', 'Riverside Surgery', 'Hillview Medical Practice', 'Canal Street Health Centre',
      'Lakeside Clinic', 'Northgate Pharmacy')
  })

  afterAll(async () => {
    await group.destroyAll()
    await killAllChildren()
  })

  /** Wait until `removed` has no connection left: it lists no peer and no one lists it. */
  async function disconnectedEverywhere (removed: NodeProc, others: NodeProc[], what: string): Promise<void> {
    await eventually(async () => {
      expect(await peerIds(removed.dataDir), `${removed.name}'s peers`).toEqual([])
      for (const node of others) expect(await peerIds(node.dataDir), `${node.name}'s peers`).not.toContain(removed.orgId)
    }, { what })
  }

  it('six organisations share a document through the network; the facilitator restarts and finds them again', async () => {
    network = (await createNetwork(f, 'Northfield & Canal PCN')).id
    await inviteAndJoin(f, network, [a, b, c, d, e])
    const all = [f, a, b, c, d, e]
    await rosterConverged(all, network, all, 'every member holds the roster of all six')

    const created = await cliOk<DocSummaryJson>(a.dataDir, ['doc', 'create', '--title', TITLE, ...sectionArgs('--section', { Practice: PRACTICE })])
    docId = created.id
    await cliOk(a.dataDir, ['share', docId, '--network', network, '--role', 'edit'])
    await convergedDoc(all, docId, 'every member holds the document')

    expect(await f.stop()).toEqual({ code: 0, signal: null })
    await f.restart({ samePort: true })
    await fullyConnected(all, 'F, restarted, is connected to every member again')
  })

  it('F removes E while everyone is online: every member closes its connections, E receives no later edit and its edits reach no one', async () => {
    const after = await cliOk<Array<{ orgId: string }>>(f.dataDir, ['network', 'remove', network, e.orgId])
    expect(after.map(m => m.orgId)).not.toContain(e.orgId)
    const members = [f, a, b, c, d]
    await rosterConverged(members, network, members, 'every member knows that E was removed')
    await disconnectedEverywhere(e, members, "every member has closed E's connections")
    await eventually(async () => {
      expect(await networks(e)).toEqual([expect.objectContaining({ id: network, role: 'removed' })])
    }, { what: 'E learns that it was removed' })

    // E writes into its copy, then A writes: A's edit reaches every member, E's reaches none, and E gets nothing
    const eEdit = await runCli(e.dataDir, ['doc', 'edit', docId, '--append', E_LATE, '--section', 'Practice'])
    expect([0, 1], `E's edit: ${eEdit.stdout}`).toContain(eEdit.code)
    await cliOk(a.dataDir, ['doc', 'edit', docId, '--append', A_AFTER_E, '--section', 'Practice'])
    const doc = await convergedDoc(members, docId, "every member holds A's edit made after E's removal")
    expect(sectionText(doc)).toContain(A_AFTER_E)
    expect(sectionText(doc)).not.toContain(E_LATE)
    expect(sectionText(await showDoc(e.dataDir, docId))).not.toContain(A_AFTER_E)

    // E cannot come back by dialling a member
    const refused = await runCli(e.dataDir, ['connect', await listenAddress(a.dataDir)])
    expect(refused.code, refused.stdout).toBe(1)
    expect(refused.json?.error?.code).toBe('ERR_CONNECTION_FAILED')
    expect(await peerIds(a.dataDir)).not.toContain(e.orgId)
  })

  it("D's edits made after its removal, relayed by a member that had not heard of it, are undone: A, B and C converge without them", async () => {
    // B and D are offline when F removes D; A and C learn of it at once
    await Promise.all([b.stop(), d.stop()])
    await cliOk(f.dataDir, ['network', 'remove', network, d.orgId])
    await rosterConverged([f, a, c], network, [f, a, b, c], 'F, A and C know that D was removed')
    await cliOk(a.dataDir, ['doc', 'edit', docId, '--append', A_AFTER_D, '--section', 'Practice'])
    await convergedDoc([f, a, c], docId, "F, A and C hold A's edit")

    // the members that know go offline; D and B, who does not know yet, come back and meet
    await Promise.all([a.stop(), c.stop(), f.stop()])
    await d.restart({ samePort: true })
    await b.restart({ samePort: true })
    await eventually(async () => {
      expect(await peerIds(b.dataDir)).toEqual([d.orgId])
    }, { what: 'B and D, back on their old addresses, find each other' })
    expect(await memberIds(b, network), "B's roster still names D").toContain(d.orgId)
    await cliOk(d.dataDir, ['doc', 'edit', docId, '--append-section', `${D_LATE_HEADING}=${D_LATE}`])
    await cliOk(b.dataDir, ['doc', 'edit', docId, '--append-section', `${B_HEADING}=${B_LATE}`])
    await eventually(async () => {
      expect(sectionText(await showDoc(b.dataDir, docId))).toContain(D_LATE)
    }, { what: "B holds D's post-removal edit" })

    // A and C come back: B learns of the removal and drops D; A, B and C end in the same state
    await Promise.all([a.restart({ samePort: true }), c.restart({ samePort: true })])
    const doc = await eventually(async () => {
      const docs = await Promise.all([a, b, c].map(async node => await showDoc(node.dataDir, docId)))
      for (const [i, one] of docs.entries()) {
        expect(sectionText(one), [a, b, c][i].name).not.toContain(D_LATE)
        expect(sectionText(one), [a, b, c][i].name).toContain(B_LATE)
      }
      expect(sharedContent(docs[1]), 'B vs A').toEqual(sharedContent(docs[0]))
      expect(sharedContent(docs[2]), 'C vs A').toEqual(sharedContent(docs[0]))
      return docs[0]
    }, { what: "A, B and C converge without D's post-removal edit" })
    expect(doc.sections.map(s => s.heading)).toEqual(['Practice', B_HEADING])
    expect(doc.sections[0].markdown).toBe(`${PRACTICE}\n\n${A_AFTER_E}\n\n${A_AFTER_D}`)
    expect(JSON.stringify(doc)).not.toContain(D_LATE_HEADING)

    await rosterConverged([a, b, c], network, [f, a, b, c], 'B knows that D was removed')
    await disconnectedEverywhere(d, [a, b, c], "A, B and C have closed D's connections")
  })

  it('after that, D can reach no member and its further edits reach no one', async () => {
    const refused = await runCli(d.dataDir, ['connect', await listenAddress(b.dataDir)])
    expect(refused.code, refused.stdout).toBe(1)
    expect(refused.json?.error?.code).toBe('ERR_CONNECTION_FAILED')

    const later = 'Lakeside tries again: no logger needed.'
    const dEdit = await runCli(d.dataDir, ['doc', 'edit', docId, '--append', later, '--section', 'Practice'])
    expect([0, 1], `D's edit: ${dEdit.stdout}`).toContain(dEdit.code)
    const barrier = 'Canal Street checked: all loggers were replaced in January.'
    await cliOk(c.dataDir, ['doc', 'edit', docId, '--append-section', `Canal Street=${barrier}`])
    const doc: DocJson = await convergedDoc([a, b, c], docId, "A, B and C hold C's last edit")
    expect(sectionText(doc)).toContain(barrier)
    expect(sectionText(doc)).not.toContain(later)
    expect(sectionText(await showDoc(d.dataDir, docId))).not.toContain(barrier)
  })
})
