import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { deriveNetworkId, randomNonce, signStatement } from '@commonplace/core'
import type { GenesisStatement, InvitationStatement, JoinStatement, MemberStatement, NetworkRole, OrgId, Visibility } from '@commonplace/core'
import type { PrivateKey } from '@libp2p/interface'

export interface Org { key: PrivateKey, id: OrgId }

export async function org (): Promise<Org> {
  const key = await generateKeyPair('Ed25519')
  return { key, id: peerIdFromPrivateKey(key).toString() as OrgId }
}

export async function genesis (creator: Org, visibility: Visibility = 'invite', at = 1_000): Promise<GenesisStatement> {
  const nonce = randomNonce()
  return await signStatement<GenesisStatement>(creator.key, { type: 'genesis', network: await deriveNetworkId(creator.id, nonce), name: 'Northside PCN', visibility, creator: creator.id, nonce, createdAt: at })
}

export async function invitation (issuer: Org, g: GenesisStatement, opts: { role?: NetworkRole, uses?: number, expiresAt?: number } = {}): Promise<InvitationStatement> {
  const joinKey = (await org()).id
  return await signStatement<InvitationStatement>(issuer.key, {
    type: 'invitation', network: g.network, id: randomNonce(), role: opts.role ?? 'member', expiresAt: opts.expiresAt ?? 10_000, uses: opts.uses ?? 1, joinKey, issuer: issuer.id, issuedAt: 1_000
  })
}

export async function join (member: Org, i: InvitationStatement, at = 2_000): Promise<JoinStatement> {
  return await signStatement<JoinStatement>(member.key, { type: 'join', network: i.network, member: member.id, name: 'Member', invitation: i, joinedAt: at })
}

export async function member (issuer: Org, g: GenesisStatement, who: OrgId, role: MemberStatement['role'], seq: number): Promise<MemberStatement> {
  return await signStatement<MemberStatement>(issuer.key, { type: 'member', network: g.network, member: who, role, seq, issuer: issuer.id, issuedAt: 3_000 })
}
