import { describe, it, expect, afterEach } from 'vitest'
import { toString as u8ToString, fromString as u8FromString } from 'uint8arrays'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { createCard, decodeCardCode, encodeCardCode, INTRO_SECRET_BYTES } from '@commonplace/directory'
import type { OrgId } from '@commonplace/core'
import { startNode, stopAll, until } from './directory-nodes.ts'

afterEach(stopAll)

/** The code with one field of its card replaced (the signature then no longer matches). */
function altered (code: string, index: number, value: unknown): string {
  const fields = JSON.parse(u8ToString(u8FromString(code.slice(5), 'base64url'))) as unknown[]
  fields[index] = value
  return 'cpc1.' + u8ToString(u8FromString(JSON.stringify(fields)), 'base64url')
}

describe('cards', () => {
  it('gives a short signed card code that reads back as the organisation, its name and addresses', async () => {
    const riverside = await startNode('Riverside Surgery')
    const card = await riverside.api.card()
    expect(card.code.startsWith('cpc1.')).toBe(true)
    expect(card.code.length).toBeLessThan(700)
    expect(card).toMatchObject({ orgId: riverside.orgId, name: 'Riverside Surgery' })
    expect(card.addresses).toEqual(riverside.listenAddresses().map(a => a.replace(`/p2p/${riverside.orgId}`, '')))
    const decoded = await decodeCardCode(card.code)
    expect(decoded.card).toMatchObject({ org: riverside.orgId, name: 'Riverside Surgery', addresses: card.addresses })
  })

  it('refuses a changed card, a forged card, its own card and a malformed code, and adds nothing', async () => {
    const riverside = await startNode('Riverside Surgery')
    const hillview = await startNode('Hillview Medical Practice')
    const code = (await riverside.api.card()).code
    await expect(hillview.api.addContact({ card: altered(code, 1, 'Riverside Surgery (new)') })).rejects.toMatchObject({ code: 'ERR_CARD_INVALID' })
    await expect(hillview.api.addContact({ card: altered(code, 2, ['/ip4/192.0.2.66/tcp/7421']) })).rejects.toMatchObject({ code: 'ERR_CARD_INVALID' })
    // a card for Riverside's id signed with another key
    const key = await generateKeyPair('Ed25519')
    const forged = await createCard(key, { org: riverside.orgId, name: 'Riverside Surgery', addresses: [], secret: new Uint8Array(INTRO_SECRET_BYTES), now: Date.now() })
    await expect(hillview.api.addContact({ card: encodeCardCode(forged) })).rejects.toMatchObject({ code: 'ERR_CARD_INVALID' })
    // a genuine card of another key with the secret swapped
    const other = await createCard(key, { org: peerIdFromPrivateKey(key).toString() as OrgId, name: 'X', addresses: [], secret: new Uint8Array(32).fill(1), now: Date.now() })
    await expect(hillview.api.addContact({ card: encodeCardCode({ ...other, secret: new Uint8Array(32).fill(2) }) })).rejects.toMatchObject({ code: 'ERR_CARD_INVALID' })
    for (const bad of ['', 'hello', 'cpc1.', 'cpc1.!!!', 'cp1.abc', code.slice(0, code.length - 10)]) {
      await expect(hillview.api.addContact({ card: bad })).rejects.toMatchObject({ code: 'ERR_CARD_INVALID' })
    }
    await expect(hillview.api.addContact({ card: (await hillview.api.card()).code })).rejects.toMatchObject({ code: 'ERR_CARD_SELF' })
    expect(await hillview.api.contacts()).toEqual([])
    expect(await riverside.api.introductions()).toEqual([])
  })
})

describe('introductions', () => {
  it('introduces the adding organisation, with a notice there; accepting makes both contacts that may connect', async () => {
    const riverside = await startNode('Riverside Surgery')
    const hillview = await startNode('Hillview Medical Practice')
    const added = await hillview.api.addContact({ card: (await riverside.api.card()).code })
    expect(added).toMatchObject({ orgId: riverside.orgId, name: 'Riverside Surgery', status: 'awaiting' })
    const intros = await riverside.api.introductions()
    expect(intros).toMatchObject([{ orgId: hillview.orgId, name: 'Hillview Medical Practice' }])
    expect(Date.parse(intros[0].expiresAt) - Date.parse(intros[0].receivedAt)).toBe(30 * 24 * 3600_000)
    expect((await riverside.api.notices())[0]).toMatchObject({ kind: 'introduction', org: hillview.orgId, text: 'Hillview Medical Practice added you', read: false })
    expect(await riverside.api.contacts()).toMatchObject([{ orgId: hillview.orgId, status: 'introduced' }])
    // the introduction identity's connection closed once it was answered
    await until([riverside], () => riverside.libp2p.getConnections().length === 0, 'the introduction connection closed')

    await expect(hillview.api.addContact({ card: (await riverside.api.card()).code })).resolves.toMatchObject({ status: 'awaiting' })
    const accepted = await riverside.api.acceptContact('hillview medical practice')
    expect(accepted).toMatchObject({ orgId: hillview.orgId, status: 'contact' })
    await until([hillview], async () => (await hillview.api.contacts()).some(c => c.orgId === riverside.orgId && c.status === 'contact'), 'Hillview holds Riverside as a contact')
    expect((await hillview.api.notices())[0]).toMatchObject({ kind: 'accepted', text: 'Riverside Surgery accepted your introduction' })
    await expect(hillview.api.addContact({ card: (await riverside.api.card()).code })).rejects.toMatchObject({ code: 'ERR_CONTACT_EXISTS' })
    expect(await riverside.api.introductions()).toEqual([])
    // contacts may connect either way
    await hillview.api.connect(riverside.listenAddresses()[0])
    expect((await riverside.api.contacts()).find(c => c.orgId === hillview.orgId)).toMatchObject({ online: true, status: 'contact' })
  })

  it('makes both contacts at once when each added the other\'s card', async () => {
    const riverside = await startNode('Riverside Surgery')
    const hillview = await startNode('Hillview Medical Practice')
    await exchangeCards(riverside, hillview)
  })

  it('ignoring an introduction removes it; removing a contact closes its connections and the gater refuses it again', async () => {
    const riverside = await startNode('Riverside Surgery')
    const hillview = await startNode('Hillview Medical Practice')
    await hillview.api.addContact({ card: (await riverside.api.card()).code })
    expect(await riverside.api.removeContact(hillview.orgId)).toEqual([])
    expect(await riverside.api.introductions()).toEqual([])
    await expect(riverside.api.removeContact(hillview.orgId)).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' })
    await expect(riverside.api.acceptContact(hillview.orgId)).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' })

    await riverside.api.addContact({ card: (await hillview.api.card()).code })
    await until([hillview], async () => (await hillview.api.contacts()).some(c => c.orgId === riverside.orgId && c.status === 'contact'), 'contacts')
    await riverside.api.connect(hillview.listenAddresses()[0])
    await hillview.api.removeContact('Riverside Surgery')
    await until([riverside, hillview], () => hillview.libp2p.getConnections().length === 0, 'the connection closed')
    await expect(riverside.api.connect(hillview.listenAddresses()[0])).rejects.toMatchObject({ code: 'ERR_CONNECTION_FAILED' })
  })
})

/** Each adds the other's card before either introduction arrived: the second introduction finds the first awaiting. */
async function exchangeCards (riverside: Awaited<ReturnType<typeof startNode>>, hillview: Awaited<ReturnType<typeof startNode>>): Promise<void> {
  await riverside.api.addContact({ card: (await hillview.api.card()).code })
  expect(await hillview.api.introductions()).toHaveLength(1)
  // Hillview adds Riverside's card too: that accepts the waiting introduction
  const added = await hillview.api.addContact({ card: (await riverside.api.card()).code })
  expect(added.status).toBe('contact')
  await until([riverside], async () => (await riverside.api.contacts()).some(c => c.orgId === hillview.orgId && c.status === 'contact'), 'Riverside holds Hillview as a contact')
  expect(await hillview.api.introductions()).toEqual([])
}
