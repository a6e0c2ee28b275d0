import { join } from 'node:path'
import { describe, it, expect, afterEach } from 'vitest'
import { sqliteStore } from '@commonplace/storage'
import { befriend, dataDirOf, startNode, stopAll, stopNode, until } from './directory-nodes.ts'
import type { CommonplaceNode } from '../src/index.ts'

afterEach(stopAll)

/** The organisations a stopped node's data folder says are still owed a document (its `dw/` rows). */
const owedIn = (dataDir: string): string[] => {
  const storage = sqliteStore({ path: join(dataDir, 'commonplace.db') })
  try {
    return storage.range({ gte: 'dw/', lt: 'dw0' }).map(([key]) => key.slice('dw/'.length))
  } finally {
    storage.close()
  }
}

const noticesOf = async (node: CommonplaceNode): Promise<string[]> => (await node.api.notices()).map(n => n.text)

describe('sharing by name', () => {
  it('delivers a document shared by name to a contact that is not connected, with a notice there', async () => {
    const riverside = await startNode('Riverside Surgery')
    const hillview = await startNode('Hillview Medical Practice')
    await befriend(hillview, riverside)
    await Promise.all(riverside.libp2p.getConnections().map(async c => { await c.close() }))
    await until([riverside, hillview], () => hillview.libp2p.getConnections().length === 0, 'no connection')

    const doc = await riverside.api.createDoc({ title: 'Handwashing', sections: [{ heading: 'Why', text: 'It stops infections.' }] })
    const shared = await riverside.api.share(doc.id, { with: 'hillview medical practice', role: 'edit' })
    expect(shared.grants).toMatchObject([{ to: hillview.orgId, name: 'Hillview Medical Practice', role: 'edit', issuerName: 'Riverside Surgery' }])
    await until([riverside, hillview], () => hillview.store.has(doc.id) && hillview.store.info(doc.id)?.title === 'Handwashing', 'the document reached Hillview')
    await until([riverside, hillview], async () => (await noticesOf(hillview)).includes('Riverside Surgery shared "Handwashing" with you'), 'the notice')
    const notice = (await hillview.api.notices())[0]
    expect(notice).toMatchObject({ kind: 'shared', org: riverside.orgId, doc: doc.id, docTitle: 'Handwashing', read: false })
    expect((await hillview.api.readNotices([notice.id]))[0].read).toBe(true)
    await until([riverside, hillview], async () => (await riverside.api.getDoc(doc.id)).grants[0].delivery?.state === 'delivered', 'delivered')
    expect((await hillview.api.listDocs())[0]).toMatchObject({ id: doc.id, ownerName: 'Riverside Surgery' })

    // started again, Hillview is not told again when the document changes, only of a new one
    const dir = dataDirOf(hillview)
    await stopNode(hillview)
    const again = await startNode('Hillview Medical Practice', dir)
    await riverside.api.editDoc(doc.id, { append: { section: 'Why', text: 'And it is quick.' } })
    const second = await riverside.api.createDoc({ title: 'Sharps disposal' })
    await riverside.api.share(second.id, { with: again.orgId, role: 'read' })
    await until([riverside, again], async () => (await noticesOf(again)).includes('Riverside Surgery shared "Sharps disposal" with you'), 'the second notice')
    await until([riverside, again], async () => (await again.api.getDoc(doc.id)).sections[0].markdown.includes('quick'), 'the edit reached Hillview')
    expect((await noticesOf(again)).filter(text => text.includes('shared'))).toEqual([
      'Riverside Surgery shared "Sharps disposal" with you',
      'Riverside Surgery shared "Handwashing" with you'
    ])
  })

  it('gives a contact no document that is not shared with it', async () => {
    const riverside = await startNode('Riverside Surgery')
    const hillview = await startNode('Hillview Medical Practice')
    await befriend(hillview, riverside)
    const secret = await riverside.api.createDoc({ title: 'Staff rota' })
    const open = await riverside.api.createDoc({ title: 'Handwashing' })
    await riverside.api.share(open.id, { with: hillview.orgId, role: 'read' })
    await until([riverside, hillview], async () => (await riverside.api.getDoc(open.id)).grants[0].delivery?.state === 'delivered', 'delivered')
    expect(hillview.store.has(open.id)).toBe(true)
    expect(hillview.store.has(secret.id)).toBe(false)
    expect((await hillview.api.listDocs()).map(d => d.id)).toEqual([open.id])
  })

  it('refuses a name nobody has, and one that several have', async () => {
    const riverside = await startNode('Riverside Surgery')
    const doc = await riverside.api.createDoc({ title: 'Handwashing' })
    await expect(riverside.api.share(doc.id, { with: 'Lakeside Clinic', role: 'read' })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT', message: expect.stringContaining('No organisation or network called "Lakeside Clinic"') })
    await riverside.api.createNetwork({ name: 'Hillview' })
    const hillview = await startNode('Hillview')
    await riverside.api.addContact({ card: (await hillview.api.card()).code })
    await expect(riverside.api.share(doc.id, { with: 'hillview', role: 'read' })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT', message: expect.stringContaining('Several entries') })
    expect((await riverside.api.getDoc(doc.id)).grants).toEqual([])
  })

  it('says since when a contact is unreachable, and delivers once its node starts', async () => {
    const riverside = await startNode('Riverside Surgery')
    let hillview = await startNode('Hillview Medical Practice')
    await befriend(hillview, riverside)
    const dataDir = dataDirOf(hillview)
    await stopNode(hillview)
    const doc = await riverside.api.createDoc({ title: 'Repeat prescribing' })
    await riverside.api.share(doc.id, { with: 'Hillview Medical Practice', role: 'read' })
    await until([riverside], async () => (await riverside.api.getDoc(doc.id)).grants[0].delivery?.state === 'unreachable', 'unreachable')
    const delivery = (await riverside.api.getDoc(doc.id)).grants[0].delivery
    expect(Date.parse(delivery?.since ?? '')).toBeLessThanOrEqual(Date.now())

    hillview = await startNode('Hillview Medical Practice', dataDir)
    await until([riverside, hillview], () => hillview.store.has(doc.id) && hillview.store.info(doc.id)?.title === 'Repeat prescribing', 'the document reached Hillview')
    await until([riverside, hillview], async () => (await noticesOf(hillview)).includes('Riverside Surgery shared "Repeat prescribing" with you'), 'the notice')
  })

  it('delivers a change made at an organisation the document is shared with to its owner, which was away', async () => {
    let riverside = await startNode('Riverside Surgery')
    const hillview = await startNode('Hillview Medical Practice')
    await befriend(hillview, riverside)
    const settled: string[] = []
    const offSettled = riverside.events(event => { if (event.type === 'delivery') settled.push(event.org) })
    const doc = await riverside.api.createDoc({ title: 'Handwashing', sections: [{ heading: 'Why', text: 'It stops infections.' }] })
    await riverside.api.share(doc.id, { with: 'Hillview Medical Practice', role: 'edit' })
    await until([riverside, hillview], () => settled.includes(hillview.orgId), 'Riverside owes Hillview nothing')
    offSettled()
    const riversideDir = dataDirOf(riverside)
    await stopNode(riverside)
    expect(owedIn(riversideDir)).toEqual([])

    const delivered: string[] = []
    const off = hillview.events(event => { if (event.type === 'delivery') delivered.push(event.org) })
    // Hillview edits while Riverside is away: Riverside is owed the change, on disk as an owner's grantee is
    await hillview.api.editDoc(doc.id, { append: { section: 'Why', text: 'Twenty seconds with soap.' } })
    await until([hillview], () => hillview.libp2p.getConnections().length === 0, 'no connection')
    // started again, Riverside owes no one anything and dials no one: Hillview dials it
    const dialled: string[] = []
    hillview.libp2p.addEventListener('connection:open', evt => { if (evt.detail.direction === 'outbound') dialled.push(evt.detail.remotePeer.toString()) })
    riverside = await startNode('Riverside Surgery', riversideDir)
    await until([riverside, hillview], async () => (await riverside.api.getDoc(doc.id)).sections[0].markdown.includes('Twenty seconds with soap.'), 'the edit reached Riverside')
    expect(dialled).toContain(riverside.orgId)
    const hillviewDir = dataDirOf(hillview)
    await until([riverside, hillview], () => delivered.includes(riverside.orgId), 'Hillview told that Riverside has its change')
    off()
    await stopNode(hillview)
    expect(owedIn(hillviewDir)).toEqual([])
  })

  it('remembers across a restart who is still owed a document, dials it, and forgets it once it has the document', async () => {
    let riverside = await startNode('Riverside Surgery')
    let hillview = await startNode('Hillview Medical Practice')
    await befriend(hillview, riverside)
    const riversideDir = dataDirOf(riverside)
    const hillviewDir = dataDirOf(hillview)
    await stopNode(hillview)
    const doc = await riverside.api.createDoc({ title: 'Cold-chain breach: first hour' })
    await riverside.api.share(doc.id, { with: 'Hillview Medical Practice', role: 'read' })
    await stopNode(riverside)
    expect(owedIn(riversideDir)).toEqual([hillview.orgId])

    // started again, Riverside dials Hillview by itself (Hillview dials no one): the row said it is owed
    riverside = await startNode('Riverside Surgery', riversideDir)
    hillview = await startNode('Hillview Medical Practice', hillviewDir)
    await until([riverside, hillview], () => hillview.store.info(doc.id)?.title === 'Cold-chain breach: first hour', 'the document reached Hillview')
    expect(riverside.libp2p.getConnections(hillview.libp2p.peerId).some(c => c.direction === 'outbound')).toBe(true)
    await until([riverside, hillview], async () => (await riverside.api.getDoc(doc.id)).grants[0].delivery?.state === 'delivered', 'delivered')
    await stopNode(riverside)
    expect(owedIn(riversideDir)).toEqual([])
  })
})
