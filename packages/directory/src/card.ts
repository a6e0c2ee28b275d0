/**
 * Card codes: `cpc1.` + base64url of the signed card and the introduction secret. The secret's
 * derived identity is the card's `introKey`: the node that made the card admits it, and it opens
 * nothing there but the introduce protocol (as an invitation code's join key opens only the join
 * handshake).
 */
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { toString as u8ToString, fromString as u8FromString } from 'uint8arrays'
import { CardInvalidError } from '@commonplace/core'
import type { OrgId } from '@commonplace/core'
import type { PrivateKey } from '@libp2p/interface'
import { CARD_CODE_PREFIX, MAX_ADDRESS_LENGTH, MAX_CARD_ADDRESSES, MAX_CARD_CODE_LENGTH } from './constants.ts'
import { signDirectoryStatement, verifyDirectoryStatement } from './statements.ts'
import type { CardStatement } from './statements.ts'

/** Length of the introduction secret (bytes): an Ed25519 seed. */
export const INTRO_SECRET_BYTES = 32

export interface CardCode {
  card: CardStatement
  /** The introduction identity's seed. */
  secret: Uint8Array
}

/** The one-off introduction identity of a card. */
export async function introKeyFromSecret (secret: Uint8Array): Promise<PrivateKey> {
  return await generateKeyPairFromSeed('Ed25519', secret)
}

/** The introduction identity's peer id (the card's `introKey`). */
export async function introIdOf (secret: Uint8Array): Promise<string> {
  return peerIdFromPrivateKey(await introKeyFromSecret(secret)).toString()
}

/** Sign a card for this organisation; addresses lose their `/p2p/<org>` suffix and are bounded. */
export async function createCard (key: PrivateKey, init: { org: OrgId, name: string, addresses: string[], secret: Uint8Array, now: number }): Promise<CardCode> {
  const suffix = `/p2p/${init.org}`
  const addresses = [...new Set(init.addresses.map(a => a.endsWith(suffix) ? a.slice(0, -suffix.length) : a))]
    .filter(a => a.length <= MAX_ADDRESS_LENGTH)
    .slice(0, MAX_CARD_ADDRESSES)
  const card = await signDirectoryStatement<CardStatement>(key, {
    type: 'card', org: init.org, name: init.name, addresses, introKey: await introIdOf(init.secret), issuedAt: init.now
  })
  return { card, secret: init.secret }
}

/** The copyable code: a JSON array (the shortest JSON) in base64url. */
export function encodeCardCode (code: CardCode): string {
  const { card, secret } = code
  const json = JSON.stringify([card.org, card.name, card.addresses, card.introKey, card.issuedAt, card.sig, u8ToString(secret, 'base64url')])
  return CARD_CODE_PREFIX + u8ToString(u8FromString(json), 'base64url')
}

/**
 * Read a card code and check it: its shape and bounds, the organisation's signature, and that its
 * secret derives the card's introduction key.
 * @throws CardInvalidError
 */
export async function decodeCardCode (text: unknown): Promise<CardCode> {
  let card: CardStatement
  let secret: Uint8Array
  try {
    if (typeof text !== 'string') throw new Error('not text')
    const trimmed = text.replace(/\s+/g, '')
    if (!trimmed.startsWith(CARD_CODE_PREFIX)) throw new Error(`it does not start with ${CARD_CODE_PREFIX}`)
    if (trimmed.length > MAX_CARD_CODE_LENGTH) throw new Error('it is too long')
    const fields = JSON.parse(u8ToString(u8FromString(trimmed.slice(CARD_CODE_PREFIX.length), 'base64url'))) as unknown[]
    if (!Array.isArray(fields) || fields.length !== 7 || typeof fields[6] !== 'string') throw new Error('wrong fields')
    const [org, name, addresses, introKey, issuedAt, sig] = fields
    card = { type: 'card', org, name, addresses, introKey, issuedAt, sig } as CardStatement
    secret = u8FromString(fields[6], 'base64url')
    if (secret.length !== 32) throw new Error('bad secret')
    if (Array.isArray(addresses) && addresses.length > MAX_CARD_ADDRESSES) throw new Error('too many addresses')
  } catch (err) {
    throw new CardInvalidError(`This is not a readable card code (${(err as Error).message})`, { cause: err })
  }
  try {
    await verifyDirectoryStatement(card)
  } catch (err) {
    throw new CardInvalidError('The card\'s signature does not verify: it was changed or forged', { cause: err })
  }
  if (await introIdOf(secret) !== card.introKey) throw new CardInvalidError('The card has been altered (its secret does not match)')
  return { card, secret }
}

/** Check a card sent over the wire (no secret). @throws CardInvalidError */
export async function verifyCard (value: unknown): Promise<CardStatement> {
  try {
    const s = await verifyDirectoryStatement(value)
    if (s.type !== 'card') throw new Error('not a card')
    return s
  } catch (err) {
    throw new CardInvalidError(`The card does not verify: ${(err as Error).message}`, { cause: err })
  }
}
