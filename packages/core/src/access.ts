import { fromString as u8FromString } from 'uint8arrays'
import type { PrivateKey } from '@libp2p/interface'
import { GRANT_SIGNING_PREFIX, Role } from './constants.ts'
import { InvalidStatementError } from './errors.ts'
import { deriveDocId, orgPublicKey, parseDocId, parseNonce, parseOrgId } from './ids.ts'
import type { DocId, OrgId } from './ids.ts'
import { isNetworkId } from './network.ts'
import type { Membership, NetworkId } from './network.ts'

/** What ties a document to its owner: the owner and the nonce its id was derived from. */
export interface DocHeader {
  id: DocId
  owner: OrgId
  nonce: string
}

/**
 * A signed statement by a document's owner: `to` may `role` the document `doc`.
 * For one grantee the grant with the highest `seq` wins; `role: 'none'` revokes.
 */
export interface Grant {
  doc: DocId
  /** An organisation, or a learning network (every current member). */
  to: OrgId | NetworkId
  role: Role
  seq: number
  issuer: OrgId
  issuedAt: number
  sig: Uint8Array
}

/** A grant whose signature and issuer have been checked against its document's header. */
export type VerifiedGrant = Grant & { readonly __verified: true }

/** A document's header and the latest verified grant for each grantee. */
export interface AccessList {
  header: DocHeader
  grants: VerifiedGrant[]
}

export type AccessLevel = 'owner' | 'edit' | 'comment' | 'read'

/** Levels from least to most (docs/history.md: `comment` is between read and edit). */
const LEVEL_RANK: Record<Exclude<AccessLevel, 'owner'>, number> = { read: 1, comment: 2, edit: 3 }

/** Check that a header's id really derives from its owner and nonce. */
export async function verifyHeader (header: DocHeader): Promise<DocHeader> {
  const id = parseDocId(header?.id)
  const owner = parseOrgId(header.owner)
  const nonce = parseNonce(header.nonce)
  if (await deriveDocId(owner, nonce) !== id) {
    throw new InvalidStatementError(`Document ${id} does not derive from owner ${owner}`)
  }
  return { id, owner, nonce }
}

/** The bytes a grant's signature covers. */
export function grantSigningBytes (g: Omit<Grant, 'sig'>): Uint8Array {
  return u8FromString(GRANT_SIGNING_PREFIX + JSON.stringify([g.doc, g.to, g.role, g.seq, g.issuer, g.issuedAt]))
}

/** Sign a grant with the owner's key. */
export async function signGrant (key: PrivateKey, fields: Omit<Grant, 'sig' | 'issuer'> & { issuer: OrgId }): Promise<VerifiedGrant> {
  const unsigned = { doc: fields.doc, to: fields.to, role: fields.role, seq: fields.seq, issuer: fields.issuer, issuedAt: fields.issuedAt }
  const sig = await key.sign(grantSigningBytes(unsigned))
  return { ...unsigned, sig } as VerifiedGrant
}

/**
 * Check a grant's shape, that its issuer is the document's owner and that the owner signed it.
 * `verify` checks the signature where the caller has a faster check than the organisation's
 * libp2p key (the node's, with the key kept: docstore's verifyBy); it is given the owner.
 * @throws InvalidStatementError
 */
export async function verifyGrant (header: DocHeader, grant: Grant, verify?: (signer: OrgId, bytes: Uint8Array, sig: Uint8Array) => boolean): Promise<VerifiedGrant> {
  try {
    if (grant.doc !== header.id) throw new Error('grant is for another document')
    if (!isNetworkId(grant.to)) parseOrgId(grant.to)
    if (grant.issuer !== header.owner) throw new Error('grant not issued by the owner')
    if (!(grant.role in Role)) throw new Error('unknown role')
    if (!Number.isSafeInteger(grant.seq) || grant.seq < 1) throw new Error('bad seq')
    if (!Number.isSafeInteger(grant.issuedAt) || grant.issuedAt < 0) throw new Error('bad issuedAt')
    if (!(grant.sig instanceof Uint8Array) || grant.sig.length !== 64) throw new Error('bad signature length')
  } catch (err) {
    throw new InvalidStatementError(`Invalid grant: ${(err as Error).message}`, { cause: err })
  }
  const signed = verify != null
    ? verify(header.owner, grantSigningBytes(grant), grant.sig)
    : await orgPublicKey(header.owner).verify(grantSigningBytes(grant), grant.sig)
  if (!signed) {
    throw new InvalidStatementError('Invalid grant: bad signature')
  }
  return grant as VerifiedGrant
}

/**
 * What `org` may do with the document: its own grant, or the best grant to a network the
 * membership says it belongs to (without a membership, network grants count for nobody).
 */
export function accessOf (acl: AccessList, org: OrgId | string, membership?: Membership): AccessLevel | null {
  if (acl.header.owner === org) return 'owner'
  let best: Exclude<AccessLevel, 'owner'> | null = null
  for (const grant of acl.grants) {
    if (grant.role === 'none') continue
    const applies = grant.to === org || (membership != null && isNetworkId(grant.to) && membership.roleOf(grant.to, org) != null)
    if (!applies) continue
    if (grant.role === 'edit') return 'edit'
    if (best == null || LEVEL_RANK[grant.role] > LEVEL_RANK[best]) best = grant.role
  }
  return best
}

/** Whether `org` may write the document's comments: owner, edit or comment (docs/history.md). */
export function mayComment (acl: AccessList, org: OrgId | string, membership?: Membership): boolean {
  const level = accessOf(acl, org, membership)
  return level != null && level !== 'read'
}

export function mayRead (acl: AccessList, org: OrgId | string, membership?: Membership): boolean {
  return accessOf(acl, org, membership) != null
}

export function mayWrite (acl: AccessList, org: OrgId | string, membership?: Membership): boolean {
  const level = accessOf(acl, org, membership)
  return level === 'owner' || level === 'edit'
}

/** The organisations and networks (besides the owner) the document is shared with. */
export function readers (acl: AccessList): Array<OrgId | NetworkId> {
  return acl.grants.filter(g => g.role !== 'none').map(g => g.to)
}

/** The networks a document is shared with (any role but none). */
export function networksOf (acl: AccessList): NetworkId[] {
  return acl.grants.filter(g => g.role !== 'none' && isNetworkId(g.to)).map(g => g.to as NetworkId)
}

/**
 * Merge verified grants into a list: per grantee the highest `seq` wins.
 * Returns the new list and whether anything changed. Pure.
 */
export function mergeGrants (acl: AccessList, incoming: VerifiedGrant[]): { acl: AccessList, changed: boolean } {
  const byGrantee = new Map(acl.grants.map(g => [g.to, g]))
  let changed = false
  for (const g of incoming) {
    const current = byGrantee.get(g.to)
    if (current == null || g.seq > current.seq) {
      byGrantee.set(g.to, g)
      changed = true
    }
  }
  if (!changed) return { acl, changed }
  const grants = [...byGrantee.values()].sort((a, b) => a.seq - b.seq)
  return { acl: { header: acl.header, grants }, changed }
}

/** The seq the owner gives its next grant. */
export function nextGrantSeq (acl: AccessList): number {
  return acl.grants.reduce((max, g) => Math.max(max, g.seq), 0) + 1
}

/** A number that grows whenever the list changes; two equal lists have equal versions. */
export function accessVersion (acl: AccessList): number {
  return acl.grants.reduce((sum, g) => sum + g.seq, 0)
}
