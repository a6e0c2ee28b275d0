import { describe, it, expect, afterEach } from 'vitest'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { run, startFakeNode } from './helpers.ts'

const message = (dir: string): string => `No Commonplace node is running for ${dir} (start one with: commonplace start --data ${dir})`

describe('no node running', () => {
  const dirs: string[] = []
  const tempDir = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'commonplace-cli-'))
    dirs.push(dir)
    return dir
  }
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map(async dir => rm(dir, { recursive: true, force: true })))
  })

  it('says so in one line and exits 2 when there is no node.json', async () => {
    const dir = await tempDir()
    const result = await run(['status', '--data', dir])
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe(`commonplace: ${message(dir)}\n`)
  })

  it('also when the data folder does not exist, using $COMMONPLACE_DATA', async () => {
    const dir = join(await tempDir(), 'missing')
    const result = await run(['doc', 'list'], { env: { COMMONPLACE_DATA: dir } })
    expect(result.code).toBe(2)
    expect(result.stderr).toBe(`commonplace: ${message(dir)}\n`)
  })

  it('quotes a data folder with spaces in the hint', async () => {
    const dir = join(await tempDir(), 'my data')
    const result = await run(['peers', '--data', dir])
    expect(result.stderr).toContain(`commonplace start --data '${dir}')`)
  })

  it('when node.json names a process that is gone', async () => {
    const dir = await tempDir()
    const dead = spawnSync(process.execPath, ['-e', '']).pid
    await writeFile(join(dir, 'node.json'), JSON.stringify({ orgId: 'x', name: 'x', listen: [], api: 'http://127.0.0.1:1', pid: dead }))
    await writeFile(join(dir, 'api-token'), 'token')
    const result = await run(['status', '--data', dir])
    expect(result.code).toBe(2)
    expect(result.stderr).toBe(`commonplace: ${message(dir)}\n`)
  })

  it('when the API refuses the connection (node.json left behind)', async () => {
    const node = await startFakeNode()
    try {
      await node.stopServer()
      const result = await run(['status', '--data', node.dataDir])
      expect(result.code).toBe(2)
      expect(result.stderr).toBe(`commonplace: ${message(node.dataDir)}\n`)
    } finally {
      await node.cleanup()
    }
  })

  it('prints the error as JSON on stdout with --json', async () => {
    const dir = await tempDir()
    const result = await run(['status', '--data', dir, '--json'])
    expect(result.code).toBe(2)
    expect(result.stderr).toBe('')
    expect(result.json).toEqual({ error: { code: 'ERR_NODE_NOT_RUNNING', message: message(dir) } })
  })

  it('reports a node.json without an api url', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'node.json'), '{"orgId":"x"}')
    const result = await run(['status', '--data', dir])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(`commonplace: ${join(dir, 'node.json')} is not a valid node description (no "api" url)\n`)
  })

  it('reports a missing api-token', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'node.json'), JSON.stringify({ api: 'http://127.0.0.1:1', pid: process.pid }))
    const result = await run(['status', '--data', dir, '--json'])
    expect(result.code).toBe(1)
    expect(result.json.error.code).toBe('ERR_API_TOKEN_MISSING')
  })
})
