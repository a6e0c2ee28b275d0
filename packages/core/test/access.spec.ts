import { describe, it, expect } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import {
  accessOf, deriveDocId, mayComment, mayRead, mayWrite, mergeGrants, nextGrantSeq, randomNonce, signGrant, verifyGrant, verifyHeader,
  InvalidStatementError
} from '../src/index.ts'
import type { AccessList, OrgId } from '../src/index.ts'

async function org (): Promise<{ key: Awaited<ReturnType<typeof generateKeyPair>>, id: OrgId }> {
  const key = await generateKeyPair('Ed25519')
  return { key, id: peerIdFromPrivateKey(key).toString() as OrgId }
}

describe('access', () => {
  it('comment sits between read and edit: it reads and comments, it does not write the document', async () => {
    const owner = await org()
    const other = await org()
    const nonce = randomNonce()
    const header = await verifyHeader({ id: await deriveDocId(owner.id, nonce), owner: owner.id, nonce })
    let acl: AccessList = { header, grants: [] }
    const comment = await signGrant(owner.key, { doc: header.id, to: other.id, role: 'comment', seq: nextGrantSeq(acl), issuer: owner.id, issuedAt: 1 })
    acl = mergeGrants(acl, [await verifyGrant(header, comment)]).acl
    expect(accessOf(acl, other.id)).toBe('comment')
    expect([mayRead(acl, other.id), mayComment(acl, other.id), mayWrite(acl, other.id)]).toEqual([true, true, false])
    const read = await signGrant(owner.key, { doc: header.id, to: other.id, role: 'read', seq: nextGrantSeq(acl), issuer: owner.id, issuedAt: 2 })
    acl = mergeGrants(acl, [await verifyGrant(header, read)]).acl
    expect([mayRead(acl, other.id), mayComment(acl, other.id)]).toEqual([true, false])
    expect(mayComment(acl, owner.id)).toBe(true)
  })

  it('verifies a grant signed by the owner and merges by seq', async () => {
    const owner = await org()
    const other = await org()
    const nonce = randomNonce()
    const header = await verifyHeader({ id: await deriveDocId(owner.id, nonce), owner: owner.id, nonce })
    let acl: AccessList = { header, grants: [] }
    expect(accessOf(acl, owner.id)).toBe('owner')
    expect(mayRead(acl, other.id)).toBe(false)

    const read = await signGrant(owner.key, { doc: header.id, to: other.id, role: 'read', seq: nextGrantSeq(acl), issuer: owner.id, issuedAt: 1 })
    acl = mergeGrants(acl, [await verifyGrant(header, read)]).acl
    expect(mayRead(acl, other.id)).toBe(true)
    expect(mayWrite(acl, other.id)).toBe(false)

    const edit = await signGrant(owner.key, { doc: header.id, to: other.id, role: 'edit', seq: nextGrantSeq(acl), issuer: owner.id, issuedAt: 2 })
    acl = mergeGrants(acl, [await verifyGrant(header, edit)]).acl
    expect(mayWrite(acl, other.id)).toBe(true)

    // an older statement arriving late changes nothing
    const stale = mergeGrants(acl, [await verifyGrant(header, read)])
    expect(stale.changed).toBe(false)
    expect(accessOf(stale.acl, other.id)).toBe('edit')

    const revoke = await signGrant(owner.key, { doc: header.id, to: other.id, role: 'none', seq: nextGrantSeq(acl), issuer: owner.id, issuedAt: 3 })
    acl = mergeGrants(acl, [await verifyGrant(header, revoke)]).acl
    expect(mayRead(acl, other.id)).toBe(false)
  })

  it('refuses a grant signed by someone other than the owner, or tampered with', async () => {
    const owner = await org()
    const mallory = await org()
    const nonce = randomNonce()
    const header = { id: await deriveDocId(owner.id, nonce), owner: owner.id, nonce }
    const forged = await signGrant(mallory.key, { doc: header.id, to: mallory.id, role: 'edit', seq: 1, issuer: owner.id, issuedAt: 1 })
    await expect(verifyGrant(header, forged)).rejects.toThrow(InvalidStatementError)
    const selfIssued = await signGrant(mallory.key, { doc: header.id, to: mallory.id, role: 'edit', seq: 1, issuer: mallory.id, issuedAt: 1 })
    await expect(verifyGrant(header, selfIssued)).rejects.toThrow(InvalidStatementError)
    const good = await signGrant(owner.key, { doc: header.id, to: mallory.id, role: 'read', seq: 1, issuer: owner.id, issuedAt: 1 })
    await expect(verifyGrant(header, { ...good, role: 'edit' })).rejects.toThrow(InvalidStatementError)
  })

  it('refuses a header whose id does not derive from its owner', async () => {
    const owner = await org()
    const mallory = await org()
    const nonce = randomNonce()
    const id = await deriveDocId(owner.id, nonce)
    await expect(verifyHeader({ id, owner: mallory.id, nonce })).rejects.toThrow(InvalidStatementError)
  })
})
