import { describe, it, expect, beforeEach, afterEach } from 'vitest'
import { CardInvalidError } from '@commonplace/core'
import { DOC, ORG, OTHER, card, contacts, introduction, notices, run, startFakeNode, view } from './helpers.ts'
import type { FakeNode, RunResult } from './helpers.ts'

describe('card, contact and notices commands', () => {
  let node: FakeNode
  const cli = async (...argv: string[]): Promise<RunResult> => run([...argv, '--data', node.dataDir], { cwd: node.dataDir })

  beforeEach(async () => { node = await startFakeNode() })
  afterEach(async () => { await node.cleanup() })

  it('card prints the code first, then the name, organisation and addresses', async () => {
    const result = await cli('card')
    expect(result.code).toBe(0)
    const lines = result.stdout.split('\n')
    expect(lines[0]).toBe(card.code)
    expect(result.stdout).toContain(`Name: Riverside\nOrganisation: ${ORG}\nAddresses:\n  /ip4/192.0.2.5/tcp/7421\n`)
    expect((await cli('card', '--json')).json).toEqual(card)
  })

  it('contact add sends the card without blanks and says whether it waits for the other side', async () => {
    const result = await cli('contact', 'add', `  ${card.code}\n`)
    expect(result.stdout).toBe(`Added Hillview (${OTHER}); waiting for it to accept the introduction\n`)
    expect(node.api.calls).toEqual([{ method: 'addContact', args: [{ card: card.code }] }])
    node.api.failWith = new CardInvalidError('The card\'s signature does not verify: it was changed or forged')
    const refused = await cli('contact', 'add', 'cpc1.x', '--json')
    expect(refused.code).toBe(1)
    expect(refused.json).toEqual({ error: { code: 'ERR_CARD_INVALID', message: 'The card\'s signature does not verify: it was changed or forged' } })
  })

  it('contact list shows names and statuses in words; accept and remove take an id or a name', async () => {
    const lines = (await cli('contact', 'list')).stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^ORGANISATION\s+NAME\s+STATUS\s+SEEN$/)
    expect(lines[1]).toMatch(new RegExp(`^${OTHER}\\s+Hillview\\s+contact\\s+online$`))
    expect(lines[2]).toMatch(/Lakeside\s+met\s+last seen 2025-01-04T03:04:05.000Z$/)
    expect((await cli('contact', 'list', '--json')).json).toEqual(contacts)
    expect((await cli('contact', 'accept', 'Hillview')).stdout).toBe(`Hillview (${OTHER}) is a contact now\n`)
    expect((await cli('contact', 'remove', OTHER)).stdout).toBe(`Removed ${OTHER}\n`)
    expect(node.api.calls.slice(2)).toEqual([
      { method: 'acceptContact', args: ['Hillview'] },
      { method: 'removeContact', args: [OTHER] }
    ])
    expect(introduction.orgId).toBe(OTHER)
  })

  it('notices lists the newest first, unread marked, and as JSON', async () => {
    expect((await cli('notices')).stdout).toBe('* 2025-01-03T03:04:05.000Z  Hillview shared "Handwashing" with you\n')
    expect((await cli('notices', '--json')).json).toEqual(notices)
  })

  it('notices --read lists the notices as they were, then marks exactly those read', async () => {
    const result = await cli('notices', '--read')
    expect(result.stdout).toBe('* 2025-01-03T03:04:05.000Z  Hillview shared "Handwashing" with you\n')
    expect(node.api.calls).toEqual([{ method: 'notices', args: [] }, { method: 'readNotices', args: [[notices[0].id]] }])
    node.api.notices = async () => notices.map(n => ({ ...n, read: true }))
    node.api.calls.length = 0
    expect((await cli('notices', '--read', '--json')).json).toEqual([{ ...notices[0], read: true }])
    expect(node.api.calls).toEqual([])
  })

  it('notices read marks every notice read, or those named; an unknown id changes nothing', async () => {
    expect((await cli('notices', 'read')).stdout).toBe('Marked one notice read\n')
    expect(node.api.calls).toEqual([{ method: 'readNotices', args: [] }])
    node.api.calls.length = 0
    const named = await cli('notices', 'read', notices[0].id, '--json')
    expect(named.json).toEqual([{ ...notices[0], read: true }])
    expect(node.api.calls).toEqual([{ method: 'notices', args: [] }, { method: 'readNotices', args: [[notices[0].id]] }])
    node.api.calls.length = 0
    const refused = await cli('notices', 'read', 'nope', '--json')
    expect(refused.code).toBe(1)
    expect(refused.json).toEqual({ error: { code: 'ERR_NOT_FOUND', message: 'No notice "nope" here (see \'commonplace notices --json\' for the ids)' } })
    expect(node.api.calls).toEqual([{ method: 'notices', args: [] }])
  })

  it('share --with takes a name and prints the name the node resolved', async () => {
    node.api.share = async (...args) => {
      node.api.calls.push({ method: 'share', args })
      return { ...view, grants: [{ ...view.grants[0], name: 'Hillview Medical Practice', delivery: { state: 'unreachable', since: '2025-01-02T03:04:05.000Z' } }] }
    }
    const result = await cli('share', DOC, '--with', 'Hillview Medical Practice', '--role', 'edit')
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(`Shared ${DOC} with Hillview Medical Practice (${OTHER}) (edit)\nIts node cannot be reached now; the document goes as soon as it can\n`)
    expect(node.api.calls).toEqual([{ method: 'share', args: [DOC, { with: 'Hillview Medical Practice', role: 'edit' }] }])
  })
})
