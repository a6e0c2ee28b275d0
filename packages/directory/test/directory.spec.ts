import { describe, it, expect } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { memoryStore } from '@commonplace/storage'
import type { OrgId } from '@commonplace/core'
import { INTRODUCTION_TTL_MS, MAX_NOTICES, MAX_PENDING_INTRODUCTIONS, createCard, createDirectory, decodeCardCode, encodeCardCode } from '../src/index.ts'
import type { CardStatement, IntroductionEntry } from '../src/index.ts'

async function someCard (name = 'Riverside Surgery'): Promise<CardStatement> {
  const key = await generateKeyPair('Ed25519')
  const org = peerIdFromPrivateKey(key).toString() as OrgId
  return (await createCard(key, { org, name, addresses: [`/ip4/192.0.2.5/tcp/7421/p2p/${org}`], secret: new Uint8Array(32).fill(3), now: 1 })).card
}

const entry = (card: CardStatement, receivedAt: number): IntroductionEntry => ({
  org: card.org, name: card.name, addresses: card.addresses, card, receivedAt, expiresAt: receivedAt + INTRODUCTION_TTL_MS
})

describe('card codes', () => {
  it('round-trips a card, without the /p2p/ suffix on its addresses', async () => {
    const key = await generateKeyPair('Ed25519')
    const org = peerIdFromPrivateKey(key).toString() as OrgId
    const made = await createCard(key, { org, name: 'Hillview Medical Practice', addresses: [`/ip4/192.0.2.5/tcp/7421/p2p/${org}`], secret: new Uint8Array(32).fill(9), now: 5 })
    const decoded = await decodeCardCode(`  ${encodeCardCode(made)}\n`)
    expect(decoded.card).toEqual(made.card)
    expect(decoded.card.addresses).toEqual(['/ip4/192.0.2.5/tcp/7421'])
    expect(decoded.secret).toEqual(made.secret)
  })

  it('refuses more than 16 addresses', async () => {
    const key = await generateKeyPair('Ed25519')
    const org = peerIdFromPrivateKey(key).toString() as OrgId
    const made = await createCard(key, { org, name: 'X', addresses: [], secret: new Uint8Array(32), now: 5 })
    const card = { ...made.card, addresses: Array.from({ length: 17 }, (_, i) => `/ip4/192.0.2.${i}/tcp/1`) }
    await expect(decodeCardCode(encodeCardCode({ card, secret: made.secret }))).rejects.toMatchObject({ code: 'ERR_CARD_INVALID' })
  })
})

describe('the directory', () => {
  it('keeps one introduction per organisation, refuses the 65th, and drops expired ones', async () => {
    const directory = createDirectory(memoryStore())
    const first = await someCard('Hillview')
    directory.addIntroduction(entry(first, 1000), 1000)
    directory.addIntroduction(entry({ ...first, name: 'Hillview Medical Practice' }, 2000), 2000)
    expect(directory.introductions(2000)).toMatchObject([{ name: 'Hillview Medical Practice', receivedAt: 2000 }])
    for (let i = 1; i < MAX_PENDING_INTRODUCTIONS; i++) directory.addIntroduction(entry(await someCard(), 3000), 3000)
    expect(directory.introductions(3000)).toHaveLength(MAX_PENDING_INTRODUCTIONS)
    expect(() => { directory.addIntroduction(entry(first, 2000), 3000) }).not.toThrow()
    const extra = await someCard('One too many')
    expect(() => { directory.addIntroduction(entry(extra, 3000), 3000) }).toThrow(expect.objectContaining({ code: 'ERR_INTRODUCTION_REFUSED' }))
    // the first expires 30 days after it came, the others a second later
    expect(directory.introductions(2000 + INTRODUCTION_TTL_MS)).toHaveLength(MAX_PENDING_INTRODUCTIONS - 1)
    expect(directory.introductions(3000 + INTRODUCTION_TTL_MS)).toEqual([])
  })

  it('keeps the newest notices, newest first, and marks them read', () => {
    const directory = createDirectory(memoryStore())
    const org = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN' as OrgId
    for (let at = 1; at <= MAX_NOTICES + 5; at++) directory.addNotices([{ kind: 'shared', at, org, orgName: 'Riverside', text: `n${at}` }])
    const notices = directory.notices()
    expect(notices).toHaveLength(MAX_NOTICES)
    expect(notices[0].text).toBe(`n${MAX_NOTICES + 5}`)
    expect(notices.at(-1)?.text).toBe('n6')
    directory.readNotices([notices[0].id])
    expect(directory.notices().filter(n => n.read).map(n => n.text)).toEqual([`n${MAX_NOTICES + 5}`])
    directory.readNotices()
    expect(directory.notices().every(n => n.read)).toBe(true)
  })

  it('keeps the notices of a catch-up in one write, the newest of them and of those before within the bound', () => {
    const storage = memoryStore()
    let writes = 0
    const counted = { ...storage, write: (ops: Parameters<typeof storage.write>[0]) => { writes++; storage.write(ops) } }
    const directory = createDirectory(counted)
    const org = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN' as OrgId
    for (let at = 1; at <= 10; at++) directory.addNotices([{ kind: 'shared', at, org, orgName: 'Riverside', text: `before ${at}` }])
    writes = 0
    const arrived = Array.from({ length: MAX_NOTICES + 50 }, (_, i) => ({ kind: 'shared' as const, at: 100 + i, org, orgName: 'Riverside', text: `arrived ${i}` }))
    const kept = directory.addNotices(arrived)
    expect(writes).toBe(1)
    expect(kept).toHaveLength(MAX_NOTICES + 50)
    const notices = directory.notices()
    expect(notices).toHaveLength(MAX_NOTICES)
    expect(notices[0].text).toBe(`arrived ${MAX_NOTICES + 49}`)
    expect(notices.at(-1)?.text).toBe('arrived 50')
    directory.addNotices([{ kind: 'shared', at: 1000, org, orgName: 'Riverside', text: 'later' }])
    expect(directory.notices()).toHaveLength(MAX_NOTICES)
    expect(directory.notices()[0].text).toBe('later')
  })
})
