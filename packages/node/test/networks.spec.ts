import { describe, it, expect, afterEach } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { prefixLogger } from '@libp2p/logger'
import { createNode } from '../src/index.ts'
import type { CommonplaceNode } from '../src/index.ts'

const dirs: string[] = []
const running: CommonplaceNode[] = []

/** Ports of each data folder's last run: a restarted node listens where its peers last saw it. */
const ports = new Map<string, string>()

async function start (name: string, dataDir = mkdtempSync(join(tmpdir(), 'cp-net-')), options: { listen?: string[], relay?: boolean } = {}): Promise<CommonplaceNode> {
  if (!dirs.includes(dataDir)) dirs.push(dataDir)
  const node = await createNode({
    dataDir,
    name,
    listen: options.listen ?? [`/ip4/127.0.0.1/tcp/${ports.get(dataDir) ?? 0}`],
    http: { host: '127.0.0.1', port: 0 },
    logger: prefixLogger(name),
    mdns: false,
    web: false,
    relay: options.relay,
    // every node of the test is on 127.0.0.1: lift the per-host inbound rate limit
    connectionManager: { inboundConnectionThreshold: Infinity }
  })
  await node.start()
  const tcp = node.listenAddresses().find(a => a.startsWith('/ip4/') && !a.includes('p2p-circuit'))
  if (tcp != null) ports.set(dataDir, tcp.split('/')[4])
  running.push(node)
  return node
}

/** Resolve when `check` holds, re-checking on every event of the nodes (documents, sessions, rosters, connections). */
async function until (nodes: CommonplaceNode[], check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  if (await check()) return
  await new Promise<void>((resolve, reject) => {
    let done = false
    const offs: Array<() => void> = []
    const timer = setTimeout(() => { finish(); reject(new Error(`timed out waiting for: ${what}`)) }, 20_000)
    const finish = (): void => { done = true; clearTimeout(timer); offs.forEach(off => { off() }) }
    const again = (): void => {
      if (done) return
      Promise.resolve(check()).then(ok => { if (ok && !done) { finish(); resolve() } }, () => {})
    }
    for (const n of nodes) {
      offs.push(n.events(() => { setImmediate(again) }))
      const onConnection = (): void => { setImmediate(again) }
      n.libp2p.addEventListener('connection:open', onConnection)
      n.libp2p.addEventListener('connection:close', onConnection)
      offs.push(() => {
        n.libp2p.removeEventListener('connection:open', onConnection)
        n.libp2p.removeEventListener('connection:close', onConnection)
      })
    }
  })
}

async function stop (node: CommonplaceNode): Promise<void> {
  running.splice(running.indexOf(node), 1)
  await node.stop()
}

const text = (node: CommonplaceNode, id: string): string => {
  return node.store.has(id as never) ? node.store.read(id as never, doc => JSON.stringify(doc.getArray('sections').toJSON())) : ''
}

afterEach(async () => {
  await Promise.all(running.splice(0).map(async n => { await n.stop() }))
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('learning networks (in one process)', () => {
  it('members join with a code alone, find each other from the roster, and a network document reaches every member', async () => {
    const f = await start('Northside PCN facilitator')
    const a = await start('Riverside Surgery')
    const b = await start('Hillview Medical Practice')
    const net = await f.api.createNetwork({ name: 'Northside Primary Care Network' })
    expect(net.role).toBe('facilitator')
    const codeA = await f.api.invite(net.id, {})
    const codeB = await f.api.invite(net.id, {})
    expect((await f.api.invitations(net.id)).map(i => i.id).sort()).toEqual([codeA.id, codeB.id].sort())
    expect(await a.api.join(codeA.code)).toMatchObject({ status: 'joined' })
    expect(await b.api.join(codeB.code)).toMatchObject({ status: 'joined' })
    await until([a, b, f], async () => (await a.api.members(net.id)).length === 3 && (await b.api.members(net.id)).length === 3, 'rosters of three')
    // used codes are no longer outstanding; only a facilitator sees the list
    await until([f], async () => (await f.api.invitations(net.id)).length === 0, 'no outstanding invitation')
    await expect(a.api.invitations(net.id)).rejects.toMatchObject({ code: 'ERR_FORBIDDEN' })
    // A and B were never connected by hand
    await until([a, b], () => a.libp2p.getConnections(b.libp2p.peerId).length > 0 || b.libp2p.getConnections(a.libp2p.peerId).length > 0, 'A and B connected')

    const doc = await a.api.createDoc({ title: 'Repeat prescribing', sections: [{ heading: 'Practice', text: 'Pharmacy confirms by message.' }] })
    await a.api.share(doc.id, { with: net.id, role: 'edit' })
    await until([b, f], () => text(b, doc.id).includes('Pharmacy confirms') && text(f, doc.id).includes('Pharmacy confirms'), 'B and F hold the document')
    await b.api.editDoc(doc.id, { append: { section: 'Practice', text: 'Hillview adds a second check.' } })
    await until([a], () => text(a, doc.id).includes('second check'), "A holds B's edit")

    // a used code and an expired code are refused, distinctly
    const c = await start('Lakeside Clinic')
    await expect(c.api.join(codeA.code)).rejects.toMatchObject({ code: 'ERR_INVITATION_USED' })
    const short = await f.api.invite(net.id, { expires: '1ms' })
    await expect(c.api.join(short.code)).rejects.toMatchObject({ code: 'ERR_INVITATION_EXPIRED' })
    expect(await c.api.listNetworks()).toEqual([])
    expect(c.store.has(doc.id)).toBe(false)
  })

  it('refuses a stranger at the gater, and a removed member is cut off and its later edits are undone everywhere', async () => {
    const f = await start('Facilitator')
    const a = await start('Riverside Surgery')
    const d = await start('Northgate Pharmacy')
    const x = await start('Stranger')
    const net = await f.api.createNetwork({ name: 'Cluster' })
    await a.api.join((await f.api.invite(net.id, {})).code)
    await d.api.join((await f.api.invite(net.id, {})).code)
    await until([a, d, f], async () => (await d.api.members(net.id)).length === 3 && (await a.api.members(net.id)).length === 3, 'rosters')
    const doc = await a.api.createDoc({ title: 'Site induction', sections: [{ heading: 'Checklist', text: 'Boots.' }] })
    await a.api.share(doc.id, { with: net.id, role: 'edit' })
    await until([d, f], () => text(d, doc.id).includes('Boots') && text(f, doc.id).includes('Boots'), 'D and F hold it')
    await d.api.editDoc(doc.id, { append: { section: 'Checklist', text: 'Before removal.' } })
    await until([a, f], () => text(a, doc.id).includes('Before removal') && text(f, doc.id).includes('Before removal'), "D's early edit everywhere")

    await expect(x.api.connect(a.listenAddresses()[0])).rejects.toMatchObject({ code: 'ERR_CONNECTION_FAILED' })
    expect(x.store.has(doc.id)).toBe(false)

    await f.api.removeMember(net.id, d.orgId)
    await until([a, d], () => a.libp2p.getConnections(d.libp2p.peerId).length === 0 && f.libp2p.getConnections(d.libp2p.peerId).length === 0, 'D disconnected')
    // D was told before its connections closed: it knows, and may no longer edit the network's document
    await until([d], async () => (await d.api.listNetworks())[0]?.role === 'removed', 'D knows it was removed')
    await expect(d.api.editDoc(doc.id, { append: { section: 'Checklist', text: 'After removal.' } })).rejects.toMatchObject({ code: 'ERR_READ_ONLY' })
    await expect(d.api.connect(a.listenAddresses()[0])).rejects.toMatchObject({ code: 'ERR_CONNECTION_FAILED' })
    expect(text(a, doc.id)).toContain('Before removal')
    expect(text(a, doc.id)).not.toContain('After removal')
  })

  it('dials a member again when its connection drops, with nobody asking', async () => {
    const f = await start('Facilitator')
    const a = await start('Riverside Surgery')
    const net = await f.api.createNetwork({ name: 'Cluster' })
    await a.api.join((await f.api.invite(net.id, {})).code)
    const connected = (): boolean => f.libp2p.getConnections(a.libp2p.peerId).length > 0
    await until([a, f], connected, 'A and F connected')
    // a reset: the connection closes on both sides, no roster changes, no discovery
    await f.libp2p.hangUp(a.libp2p.peerId)
    expect(connected()).toBe(false)
    await until([a, f], connected, 'A and F connected again')
  })

  it('tells a member removed while it was offline, once it is back, and it then stops dialling', async () => {
    const f = await start('Facilitator')
    const a = await start('Riverside Surgery')
    let d = await start('Northgate Pharmacy')
    const dDir = dirs[dirs.length - 1]
    const net = await f.api.createNetwork({ name: 'Cluster' })
    await a.api.join((await f.api.invite(net.id, {})).code)
    await d.api.join((await f.api.invite(net.id, {})).code)
    await until([a, d, f], async () => (await d.api.members(net.id)).length === 3, "D's roster of three")
    // F knows where D is (its presence): that is where F looks for it after the removal
    await until([d, f], async () => ((await f.api.members(net.id)).find(m => m.orgId === d.orgId)?.addresses.length ?? 0) > 0, "F holds D's presence")
    await stop(d)
    await f.api.removeMember(net.id, d.orgId)
    d = await start('Northgate Pharmacy', dDir)
    expect((await d.api.listNetworks())[0]?.role).toBe('member')
    await until([d, f], async () => (await d.api.listNetworks())[0]?.role === 'removed', 'D learns it was removed')
    await until([a, d, f], () => d.libp2p.getConnections().length === 0, 'D holds no connection')
  })

  it("undoes a removed member's late edits everywhere, even when they reach a member that has not heard of the removal first", async () => {
    const f = await start('Facilitator')
    const a = await start('Riverside Surgery')
    const b = await start('Hillview Medical Practice')
    const d = await start('Northgate Pharmacy')
    const net = await f.api.createNetwork({ name: 'Cluster' })
    for (const n of [a, b, d]) await n.api.join((await f.api.invite(net.id, {})).code)
    await until([a, b, d, f], async () => (await Promise.all([a, b, d].map(async n => (await n.api.members(net.id)).length))).every(len => len === 4), 'rosters of four')
    const doc = await a.api.createDoc({ title: 'Site induction', sections: [{ heading: 'Checklist', text: 'Boots.' }] })
    await a.api.share(doc.id, { with: net.id, role: 'edit' })
    await until([b, d, f], () => [b, d, f].every(n => text(n, doc.id).includes('Boots')), 'everyone holds it')
    await d.api.editDoc(doc.id, { append: { section: 'Checklist', text: 'Before removal.' } })
    await until([a, b, f], () => [a, b, f].every(n => text(n, doc.id).includes('Before removal')), "D's early edit everywhere")

    const [, aDir, bDir, dDir] = dirs
    // B and D are away when F removes D: neither hears of it
    await stop(b)
    await stop(d)
    await f.api.removeMember(net.id, d.orgId)
    await until([a], async () => (await a.api.members(net.id)).length === 3, 'A holds the removal')
    await stop(a)
    await stop(f)
    // D, still believing it is a member, edits
    const d2 = await start('Northgate Pharmacy', dDir)
    await d2.api.editDoc(doc.id, { append: { section: 'Checklist', text: 'After removal.' }, appendSections: [{ heading: 'Northgate', text: 'Late section.' }] })
    // B comes back knowing nothing of the removal and meets only D; it appends a section after D's late one
    const b2 = await start('Hillview Medical Practice', bDir)
    await until([b2], () => text(b2, doc.id).includes('Late section'), "D's late edit reaches B")
    expect(b2.libp2p.getConnections(d2.libp2p.peerId).length).toBeGreaterThan(0)
    await b2.api.editDoc(doc.id, { appendSections: [{ heading: 'Hillview', text: 'A logger in every fridge.' }] })
    // A comes back; B learns of the removal from A
    const a2 = await start('Riverside Surgery', aDir)
    const late = (n: CommonplaceNode): boolean => text(n, doc.id).includes('After removal') || text(n, doc.id).includes('Late section')
    await until([a2, b2], () => text(b2, doc.id) === text(a2, doc.id) && !late(b2) && b2.libp2p.getConnections(d2.libp2p.peerId).length === 0, 'A and B converge without the late edit, B cut D off')
    expect(text(a2, doc.id)).toContain('Before removal')
    // B's section, built on D's late one while B had not heard of the removal, is kept everywhere
    expect(text(a2, doc.id)).toContain('A logger in every fridge.')
    expect((await b2.api.members(net.id)).map(m => m.orgId)).not.toContain(d.orgId)
  })

  it('under approval a join waits until a facilitator accepts it, and only then does a network document arrive', async () => {
    const f = await start('Facilitator')
    const a = await start('Riverside Surgery')
    const net = await f.api.createNetwork({ name: 'Workplace development network', visibility: 'approval' })
    const doc = await f.api.createDoc({ title: 'Peer review of rotas', sections: [{ heading: 'Practice', text: 'Monthly.' }] })
    await f.api.share(doc.id, { with: net.id, role: 'read' })
    expect(await a.api.join((await f.api.invite(net.id, {})).code)).toMatchObject({ status: 'pending', network: { role: 'pending' } })
    await until([f], async () => (await f.api.requests(net.id)).length === 1, 'F sees the request')
    expect(a.store.has(doc.id)).toBe(false)
    await expect(a.api.accept(net.id, a.orgId)).rejects.toMatchObject({ code: 'ERR_FORBIDDEN' })
    await f.api.accept(net.id, a.orgId)
    await until([a], async () => (await a.api.listNetworks())[0]?.role === 'member' && text(a, doc.id).includes('Monthly'), 'A is a member and holds the document')
    expect(await f.api.requests(net.id)).toEqual([])
  })

  it('two members that cannot be dialled directly reach each other through a member running as a relay', async () => {
    const f = await start('Facilitator (relay)', undefined, { relay: true })
    const net = await f.api.createNetwork({ name: 'Cluster' })
    // each joins from a normal node, then runs listening only through F's relay (as behind NAT)
    const behindNat = async (name: string): Promise<CommonplaceNode> => {
      const dir = mkdtempSync(join(tmpdir(), 'cp-net-'))
      const joiner = await start(name, dir)
      await joiner.api.join((await f.api.invite(net.id, {})).code)
      await stop(joiner)
      const node = await start(name, dir, { listen: [`${f.listenAddresses()[0]}/p2p-circuit`] })
      await until([node], () => node.listenAddresses().some(addr => addr.includes('/p2p-circuit')), `${name} holds a reservation at F`)
      return node
    }
    const a = await behindNat('Riverside Surgery')
    const b = await behindNat('Hillview Medical Practice')
    const doc = await a.api.createDoc({ title: 'Site induction', sections: [{ heading: 'Checklist', text: 'Boots.' }] })
    await a.api.share(doc.id, { with: net.id, role: 'edit' })
    await until([a, b], () => text(b, doc.id).includes('Boots') && a.libp2p.getConnections(b.libp2p.peerId).length > 0, 'B holds the document of A')
    // A and B have no address but the relay's: their connection is relayed
    expect(a.libp2p.getConnections(b.libp2p.peerId).every(c => c.remoteAddr.toString().includes('/p2p-circuit'))).toBe(true)
    await b.api.editDoc(doc.id, { append: { section: 'Checklist', text: 'Hard hats.' } })
    await until([a], () => text(a, doc.id).includes('Hard hats'), "A holds B's edit")
  })
})
