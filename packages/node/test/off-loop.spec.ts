/**
 * Large create and edit requests are built in the Markdown worker (off-loop.ts), not on the
 * node's thread: a real node in this process, requests over real HTTP, SQLite on disk. What the
 * worker builds is the record the node's own thread would build, it is stored without loading the
 * document, it reaches a peer whole, and the API answers other requests while it is built.
 */
import { describe, it, expect, afterEach } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as Y from 'yjs'
import { prefixLogger } from '@libp2p/logger'
import { MAX_MARKDOWN_NESTING } from '@commonplace/record'
import type { DocId, DocumentStore } from '@commonplace/core'
import type { SectionView } from '@commonplace/api'
import { createNode } from '../src/index.ts'
import type { CommonplaceNode } from '../src/index.ts'
import { OFF_LOOP_MIN_CHARS } from '../src/off-loop.ts'
import { apiRequest } from './api-request.ts'

const dirs: string[] = []
const running: CommonplaceNode[] = []

async function start (name: string, dataDir = mkdtempSync(join(tmpdir(), 'cp-offloop-'))): Promise<CommonplaceNode> {
  dirs.push(dataDir)
  const node = await createNode({ dataDir, name, listen: ['/ip4/127.0.0.1/tcp/0'], http: { host: '127.0.0.1', port: 0 }, mdns: false, web: false, logger: prefixLogger(name) })
  await node.start()
  running.push(node)
  return node
}

afterEach(async () => {
  await Promise.all(running.splice(0).map(async n => { await n.stop() }))
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

async function api (node: CommonplaceNode, method: string, path: string, body?: unknown): Promise<{ status: number, json: any }> {
  return await apiRequest(node, dirs[running.indexOf(node)], method, path, body)
}

/** Markdown of tables and nested task lists, the slowest kind to build, of at least `chars` characters. */
function tablesAndLists (chars: number): string {
  const table = '| Step | Who | When |\n| - | - | - |\n' + '| Check the **fridge** log | [duty nurse](https://example.nhs.uk/duty) | 08:00 |\n'.repeat(20)
  const list = '- [ ] Isolate the fridge\n  - record *min* and *max*\n- [x] Call the `pharmacy`\n'.repeat(20)
  let markdown = ''
  for (let i = 0; markdown.length < chars; i++) markdown += (i % 2 === 0 ? table : list) + '\n'
  return markdown
}

/** The record the node's own thread builds for the same request (below the worker's threshold, section by section). */
async function builtOnLoop (node: CommonplaceNode, title: string, sections: Array<{ heading: string, text: string }>): Promise<Array<{ heading: string, markdown: string }>> {
  const created = await node.api.createDoc({ title, sections: [] })
  for (const s of sections) {
    const parts = s.text.split('\n\n')
    await node.api.editDoc(created.id, { appendSections: [{ heading: s.heading, text: '' }] })
    // appended in pieces below the threshold: each built on the node's thread
    for (const part of parts) if (part.trim() !== '') await node.api.editDoc(created.id, { append: { section: s.heading, text: part } })
  }
  return (await node.api.getDoc(created.id)).sections.map(s => ({ heading: s.heading, markdown: s.markdown }))
}

function loadedStateVector (store: DocumentStore, id: DocId): Uint8Array {
  return store.read(id, doc => Y.encodeStateVector(doc))
}

describe('large requests are built off the event loop', () => {
  it('a large Markdown import becomes the record the node\'s thread builds, stored without loading it', async () => {
    const node = await start('Riverside Surgery')
    const text = tablesAndLists(4 * OFF_LOOP_MIN_CHARS)
    const res = await api(node, 'POST', '/api/docs', { markdown: `# Vaccine fridge checks\n\n## Daily\n\n${text}` })
    expect(res.status).toBe(201)
    const id = res.json.id as DocId
    expect(res.json.title).toBe('Vaccine fridge checks')
    // the index entry is written from what the worker reported, the document not loaded
    expect(node.store.info(id)).toMatchObject({ title: 'Vaccine fridge checks' })
    const indexed = node.store.info(id)?.stateVector as Uint8Array
    const view = (await api(node, 'GET', `/api/docs/${id}`)).json
    expect(view.sections.map((s: any) => ({ heading: s.heading, markdown: s.markdown })))
      .toEqual(await builtOnLoop(node, 'Vaccine fridge checks', [{ heading: 'Daily', text }]))
    expect(Y.decodeStateVector(indexed)).toEqual(Y.decodeStateVector(loadedStateVector(node.store, id)))
  })

  it('a large append, then small edits on the node\'s thread, all land and survive a restart', async () => {
    let node = await start('Riverside Surgery')
    const created = (await api(node, 'POST', '/api/docs', { title: 'Cold chain', sections: [{ heading: 'Checklist', text: 'Start here.' }] })).json
    // loaded now: the large append takes it out of memory and stores the worker's update
    await api(node, 'GET', `/api/docs/${created.id as string}`)
    const text = tablesAndLists(2 * OFF_LOOP_MIN_CHARS)
    expect((await api(node, 'PATCH', `/api/docs/${created.id as string}`, { append: { section: 'Checklist', text } })).status).toBe(200)
    expect((await api(node, 'PATCH', `/api/docs/${created.id as string}`, { append: { section: 'Checklist', text: 'Signed off.' } })).status).toBe(200)
    expect((await api(node, 'PATCH', `/api/docs/${created.id as string}`, { title: 'Cold chain (2026)', appendSections: [{ heading: 'Large', text }] })).status).toBe(200)
    const before = (await api(node, 'GET', `/api/docs/${created.id as string}`)).json
    expect(before.title).toBe('Cold chain (2026)')
    expect(before.sections.map((s: any) => s.heading)).toEqual(['Checklist', 'Large'])
    expect(before.sections[0].markdown.startsWith('Start here.\n\n')).toBe(true)
    expect(before.sections[0].markdown.endsWith('\n\nSigned off.')).toBe(true)
    const dataDir = dirs[0]
    await running.pop()?.stop()
    dirs.pop()
    node = await start('Riverside Surgery', dataDir)
    expect((await api(node, 'GET', `/api/docs/${created.id as string}`)).json).toEqual(before)
  })

  it('a large request that is refused changes nothing: typed errors come back from the worker', async () => {
    const node = await start('Riverside Surgery')
    const created = (await api(node, 'POST', '/api/docs', { title: 'Cold chain', sections: [{ heading: 'Checklist', text: 'Start here.' }] })).json
    const before = (await api(node, 'GET', `/api/docs/${created.id as string}`)).json
    const padding = tablesAndLists(OFF_LOOP_MIN_CHARS)
    const deep = `${padding}\n\n${'> '.repeat(MAX_MARKDOWN_NESTING + 1)}zu tief`
    const refusals: Array<[string, string, unknown, number, string]> = [
      ['POST', '/api/docs', { markdown: `# Deep\n\n## S\n\n${deep}` }, 400, 'ERR_INPUT_TOO_DEEP'],
      ['PATCH', `/api/docs/${created.id as string}`, { append: { section: 'Checklist', text: deep } }, 400, 'ERR_INPUT_TOO_DEEP'],
      ['PATCH', `/api/docs/${created.id as string}`, { append: { section: 'No such section', text: padding } }, 404, 'ERR_NOT_FOUND'],
      ['POST', '/api/docs', { title: 'x'.repeat(OFF_LOOP_MIN_CHARS) }, 400, 'ERR_INVALID_INPUT']
    ]
    for (const [method, path, body, status, code] of refusals) {
      const res = await api(node, method, path, body)
      expect({ status: res.status, code: res.json.error?.code }).toEqual({ status, code })
    }
    expect((await api(node, 'GET', '/api/docs')).json).toHaveLength(1)
    expect((await api(node, 'GET', `/api/docs/${created.id as string}`)).json).toEqual(before)
  })

  it('answers other requests while a large import is being built', async () => {
    const node = await start('Riverside Surgery')
    let imported = false
    const importing = api(node, 'POST', '/api/docs', { markdown: `# Big\n\n## Tables\n\n${tablesAndLists(700_000)}` })
      .then(res => { imported = true; return res })
    // once the worker has it, the node's thread is free: status and the document list answer
    let seenOffLoop = false
    for (let tries = 0; tries < 10_000 && !seenOffLoop && !imported; tries++) {
      seenOffLoop = /^commonplace_requests_off_loop 1$/m.test((await api(node, 'GET', '/api/metrics')).json)
    }
    expect(seenOffLoop).toBe(true)
    expect((await api(node, 'GET', '/api/status')).status).toBe(200)
    expect((await api(node, 'GET', '/api/docs')).json).toEqual([])
    expect(imported).toBe(false)
    expect((await importing).status).toBe(201)
    expect((await api(node, 'GET', '/api/docs')).json.map((d: any) => d.title)).toEqual(['Big'])
  }, 60_000)

  it('a peer receives a document imported off the event loop whole', async () => {
    const a = await start('Canal Street Health Centre')
    const b = await start('Hillview Medical Practice')
    const text = tablesAndLists(2 * OFF_LOOP_MIN_CHARS)
    const created = await a.api.createDoc({ markdown: `# Fridge checks\n\n## Daily\n\n${text}` })
    await a.api.share(created.id, { with: b.orgId, role: 'read' })
    await b.api.connect(a.listenAddresses()[0])
    // who last changed a section is each node's own record (B got the whole document at once: none)
    const content = (sections: SectionView[]): SectionView[] => sections.map(s => ({ id: s.id, heading: s.heading, markdown: s.markdown, authors: s.authors }))
    const want = content((await a.api.getDoc(created.id)).sections)
    await new Promise<void>(resolve => {
      const check = (): void => { if (b.store.info(created.id as DocId)?.title === 'Fridge checks') { off(); resolve() } }
      const off = b.store.onDurable(check)
      check()
    })
    expect(content((await b.api.getDoc(created.id)).sections)).toEqual(want)
  }, 60_000)
})
