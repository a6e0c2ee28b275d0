import { describe, it, expect, beforeEach, afterEach } from 'vitest'
import { CommonplaceError, ForbiddenError } from '@commonplace/core'
import { createApiClient } from '../src/client.ts'
import { DOC, NET, ORG, OTHER, TOPIC, invitation, joinRequest, members, network, outstanding, run, startFakeNode, topic, view } from './helpers.ts'
import type { FakeNode, RunResult } from './helpers.ts'

describe('network and topic commands', () => {
  let node: FakeNode
  const cli = async (...argv: string[]): Promise<RunResult> => run([...argv, '--data', node.dataDir], { cwd: node.dataDir })

  beforeEach(async () => { node = await startFakeNode() })
  afterEach(async () => { await node.cleanup() })

  it('network create sends name and visibility and prints only the id', async () => {
    const result = await cli('network', 'create', 'Tampere Workplace Learning Network', '--visibility', 'approval')
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(`${NET}\n`)
    expect(node.api.calls).toEqual([{ method: 'createNetwork', args: [{ name: 'Tampere Workplace Learning Network', visibility: 'approval' }] }])
    expect((await cli('network', 'create', 'Other', '--json')).json).toEqual(network)
    expect(node.api.calls[1]).toEqual({ method: 'createNetwork', args: [{ name: 'Other' }] })
  })

  it('network invite sends role, expiry and uses, prints only the code and says how long it is valid', async () => {
    const result = await cli('network', 'invite', NET, '--role', 'facilitator', '--expires', '2d', '--uses', '3')
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(`${invitation.code}\n`)
    expect(result.stderr).toBe('Valid until 2025-01-09T03:04:05.000Z for 1 organisation, joining as member.\n')
    expect(node.api.calls).toEqual([{ method: 'invite', args: [NET, { role: 'facilitator', expires: '2d', uses: 3 }] }])
    const json = await cli('network', 'invite', NET, '--json')
    expect(json.json).toEqual(invitation)
    expect(json.stderr).toBe('')
    expect(node.api.calls[1]).toEqual({ method: 'invite', args: [NET, {}] })
  })

  it('network invitations lists the outstanding codes with uses, expiry and maker by name', async () => {
    const result = await cli('network', 'invitations', NET)
    expect(result.code).toBe(0)
    const lines = result.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^ID\s+ROLE\s+USED\s+VALID UNTIL\s+MADE BY$/)
    expect(lines[1]).toMatch(/^inv1\s+member\s+1 of 3\s+2025-01-09T03:04:05.000Z\s+Riverside$/)
    expect(node.api.calls).toEqual([{ method: 'invitations', args: [NET] }, { method: 'members', args: [NET] }])
    expect((await cli('network', 'invitations', NET, '--json')).json).toEqual(outstanding)
    node.api.invitations = async () => []
    expect((await cli('network', 'invitations', NET)).stdout).toBe("No invitation codes are outstanding. Make one with 'commonplace network invite NETID'.\n")
  })

  it('network invitations refuses a member that is not a facilitator, with the node\'s sentence', async () => {
    node.api.failWith = new ForbiddenError('Only a facilitator of Tampere Workplace Learning Network can do this')
    const human = await cli('network', 'invitations', NET)
    expect(human.code).toBe(1)
    expect(human.stdout).toBe('')
    expect(human.stderr).toBe('commonplace: Only a facilitator of Tampere Workplace Learning Network can do this\n')
    const json = await cli('network', 'invitations', NET, '--json')
    expect(json.code).toBe(1)
    expect(json.json).toEqual({ error: { code: 'ERR_FORBIDDEN', message: 'Only a facilitator of Tampere Workplace Learning Network can do this' } })
  })

  it('network join sends the code without surrounding blanks and names the network', async () => {
    const result = await cli('network', 'join', `  ${invitation.code}\n`)
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(`Joined Tampere Workplace Learning Network (${NET}) as member\n`)
    expect(node.api.calls).toEqual([{ method: 'join', args: [invitation.code] }])
    node.api.join = async () => ({ network: { ...network, role: 'pending', visibility: 'approval' }, status: 'pending' })
    const pending = await cli('network', 'join', invitation.code)
    expect(pending.stdout).toBe(`Asked to join Tampere Workplace Learning Network (${NET}); waiting for a facilitator to accept\n`)
    expect((await cli('network', 'join', invitation.code, '--json')).json).toMatchObject({ status: 'pending', network: { id: NET } })
  })

  it('network list prints id, name, role, visibility and member count', async () => {
    const result = await cli('network', 'list')
    const lines = result.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^ID\s+NAME\s+ROLE\s+VISIBILITY\s+MEMBERS$/)
    expect(lines[1]).toMatch(new RegExp(`^${NET}\\s+Tampere Workplace Learning Network\\s+facilitator\\s+invite\\s+2$`))
    expect((await cli('network', 'list', '--json')).json).toEqual([network])
    node.api.listNetworks = async () => []
    expect((await cli('network', 'list')).stdout).toBe('No networks.\n')
  })

  it('network members prints organisation, name, role, since, and online or last seen', async () => {
    const result = await cli('network', 'members', NET)
    const lines = result.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^ORGANISATION\s+NAME\s+ROLE\s+SINCE\s+SEEN$/)
    expect(lines[1]).toMatch(new RegExp(`^${ORG}\\s+Riverside\\s+facilitator\\s+2025-01-02T03:04:05.000Z\\s+online$`))
    expect(lines[2]).toMatch(new RegExp(`^${OTHER}\\s+Hillview\\s+member\\s+2025-01-03T03:04:05.000Z\\s+last seen 2025-01-04T03:04:05.000Z$`))
    expect(node.api.calls).toEqual([{ method: 'members', args: [NET] }])
    expect((await cli('network', 'members', NET, '--json')).json).toEqual(members)
    node.api.members = async () => [{ ...members[1], lastSeen: undefined }]
    expect((await cli('network', 'members', NET)).stdout).toContain('never seen')
  })

  it('network requests, accept, remove and leave call the node with the network and organisation', async () => {
    const requests = await cli('network', 'requests', NET)
    expect(requests.stdout).toMatch(new RegExp(`${OTHER}\\s+Hillview\\s+member\\s+2025-01-03T03:04:05.000Z`))
    expect((await cli('network', 'accept', NET, OTHER)).stdout).toBe(`Accepted ${OTHER} into ${NET}\n`)
    expect((await cli('network', 'remove', NET, OTHER)).stdout).toBe(`Removed ${OTHER} from ${NET}\n`)
    expect((await cli('network', 'leave', NET)).stdout).toBe(`Left Tampere Workplace Learning Network (${NET})\n`)
    expect(node.api.calls).toEqual([
      { method: 'requests', args: [NET] },
      { method: 'accept', args: [NET, OTHER] },
      { method: 'removeMember', args: [NET, OTHER] },
      { method: 'leave', args: [NET] }
    ])
    expect((await cli('network', 'requests', NET, '--json')).json).toEqual([joinRequest])
    expect((await cli('network', 'remove', NET, OTHER, '--json')).json).toEqual(members.slice(0, 1))
    node.api.requests = async () => []
    expect((await cli('network', 'requests', NET)).stdout).toBe('No joins waiting.\n')
  })

  it('share and unshare take --network in place of --with', async () => {
    expect((await cli('share', DOC, '--network', NET, '--role', 'edit')).stdout).toBe(`Shared ${DOC} with network ${NET} (edit)\n`)
    expect((await cli('unshare', DOC, '--network', NET)).stdout).toBe(`Withdrew the access of network ${NET} to ${DOC}\n`)
    expect(node.api.calls).toEqual([
      { method: 'share', args: [DOC, { with: NET, role: 'edit' }] },
      { method: 'unshare', args: [DOC, NET] }
    ])
    expect((await cli('share', DOC, '--network', NET, '--role', 'read', '--json')).json).toEqual(view)
  })

  it('topic create, list and attach', async () => {
    const created = await cli('topic', 'create', NET, '--title', topic.title, '--brief', topic.brief)
    expect(created.stdout).toBe(`${TOPIC}\n`)
    const listed = await cli('topic', 'list', NET)
    expect(listed.stdout.split('\n')[0]).toMatch(/^ID\s+TITLE\s+DOCUMENTS\s+BRIEF$/)
    expect(listed.stdout).toMatch(new RegExp(`${TOPIC}\\s+Shift planning that staff help design\\s+1\\s+What works in 24/7 units\\?`))
    const attached = await cli('topic', 'attach', NET, TOPIC, DOC)
    expect(attached.stdout).toBe(`Attached ${DOC} to Shift planning that staff help design (${TOPIC})\n`)
    expect(node.api.calls).toEqual([
      { method: 'createTopic', args: [NET, { title: topic.title, brief: topic.brief }] },
      { method: 'listTopics', args: [NET] },
      { method: 'attachToTopic', args: [NET, TOPIC, DOC] }
    ])
    expect((await cli('topic', 'list', NET, '--json')).json).toEqual([topic])
    node.api.listTopics = async () => []
    expect((await cli('topic', 'list', NET)).stdout).toBe('No topics.\n')
  })

  it('prints each invitation refusal on one line with what to do next, exit 1', async () => {
    const cases: Array<[string, RegExp]> = [
      ['ERR_INVITATION_EXPIRED', /^commonplace: The invitation expired at .* \(ask a facilitator of the network for a new one\)\n$/],
      ['ERR_INVITATION_USED', /^commonplace: .* \(an invitation joins as many organisations as its --uses; ask a facilitator for a new one\)\n$/],
      ['ERR_INVITATION_INVALID', /^commonplace: .* \(copy the whole code again, or ask a facilitator for a new one\)\n$/],
      ['ERR_INVITATION_WRONG_NETWORK', /^commonplace: .* \(ask a facilitator of the network you mean to join for a code\)\n$/]
    ]
    for (const [code, stderr] of cases) {
      node.api.failWith = new CommonplaceError(code === 'ERR_INVITATION_EXPIRED' ? 'The invitation expired at 2025-01-09T03:04:05.000Z' : `refused: ${code}`, code)
      const human = await cli('network', 'join', invitation.code)
      expect(human.code, code).toBe(1)
      expect(human.stderr, code).toMatch(stderr)
      const json = await cli('network', 'join', invitation.code, '--json')
      expect(json.json.error.code).toBe(code)
    }
  })

  it('reports a member that is not a facilitator', async () => {
    node.api.failWith = new ForbiddenError('Only a facilitator of the network may invite')
    const result = await cli('network', 'invite', NET)
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('commonplace: Only a facilitator of the network may invite\n')
  })
})

describe('the API client for networks', () => {
  it('calls the routes of the local API', async () => {
    const seen: string[] = []
    const client = createApiClient({
      url: 'http://127.0.0.1:1/',
      token: 't',
      fetch: async (url, init) => {
        seen.push(`${init?.method} ${String(url).replace('http://127.0.0.1:1', '')} ${init?.body == null ? '' : String(init.body)}`.trim())
        return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } })
      }
    })
    await client.createNetwork({ name: 'N', visibility: 'invite' })
    await client.listNetworks()
    await client.join('code')
    await client.invite('net_a/b', { uses: 2 })
    await client.invitations('net_a')
    await client.members('net_a')
    await client.requests('net_a')
    await client.accept('net_a', OTHER)
    await client.removeMember('net_a', OTHER)
    await client.leave('net_a')
    await client.createTopic('net_a', { title: 'T' })
    await client.listTopics('net_a')
    await client.attachToTopic('net_a', TOPIC, DOC)
    expect(seen).toEqual([
      'POST /api/networks {"name":"N","visibility":"invite"}',
      'GET /api/networks',
      'POST /api/networks/join {"code":"code"}',
      'POST /api/networks/net_a%2Fb/invitations {"uses":2}',
      'GET /api/networks/net_a/invitations',
      'GET /api/networks/net_a/members',
      'GET /api/networks/net_a/requests',
      `POST /api/networks/net_a/requests/${OTHER}/accept`,
      `DELETE /api/networks/net_a/members/${OTHER}`,
      'POST /api/networks/net_a/leave',
      'POST /api/networks/net_a/topics {"title":"T"}',
      'GET /api/networks/net_a/topics',
      `POST /api/networks/net_a/topics/${TOPIC}/attachments {"doc":"${DOC}"}`
    ])
  })

  it('fills in a clear message when the node sends only an invitation refusal code', async () => {
    const client = createApiClient({
      url: 'http://127.0.0.1:1',
      token: 't',
      fetch: async () => new Response(JSON.stringify({ error: { code: 'ERR_INVITATION_USED' } }), { status: 409 })
    })
    await expect(client.join('code')).rejects.toMatchObject({ code: 'ERR_INVITATION_USED', message: 'This invitation has already been used' })
  })
})
