import { describe, it, expect } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { deriveDocId, parseDocId, parseOrgId, randomNonce, InvalidIdError } from '../src/index.ts'
import type { OrgId } from '../src/index.ts'

describe('ids', () => {
  it('derives a document id that matches the grammar and depends on the owner', async () => {
    const a = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString() as OrgId
    const b = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString() as OrgId
    const nonce = randomNonce()
    const id = await deriveDocId(a, nonce)
    expect(parseDocId(id)).toBe(id)
    expect(await deriveDocId(a, nonce)).toBe(id)
    expect(await deriveDocId(b, nonce)).not.toBe(id)
    expect(parseOrgId(a)).toBe(a)
  })

  it('rejects ids outside the grammar with InvalidIdError', () => {
    for (const bad of ['', 'ABC', '../etc/passwd', 'a'.repeat(27), 42, null]) {
      expect(() => parseDocId(bad)).toThrow(InvalidIdError)
    }
    expect(() => parseOrgId('12D3KooWnotreally')).toThrow(InvalidIdError)
    expect(() => parseOrgId('QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N')).toThrow(InvalidIdError)
  })
})
