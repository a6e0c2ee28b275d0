import { describe, it, expect, afterEach } from 'vitest'
import { createApiClient } from '../src/client.ts'
import { DOC, ORG, OTHER, hits, run, startFakeNode } from './helpers.ts'
import type { FakeNode, RunResult } from './helpers.ts'

describe('search', () => {
  let node: FakeNode
  const cli = async (...argv: string[]): Promise<RunResult> => run([...argv, '--data', node.dataDir], { cwd: node.dataDir })

  afterEach(async () => { await node.cleanup() })

  it('prints each hit with its title, owner by name and plain-text snippet', async () => {
    node = await startFakeNode()
    const result = await cli('search', 'doctors', 'hands', '--kind', 'practice', '--maturity', 'agreed', '--status', 'approved')
    expect(result.code).toBe(0)
    expect(result.stdout).toBe([
      `${DOC}  Handwashing`,
      '  Riverside · practice · agreed · approved',
      '  Why: It stops infections the doctor sees…',
      '',
      'bbbbbbbbbbbbbbbbbbbbbbbbbb  Night shifts',
      // the fake node names only its own organisation: the other owner keeps its id
      `  ${OTHER} · checklist · draft · draft`,
      ''
    ].join('\n'))
    expect(node.api.calls).toEqual([
      { method: 'listDocs', args: [] },
      { method: 'search', args: [{ q: 'doctors hands', kind: 'practice', maturity: 'agreed', status: 'approved' }] }
    ])
  })

  it('prints the hits as JSON, with the owner\'s name where the node knows it', async () => {
    node = await startFakeNode()
    const result = await cli('search', '--json')
    expect(result.json).toEqual([{ ...hits[0], ownerName: 'Riverside' }, hits[1]])
    expect(node.api.calls[1]).toEqual({ method: 'search', args: [{}] })
    node.api.search = async () => []
    expect((await cli('search', 'nothing')).stdout).toBe('No documents match.\n')
  })

  it('--owner takes a name (any case) or an id, and refuses a name no owner here has', async () => {
    node = await startFakeNode()
    await cli('search', '--owner', 'riverside')
    await cli('search', '--owner', OTHER)
    expect(node.api.calls.filter(c => c.method === 'search').map(c => c.args[0])).toEqual([{ owner: ORG }, { owner: OTHER }])
    const refused = await cli('search', '--owner', 'Nobody Practice', '--json')
    expect(refused.code).toBe(1)
    expect(refused.json).toEqual({ error: { code: 'ERR_INVALID_INPUT', message: 'No document here belongs to an organisation called "Nobody Practice"' } })
    expect(node.api.calls.at(-1)?.method).toBe('listDocs')
  })

  it('refuses an unknown maturity or status before asking the node', async () => {
    node = await startFakeNode()
    const result = await cli('search', '--maturity', 'ripe')
    expect(result.code).toBe(64)
    expect(result.stderr).toBe('commonplace: --maturity must be idea or draft or agreed or stable, not "ripe" (see \'commonplace help search\')\n')
    expect(node.api.calls).toEqual([])
  })

  it('says so clearly when the node runs without its web app', async () => {
    node = await startFakeNode(undefined, { web: false })
    const human = await cli('search', 'hands')
    expect(human.code).toBe(1)
    expect(human.stderr).toBe(`commonplace: The node at ${node.url} runs without its web app, which serves search: start it with the web app on (as 'commonplace start' does)\n`)
    expect((await cli('search', 'hands', '--json')).json.error.code).toBe('ERR_SEARCH_UNAVAILABLE')
  })

  it('sends the query and filters as URL parameters with the bearer token', async () => {
    const seen: Array<{ url: string, auth: string | null }> = []
    const client = createApiClient({
      url: 'http://127.0.0.1:1',
      token: 't',
      fetch: async (url, init) => {
        seen.push({ url: String(url), auth: new Headers(init?.headers).get('authorization') })
        return Response.json([])
      }
    })
    await client.search({ q: 'hand & soap', owner: ORG, kind: '' })
    expect(seen).toEqual([{ url: `http://127.0.0.1:1/api/search?q=hand+%26+soap&owner=${ORG}`, auth: 'Bearer t' }])
  })
})
