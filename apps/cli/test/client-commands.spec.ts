import { describe, it, expect, beforeEach, afterEach } from 'vitest'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CommonplaceError, ConnectionFailedError, NotFoundError, ReadOnlyError } from '@commonplace/core'
import { DOC, NET, ORG, OTHER, markdown, peer, run, startFakeNode, status, summary, view } from './helpers.ts'
import type { FakeNode, RunResult } from './helpers.ts'

describe('client commands', () => {
  let node: FakeNode
  const cli = async (...argv: string[]): Promise<RunResult> => run([...argv, '--data', node.dataDir], { cwd: node.dataDir })

  beforeEach(async () => { node = await startFakeNode() })
  afterEach(async () => { await node.cleanup() })

  describe('status', () => {
    it('prints organisation, addresses, peers and document count', async () => {
      const result = await cli('status')
      expect(result.code).toBe(0)
      expect(result.stderr).toBe('')
      expect(result.stdout).toBe([
        `Organisation: ${status.orgId}`,
        'Name: Riverside',
        'Listening on:',
        '  /ip4/127.0.0.1/tcp/7421',
        '  /ip4/127.0.0.1/tcp/7422/ws',
        'Local API: http://127.0.0.1:7420',
        'Connected peers: 1',
        `  ${OTHER} (Hillview)`,
        'Documents: 3',
        ''
      ].join('\n'))
      expect(node.api.calls).toEqual([{ method: 'status', args: [] }])
    })

    it('prints the NodeStatus with --json', async () => {
      const result = await cli('status', '--json')
      expect(result.json).toEqual(status)
    })
  })

  it('connect sends the multiaddr and names the peer', async () => {
    const addr = `/ip4/192.0.2.10/tcp/7421/p2p/${OTHER}`
    const result = await cli('connect', addr)
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(`Connected to ${OTHER} (Hillview)\n`)
    expect(node.api.calls).toEqual([{ method: 'connect', args: [addr] }])
    expect((await cli('connect', addr, '--json')).json).toEqual(peer)
  })

  it('connect reports a failed dial as one line, exit 1', async () => {
    node.api.failWith = new ConnectionFailedError('Could not connect to /ip4/192.0.2.10/tcp/7421: timed out')
    const result = await cli('connect', '/ip4/192.0.2.10/tcp/7421')
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('commonplace: Could not connect to /ip4/192.0.2.10/tcp/7421: timed out\n')
  })

  it('peers prints a table, or a sentence when there are none', async () => {
    const result = await cli('peers')
    expect(result.stdout.split('\n')[0]).toMatch(/^ORGANISATION\s+NAME\s+ADDRESSES$/)
    expect(result.stdout).toContain(`${OTHER}  Hillview  /ip4/192.0.2.10/tcp/7421`)
    expect((await cli('peers', '--json')).json).toEqual([peer])
    node.api.peers = async () => []
    expect((await cli('peers')).stdout).toBe('No connected peers.\n')
  })

  describe('doc create', () => {
    it('sends title, kind and sections and prints only the new id', async () => {
      const result = await cli('doc', 'create', '--title', 'Handwashing', '--kind', 'practice', '--section', 'Why=It stops infections.', '--section', 'How=Soap = good')
      expect(result.code).toBe(0)
      expect(result.stdout).toBe(`${DOC}\n`)
      expect(node.api.calls).toEqual([{
        method: 'createDoc',
        // the CLI acts as the node's administrator: the change is the organisation's, no author
        args: [{ title: 'Handwashing', kind: 'practice', sections: [{ heading: 'Why', text: 'It stops infections.' }, { heading: 'How', text: 'Soap = good' }] }, {}]
      }])
    })

    it('sends a Markdown file (relative to cwd) as markdown; --title may be left out', async () => {
      await writeFile(join(node.dataDir, 'doc.md'), '\uFEFF# Handwashing\n\n## Why\n\nBecause.\n')
      const result = await cli('doc', 'create', '--from-markdown', 'doc.md', '--json')
      expect(result.code).toBe(0)
      expect(result.json).toEqual(summary)
      expect(node.api.calls).toEqual([{ method: 'createDoc', args: [{ markdown: '# Handwashing\n\n## Why\n\nBecause.\n' }, {}] }])
    })

    it('reports a missing Markdown file', async () => {
      const result = await cli('doc', 'create', '--from-markdown', 'missing.md')
      expect(result.code).toBe(1)
      expect(result.stderr).toBe(`commonplace: Cannot read ${join(node.dataDir, 'missing.md')}: no such file\n`)
      expect(node.api.calls).toEqual([])
    })

    it('reports a Markdown file over the API limit', async () => {
      await writeFile(join(node.dataDir, 'big.md'), '# Big\n\n' + 'x'.repeat(2 * 1024 * 1024))
      const result = await cli('doc', 'create', '--from-markdown', 'big.md')
      expect(result.code).toBe(1)
      expect(result.stderr).toMatch(/^commonplace: The request body exceeds 1048576 bytes\n$/)
    })
  })

  it('doc list prints id, title, owner (by name when the node knows it), kind and updated', async () => {
    const result = await cli('doc', 'list')
    const lines = result.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^ID\s+TITLE\s+OWNER\s+KIND\s+UPDATED$/)
    expect(lines[1]).toMatch(new RegExp(`^${DOC}\\s+Handwashing\\s+Riverside\\s+practice\\s+2025-01-02T03:04:05.000Z$`))
    expect(lines[2]).toContain('A very long title that will certainly b…')
    expect(lines[2]).toContain(`  ${OTHER}  policy`)
    expect(lines).toHaveLength(3)
    const json = await cli('doc', 'list', '--json')
    expect(json.json).toHaveLength(2)
    expect(json.json[0]).toMatchObject({ owner: status.orgId, ownerName: 'Riverside' })
    node.api.listDocs = async () => []
    expect((await cli('doc', 'list')).stdout).toBe('No documents.\n')
  })

  describe('doc show', () => {
    it('prints Markdown by default', async () => {
      const result = await cli('doc', 'show', DOC)
      expect(result.stdout).toBe(markdown)
      expect(node.api.calls).toEqual([{ method: 'exportMarkdown', args: [DOC] }])
    })

    it('prints the DocView with --format json or --json', async () => {
      expect(JSON.parse((await cli('doc', 'show', DOC, '--format', 'json')).stdout)).toEqual(view)
      expect((await cli('doc', 'show', DOC, '--json')).json).toEqual(view)
      expect(node.api.calls.map(c => c.method)).toEqual(['getDoc', 'getDoc'])
    })

    it('prints owner and grants by name with --format info, ids beside them', async () => {
      node.api.getDoc = async () => ({
        ...view,
        grants: [
          { ...view.grants[0], name: 'Hillview Medical Practice', delivery: { state: 'unreachable', since: '2025-01-03T03:04:05.000Z' } },
          { to: NET, name: 'Tampere Workplace Learning Network', role: 'read', issuer: ORG, issuedAt: '2025-01-02T03:04:05.000Z' }
        ]
      })
      const result = await cli('doc', 'show', DOC, '--format', 'info')
      expect(result.code).toBe(0)
      expect(result.stdout).toBe([
        'Handwashing',
        `Id: ${DOC}`,
        `Owner: Riverside (${ORG})`,
        'Kind: practice',
        'Our access: ours',
        'Updated: 2025-01-02T03:04:05.000Z',
        'Shared with:',
        `  Hillview Medical Practice (${OTHER}): edit, its node cannot be reached since 2025-01-03T03:04:05.000Z; the document goes as soon as it can`,
        `  Tampere Workplace Learning Network (${NET}): read`,
        ''
      ].join('\n'))
      expect((await cli('doc', 'show', DOC, '--format', 'info', '--json')).json).toMatchObject({ id: DOC, owner: ORG, ownerName: 'Riverside' })
      const refused = await cli('doc', 'show', DOC, '--format', 'html')
      expect(refused.code).toBe(64)
      expect(refused.stderr).toBe('commonplace: --format must be markdown, json or info, not "html" (see \'commonplace help doc show\')\n')
    })

    it('wraps Markdown in { id, markdown } with --json --format markdown', async () => {
      expect((await cli('doc', 'show', DOC, '--json', '--format', 'markdown')).json).toEqual({ id: DOC, markdown })
    })

    it('encodes the id in the path', async () => {
      await cli('doc', 'show', 'a/b?c', '--format', 'json')
      expect(node.api.calls).toEqual([{ method: 'getDoc', args: ['a/b?c'] }])
    })

    it('reports an unknown document, exit 1 (JSON on stdout with --json)', async () => {
      node.api.failWith = new NotFoundError(`No document ${DOC}`)
      const human = await cli('doc', 'show', DOC)
      expect(human.code).toBe(1)
      expect(human.stdout).toBe('')
      expect(human.stderr).toBe(`commonplace: No document ${DOC}\n`)
      const json = await cli('doc', 'show', DOC, '--json')
      expect(json.code).toBe(1)
      expect(json.stderr).toBe('')
      expect(json.json).toEqual({ error: { code: 'ERR_NOT_FOUND', message: `No document ${DOC}` } })
    })
  })

  describe('doc edit', () => {
    it('sends title, appended sections and an appended paragraph', async () => {
      const result = await cli('doc', 'edit', DOC, '--title', 'Hand hygiene', '--append-section', 'When=Always', '--append', 'Use soap.', '--section', 'Why')
      expect(result.code).toBe(0)
      expect(result.stdout).toBe(`Updated ${DOC}\n`)
      expect(node.api.calls).toEqual([{
        method: 'editDoc',
        args: [DOC, { title: 'Hand hygiene', appendSections: [{ heading: 'When', text: 'Always' }], append: { section: 'Why', text: 'Use soap.' } }, {}]
      }])
      expect((await cli('doc', 'edit', DOC, '--title', 'x', '--json')).json).toEqual(summary)
    })

    it('reports a read-only document', async () => {
      node.api.failWith = new ReadOnlyError()
      const result = await cli('doc', 'edit', DOC, '--title', 'x')
      expect(result.code).toBe(1)
      expect(result.stderr).toBe('commonplace: This organisation has read access only\n')
    })
  })

  it('share sends the org and role', async () => {
    const result = await cli('share', DOC, '--with', OTHER, '--role', 'read')
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(`Shared ${DOC} with ${OTHER} (read)\n`)
    expect(node.api.calls).toEqual([{ method: 'share', args: [DOC, { with: OTHER, role: 'read' }] }])
    expect((await cli('share', DOC, '--with', OTHER, '--role', 'edit', '--json')).json).toEqual(view)
  })

  it('unshare sends the org', async () => {
    const result = await cli('unshare', DOC, '--with', OTHER)
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(`Withdrew the access of ${OTHER} to ${DOC}\n`)
    expect(node.api.calls).toEqual([{ method: 'unshare', args: [DOC, OTHER] }])
    expect((await cli('unshare', DOC, '--with', OTHER, '--json')).json).toEqual(view)
  })

  it('reports an internal node error with its code, and other codes as they come', async () => {
    node.api.failWith = new TypeError('boom')
    const internal = await cli('status', '--json')
    expect(internal.code).toBe(1)
    expect(internal.json.error.code).toBe('ERR_INTERNAL')
    node.api.failWith = new CommonplaceError('Disk on fire', 'ERR_DISK_ON_FIRE')
    expect((await cli('status')).stderr).toBe('commonplace: Disk on fire\n')
  })

  it('reports a token the node refuses', async () => {
    await writeFile(join(node.dataDir, 'api-token'), 'stale-token\n')
    const result = await cli('status', '--json')
    expect(result.code).toBe(1)
    expect(result.json.error.code).toBe('ERR_UNAUTHORISED')
  })
})
