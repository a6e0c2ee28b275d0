import { describe, it, expect } from 'vitest'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { deriveDocId, randomNonce, readGrant, signGrant, verifyGrant, writeGrant } from '../src/index.ts'
import type { OrgId } from '../src/index.ts'

describe('grant codec', () => {
  it('reads back a written grant that still verifies, the issuer taken from the header', async () => {
    const key = await generateKeyPair('Ed25519')
    const owner = peerIdFromPrivateKey(key).toString() as OrgId
    const nonce = randomNonce()
    const header = { id: await deriveDocId(owner, nonce), owner, nonce }
    const grantee = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString() as OrgId
    const grant = await signGrant(key, { doc: header.id, to: grantee, role: 'edit', seq: 3, issuer: owner, issuedAt: 1_700_000_000_000 })
    const e = encoding.createEncoder()
    writeGrant(e, grant)
    const read = readGrant(decoding.createDecoder(encoding.toUint8Array(e)), header.id, owner)
    expect({ ...read, sig: [...read.sig] }).toEqual({ ...grant, sig: [...grant.sig] })
    expect(await verifyGrant(header, read)).toEqual(read)
  })
})
