/**
 * Input limits and typed errors of a real node: deeply nested Markdown through the HTTP API,
 * and a full disk at start (simulated with /dev/full, which answers every write with ENOSPC).
 */
import { describe, it, expect, afterEach } from 'vitest'
import { existsSync, mkdtempSync, rmSync, symlinkSync, unlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { prefixLogger } from '@libp2p/logger'
import { StorageFullError } from '@commonplace/core'
import { MAX_MARKDOWN_NESTING } from '@commonplace/record'
import { createNode, FILES } from '../src/index.ts'
import type { CommonplaceNode } from '../src/index.ts'
import { apiRequest } from './api-request.ts'

const dirs: string[] = []
const running: CommonplaceNode[] = []

async function create (dataDir = mkdtempSync(join(tmpdir(), 'cp-limits-'))): Promise<CommonplaceNode> {
  dirs.push(dataDir)
  return await createNode({
    dataDir, name: 'Riverside Surgery', listen: ['/ip4/127.0.0.1/tcp/0'], http: { host: '127.0.0.1', port: 0 }, mdns: false, logger: prefixLogger('limits')
  })
}

async function start (): Promise<CommonplaceNode> {
  const node = await create()
  await node.start()
  running.push(node)
  return node
}

afterEach(async () => {
  await Promise.all(running.splice(0).map(async n => { await n.stop() }))
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A request to the node's API with its token. */
const api = apiRequest

describe('deeply nested Markdown through the local API', () => {
  const deep = '> '.repeat(MAX_MARKDOWN_NESTING + 1) + 'zu tief'

  it('POST /api/docs answers 400 ERR_INPUT_TOO_DEEP and creates nothing', async () => {
    const node = await start()
    const dataDir = dirs[0]
    const before = await api(node, dataDir, 'GET', '/api/docs')
    for (const body of [{ markdown: `# Baugrube\n\n## Maßnahmen\n\n${deep}` }, { title: 'Baugrube', sections: [{ heading: 'Maßnahmen', text: deep }] }]) {
      const res = await api(node, dataDir, 'POST', '/api/docs', body)
      expect(res.status).toBe(400)
      expect(res.json.error).toMatchObject({ code: 'ERR_INPUT_TOO_DEEP', message: expect.stringContaining(`${MAX_MARKDOWN_NESTING} levels`) })
    }
    expect((await api(node, dataDir, 'GET', '/api/docs')).json).toEqual(before.json)
    expect(node.store.list()).toHaveLength(before.json.length)
  })

  it('PATCH /api/docs/:id with a deeply nested append answers 400 and leaves the document as it was', async () => {
    const node = await start()
    const dataDir = dirs[0]
    const created = await api(node, dataDir, 'POST', '/api/docs', { title: 'Baugrube', sections: [{ heading: 'Maßnahmen', text: 'Verbau stellen.' }] })
    const before = await api(node, dataDir, 'GET', `/api/docs/${created.json.id as string}`)
    const res = await api(node, dataDir, 'PATCH', `/api/docs/${created.json.id as string}`, { append: { section: 'Maßnahmen', text: deep } })
    expect(res.status).toBe(400)
    expect(res.json.error.code).toBe('ERR_INPUT_TOO_DEEP')
    expect((await api(node, dataDir, 'GET', `/api/docs/${created.json.id as string}`)).json).toEqual(before.json)
  })
})

describe('a full disk at start', () => {
  it('is ERR_STORAGE_FULL saying what to do, and the node starts once there is space', async () => {
    const node = await create()
    const tokenPath = join(dirs[0], FILES.token)
    symlinkSync('/dev/full', tokenPath) // the first file start writes
    const failure = await node.start().then(() => undefined, (err: unknown) => err)
    expect(failure).toBeInstanceOf(StorageFullError)
    expect(failure).toMatchObject({ code: 'ERR_STORAGE_FULL', message: expect.stringMatching(/disk is full.*Free some space/) })
    expect(existsSync(join(dirs[0], FILES.nodeInfo))).toBe(false)

    unlinkSync(tokenPath)
    const again = await create(dirs[0])
    await again.start()
    running.push(again)
    expect(again.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  })
})
