/**
 * Acceptance (issue 14): a reader relays. A shares a document read-only with B and C; A and C never
 * connect. B receives it from A; A stops; C connects to B and receives it from B. A restarts,
 * reaches only B, and edits; C receives that edit through B. Every change travels as the envelope
 * A signed, and C checks A's signature, not B's: B may only read.
 *
 * Once as separate node processes (the CLI, as a person runs it; the two tests run in order and
 * share the nodes), once in one process (createNode).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CommonplaceNode } from '@commonplace/node'
import type { DocId } from '@commonplace/core'
import { cliOk, listenAddress, peerIds, sectionArgs, showDoc } from '../helpers/cli.ts'
import type { DocJson, DocSummaryJson } from '../helpers/cli.ts'
import { convergedDoc, sectionText } from '../helpers/documents.ts'
import { eventually } from '../helpers/eventually.ts'
import { nodeGroup } from '../helpers/node-process.ts'
import type { NodeProc } from '../helpers/node-process.ts'
import { startInProcess, until } from '../helpers/in-process.ts'
import { killAllChildren } from '../helpers/processes.ts'

const TITLE = 'Care navigation scripts for reception'
const PRACTICE = 'Reception offers three routes: the duty doctor, the practice pharmacist, or self-care advice with a leaflet.'
const A_LATER = 'Riverside adds: the scripts are reviewed with the patient group every spring.'

describe('a reader relays a document and its later changes (separate node processes)', () => {
  const group = nodeGroup()
  let a: NodeProc
  let b: NodeProc
  let c: NodeProc

  beforeAll(async () => {
    [a, b, c] = await group.start('Riverside Surgery', 'Hillview Medical Practice', 'Canal Street Health Centre')
  })

  afterAll(async () => {
    await group.destroyAll()
    await killAllChildren()
  })

  let id = ''

  it('B receives the document from A; with A stopped, C receives it from B, which may only read', async () => {
    const created = await cliOk<DocSummaryJson>(a.dataDir, ['doc', 'create', '--title', TITLE, ...sectionArgs('--section', { Practice: PRACTICE })])
    id = created.id
    await cliOk<DocJson>(a.dataDir, ['share', id, '--with', b.orgId, '--role', 'read'])
    await cliOk<DocJson>(a.dataDir, ['share', id, '--with', c.orgId, '--role', 'read'])

    await cliOk(b.dataDir, ['connect', await listenAddress(a.dataDir)])
    await eventually(async () => {
      const doc = await showDoc(b.dataDir, id)
      expect(doc.sections.map(s => s.markdown)).toEqual([PRACTICE])
      expect(doc.grants.map(g => g.to)).toContain(c.orgId)
    }, { what: 'B holds the document, with its grant to C' })

    expect(await a.stop()).toEqual({ code: 0, signal: null })
    await cliOk(c.dataDir, ['connect', await listenAddress(b.dataDir)])
    const atC = await eventually(async () => {
      const doc = await showDoc(c.dataDir, id)
      expect(doc.title).toBe(TITLE)
      expect(doc.sections.map(s => [s.heading, s.markdown])).toEqual([['Practice', PRACTICE]])
      return doc
    }, { what: 'C holds the document, received from B while A is stopped' })
    expect(atC).toMatchObject({ owner: a.orgId, access: 'read' })
  })

  it('A restarts and reaches only B; its edit reaches C through B', async () => {
    await a.restart()
    await cliOk(b.dataDir, ['connect', await listenAddress(a.dataDir)])
    await cliOk(a.dataDir, ['doc', 'edit', id, '--append', A_LATER, '--section', 'Practice'])
    const last = await convergedDoc([a, b, c], id, "A, B and C hold A's later edit")
    expect(sectionText(last)).toContain(A_LATER)
    // A and C never met: everything C holds came through B
    expect(await peerIds(a.dataDir)).toEqual([b.orgId])
    expect(await peerIds(c.dataDir)).toEqual([b.orgId])
  })
})

describe('a reader relays a document and its later changes (nodes in one process)', () => {
  const nodes: CommonplaceNode[] = []
  const dirs = new Map<string, string>()

  async function started (name: string): Promise<CommonplaceNode> {
    const node = await startInProcess(name, dirs)
    nodes.push(node)
    return node
  }

  afterAll(async () => {
    await Promise.all(nodes.map(async n => { await n.stop().catch(() => {}) }))
  })

  it('C gets A\'s document and A\'s later edit only through B, which may only read', async () => {
    const a = await started('Riverside Surgery')
    const b = await started('Hillview Medical Practice')
    const c = await started('Canal Street Health Centre')
    const { id } = await a.api.createDoc({ title: TITLE, sections: [{ heading: 'Practice', text: PRACTICE }] })
    await a.api.share(id, { with: b.orgId, role: 'read' })
    await a.api.share(id, { with: c.orgId, role: 'read' })

    await b.api.connect(a.listenAddresses()[0])
    await until([b], async () => (await textOf(b, id)).includes(PRACTICE) && b.store.access(id as DocId)?.grants.some(g => g.to === c.orgId) === true)
    await a.stop()
    await c.api.connect(b.listenAddresses()[0])
    await until([c], async () => (await textOf(c, id)).includes(PRACTICE))
    await c.store.whenDurable() // the index (the title) is written with the batch
    expect(await c.api.getDoc(id)).toMatchObject({ title: TITLE, owner: a.orgId, access: 'read' })

    const again = await started('Riverside Surgery')
    expect(again.orgId).toBe(a.orgId)
    await b.api.connect(again.listenAddresses()[0])
    await again.api.editDoc(id, { append: { section: 'Practice', text: A_LATER } })
    await until([c], async () => (await textOf(c, id)).includes(A_LATER))
    expect((await again.api.peers()).map(p => p.orgId)).toEqual([b.orgId])
    expect((await c.api.peers()).map(p => p.orgId)).toEqual([b.orgId])
    expect(Buffer.from(c.store.digest(id as DocId))).toEqual(Buffer.from(again.store.digest(id as DocId)))
  })
})

/** The document's sections as its local API shows them ('' while the node does not hold it). */
async function textOf (node: CommonplaceNode, id: string): Promise<string> {
  if (!node.store.has(id as DocId)) return ''
  return (await node.api.getDoc(id)).sections.map(section => section.markdown).join('\n\n')
}
