/**
 * Acceptance: replication along a chain of organisations A – B – C, where A and C never connect,
 * through a clean restart of the middle node and a crash (SIGKILL) of every node.
 *
 * The tests run in order and share the three nodes: each builds on the state the previous one left.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliOk, listenAddress, peerIds, runCli, sectionArgs, showDoc } from '../helpers/cli.ts'
import type { DocJson, DocSummaryJson, PeerJson } from '../helpers/cli.ts'
import { convergedDoc, holdings, sectionText } from '../helpers/documents.ts'
import { eventually } from '../helpers/eventually.ts'
import { nodeGroup } from '../helpers/node-process.ts'
import type { NodeProc } from '../helpers/node-process.ts'
import { killAllChildren } from '../helpers/processes.ts'

const TITLE = 'Baugrube sichern – Checkliste für Auszubildende'
const PROBLEM = 'Auszubildende steigen in Baugruben ab 1,25 m Tiefe, bevor jemand den Verbau geprüft hat.'
const PRACTICE = 'Vor Arbeitsbeginn prüft die Aufsichtsperson Böschungswinkel, Verbau und Leitern und zeichnet die Checkliste ab.'
const LOCAL_HEADING = 'Regelungen vor Ort'
const LOCAL_TEXT = 'Bei der Zimmerei Czerny gibt der Polier die Baugrube täglich um sieben Uhr frei; ohne Freigabe kein Zutritt.'
const A_WHILE_B_DOWN = 'Nach Starkregen wird die Baugrube vor dem Betreten erneut geprüft und das Ergebnis im Bautagebuch vermerkt.'
const C_HEADING = 'Erfahrungen aus dem Winter'
const C_WHILE_B_DOWN = 'Bei Frost lockert sich die Böschung beim Auftauen; der Verbau wird dann morgens zusätzlich kontrolliert.'
const A_BEFORE_CRASH = 'Unfallmeldung 2024: zwei Beinahe-Unfälle beim Abstieg ohne Anlegeleiter.'
const C_LAST_HEADING = 'Nachtrag nach der Baustellenbegehung'
const C_LAST_TEXT = 'Die Checkliste hängt jetzt laminiert im Baucontainer neben dem Verbandkasten.'
const B_DOC_TITLE = 'Anlegeleitern auf der Baustelle – tägliche Sichtprüfung'
const B_DOC_TEXT = 'Sprossen, Holme und Fußsicherung werden vor der ersten Benutzung des Tages geprüft.'

describe('three organisations in a chain A – B – C, where A and C never connect', () => {
  const group = nodeGroup()
  let a: NodeProc
  let b: NodeProc
  let c: NodeProc
  let docId = ''

  beforeAll(async () => {
    [a, b, c] = await group.start('Bauunternehmen Albrecht', 'Handwerkskammer Bezirk Nord', 'Zimmerei Czerny')
  })

  afterAll(async () => {
    await group.destroyAll()
    await killAllChildren()
  })

  /** A's and C's only peer is B (A and C are never connected to each other). */
  async function expectOnlyBetweenNeighbours (): Promise<void> {
    const [ofA, ofB, ofC] = await Promise.all([peerIds(a.dataDir), peerIds(b.dataDir), peerIds(c.dataDir)])
    expect(ofA).toEqual([b.orgId])
    expect(ofC).toEqual([b.orgId])
    expect(ofB).toEqual([a.orgId, c.orgId].sort())
  }

  it("a document A shares reaches C through B, and C's edit comes back to A through B", async () => {
    const created = await cliOk<DocSummaryJson>(a.dataDir, ['doc', 'create', '--title', TITLE, ...sectionArgs('--section', { Problem: PROBLEM, Practice: PRACTICE })])
    docId = created.id
    expect(created).toMatchObject({ title: TITLE, owner: a.orgId, access: 'owner' })
    await cliOk<DocJson>(a.dataDir, ['share', docId, '--with', b.orgId, '--role', 'edit'])
    const shared = await cliOk<DocJson>(a.dataDir, ['share', docId, '--with', c.orgId, '--role', 'edit'])
    expect(shared.grants.map(g => [g.to, g.role])).toEqual([[b.orgId, 'edit'], [c.orgId, 'edit']])

    // a node accepts a connection only from an organisation it shares a document (or a network)
    // with: B dials A, which holds the grant to B; C dials B once B holds the document granted to C
    const addressOfA = await listenAddress(a.dataDir)
    const bToA = await cliOk<PeerJson>(b.dataDir, ['connect', addressOfA])
    expect(bToA.orgId).toBe(a.orgId)
    await eventually(async () => {
      expect((await showDoc(b.dataDir, docId)).grants.map(g => g.to)).toContain(c.orgId)
    }, { what: 'B holds the document, with its grant to C' })
    const cToB = await cliOk<PeerJson>(c.dataDir, ['connect', await listenAddress(b.dataDir)])
    expect(cToB.orgId).toBe(b.orgId)

    const atC = await eventually(async () => {
      const doc = await showDoc(c.dataDir, docId)
      expect(doc.title).toBe(TITLE)
      expect(doc.sections.map(s => [s.heading, s.markdown])).toEqual([['Problem', PROBLEM], ['Practice', PRACTICE]])
      return doc
    }, { what: 'C holds the document A shared, received through B' })
    expect(atC).toMatchObject({ owner: a.orgId, access: 'edit' })

    await cliOk(c.dataDir, ['doc', 'edit', docId, '--append-section', `${LOCAL_HEADING}=${LOCAL_TEXT}`])
    const atA = await eventually(async () => {
      const doc = await showDoc(a.dataDir, docId)
      expect(doc.sections.map(s => [s.heading, s.markdown])).toEqual([['Problem', PROBLEM], ['Practice', PRACTICE], [LOCAL_HEADING, LOCAL_TEXT]])
      return doc
    }, { what: "A holds C's new section, received through B" })
    expect(atA.access).toBe('owner')

    const all = await convergedDoc([a, b, c], docId, 'A, B and C hold the same document')
    expect(all.title).toBe(TITLE)
    await expectOnlyBetweenNeighbours()
  })

  it('edits A and C make while B is down meet through B once B restarts on its data folder', async () => {
    expect(await b.stop()).toEqual({ code: 0, signal: null })
    expect(existsSync(join(b.dataDir, 'node.json')), 'a clean stop removes node.json').toBe(false)
    await eventually(async () => {
      expect(await peerIds(a.dataDir)).toEqual([])
      expect(await peerIds(c.dataDir)).toEqual([])
    }, { what: 'A and C see that B is gone' })

    await Promise.all([
      cliOk(a.dataDir, ['doc', 'edit', docId, '--append', A_WHILE_B_DOWN, '--section', 'Practice']),
      cliOk(c.dataDir, ['doc', 'edit', docId, '--append-section', `${C_HEADING}=${C_WHILE_B_DOWN}`])
    ])
    const [aAlone, cAlone] = await Promise.all([showDoc(a.dataDir, docId), showDoc(c.dataDir, docId)])
    expect(sectionText(aAlone)).toContain(A_WHILE_B_DOWN)
    expect(sectionText(aAlone)).not.toContain(C_WHILE_B_DOWN)
    expect(sectionText(cAlone)).toContain(C_WHILE_B_DOWN)
    expect(sectionText(cAlone)).not.toContain(A_WHILE_B_DOWN)

    const orgIdOfB = b.orgId
    await b.restart()
    expect(b.orgId).toBe(orgIdOfB)
    // reconnection is manual, and B listens on new ports: read its address again
    const addressOfB = await listenAddress(b.dataDir)
    await Promise.all([cliOk(a.dataDir, ['connect', addressOfB]), cliOk(c.dataDir, ['connect', addressOfB])])

    const doc = await convergedDoc([a, b, c], docId, 'A, B and C converge after B is back')
    expect(doc.title).toBe(TITLE)
    expect(doc.sections.map(s => s.heading)).toEqual(['Problem', 'Practice', LOCAL_HEADING, C_HEADING])
    expect(doc.sections[1].markdown).toBe(`${PRACTICE}\n\n${A_WHILE_B_DOWN}`)
    expect(doc.sections[3].markdown).toBe(C_WHILE_B_DOWN)
    await expectOnlyBetweenNeighbours()
  })

  it('every node killed with SIGKILL restarts on its data folder with all its documents and edits', async () => {
    // a second document, owned by B, so that each node holds more than one
    const second = await cliOk<DocSummaryJson>(b.dataDir, ['doc', 'create', '--title', B_DOC_TITLE, '--kind', 'checklist', ...sectionArgs('--section', { Prüfung: B_DOC_TEXT })])
    await cliOk(b.dataDir, ['share', second.id, '--with', a.orgId, '--role', 'read'])
    await cliOk(b.dataDir, ['share', second.id, '--with', c.orgId, '--role', 'read'])
    await cliOk(a.dataDir, ['doc', 'edit', docId, '--append', A_BEFORE_CRASH, '--section', 'Problem'])
    await convergedDoc([a, b, c], second.id, "A, B and C hold B's document")
    const first = await convergedDoc([a, b, c], docId, "A, B and C hold A's last edit")
    expect(first.sections[0].markdown).toBe(`${PROBLEM}\n\n${A_BEFORE_CRASH}`)

    const [beforeA, beforeB] = await Promise.all([holdings(a), holdings(b)])
    expect(beforeA.list.map(d => d.id).sort()).toEqual([docId, second.id].sort())
    expect(beforeB.list.map(d => d.id).sort()).toEqual([docId, second.id].sort())
    const killed = await Promise.all([a.kill(), b.kill()])
    expect(killed).toEqual([{ code: null, signal: 'SIGKILL' }, { code: null, signal: 'SIGKILL' }])

    // C acknowledges one more write and crashes at once, before anything else: the write must survive
    const beforeC = await holdings(c)
    const acknowledged = await cliOk<DocSummaryJson>(c.dataDir, ['doc', 'edit', docId, '--append-section', `${C_LAST_HEADING}=${C_LAST_TEXT}`])
    expect(await c.kill()).toEqual({ code: null, signal: 'SIGKILL' })

    // a crash leaves node.json behind; the CLI sees that its process is gone
    expect(existsSync(join(a.dataDir, 'node.json'))).toBe(true)
    const notRunning = await runCli(a.dataDir, ['status'])
    expect(notRunning.code).toBe(2)
    expect(notRunning.json?.error?.code).toBe('ERR_NODE_NOT_RUNNING')

    await Promise.all([a.restart(), b.restart(), c.restart()])
    const [afterA, afterB, afterC] = await Promise.all([holdings(a), holdings(b), holdings(c)])
    expect(afterA).toEqual(beforeA)
    expect(afterB).toEqual(beforeB)
    // C: what it held before, plus exactly the write it acknowledged
    expect(afterC.list).toEqual(beforeC.list.map(d => d.id === docId ? acknowledged : d))
    expect(afterC.docs.find(d => d.id === second.id)).toEqual(beforeC.docs.find(d => d.id === second.id))
    const lastBefore = beforeC.docs.find(d => d.id === docId)!
    const lastAfter = afterC.docs.find(d => d.id === docId)!
    expect(lastAfter.title).toBe(lastBefore.title)
    expect(lastAfter.grants).toEqual(lastBefore.grants)
    expect(lastAfter.sections.slice(0, -1)).toEqual(lastBefore.sections)
    expect(lastAfter.sections.map(s => [s.heading, s.markdown]).at(-1)).toEqual([C_LAST_HEADING, C_LAST_TEXT])
  })

  it('after the crash, reconnected nodes carry on: the edit C made just before its crash reaches A through B', async () => {
    const [addressOfA, addressOfB] = await Promise.all([listenAddress(a.dataDir), listenAddress(b.dataDir)])
    await Promise.all([cliOk(b.dataDir, ['connect', addressOfA]), cliOk(c.dataDir, ['connect', addressOfB])])
    const doc = await convergedDoc([a, b, c], docId, "A, B and C converge on C's last edit")
    expect(doc.sections.map(s => [s.heading, s.markdown]).at(-1)).toEqual([C_LAST_HEADING, C_LAST_TEXT])
    await expectOnlyBetweenNeighbours()
  })
})
