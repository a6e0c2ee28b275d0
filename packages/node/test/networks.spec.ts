import { describe, it, expect, afterEach } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { prefixLogger } from '@libp2p/logger'
import { createNode } from '../src/index.ts'
import type { CommonplaceNode } from '../src/index.ts'

const dirs: string[] = []
const running: CommonplaceNode[] = []

async function start (name: string, dataDir = mkdtempSync(join(tmpdir(), 'cp-net-'))): Promise<CommonplaceNode> {
  if (!dirs.includes(dataDir)) dirs.push(dataDir)
  const node = await createNode({
    dataDir, name, listen: ['/ip4/127.0.0.1/tcp/0'], http: { host: '127.0.0.1', port: 0 }, logger: prefixLogger(name), mdns: false, web: false
  })
  await node.start()
  running.push(node)
  return node
}

/** Resolve when `check` holds, re-checking on every document change and connection event of the nodes. */
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
      offs.push(n.store.onChange(() => { setImmediate(again) }))
      const onEvent = (): void => { setImmediate(again) }
      n.libp2p.addEventListener('peer:connect', onEvent)
      n.libp2p.addEventListener('peer:disconnect', onEvent)
      n.libp2p.services.sync.addEventListener('sync:open', onEvent)
      offs.push(() => {
        n.libp2p.removeEventListener('peer:connect', onEvent)
        n.libp2p.removeEventListener('peer:disconnect', onEvent)
        n.libp2p.services.sync.removeEventListener('sync:open', onEvent)
      })
    }
  })
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
    expect(await a.api.join(codeA.code)).toMatchObject({ status: 'joined' })
    expect(await b.api.join(codeB.code)).toMatchObject({ status: 'joined' })
    await until([a, b, f], async () => (await a.api.members(net.id)).length === 3 && (await b.api.members(net.id)).length === 3, 'rosters of three')
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
    await d.api.editDoc(doc.id, { append: { section: 'Checklist', text: 'After removal.' } })
    await expect(d.api.connect(a.listenAddresses()[0])).rejects.toMatchObject({ code: 'ERR_CONNECTION_FAILED' })
    expect(text(a, doc.id)).toContain('Before removal')
    expect(text(a, doc.id)).not.toContain('After removal')
  })
})
