/**
 * Acceptance: how the `commonplace` command behaves for a person when something is wrong: no
 * node running, a data folder already in use, an unknown document, a malformed command line.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliOk, runCli } from '../helpers/cli.ts'
import type { StatusJson } from '../helpers/cli.ts'
import { tempDataDir } from '../helpers/data-folder.ts'
import { nodeGroup } from '../helpers/node-process.ts'
import type { NodeProc } from '../helpers/node-process.ts'
import { killAllChildren } from '../helpers/processes.ts'

describe('the commonplace command, end to end', () => {
  const group = nodeGroup()
  const emptyFolders: string[] = []
  let node: NodeProc

  beforeAll(async () => {
    [node] = await group.start('Riverside Surgery')
  })

  afterAll(async () => {
    await group.destroyAll()
    await killAllChildren()
    for (const dir of emptyFolders) rmSync(dir, { recursive: true, force: true })
  })

  it('status on a data folder with no node running exits 2 and says so', async () => {
    const dir = tempDataDir('no-node')
    emptyFolders.push(dir)

    const human = await runCli(dir, ['status'], { json: false })
    expect(human.code).toBe(2)
    expect(human.stdout).toBe('')
    expect(human.stderr).toBe(`commonplace: No Commonplace node is running for ${dir} (start one with: commonplace start --data ${dir})\n`)

    const json = await runCli(dir, ['status'])
    expect(json.code).toBe(2)
    expect(json.json).toEqual({ error: { code: 'ERR_NODE_NOT_RUNNING', message: expect.stringContaining(`No Commonplace node is running for ${dir}`) } })
  })

  it('a second start on a data folder in use fails with "in use" and leaves the running node alone', async () => {
    const nodeJson = readFileSync(join(node.dataDir, 'node.json'), 'utf8')
    const token = readFileSync(join(node.dataDir, 'api-token'), 'utf8')

    const second = await runCli(node.dataDir, ['start', '--listen', '/ip4/127.0.0.1/tcp/0', '--http', '127.0.0.1:0'], { json: false })
    expect(second.code).not.toBe(0)
    expect(second.code).toBe(1)
    expect(second.stderr).toContain('in use')
    expect(second.stdout).toBe('')

    const secondJson = await runCli(node.dataDir, ['start', '--listen', '/ip4/127.0.0.1/tcp/0', '--http', '127.0.0.1:0'])
    expect(secondJson.code).toBe(1)
    expect(secondJson.json.error.code).toBe('ERR_DATA_FOLDER_IN_USE')
    expect(secondJson.json.error.message).toContain('in use')

    // the first node still runs and is still reachable through the same files
    expect(node.running).toBe(true)
    expect(readFileSync(join(node.dataDir, 'node.json'), 'utf8')).toBe(nodeJson)
    expect(readFileSync(join(node.dataDir, 'api-token'), 'utf8')).toBe(token)
    const status = await cliOk<StatusJson>(node.dataDir, ['status'])
    expect(status).toMatchObject({ orgId: node.orgId, name: 'Riverside Surgery', apiUrl: node.apiUrl })
  })

  it('a refused second start with --name does not rename the organisation of the running node', async () => {
    const config = readFileSync(join(node.dataDir, 'config.json'), 'utf8')
    const second = await runCli(node.dataDir, ['start', '--name', 'Impostor Ltd', '--listen', '/ip4/127.0.0.1/tcp/0', '--http', '127.0.0.1:0'])
    expect(second.code).toBe(1)
    expect(second.json.error.code).toBe('ERR_DATA_FOLDER_IN_USE')
    // the refused command must leave the data folder as it was: the name would apply on the next start
    expect(readFileSync(join(node.dataDir, 'config.json'), 'utf8')).toBe(config)
  })

  it('doc show of an unknown document exits 1 with ERR_NOT_FOUND', async () => {
    const unknown = 'a'.repeat(26)
    const result = await runCli(node.dataDir, ['doc', 'show', unknown])
    expect(result.code).toBe(1)
    expect(result.json).toEqual({ error: { code: 'ERR_NOT_FOUND', message: expect.stringContaining(unknown) } })

    const human = await runCli(node.dataDir, ['doc', 'show', unknown], { json: false })
    expect(human.code).toBe(1)
    expect(human.stderr).toBe(`commonplace: No document ${unknown} here\n`)
  })

  it('a malformed command line exits 64 and points to the help', async () => {
    const missingId = await runCli(node.dataDir, ['doc', 'show'], { json: false })
    expect(missingId.code).toBe(64)
    expect(missingId.stderr).toMatch(/^commonplace: .*\(see 'commonplace help doc show'\)\n$/)

    const unknownOption = await runCli(node.dataDir, ['doc', 'list', '--colour'])
    expect(unknownOption.code).toBe(64)
    expect(unknownOption.json.error.code).toBe('ERR_USAGE')
    expect(existsSync(join(node.dataDir, 'node.json'))).toBe(true)
  })
})
