import { describe, it, expect, afterEach } from 'vitest'
import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { prefixLogger } from '@libp2p/logger'
import type { DocumentStore } from '@commonplace/core'
import { createNode, FILES } from '../src/index.ts'
import type { CommonplaceNode } from '../src/index.ts'

const dirs: string[] = []
const running: CommonplaceNode[] = []

async function start (name: string, dataDir = mkdtempSync(join(tmpdir(), 'cp-node-'))): Promise<CommonplaceNode> {
  dirs.push(dataDir)
  const node = await createNode({
    dataDir, name, listen: ['/ip4/127.0.0.1/tcp/0'], http: { host: '127.0.0.1', port: 0 }, logger: prefixLogger(name)
  })
  await node.start()
  running.push(node)
  return node
}

async function stop (node: CommonplaceNode): Promise<void> {
  running.splice(running.indexOf(node), 1)
  await node.stop()
}

/** Resolve once `check()` holds, checked after every change and every write (index entries such as the title are updated when written). */
async function until (stores: DocumentStore[], check: () => boolean): Promise<void> {
  if (check()) return
  await new Promise<void>(resolve => {
    const test = (): void => { queueMicrotask(() => { if (check()) { offs.forEach(off => { off() }); resolve() } }) }
    const offs = stores.flatMap(s => [s.onChange(test), s.onDurable(test)])
  })
}

afterEach(async () => {
  await Promise.all(running.splice(0).map(async n => { await n.stop() }))
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('createNode', () => {
  it('creates the identity readable only by its owner and keeps it, and the documents, across a restart', async () => {
    const a = await start('Riverside Surgery')
    const dataDir = dirs[0]
    expect(statSync(dataDir).mode & 0o777).toBe(0o700)
    expect(statSync(join(dataDir, FILES.identity)).mode & 0o777).toBe(0o600)
    expect(statSync(join(dataDir, FILES.token)).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(join(dataDir, FILES.nodeInfo), 'utf8'))).toMatchObject({ orgId: a.orgId, api: a.apiUrl })
    const doc = await a.api.createDoc({ title: 'Repeat prescription requests: 2-working-day turnaround', sections: [{ heading: 'Practice', text: 'Requests logged by 11:00 are ready in two working days.' }] })
    const orgId = a.orgId
    await stop(a)
    const again = await start('Riverside Surgery', dataDir)
    expect(again.orgId).toBe(orgId)
    const view = await again.api.getDoc(doc.id)
    expect(view.title).toBe('Repeat prescription requests: 2-working-day turnaround')
    expect(view.sections[0].markdown).toBe('Requests logged by 11:00 are ready in two working days.')
  })

  it('refuses a second node on a data folder that is in use', async () => {
    await start('Hillview')
    await expect(createNode({ dataDir: dirs[0], listen: ['/ip4/127.0.0.1/tcp/0'], http: { host: '127.0.0.1', port: 0 } }))
      .rejects.toMatchObject({ name: 'DataFolderInUseError', code: 'ERR_DATA_FOLDER_IN_USE' })
  })

  it('shares through the local API: the grantee receives the document, a reader cannot edit it', async () => {
    const a = await start('Canal Street Health Centre')
    const b = await start('Hillview Medical Practice')
    const doc = await a.api.createDoc({ title: 'Vaccine fridge cold-chain breach: first-hour checklist', sections: [{ heading: 'Checklist', text: '- [ ] Isolate the fridge\n- [ ] Record min/max' }] })
    await a.api.share(doc.id, { with: b.orgId, role: 'read' })
    const peer = await b.api.connect(a.listenAddresses()[0])
    expect(peer.orgId).toBe(a.orgId)
    await until([b.store], () => b.store.info(doc.id)?.title === 'Vaccine fridge cold-chain breach: first-hour checklist')
    const view = await b.api.getDoc(doc.id)
    expect(view.access).toBe('read')
    expect(view.sections[0].markdown).toContain('- [ ] Isolate the fridge')
    await expect(b.api.editDoc(doc.id, { title: 'Changed' })).rejects.toMatchObject({ code: 'ERR_READ_ONLY' })
    await expect(b.api.share(doc.id, { with: a.orgId, role: 'edit' })).rejects.toMatchObject({ code: 'ERR_FORBIDDEN' })
    expect((await a.api.getDoc(doc.id)).title).toBe('Vaccine fridge cold-chain breach: first-hour checklist')
    const names = (await b.api.peers()).map(p => p.name)
    expect(names).toContain('Canal Street Health Centre')
  })
  it('says who wrote each section, from the signed changes, on both nodes', async () => {
    const a = await start('Riverside Surgery')
    const b = await start('Hillview Medical Practice')
    const doc = await a.api.createDoc({ title: 'Site induction', sections: [{ heading: 'Checklist', text: 'Boots.' }, { heading: 'Visitors', text: 'Sign in.' }] })
    await a.api.share(doc.id, { with: b.orgId, role: 'edit' })
    await b.api.connect(a.listenAddresses()[0])
    await until([b.store], () => b.store.has(doc.id) && b.store.read(doc.id, d => d.getArray('sections').length) === 2)
    await b.api.editDoc(doc.id, { append: { section: 'Checklist', text: 'Hard hats on the first floor.' } })
    const wanted = [{ org: b.orgId, chars: 'Hard hats on the first floor.'.length }, { org: a.orgId, chars: 'Checklist'.length + 'Boots.'.length }]
    await until([a.store], () => a.store.read(doc.id, d => JSON.stringify(d.toJSON())).includes('Hard hats'))
    for (const node of [a, b]) {
      const view = await node.api.getDoc(doc.id)
      expect(view.sections[0].authors).toEqual(wanted)
      expect(view.sections[1].authors).toEqual([{ org: a.orgId, chars: 'Visitors'.length + 'Sign in.'.length }])
    }
  })
})
