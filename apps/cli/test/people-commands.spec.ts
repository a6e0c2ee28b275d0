/**
 * `login` and `person …` against a real node in process (docs/people.md): a fresh admin link
 * without a restart, inviting, listing, changing a role and removing, and the typed refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { prefixLogger } from '@libp2p/logger'
import { createNode } from '@commonplace/node'
import type { CommonplaceNode } from '@commonplace/node'
import { run } from './helpers.ts'

let node: CommonplaceNode
let dataDir: string
let root: string
const cli = async (...argv: string[]): ReturnType<typeof run> => await run([...argv, '--data', dataDir])

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'cp-cli-people-'))
  root = mkdtempSync(join(tmpdir(), 'cp-cli-people-root-'))
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Commonplace</title>')
  node = await createNode({ dataDir, listen: ['/ip4/127.0.0.1/tcp/0'], http: { host: '127.0.0.1', port: 0 }, web: { root }, mdns: false, logger: prefixLogger('cli-people') })
  await node.start()
})

afterAll(async () => {
  await node.stop()
  rmSync(dataDir, { recursive: true, force: true })
  rmSync(root, { recursive: true, force: true })
})

describe('people from the CLI', () => {
  it('prints a fresh admin link whose holder sets the organisation up', async () => {
    expect((await cli('person', 'list')).stdout).toContain('No people yet')
    const login = await cli('login', '--json')
    expect(login.code).toBe(0)
    const res = await fetch(login.json.url as string, { redirect: 'manual' })
    expect(res.headers.get('location')).toBe('/')
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]
    const setup = await fetch(`${node.apiUrl}/api/people/setup`, {
      method: 'POST',
      headers: { cookie, origin: node.apiUrl, 'content-type': 'application/json' },
      body: JSON.stringify({ organisation: 'Hillview Medical Practice', name: 'Amara Okafor', password: 'correct horse battery' })
    })
    expect(setup.status).toBe(200)
    expect(node.name).toBe('Hillview Medical Practice')
  })

  it('invites, lists, changes a role and removes', async () => {
    const invited = await cli('person', 'invite', '--name', 'Dr Lena Fischer', '--role', 'editor', '--expires', '2d')
    expect(invited.code).toBe(0)
    expect(invited.stdout).toMatch(/^Invited Dr Lena Fischer as editor\..*\nhttp:\/\/127\.0\.0\.1:\d+\/#\/join\/[A-Za-z0-9_-]{43}\n$/)
    const token = /#\/join\/(\S+)/.exec(invited.stdout)![1]
    const accepted = await fetch(`${node.apiUrl}/api/people/invitations/accept`, {
      method: 'POST', headers: { origin: node.apiUrl, 'content-type': 'application/json' }, body: JSON.stringify({ token, password: 'another long password' })
    })
    expect(accepted.status).toBe(200)
    const list = await cli('person', 'list')
    expect(list.stdout).toMatch(/Amara Okafor\s+admin/)
    expect(list.stdout).toMatch(/Dr Lena Fischer\s+editor/)
    expect((await cli('person', 'role', 'dr lena fischer', 'viewer')).stdout).toBe('Dr Lena Fischer is viewer now; their sessions ended\n')
    expect((await cli('person', 'list', '--json')).json.map((p: { role: string }) => p.role)).toEqual(['admin', 'viewer'])
    expect((await cli('person', 'remove', 'Dr Lena Fischer')).code).toBe(0)
    expect((await cli('person', 'list', '--json')).json).toHaveLength(1)
  })

  it('refuses with typed errors and their advice', async () => {
    const last = await cli('person', 'role', 'Amara Okafor', 'viewer')
    expect(last.code).toBe(1)
    expect(last.stderr).toContain('only admin')
    expect(last.stderr).toContain("commonplace person role PERSON admin")
    const bad = await cli('person', 'invite', '--name', 'Sam Patel', '--role', 'owner', '--json')
    expect(bad.code).toBe(1)
    expect(bad.json.error.code).toBe('ERR_INVALID_INPUT')
    expect((await cli('person', 'remove', 'Nobody')).stderr).toContain('No person "Nobody"')
  })
})
