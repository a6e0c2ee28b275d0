/**
 * Invitation codes: what a new member needs to reach a network and prove it was invited.
 * The code carries a secret from which the one-off join identity is derived; the signed
 * invitation names that identity's public key, so members' gaters admit it for the handshake.
 */
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { toString as u8ToString, fromString as u8FromString } from 'uint8arrays'
import { InvitationInvalidError, InvitationWrongNetworkError, randomNonce, signStatement, verifyStatement } from '@commonplace/core'
import type { GenesisStatement, InvitationStatement, NetworkRole, OrgId, Unsigned } from '@commonplace/core'
import type { PrivateKey } from '@libp2p/interface'

export interface InvitationCode {
  genesis: GenesisStatement
  invitation: InvitationStatement
  /** The join identity's seed. */
  secret: Uint8Array
  /** Members' addresses (with /p2p/) when the code was made. */
  addresses: string[]
}

const CODE_PREFIX = 'cp1.'
/** Longest code accepted (characters). */
const MAX_CODE_LENGTH = 16 * 1024

export async function joinKeyFromSecret (secret: Uint8Array): Promise<PrivateKey> {
  return await generateKeyPairFromSeed('Ed25519', secret)
}

export async function createInvitation (key: PrivateKey, init: {
  genesis: GenesisStatement, issuer: OrgId, role: NetworkRole, expiresAt: number, uses: number, addresses: string[], now: number
}): Promise<{ code: string, invitation: InvitationStatement }> {
  const secret = crypto.getRandomValues(new Uint8Array(32))
  const joinKey = peerIdFromPrivateKey(await joinKeyFromSecret(secret) as Parameters<typeof peerIdFromPrivateKey>[0]).toString()
  const unsigned: Unsigned<InvitationStatement> = {
    type: 'invitation',
    network: init.genesis.network,
    id: randomNonce(),
    role: init.role,
    expiresAt: init.expiresAt,
    uses: init.uses,
    joinKey,
    issuer: init.issuer,
    issuedAt: init.now
  }
  const invitation = await signStatement<InvitationStatement>(key, unsigned)
  return { code: encodeCode({ genesis: init.genesis, invitation, secret, addresses: init.addresses }), invitation }
}

export function encodeCode (code: InvitationCode): string {
  const json = JSON.stringify({ g: code.genesis, i: code.invitation, s: u8ToString(code.secret, 'base64url'), a: code.addresses })
  return CODE_PREFIX + u8ToString(u8FromString(json), 'base64url')
}

/**
 * Read a code and check its signatures and that its secret matches the join key.
 * @throws InvitationInvalidError
 */
export async function decodeCode (text: string): Promise<InvitationCode> {
  let code: InvitationCode
  try {
    const trimmed = text.trim()
    if (!trimmed.startsWith(CODE_PREFIX) || trimmed.length > MAX_CODE_LENGTH) throw new Error('not an invitation code')
    const json = JSON.parse(u8ToString(u8FromString(trimmed.slice(CODE_PREFIX.length), 'base64url'))) as { g: GenesisStatement, i: InvitationStatement, s: string, a: string[] }
    if (!Array.isArray(json.a) || json.a.length > 32 || !json.a.every(a => typeof a === 'string')) throw new Error('bad addresses')
    code = { genesis: json.g, invitation: json.i, secret: u8FromString(json.s, 'base64url'), addresses: json.a }
    if (code.secret.length !== 32) throw new Error('bad secret')
  } catch (err) {
    throw new InvitationInvalidError(`This is not a readable invitation code (${(err as Error).message})`, { cause: err })
  }
  try {
    if (code.genesis?.type !== 'genesis' || code.invitation?.type !== 'invitation') throw new Error('wrong statements')
    await verifyStatement(code.genesis)
    await verifyStatement(code.invitation)
  } catch (err) {
    throw new InvitationInvalidError(`The invitation's signature does not verify: ${(err as Error).message}`, { cause: err })
  }
  if (code.invitation.network !== code.genesis.network) {
    throw new InvitationWrongNetworkError(`The invitation is for network ${code.invitation.network}, not ${code.genesis.network}`)
  }
  const joinKey = peerIdFromPrivateKey(await joinKeyFromSecret(code.secret) as Parameters<typeof peerIdFromPrivateKey>[0]).toString()
  if (joinKey !== code.invitation.joinKey) throw new InvitationInvalidError('The invitation code has been altered (its secret does not match)')
  return code
}
