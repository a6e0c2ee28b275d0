import { describe, it, expect, afterEach } from 'vitest'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { defaultLogger } from '@libp2p/logger'
import { memoryStore } from '@commonplace/storage'
import { createDocumentGate, createDocumentStore } from '@commonplace/docstore'
import { syncService } from '@commonplace/sync'
import { createNetworkRegistry, networkService } from '@commonplace/network'
import {
  INTRODUCE_PROTOCOL, MAX_PENDING_INTRODUCTIONS, createCard, decodeCardCode, exchange, introKeyFromSecret, signDirectoryStatement
} from '@commonplace/directory'
import type { IntroductionStatement } from '@commonplace/directory'
import type { OrgId } from '@commonplace/core'
import type { Libp2p } from '@libp2p/interface'
import { startNode, stopAll, until } from './directory-nodes.ts'
import type { CommonplaceNode } from '../src/index.ts'

const throwaway: Libp2p[] = []
afterEach(async () => {
  await Promise.all(throwaway.splice(0).map(async n => { await n.stop() }))
  await stopAll()
})

/** A libp2p node with the identity of `node`'s card (what any holder of the card can run). */
async function cardHolder (node: CommonplaceNode, services: Record<string, unknown> = {}): Promise<Libp2p<any>> {
  const { secret } = await decodeCardCode((await node.api.card()).code)
  const libp2p = await createLibp2p({
    privateKey: await introKeyFromSecret(secret), transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()], services: services as any
  })
  throwaway.push(libp2p)
  return libp2p
}

/** An introduction from a fresh organisation, `skew` ms off the clock. */
async function introduceFresh (holder: Libp2p, to: CommonplaceNode, skew = 0): Promise<unknown> {
  const key = await generateKeyPair('Ed25519')
  const org = peerIdFromPrivateKey(key).toString() as OrgId
  const { card } = await createCard(key, { org, name: `Practice ${org.slice(-6)}`, addresses: [], secret: new Uint8Array(32).fill(7), now: Date.now() })
  const introduction = await signDirectoryStatement<IntroductionStatement>(key, { type: 'introduction', from: org, to: to.orgId, at: Date.now() + skew })
  const address = multiaddr(to.listenAddresses()[0])
  const stream = await holder.dialProtocol(address, INTRODUCE_PROTOCOL)
  try {
    return await exchange(stream, { type: 'introduce', card, introduction })
  } finally {
    // the node closes the introduction identity's connection after each answer
    await holder.hangUp(address)
  }
}

describe('the introduction identity', () => {
  it('gets no document and no roster over sync or the network protocol, only the introduce protocol', async () => {
    const riverside = await startNode('Riverside Surgery')
    await riverside.api.createNetwork({ name: 'Northside PCN' })
    const doc = await riverside.api.createDoc({ title: 'Repeat prescribing' })
    const network = (await riverside.api.listNetworks())[0]
    await riverside.api.share(doc.id, { with: network.id, role: 'read' })
    const storage = memoryStore()
    const store = createDocumentStore({ storage, logger: defaultLogger() })
    const registry = createNetworkRegistry({ storage })
    // the holder claims every network's membership for everyone: riverside must still send it nothing
    const self = peerIdFromPrivateKey(await introKeyFromSecret((await decodeCardCode((await riverside.api.card()).code)).secret)).toString() as OrgId
    const gate = createDocumentGate({ store }, { self, membership: { roleOf: () => 'member' } })
    const holder = await cardHolder(riverside, { identify: identify(), sync: syncService({ store, gate }), network: networkService({ registry }) })
    const acked = new Promise<void>(resolve => {
      riverside.libp2p.services.sync.addEventListener('sync:ack', evt => { if (evt.detail.peer === holder.peerId.toString()) resolve() })
    })
    await holder.dial(multiaddr(riverside.listenAddresses()[0]))
    // the holder (which would take any network document) confirmed everything Riverside sent it: that was nothing
    await acked
    expect(store.list()).toEqual([])
    expect(registry.networks()).toEqual([])
    store.close()
  })

  it('refuses an introduction from the wrong time and keeps at most 64 waiting, refusing the next', async () => {
    const riverside = await startNode('Riverside Surgery')
    const holder = await cardHolder(riverside)
    expect(await introduceFresh(holder, riverside, -11 * 60_000)).toMatchObject({ ok: false, code: 'ERR_INTRODUCTION_REFUSED' })
    for (let i = 0; i < MAX_PENDING_INTRODUCTIONS; i++) expect(await introduceFresh(holder, riverside)).toEqual({ ok: true, status: 'introduced' })
    expect(await introduceFresh(holder, riverside)).toMatchObject({ ok: false, code: 'ERR_INTRODUCTION_REFUSED' })
    expect(await riverside.api.introductions()).toHaveLength(MAX_PENDING_INTRODUCTIONS)
    await until([riverside], () => riverside.libp2p.getConnections().length === 0, 'every introduction connection closed')
  })

  it('is refused by a node whose card it is not', async () => {
    const riverside = await startNode('Riverside Surgery')
    const hillview = await startNode('Hillview Medical Practice')
    const holder = await cardHolder(riverside)
    await expect(introduceFresh(holder, hillview)).rejects.toThrow()
    expect(await hillview.api.introductions()).toEqual([])
  })
})
