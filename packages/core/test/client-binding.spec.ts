import { describe, it, expect } from 'vitest'
import * as Y from 'yjs'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { fromString as u8FromString } from 'uint8arrays'
import {
  ClientBindings, ForeignClientError, InvalidStatementError, deriveClientId, deriveDocId, newClientBinding, randomNonce,
  signBinding, structOwners, verifyBinding
} from '../src/index.ts'
import type { DocId, OrgId } from '../src/index.ts'

async function org (): Promise<{ key: Awaited<ReturnType<typeof generateKeyPair>>, id: OrgId }> {
  const key = await generateKeyPair('Ed25519')
  return { key, id: peerIdFromPrivateKey(key).toString() as OrgId }
}

async function docOf (owner: OrgId): Promise<DocId> {
  return await deriveDocId(owner, randomNonce())
}

describe('client bindings', () => {
  it('derives a client id that only its organisation produces, and Yjs writes with it', async () => {
    const a = await org()
    const m = await org()
    const doc = await docOf(a.id)
    const binding = await newClientBinding(a.id, doc)
    expect(Number.isSafeInteger(binding.client)).toBe(true)
    expect(await deriveClientId(a.id, doc, binding.nonce)).toBe(binding.client)
    expect(await verifyBinding(binding)).toEqual(binding)
    // the same nonce under another organisation or document gives another id
    expect(await deriveClientId(m.id, doc, binding.nonce)).not.toBe(binding.client)
    expect(await deriveClientId(a.id, await docOf(a.id), binding.nonce)).not.toBe(binding.client)
    await expect(verifyBinding({ ...binding, org: m.id })).rejects.toThrow(ForeignClientError)
    await expect(verifyBinding({ ...binding, nonce: (binding.nonce + 1) % 2 ** 32 })).rejects.toThrow(ForeignClientError)
    await expect(verifyBinding({ ...binding, nonce: -1 })).rejects.toThrow(InvalidStatementError)

    // ids up to 2^53 are Yjs client ids like any other
    const ydoc = new Y.Doc()
    ydoc.clientID = binding.client
    ydoc.getText('t').insert(0, 'hello')
    const copy = new Y.Doc()
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(ydoc))
    expect(copy.getText('t').toString()).toBe('hello')
    expect(structOwners(Y.encodeStateAsUpdate(copy)).clients).toEqual([binding.client])
  })

  it('verifies signed bindings, including the `_clients` claims existing documents carry', async () => {
    const a = await org()
    const m = await org()
    const doc = await docOf(a.id)
    const signed = await signBinding(a.key, doc, 1234, a.id)
    await expect(verifyBinding(signed)).resolves.toEqual(signed)
    // a claim as packages/network signs it today is the same statement
    const claimSig = await a.key.sign(u8FromString(`commonplace-client-claim/1\n${doc}\n99\n${a.id}`))
    await expect(verifyBinding({ kind: 'signed', doc, client: 99, org: a.id, sig: claimSig })).resolves.toBeDefined()
    // forged: signed by m in a's name, or altered
    const forged = await signBinding(m.key, doc, 1234, a.id)
    await expect(verifyBinding(forged)).rejects.toThrow(InvalidStatementError)
    await expect(verifyBinding({ ...signed, client: 1235 })).rejects.toThrow(InvalidStatementError)
    await expect(verifyBinding({ ...signed, sig: signed.sig.subarray(1) })).rejects.toThrow(InvalidStatementError)
  })

  it('keeps the first binding of a client: a second organisation claiming it loses', async () => {
    const a = await org()
    const m = await org()
    const doc = await docOf(a.id)
    const table = new ClientBindings(doc)
    const first = await verifyBinding(await signBinding(a.key, doc, 77, a.id))
    expect(table.add(first)).toBe(true)
    expect(table.add(first)).toBe(false)
    const second = await verifyBinding(await signBinding(m.key, doc, 77, m.id))
    expect(() => table.add(second)).toThrow(ForeignClientError)
    expect(table.orgOf(77)).toBe(a.id)
    expect(table.clientsOf(a.id)).toEqual([77])
    expect(table.clientsOf(m.id)).toEqual([])
    expect(table.size).toBe(1)
    const elsewhere = await verifyBinding(await signBinding(a.key, await docOf(a.id), 78, a.id))
    expect(() => table.add(elsewhere)).toThrow(ForeignClientError)
  })

  it('accepts an update whose structs are all the signer\'s, deletions of others\' text included', async () => {
    const a = await org()
    const m = await org()
    const doc = await docOf(a.id)
    const table = new ClientBindings(doc)
    const aBinding = await newClientBinding(a.id, doc)
    const mBinding = await newClientBinding(m.id, doc)
    table.add(aBinding)
    table.add(mBinding)
    const aDoc = new Y.Doc()
    aDoc.clientID = aBinding.client
    aDoc.getText('t').insert(0, 'written by a')
    const mDoc = new Y.Doc()
    mDoc.clientID = mBinding.client
    Y.applyUpdate(mDoc, Y.encodeStateAsUpdate(aDoc))
    const mUpdates: Uint8Array[] = []
    mDoc.on('update', (u: Uint8Array) => mUpdates.push(u))
    mDoc.getText('t').delete(0, 8)
    mDoc.getText('t').insert(0, 'm says ')
    for (const u of mUpdates) table.checkWrites(structOwners(u), m.id)
    // but a's text, relayed as m's, is refused: it writes with a's client
    expect(() => table.checkWrites(structOwners(Y.encodeStateAsUpdate(aDoc)), m.id)).toThrow(ForeignClientError)
    // and so is anything written with a client nobody bound
    const stray = new Y.Doc()
    stray.getText('t').insert(0, 'x')
    expect(() => table.checkWrites(structOwners(Y.encodeStateAsUpdate(stray)), m.id)).toThrow(/not bound/)
  })
})
