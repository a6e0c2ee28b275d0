/**
 * Acceptance: a document goes only to the organisations it is shared with, and a reader cannot
 * change it, neither through its own CLI nor by pushing an update over the wire with its identity.
 *
 * Topology: A, D (no grant) and R (read grant) are connected to B only. A node accepts a
 * connection only from an organisation it shares a document or a network with, so B first shares
 * a document of its own with A, D and R (the "link" document), and they dial B.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliOk, listDocs, listenAddress, peerIds, runCli, sectionArgs, showDoc } from '../helpers/cli.ts'
import type { DocJson, DocSummaryJson } from '../helpers/cli.ts'
import { filesContaining, readAllFiles } from '../helpers/data-folder.ts'
import { convergedDoc, sectionText } from '../helpers/documents.ts'
import { eventually } from '../helpers/eventually.ts'
import { nodeGroup } from '../helpers/node-process.ts'
import type { NodeProc } from '../helpers/node-process.ts'
import { killAllChildren } from '../helpers/processes.ts'
import { HIJACK_MARK, runRoguePeer } from '../helpers/rogue.ts'

describe('access: only organisations with a grant get a document, and readers cannot change it', () => {
  const group = nodeGroup()
  let a: NodeProc
  let b: NodeProc
  let d: NodeProc
  let r: NodeProc

  let linkId = ''

  beforeAll(async () => {
    [a, b, d, r] = await group.start('Riverside Surgery', 'Hillview Practice', 'Northgate Pharmacy', 'Lakeside Clinic')
  })

  afterAll(async () => {
    await group.destroyAll()
    await killAllChildren()
  })

  it('a node refuses a connection from an organisation it shares no document and no network with, and accepts it once it shares one', async () => {
    const addressOfB = await listenAddress(b.dataDir)
    for (const node of [a, d, r]) {
      const refused = await runCli(node.dataDir, ['connect', addressOfB])
      expect(refused.code, `${node.name}: ${refused.stdout}`).toBe(1)
      expect(refused.json?.error?.code, node.name).toBe('ERR_CONNECTION_FAILED')
    }
    expect(await peerIds(b.dataDir)).toEqual([])

    // B shares a document of its own with A, D and R: B's node now knows them through a grant it holds
    const link = await cliOk<DocSummaryJson>(b.dataDir, ['doc', 'create', '--title', 'Hillview: who to call about shared protocols', ...sectionArgs('--section', { Contacts: 'The practice manager answers within a working day.' })])
    linkId = link.id
    for (const node of [a, d, r]) await cliOk(b.dataDir, ['share', linkId, '--with', node.orgId, '--role', 'read'])
    await Promise.all([a, d, r].map(async node => await cliOk(node.dataDir, ['connect', addressOfB])))
    await eventually(async () => {
      expect(await peerIds(b.dataDir)).toEqual([a, d, r].map(node => node.orgId).sort())
    }, { what: 'B is connected to A, D and R' })
  })

  it('an organisation connected to a holder but without a grant gets nothing: not in its list, not a byte on its disk', async () => {
    // words that appear nowhere else: the run's own reference makes them unique to this document
    const ref = randomBytes(4).toString('hex')
    const title = `Handling abnormal blood results: who acts, by when (ref ${ref})`
    const problem = `Critical potassium results phoned in after 18:00 waited until the next morning; ref ${ref}-problem.`
    const practice = `The duty doctor Okonkwo-Varga reviews every red result before 11:00 and records who was called; ref ${ref}-practice.`
    const addedByB = `Hillview adds: out of hours the locum on call acts on red results within two hours; ref ${ref}-hillview.`

    const secret = await cliOk<DocSummaryJson>(a.dataDir, ['doc', 'create', '--title', title, '--kind', 'protocol', ...sectionArgs('--section', { Problem: problem, Practice: practice })])
    await cliOk(a.dataDir, ['share', secret.id, '--with', b.orgId, '--role', 'edit'])
    await eventually(async () => {
      expect(sectionText(await showDoc(b.dataDir, secret.id))).toContain(practice)
    }, { what: 'B holds the document A shared with it' })
    // B edits it while D is connected to B
    await cliOk(b.dataDir, ['doc', 'edit', secret.id, '--append-section', `Out of hours=${addedByB}`])
    await eventually(async () => {
      expect(sectionText(await showDoc(a.dataDir, secret.id))).toContain(addedByB)
    }, { what: "A holds B's edit" })
    expect((await listDocs(d.dataDir)).map(doc => doc.id)).not.toContain(secret.id)

    // Proof that D's link to B works and was up throughout: a document shared with D does arrive,
    // through B, after everything B did with the first one
    const openTitle = 'Repeat prescribing: a safe handover between surgery and pharmacy'
    const openText = 'The pharmacy confirms each repeat request by message before the surgery signs it.'
    const open = await cliOk<DocSummaryJson>(a.dataDir, ['doc', 'create', '--title', openTitle, ...sectionArgs('--section', { Practice: openText })])
    await cliOk(a.dataDir, ['share', open.id, '--with', b.orgId, '--role', 'edit'])
    await cliOk(a.dataDir, ['share', open.id, '--with', d.orgId, '--role', 'read'])
    await eventually(async () => {
      const doc = await showDoc(d.dataDir, open.id)
      expect(doc.title).toBe(openTitle)
      expect(doc.sections.map(s => s.markdown)).toEqual([openText])
    }, { what: 'D holds the document shared with it, through B' })

    expect((await listDocs(d.dataDir)).map(doc => doc.id).sort()).toEqual([linkId, open.id].sort())
    const notThere = await runCli(d.dataDir, ['doc', 'show', secret.id])
    expect(notThere.code).toBe(1)
    expect(notThere.json.error.code).toBe('ERR_NOT_FOUND')

    const needles = [title, problem, practice, addedByB, ref, secret.id]
    // the check can see these strings: B's folder holds every one of them as UTF-8 bytes
    const filesOfB = readAllFiles(b.dataDir)
    for (const needle of needles) expect(filesContaining(b.dataDir, needle, filesOfB), `B's files contain ${needle}`).not.toEqual([])
    // ... and D's folder holds the document that was shared with D, so its data is where we look
    const filesOfD = readAllFiles(d.dataDir)
    expect(filesOfD.map(f => f.path)).toContain('commonplace.db')
    expect(filesContaining(d.dataDir, openTitle, filesOfD)).not.toEqual([])
    expect(filesContaining(d.dataDir, openText, filesOfD)).not.toEqual([])
    // not a byte of the unshared document in any of D's files (database, WAL, keys, config)
    for (const needle of needles) expect(filesContaining(d.dataDir, needle, filesOfD), `D's files contain ${needle}`).toEqual([])
  })

  it("a reader's own edit is refused with ERR_READ_ONLY and changes nothing", async () => {
    const title = 'Sharps injury: first response within the hour'
    const text = 'Bleed the wound, wash with soap, call occupational health before the end of the shift.'
    const created = await cliOk<DocSummaryJson>(a.dataDir, ['doc', 'create', '--title', title, ...sectionArgs('--section', { Practice: text })])
    await cliOk(a.dataDir, ['share', created.id, '--with', b.orgId, '--role', 'edit'])
    await cliOk(a.dataDir, ['share', created.id, '--with', r.orgId, '--role', 'read'])
    const before = await eventually(async () => {
      const doc = await showDoc(r.dataDir, created.id)
      expect(doc.sections.map(s => s.markdown)).toEqual([text])
      return doc
    }, { what: 'R holds the document shared with it for reading' })
    expect(before.access).toBe('read')

    for (const change of [['--append-section', 'Our view=We would rather wait.'], ['--title', 'Renamed by a reader'], ['--append', 'Extra line.', '--section', 'Practice']]) {
      const refused = await runCli(r.dataDir, ['doc', 'edit', created.id, ...change])
      expect(refused.code, `doc edit ${change.join(' ')}`).toBe(1)
      expect(refused.json.error.code).toBe('ERR_READ_ONLY')
    }
    expect(await showDoc(r.dataDir, created.id)).toEqual(before)
    const atA = await showDoc(a.dataDir, created.id)
    expect(atA.title).toBe(title)
    expect(atA.sections.map(s => s.markdown)).toEqual([text])
  })

  it("an update pushed over the wire with a reader's identity is refused with ERR_FORBIDDEN and applied nowhere", async () => {
    const title = 'Cold chain: vaccine fridge out of range'
    const text = 'Quarantine the stock, log the readings, ask the manufacturer before any dose is given.'
    const created = await cliOk<DocSummaryJson>(a.dataDir, ['doc', 'create', '--title', title, ...sectionArgs('--section', { Practice: text })])
    await cliOk(a.dataDir, ['share', created.id, '--with', b.orgId, '--role', 'edit'])
    await cliOk(a.dataDir, ['share', created.id, '--with', r.orgId, '--role', 'read'])
    await convergedDoc([a, b, r], created.id, 'A, B and R hold the document')
    const [beforeA, beforeB] = await Promise.all([showDoc(a.dataDir, created.id), showDoc(b.dataDir, created.id)])

    // R's node stops so that the rogue can use R's identity (and R's link to B goes away)
    expect(await r.stop()).toEqual({ code: 0, signal: null })
    const addressOfB = await listenAddress(b.dataDir)
    const rogue = await runRoguePeer(r.dataDir, addressOfB, created.id)
    expect(rogue.code, rogue.stderr).toBe(0)
    // the channel works: B recognised R, served it the document a reader may fetch, then refused the push
    expect(rogue.report?.basedOnServedState).toBe(true)
    expect(rogue.report?.received).toMatchObject({ hello: 1, reply: 1 })
    expect(rogue.report?.updateBytes).toBeGreaterThan(0)
    expect(rogue.report?.error).toMatchObject({ doc: created.id, code: 'ERR_FORBIDDEN' })

    // B answered only after it had handled the update: nothing changed, not even its update time
    expect(await showDoc(b.dataDir, created.id)).toEqual(beforeB)
    expect(await showDoc(a.dataDir, created.id)).toEqual(beforeA)

    // Had B stored the update, it would reach A before B's next edit (one ordered stream): make
    // that edit and wait for it at A, then look again
    const followUp = 'Hillview checked: the logger battery is replaced every January.'
    await cliOk(b.dataDir, ['doc', 'edit', created.id, '--append-section', `Follow-up=${followUp}`])
    const atA = await eventually(async () => {
      const doc = await showDoc(a.dataDir, created.id)
      expect(sectionText(doc)).toContain(followUp)
      return doc
    }, { what: "A holds B's follow-up edit" })
    expect(atA.title).toBe(title)
    expect(atA.sections.map(s => [s.heading, s.markdown])).toEqual([['Practice', text], ['Follow-up', followUp]])

    // R comes back, reconnects to B and gets the follow-up, but no trace of the rogue's edit
    await r.restart()
    await cliOk(r.dataDir, ['connect', addressOfB])
    const all: DocJson = await convergedDoc([a, b, r], created.id, 'A, B and R converge after R is back')
    expect(all.title).toBe(title)
    expect(all.sections.map(s => s.heading)).toEqual(['Practice', 'Follow-up'])
    for (const node of [a, b, r]) {
      expect(JSON.stringify(await showDoc(node.dataDir, created.id)), node.name).not.toContain(HIJACK_MARK)
    }
  })
})
