/**
 * Acceptance: a learning network (issue 3). A facilitator F creates it and invites A, B, C and D;
 * each joins with its code alone and finds the other members through the roster (no `connect`
 * anywhere in this file). A document shared with the network reaches every member, later members
 * included, and co-editing goes on after F has stopped for good. Wrong invitation codes are refused
 * with distinct errors; a stranger X is refused by every member; a member with read access cannot
 * push an update to anyone.
 *
 * The tests run in order and share the nodes: each builds on the state the previous one left.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliOk, listDocs, listenAddress, peerIds, runCli, sectionArgs, showDoc } from '../helpers/cli.ts'
import type { DocJson, DocSummaryJson } from '../helpers/cli.ts'
import { filesContaining, readAllFiles } from '../helpers/data-folder.ts'
import { convergedDoc, sectionText } from '../helpers/documents.ts'
import { eventually } from '../helpers/eventually.ts'
import {
  createNetwork, expiredCode, forgedCode, fullyConnected, invite, inviteAndJoin, join, memberIds, members, networks,
  readCode, rosterConverged, wrongNetworkCode
} from '../helpers/networks.ts'
import type { MemberJson, NetworkJson, TopicJson } from '../helpers/networks.ts'
import { nodeGroup } from '../helpers/node-process.ts'
import type { NodeProc } from '../helpers/node-process.ts'
import { killAllChildren } from '../helpers/processes.ts'
import { HIJACK_MARK, runRoguePeer } from '../helpers/rogue.ts'

// words that appear nowhere else: the run's own reference makes them unique to this document
const REF = randomBytes(4).toString('hex')
const TITLE = `Self-rostering in a 24/7 elderly-care unit (ref ${REF})`
const PROBLEM = `Night nurses at Koivukoti swapped shifts by phone and nobody saw the gaps until Monday; ref ${REF}-problem.`
const PRACTICE = `Staff fill a shared six-week grid; the unit lead Virtanen-Oksanen closes it ten days ahead; ref ${REF}-practice.`
const B_HEADING = 'Adapted at Hervanta'
const B_TEXT = `Hervanta excludes night shifts from self-rostering because of staffing; ref ${REF}-hervanta.`
const C_HEADING = 'What did not work'
const C_TEXT = `Letting the grid stay open until two days ahead left weekends uncovered; ref ${REF}-pispala.`

describe('a learning network: joining with a code, sharing with the network, no hub', () => {
  const group = nodeGroup()
  let f: NodeProc
  let a: NodeProc
  let b: NodeProc
  let c: NodeProc
  let d: NodeProc
  /** An organisation that tries wrong codes first, then joins after F has gone. */
  let e: NodeProc
  let network = ''
  /** The code D joined with: single-use, so used up. */
  let usedCode = ''
  /** A code F made for E before it stopped for good. */
  let codeForE = ''
  let docId = ''

  beforeAll(async () => {
    [f, a, b, c, d, e] = await group.start(
      'Tampere University of Applied Sciences', 'Koivukoti Care Home', 'Hervanta Elderly Care Unit',
      'Pispala Home Care', 'Lielahti Service Centre', 'Kaleva Day Centre')
  })

  afterAll(async () => {
    await group.destroyAll()
    await killAllChildren()
  })

  it('F creates a network and invites A, B, C and D; each joins with its code alone and connects to every other member', async () => {
    const created = await createNetwork(f, 'Tampere Workplace Learning Network')
    network = created.id
    expect(created).toMatchObject({ name: 'Tampere Workplace Learning Network', visibility: 'invite', role: 'facilitator', createdBy: f.orgId, memberCount: 1 })
    expect(network).toMatch(/^net_/)

    await inviteAndJoin(f, network, [a, b, c])
    usedCode = await invite(f, network)
    expect((await join(d, usedCode)).status).toBe('joined')

    await rosterConverged([f, a, b, c, d], network, [f, a, b, c, d], 'every member holds the roster of all five')
    const roster = await members(c, network)
    expect(roster.find(m => m.orgId === f.orgId)).toMatchObject({ role: 'facilitator', name: f.name })
    for (const member of [a, b, c, d]) expect(roster.find(m => m.orgId === member.orgId)).toMatchObject({ role: 'member', name: member.name })
    expect(await networks(c)).toEqual([expect.objectContaining({ id: network, role: 'member', memberCount: 5 })])

    // each node joined through one member (the code's addresses) and found the others in the roster
    await fullyConnected([f, a, b, c, d], 'every member is connected to every other, with no connect by hand')
    await eventually(async () => {
      expect((await members(a, network)).every(m => m.online), 'A sees every member online').toBe(true)
    }, { what: 'A sees every member online' })
  })

  it('an expired code, a used single-use code, a forged code and a code for another network are refused with distinct errors; nothing is joined', async () => {
    const valid = await invite(f, network, ['--expires', '1d'])
    expect(readCode(valid).i.issuer).toBe(f.orgId)
    const otherNetwork = await createNetwork(f, 'Pirkanmaa Construction Cluster')
    const forOther = await invite(f, otherNetwork.id)

    const attempts: Array<[string, string, string]> = [
      ['expired', await expiredCode(valid, f.dataDir), 'ERR_INVITATION_EXPIRED'],
      ['used', usedCode, 'ERR_INVITATION_USED'],
      ['forged', forgedCode(valid), 'ERR_INVITATION_INVALID'],
      ['another network', wrongNetworkCode(valid, forOther), 'ERR_INVITATION_WRONG_NETWORK']
    ]
    const messages: string[] = []
    for (const [what, code, expected] of attempts) {
      const refused = await runCli(e.dataDir, ['network', 'join', code])
      expect(refused.code, `${what}: ${refused.stdout}`).toBe(1)
      expect(refused.json?.error?.code, `${what}: ${refused.stdout}`).toBe(expected)
      messages.push(refused.json.error.message)
      const human = await runCli(e.dataDir, ['network', 'join', code], { json: false })
      expect(human.code, what).toBe(1)
      expect(human.stderr, what).toMatch(/^commonplace: \S.*\n$/)
    }
    expect(new Set(messages).size, messages.join(' | ')).toBe(attempts.length)

    // nothing joined: E is in no network, no roster names E, no member is connected to E
    expect(await networks(e)).toEqual([])
    for (const node of [f, a, b, c, d]) {
      expect(await memberIds(node, network), node.name).toEqual([f, a, b, c, d].map(n => n.orgId).sort())
      expect(await peerIds(node.dataDir), node.name).not.toContain(e.orgId)
    }
    expect(await peerIds(e.dataDir)).toEqual([])
  })

  it('a document shared with the network reaches every member; after F stops for good, B edits and C and D receive it', async () => {
    const created = await cliOk<DocSummaryJson>(a.dataDir, ['doc', 'create', '--title', TITLE, '--kind', 'practice', ...sectionArgs('--section', { Problem: PROBLEM, Practice: PRACTICE })])
    docId = created.id
    const shared = await cliOk<DocJson>(a.dataDir, ['share', docId, '--network', network, '--role', 'edit'])
    expect(shared.grants.map(g => [g.to, g.role])).toEqual([[network, 'edit']])
    await convergedDoc([f, a, b, c, d], docId, 'every member holds the document shared with the network')

    // a code for a later member, made while F is still there
    codeForE = await invite(f, network)
    expect(await f.stop()).toEqual({ code: 0, signal: null })
    await eventually(async () => {
      for (const node of [a, b, c, d]) expect(await peerIds(node.dataDir), node.name).not.toContain(f.orgId)
    }, { what: 'the members see that F is gone' })
    const facilitator = (await members(a, network)).find(m => m.orgId === f.orgId)
    expect(facilitator).toMatchObject({ role: 'facilitator', online: false, lastSeen: expect.any(String) })

    await cliOk(b.dataDir, ['doc', 'edit', docId, '--append-section', `${B_HEADING}=${B_TEXT}`])
    const doc = await convergedDoc([a, b, c, d], docId, "A, B, C and D hold B's edit")
    expect(doc.sections.map(s => [s.heading, s.markdown])).toEqual([['Problem', PROBLEM], ['Practice', PRACTICE], [B_HEADING, B_TEXT]])
    // C and A were never connected by hand (no connect in this file): the roster brought them together
    expect(await peerIds(c.dataDir)).toEqual([a, b, d].map(n => n.orgId).sort())
  })

  it('an organisation that joins after F has gone gets the document, with an edit made by a member that stopped before it joined', async () => {
    await cliOk(c.dataDir, ['doc', 'edit', docId, '--append-section', `${C_HEADING}=${C_TEXT}`])
    await convergedDoc([a, b, c, d], docId, "A, B, C and D hold C's edit")
    expect(await c.stop()).toEqual({ code: 0, signal: null })

    // F and C are offline: E's code names them too, but A, B or D takes the join
    const joined = await join(e, codeForE)
    expect(joined).toMatchObject({ status: 'joined', network: { id: network, role: 'member' } })
    const atE = await eventually(async () => {
      const doc = await showDoc(e.dataDir, docId)
      expect(sectionText(doc)).toContain(C_TEXT)
      return doc
    }, { what: "E holds the network's document with C's edit" })
    expect(atE.access).toBe('edit')

    await c.restart()
    await rosterConverged([a, b, c, d, e], network, [f, a, b, c, d, e], 'every member online holds the roster with E')
    const doc = await convergedDoc([a, b, c, d, e], docId, 'A, B, C, D and E hold the same document')
    expect(doc.sections.map(s => s.heading)).toEqual(['Problem', 'Practice', B_HEADING, C_HEADING])
    await fullyConnected([a, b, c, d, e], 'C, back, finds every member online')
  })

  it('a stranger X, with a valid identity but in no network, is refused by every member and holds no byte of the document', async () => {
    const [x] = await group.start('Unknown Organisation')
    const targets = [a, b, c, d, e]
    for (const member of targets) {
      const refused = await runCli(x.dataDir, ['connect', await listenAddress(member.dataDir)])
      expect(refused.code, `X connects to ${member.name}: ${refused.stdout}`).toBe(1)
      expect(refused.json?.error?.code, member.name).toBe('ERR_CONNECTION_FAILED')
    }
    expect(await peerIds(x.dataDir)).toEqual([])
    for (const member of targets) expect(await peerIds(member.dataDir), member.name).not.toContain(x.orgId)
    expect(await listDocs(x.dataDir)).toEqual([])

    // the same identity on the wire, asking each member for the document: the connection is refused
    expect(await x.stop()).toEqual({ code: 0, signal: null })
    for (const member of targets) {
      const rogue = await runRoguePeer(x.dataDir, await listenAddress(member.dataDir), docId)
      expect(rogue.code, `X's raw dial to ${member.name}: ${JSON.stringify(rogue.report)} ${rogue.stderr}`).toBe(4)
      expect(rogue.report?.received, member.name).toEqual({})
    }

    const needles = [TITLE, PROBLEM, PRACTICE, B_TEXT, C_TEXT, REF, docId]
    // the check can see these strings: A's folder holds every one of them as UTF-8 bytes
    const filesOfA = readAllFiles(a.dataDir)
    for (const needle of needles) expect(filesContaining(a.dataDir, needle, filesOfA), `A's files contain ${needle}`).not.toEqual([])
    const filesOfX = readAllFiles(x.dataDir)
    expect(filesOfX.map(file => file.path)).toContain('commonplace.db')
    for (const needle of needles) expect(filesContaining(x.dataDir, needle, filesOfX), `X's files contain ${needle}`).toEqual([])
  })

  it('an update pushed over the wire by a member with read access is refused by every node and changes nothing', async () => {
    const title = `Night shifts excluded: how Hervanta adapted self-rostering (ref ${REF})`
    const text = 'Night shifts stay with the unit lead; day and evening shifts are self-rostered.'
    const created = await cliOk<DocSummaryJson>(b.dataDir, ['doc', 'create', '--title', title, ...sectionArgs('--section', { Practice: text })])
    await cliOk(b.dataDir, ['share', created.id, '--network', network, '--role', 'read'])
    const holders = [a, b, c, d, e]
    await convergedDoc(holders, created.id, 'every member holds the read-only document')
    expect((await showDoc(c.dataDir, created.id)).access).toBe('read')
    const before = new Map(await Promise.all(holders.map(async n => [n, await showDoc(n.dataDir, created.id)] as const)))

    // C's node stops so that the rogue can use C's identity
    expect(await c.stop()).toEqual({ code: 0, signal: null })
    const others = [a, b, d, e]
    for (const node of others) {
      const rogue = await runRoguePeer(c.dataDir, await listenAddress(node.dataDir), created.id)
      expect(rogue.code, `${node.name}: ${JSON.stringify(rogue.report)} ${rogue.stderr}`).toBe(0)
      // the channel works: the node recognised C and answered it, then refused the push
      expect(rogue.report?.received.hello, node.name).toBe(1)
      expect(rogue.report?.error, node.name).toMatchObject({ doc: created.id, code: 'ERR_FORBIDDEN' })
      // the owner serves a reader the whole document: there, the refused edit was built on it
      if (node === b) expect(rogue.report?.basedOnServedState).toBe(true)
      expect(await showDoc(node.dataDir, created.id), node.name).toEqual(before.get(node))
    }

    // had any node stored the update, it would travel ahead of the owner's next edit: wait for that edit
    const followUp = 'Reviewed with the staff council in March: no change.'
    await cliOk(b.dataDir, ['doc', 'edit', created.id, '--append-section', `Review=${followUp}`])
    await c.restart()
    const doc = await convergedDoc(holders, created.id, "every member holds B's follow-up, C included")
    expect(doc.title).toBe(title)
    expect(doc.sections.map(s => [s.heading, s.markdown])).toEqual([['Practice', text], ['Review', followUp]])
    for (const node of holders) expect(JSON.stringify(await showDoc(node.dataDir, created.id)), node.name).not.toContain(HIJACK_MARK)
  })
})

describe('an approval network: requests, acceptance, topics, facilitator-only commands and leaving', () => {
  const group = nodeGroup()
  let f: NodeProc
  let a: NodeProc
  let b: NodeProc
  let network = ''
  let topicId = ''

  beforeAll(async () => {
    [f, a, b] = await group.start('Ausbildungszentrum Nordheide', 'Holzbau Meyer GmbH', 'Brunnenbau Janssen KG')
  })

  afterAll(async () => {
    await group.destroyAll()
    await killAllChildren()
  })

  it('a join waits until a facilitator accepts it', async () => {
    network = (await createNetwork(f, 'Baucluster Nord', 'approval')).id
    const joined = await join(a, await invite(f, network))
    expect(joined).toMatchObject({ status: 'pending', network: { id: network, role: 'pending', visibility: 'approval' } })
    expect(await networks(a)).toEqual([expect.objectContaining({ id: network, role: 'pending' })])

    const requests = await eventually(async () => {
      const waiting = await cliOk<Array<{ orgId: string, name: string, role: string }>>(f.dataDir, ['network', 'requests', network])
      expect(waiting.map(r => r.orgId)).toEqual([a.orgId])
      return waiting
    }, { what: "F sees A's request" })
    expect(requests[0]).toMatchObject({ name: a.name, role: 'member' })
    expect(await memberIds(f, network)).toEqual([f.orgId])

    const accepted = await cliOk<MemberJson[]>(f.dataDir, ['network', 'accept', network, a.orgId])
    expect(accepted.map(m => m.orgId).sort()).toEqual([f.orgId, a.orgId].sort())
    await eventually(async () => {
      expect(await networks(a)).toEqual([expect.objectContaining({ id: network, role: 'member', memberCount: 2 })])
    }, { what: 'A learns that it was accepted' })
    expect(await cliOk(f.dataDir, ['network', 'requests', network])).toEqual([])
    await inviteAndAccept(b)
  })

  /** B asks to join and F accepts it. */
  async function inviteAndAccept (node: NodeProc): Promise<void> {
    expect((await join(node, await invite(f, network))).status).toBe('pending')
    await eventually(async () => {
      await cliOk(f.dataDir, ['network', 'accept', network, node.orgId])
    }, { what: `F accepts ${node.name}` })
    await rosterConverged([f, a, node], network, [f, a, node], `${node.name} is a member everywhere`)
  }

  it('only a facilitator invites, removes and seeds topics', async () => {
    for (const args of [['network', 'invite', network], ['network', 'remove', network, b.orgId], ['topic', 'create', network, '--title', 'Von A']]) {
      const refused = await runCli(a.dataDir, args)
      expect(refused.code, args.join(' ')).toBe(1)
      expect(refused.json?.error?.code, args.join(' ')).toBe('ERR_FORBIDDEN')
    }
    const unknown = await runCli(a.dataDir, ['network', 'members', 'net_' + 'a'.repeat(26)])
    expect(unknown.json?.error?.code).toBe('ERR_NOT_FOUND')
  })

  it('a topic seeded by the facilitator reaches the members, and a member attaches its own document to it', async () => {
    const created = await cliOk<TopicJson>(f.dataDir, ['topic', 'create', network, '--title', 'Betonieren bei Frost', '--brief', 'Was hat sich auf Winterbaustellen bewährt?'])
    topicId = created.id
    expect(created).toMatchObject({ network, title: 'Betonieren bei Frost', brief: 'Was hat sich auf Winterbaustellen bewährt?', createdBy: f.orgId, attachments: [] })
    await eventually(async () => {
      expect((await cliOk<TopicJson[]>(a.dataDir, ['topic', 'list', network])).map(t => t.id)).toEqual([topicId])
    }, { what: 'A holds the topic' })

    const practice = await cliOk<DocSummaryJson>(a.dataDir, ['doc', 'create', '--title', 'Betonieren bei Frost', '--kind', 'practice', ...sectionArgs('--section', { Maßnahmen: 'Frischbeton mindestens drei Tage mit Dämmmatten abdecken.' })])
    const attached = await cliOk<TopicJson>(a.dataDir, ['topic', 'attach', network, topicId, practice.id])
    expect(attached.attachments).toEqual([expect.objectContaining({ id: practice.id, attachedBy: a.orgId })])
    expect((await showDoc(a.dataDir, practice.id)).grants.map(g => [g.to, g.role])).toEqual([[network, 'read']])
    await eventually(async () => {
      const [topic] = await cliOk<TopicJson[]>(b.dataDir, ['topic', 'list', network])
      expect(topic.attachments).toEqual([expect.objectContaining({ id: practice.id, title: 'Betonieren bei Frost', attachedBy: a.orgId })])
    }, { what: "B sees A's document attached to the topic, and holds it" })

    // withdrawing the network's access takes the grant away
    const unshared = await cliOk<DocJson>(a.dataDir, ['unshare', practice.id, '--network', network])
    expect(unshared.grants).toEqual([])
  })

  it('a member that leaves is no longer on anyone\'s roster', async () => {
    const left = await cliOk<NetworkJson>(b.dataDir, ['network', 'leave', network])
    expect(left).toMatchObject({ id: network, role: 'removed' })
    await rosterConverged([f, a], network, [f, a], 'F and A no longer list B')
  })
})
