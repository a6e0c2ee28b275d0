/**
 * Acceptance (issue 14): a malicious editor, a member with an `edit` grant that runs its own
 * software and crafts its own signed envelopes, cannot alter another organisation's change while
 * relaying it, write with another organisation's client id, claim clock ranges that erase or
 * silence another organisation's edits (whether the honest nodes are connected or partitioned when
 * it arrives), or replay an old envelope as new. Every honest node refuses; no acknowledged edit
 * of an honest organisation is lost anywhere; the honest organisations' later edits reach everyone.
 *
 * A (owner), B and C (editors) are real nodes in this process; R is a raw libp2p peer with its own
 * identity and an edit grant, speaking the sync protocol by hand. The tests run in order and share
 * the nodes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { CommonplaceNode } from '@commonplace/node'
import { decodeEnvelope, signedItemKind, ENVELOPE_KIND } from '@commonplace/core'
import type { DocId, OrgId } from '@commonplace/core'
import type { ErrorMessage, Message, ReplyMessage } from '@commonplace/sync'
import type { Libp2p, PrivateKey } from '@libp2p/interface'
import { appendSection } from '@commonplace/record'
import { chainAfter, itemUpdate, orgOf, selfSigned, signRaw } from '../helpers/rogue-envelopes.ts'
import { rawPeer, rogueSession } from '../helpers/rogue-wire.ts'
import type { RogueSession } from '../helpers/rogue-wire.ts'
import { startInProcess, until } from '../helpers/in-process.ts'

const TITLE = 'Vaccine fridge cold-chain breach: first-hour checklist'
const PRACTICE = 'Quarantine the stock and record the minimum and maximum readings.'
const A_EDIT = 'Riverside adds: call the manufacturer before any dose is given.'
const B_EDIT = 'Hillview adds: a data logger in every fridge.'
const R_EDIT = 'Northgate adds: the fridge log lives on the fridge door.'
const A_LATER = 'Riverside adds, later: breaches go to the PCN board every quarter.'
const C_LATER = 'Canal Street adds, later: the second key stays with the duty nurse.'

describe('a malicious editor crafting its own envelopes', () => {
  const dirs = new Map<string, string>()
  const running = new Map<string, CommonplaceNode>()
  let rogueKey: PrivateKey
  let rogue: Libp2p
  let rogueOrg: OrgId
  /** The owner's organisation (its node restarts; its id stays). */
  let owner: OrgId
  let id: DocId
  /** A's envelopes as R was served them, and the rogue's own chain so far. */
  let served: Uint8Array[] = []
  let own: { seq: number, prev: Uint8Array } | undefined

  /** Start (or restart, on the same data folder) an honest node. */
  async function start (name: string): Promise<CommonplaceNode> {
    const node = await startInProcess(name, dirs)
    running.set(name, node)
    return node
  }
  const node = (name: string): CommonplaceNode => running.get(name)!
  const honest = (): CommonplaceNode[] => [...running.values()]

  beforeAll(async () => {
    const [a, b, c] = [await start('Riverside Surgery'), await start('Hillview Medical Practice'), await start('Canal Street Health Centre')]
    rogueKey = await generateKeyPair('Ed25519')
    rogueOrg = orgOf(rogueKey)
    rogue = await rawPeer(rogueKey)
    owner = a.orgId
    id = (await a.api.createDoc({ title: TITLE, sections: [{ heading: 'Practice', text: PRACTICE }] })).id as DocId
    for (const org of [b.orgId, c.orgId, rogueOrg]) await a.api.share(id, { with: org, role: 'edit' })
    await b.api.connect(a.listenAddresses()[0])
    await c.api.connect(a.listenAddresses()[0])
    await a.api.editDoc(id, { append: { section: 'Practice', text: A_EDIT } })
    await until(honest(), async () => (await Promise.all(honest().map(async n => await textOf(n)))).every(t => t.includes(A_EDIT)))
    await b.api.editDoc(id, { append: { section: 'Practice', text: B_EDIT } })
    await converged([A_EDIT, B_EDIT])
  })

  afterAll(async () => {
    await rogue?.stop()
    await Promise.all(honest().map(async n => { await n.stop().catch(() => {}) }))
  })

  /** The document's sections as a node's local API shows them. */
  async function textOf (n: CommonplaceNode): Promise<string> {
    if (!n.store.has(id)) return ''
    return (await n.api.getDoc(id)).sections.map(s => s.markdown).join('\n\n')
  }

  /** Wait until every running honest node holds the same copy, with every one of `texts` in it. */
  async function converged (texts: string[]): Promise<void> {
    await until(honest(), async () => {
      const all = await Promise.all(honest().map(async n => await textOf(n)))
      const digests = new Set(honest().map(n => Buffer.from(n.store.digest(id)).toString('hex')))
      return digests.size === 1 && all.every(t => texts.every(x => t.includes(x)))
    })
  }

  /** R's session with a node, after it asked for the document and got the node's REPLY. */
  async function attach (target: CommonplaceNode): Promise<{ session: RogueSession, reply: ReplyMessage }> {
    const session = await rogueSession(rogue, target.listenAddresses()[0])
    session.send([{ type: 'want', doc: id, holdings: { vector: {} } }])
    const [reply] = await session.matching((m): m is ReplyMessage => m.type === 'reply' && m.doc === id, 1)
    return { session, reply }
  }

  /** Send items; wait for one ERROR per item; check nothing changed at the node. */
  async function refusedBy (target: CommonplaceNode, session: RogueSession, items: Uint8Array[]): Promise<string[]> {
    const digest = Buffer.from(target.store.digest(id)).toString('hex')
    const vector = target.store.envelopeVector(id)
    const isError = (m: Message): m is ErrorMessage => m.type === 'error' && m.doc === id
    const already = session.received.filter(isError).length
    session.send([{ type: 'envelopes', doc: id, items, more: false }])
    const errors = (await session.matching(isError, already + items.length)).slice(already)
    expect(Buffer.from(target.store.digest(id)).toString('hex')).toBe(digest)
    expect(target.store.envelopeVector(id)).toEqual(vector)
    return errors.map(e => e.code)
  }

  /** A's latest envelope among the items served, and the client it writes with. */
  function latestOfA (items: Uint8Array[]): { bytes: Uint8Array, client: number, nonce: number, base: Uint8Array } {
    const mine = items.filter(i => signedItemKind(i) === ENVELOPE_KIND).map(i => decodeEnvelope(i)).filter(e => e.signer === owner && e.clients.length > 0)
    const last = mine[mine.length - 1]
    const base = new Y.Doc()
    for (const item of items) Y.applyUpdate(base, itemUpdate(item))
    return { bytes: last.bytes, client: last.clients[0].client, nonce: last.clients[0].nonce, base: Y.encodeStateAsUpdate(base) }
  }

  it('may edit like any editor: its own signed change reaches every honest node', async () => {
    const { session, reply } = await attach(node('Hillview Medical Practice'))
    served = reply.items
    const { base } = latestOfA(served)
    const item = await selfSigned(rogueKey, id, base, d => { appendText(d, R_EDIT) })
    session.send([{ type: 'envelopes', doc: id, items: [item], more: false }])
    own = await chainAfter(item)
    await converged([A_EDIT, B_EDIT, R_EDIT])
    await session.close()
  })

  it('cannot alter another organisation\'s change while relaying it, nor pass it off as its own', async () => {
    const c = node('Canal Street Health Centre')
    const { session } = await attach(c)
    const { bytes } = latestOfA(served)
    const altered = bytes.slice()
    altered[altered.length - 65] ^= 0x01 // the last byte of the signed update
    const resigned = await signRaw(rogueKey, id, decodeEnvelope(bytes).update, { ...own })
    expect(await refusedBy(c, session, [altered, resigned])).toEqual(['ERR_ENVELOPE_SIGNATURE', 'ERR_FOREIGN_CLIENT'])
    await session.close()
  })

  it('cannot write with another organisation\'s client id', async () => {
    const a = node('Riverside Surgery')
    const { session } = await attach(a)
    const { client, nonce, base } = latestOfA(served)
    const asA = await selfSigned(rogueKey, id, base, d => { appendText(d, 'written as Riverside') }, { ...own, client, clients: [{ client, nonce }] })
    const unlisted = await selfSigned(rogueKey, id, base, d => { appendText(d, 'written as Riverside') }, { ...own, client, clients: [] })
    expect(await refusedBy(a, session, [asA, unlisted])).toEqual(['ERR_FOREIGN_CLIENT', 'ERR_FOREIGN_CLIENT'])
    await session.close()
  })

  it('cannot claim clock ranges that erase or silence an honest organisation\'s edits, honest nodes connected', async () => {
    const b = node('Hillview Medical Practice')
    const { session, reply } = await attach(b)
    const { client } = latestOfA(reply.items)
    const clock = Y.decodeStateVector(Y.encodeStateVector(docOf(reply.items))).get(client) ?? 0
    const items = await Promise.all([
      signRaw(rogueKey, id, gcRange(client, 0, clock), { ...own }), // erase what A wrote
      signRaw(rogueKey, id, gcRange(client, clock, 10_000), { ...own }) // silence what A writes next
    ])
    expect(await refusedBy(b, session, items)).toEqual(['ERR_FOREIGN_CLIENT', 'ERR_FOREIGN_CLIENT'])
    await session.close()
    await node('Riverside Surgery').api.editDoc(id, { append: { section: 'Practice', text: A_LATER } })
    await converged([A_EDIT, B_EDIT, R_EDIT, A_LATER])
  })

  it('cannot do so either while an honest node is partitioned from the others, and nothing acknowledged is lost', async () => {
    // B alone: A and C are stopped, so nothing B accepted could be corrected by them at once
    for (const name of ['Riverside Surgery', 'Canal Street Health Centre']) {
      await node(name).stop()
      running.delete(name)
    }
    const b = node('Hillview Medical Practice')
    const { session, reply } = await attach(b)
    const { client } = latestOfA(reply.items)
    const clock = Y.decodeStateVector(Y.encodeStateVector(docOf(reply.items))).get(client) ?? 0
    const items = await Promise.all([
      signRaw(rogueKey, id, gcRange(client, 0, clock), { ...own }),
      signRaw(rogueKey, id, gcRange(client, clock, 10_000), { ...own })
    ])
    expect(await refusedBy(b, session, items)).toEqual(['ERR_FOREIGN_CLIENT', 'ERR_FOREIGN_CLIENT'])
    await session.close()

    const a = await start('Riverside Surgery')
    const c = await start('Canal Street Health Centre')
    await b.api.connect(a.listenAddresses()[0])
    await c.api.connect(b.listenAddresses()[0])
    await c.api.editDoc(id, { append: { section: 'Practice', text: C_LATER } })
    await converged([A_EDIT, B_EDIT, R_EDIT, A_LATER, C_LATER])
  })

  it('cannot replay an old envelope as new: the copies stay as they are', async () => {
    const c = node('Canal Street Health Centre')
    const { session } = await attach(c)
    const before = { digest: Buffer.from(c.store.digest(id)).toString('hex'), vector: c.store.envelopeVector(id) }
    const oldest = served.filter(i => signedItemKind(i) === ENVELOPE_KIND)
    // its own old change again under a seq it already used, with another body (equivocation)
    const twice = await selfSigned(rogueKey, id, Y.encodeStateAsUpdate(docOf(served)), d => { appendText(d, 'replayed') }, { seq: 1 })
    // C answers the WANT after it handled the ENVELOPES before it in the frame
    const isReply = (m: Message): m is ReplyMessage => m.type === 'reply' && m.doc === id
    session.send([{ type: 'envelopes', doc: id, items: [...oldest, twice], more: false }, { type: 'want', doc: id, holdings: c.store.envelopeVector(id) }])
    await session.matching(isReply, 2)
    expect(Buffer.from(c.store.digest(id)).toString('hex')).toBe(before.digest)
    expect(c.store.envelopeVector(id)).toEqual(before.vector)
    expect(await textOf(c)).not.toContain('replayed')
    await session.close()
    await node('Hillview Medical Practice').api.editDoc(id, { append: { section: 'Practice', text: 'Hillview adds, last: checked monthly.' } })
    await converged([A_EDIT, B_EDIT, R_EDIT, A_LATER, C_LATER, 'checked monthly'])
  })
})

/** Append a section to the record, as an editor of any software could. */
function appendText (d: Y.Doc, text: string): void {
  appendSection(d, 'Northgate Pharmacy', text)
}

/** A Yjs document with the updates of every signed item applied. */
function docOf (items: Uint8Array[]): Y.Doc {
  const d = new Y.Doc()
  for (const item of items) Y.applyUpdate(d, itemUpdate(item))
  return d
}

/** A Yjs v1 update of a few bytes: one GC struct of `client` over [clock, clock + length), no deletions. */
function gcRange (client: number, clock: number, length: number): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 1) // one client
  encoding.writeVarUint(e, 1) // one struct
  encoding.writeVarUint(e, client)
  encoding.writeVarUint(e, clock)
  encoding.writeUint8(e, 0) // GC
  encoding.writeVarUint(e, Math.max(1, length))
  encoding.writeVarUint(e, 0) // an empty delete set
  return encoding.toUint8Array(e)
}
