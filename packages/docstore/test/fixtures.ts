import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { deriveDocId, randomNonce, signGrant, nextGrantSeq } from '@commonplace/core'
import type { AccessList, DocHeader, DocId, DocumentChange, DocumentStore, KeyValueStore, NetworkId, OrgId, Role, VerifiedGrant } from '@commonplace/core'
import { memoryStore } from '@commonplace/storage'
import type { PrivateKey } from '@libp2p/interface'
import { createDocumentStore } from '../src/index.ts'
import type { DocumentStoreInit } from '../src/index.ts'

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

/** A store that signs as `org`, and the signed items it announces. */
export function signingStore (org: TestOrg, kv: KeyValueStore = memoryStore(), mayEdit?: (doc: DocId, who: OrgId, seq: number) => boolean | 'removed', init: DocumentStoreInit = {}): { store: DocumentStore, kv: KeyValueStore, signed: Uint8Array[], changes: DocumentChange[] } {
  const store = createDocumentStore({ storage: kv }, { ...init, signer: { org: org.id, key: org.key }, mayEdit })
  const signed: Uint8Array[] = []
  const changes: DocumentChange[] = []
  store.onChange(c => {
    changes.push(c)
    signed.push(...c.signed ?? [])
  })
  return { store, kv, signed, changes }
}

/** Give every signed item to `to`, in order; the outcomes. */
export function deliver (items: Uint8Array[], to: DocumentStore, id: DocId, from: OrgId): string[] {
  return items.map(bytes => to.applySigned(id, bytes, { kind: 'peer', peer: from }))
}

/** What a store may apply (its `mayEdit`) around the removal of `org` at `frontier`, which it holds once `learn` was called. */
export function removalOf (org: OrgId, frontier: number): { mayEdit: (doc: DocId, who: OrgId, seq: number) => boolean | 'removed', learn: () => void } {
  let known = false
  return {
    mayEdit: (_doc, who, seq) => !known || who !== org || seq <= frontier ? true : 'removed',
    learn: () => { known = true }
  }
}
