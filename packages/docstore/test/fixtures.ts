import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { deriveDocId, randomNonce, signGrant, nextGrantSeq } from '@commonplace/core'
import type { AccessList, DocHeader, NetworkId, OrgId, Role, VerifiedGrant } from '@commonplace/core'
import type { PrivateKey } from '@libp2p/interface'

export interface TestOrg { key: PrivateKey, id: OrgId }

export async function testOrg (): Promise<TestOrg> {
  const key = await generateKeyPair('Ed25519')
  return { key, id: peerIdFromPrivateKey(key).toString() as OrgId }
}

export async function newHeader (owner: TestOrg): Promise<DocHeader> {
  const nonce = randomNonce()
  return { id: await deriveDocId(owner.id, nonce), owner: owner.id, nonce }
}

export async function grantFor (owner: TestOrg, acl: AccessList, to: OrgId | NetworkId, role: Role): Promise<VerifiedGrant> {
  return await signGrant(owner.key, { doc: acl.header.id, to, role, seq: nextGrantSeq(acl), issuer: owner.id, issuedAt: Date.now() })
}
