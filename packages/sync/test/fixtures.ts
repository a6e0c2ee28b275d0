import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { prefixLogger } from '@libp2p/logger'
import { memoryStore } from '@commonplace/storage'
import * as Y from 'yjs'
import { createDocumentStore } from '@commonplace/docstore'
import type { DocumentStoreInit } from '@commonplace/docstore'
import { NO_PREVIOUS, deriveClientId, deriveDocId, mayWrite, nextGrantSeq, randomNonce, signEnvelope, signGrant } from '@commonplace/core'
import type { DocHeader, DocId, DocumentStore, KeyValueStore, OrgId, Role } from '@commonplace/core'
import type { Libp2p, PrivateKey } from '@libp2p/interface'
import { syncService } from '../src/index.ts'
import type { SyncService, SyncEvents } from '../src/index.ts'

export interface TestNode {
  name: string
  key: PrivateKey
  id: OrgId
  store: DocumentStore
  libp2p: Libp2p<{ sync: SyncService }>
  sync: SyncService
  stop(): Promise<void>
}

/**
 * A document store that signs this organisation's changes with `key` and applies another's signed
 * items when the access list it holds lets their signer edit (as the node wires it, without networks).
 */
export function signingStore (key: PrivateKey, storage: KeyValueStore = memoryStore(), init: DocumentStoreInit = {}): DocumentStore {
  const org = peerIdFromPrivateKey(key).toString() as OrgId
  const store: DocumentStore = createDocumentStore({ storage }, {
    ...init,
    signer: { org, key },
    mayEdit: (doc, signer) => { const acl = store.access(doc); return acl != null && mayWrite(acl, signer) }
  })
  return store
}

/**
 * An envelope that `key`'s organisation signs itself, as a hostile peer with its own software
 * would: `write` runs on a copy of `base` (a Yjs update) whose client id derives from the signer.
 */
export async function craftEnvelope (key: PrivateKey, doc: DocId, base: Uint8Array, write: (d: Y.Doc) => void, chain: { seq?: number, prev?: Uint8Array, nonce?: number } = {}): Promise<Uint8Array> {
  const signer = peerIdFromPrivateKey(key).toString() as OrgId
  const nonce = chain.nonce ?? 7
  const client = await deriveClientId(signer, doc, nonce)
  const ydoc = new Y.Doc()
  ydoc.clientID = client
  Y.applyUpdate(ydoc, base)
  const before = Y.encodeStateVector(ydoc)
  write(ydoc)
  const update = Y.encodeStateAsUpdate(ydoc, before)
  const envelope = await signEnvelope(key, { doc, signer, author: '', seq: chain.seq ?? 1, prev: chain.prev ?? NO_PREVIOUS, clients: [{ client, nonce }], update })
  return envelope.bytes
}

/** A real libp2p node on loopback TCP (port 0) with an in-memory document store that signs. */
export async function testNode (name: string, init: { key?: PrivateKey, store?: DocumentStore, markDelay?: number, pageBytes?: number } = {}): Promise<TestNode> {
  const key = init.key ?? await generateKeyPair('Ed25519')
  const store = init.store ?? signingStore(key)
  const libp2p = await createLibp2p({
    privateKey: key,
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    logger: prefixLogger(name),
    // every test node dials from 127.0.0.1: lift the per-host inbound rate limit
    connectionManager: { inboundConnectionThreshold: Infinity },
    services: { identify: identify(), sync: syncService({ store, name, markDelay: init.markDelay, pageBytes: init.pageBytes }) }
  })
  return {
    name,
    key,
    id: peerIdFromPrivateKey(key).toString() as OrgId,
    store,
    libp2p,
    sync: libp2p.services.sync,
    async stop () { await libp2p.stop() }
  }
}

export async function connect (a: TestNode, b: TestNode): Promise<void> {
  const opened = Promise.all([waitFor(a, 'sync:open', e => e.peer === b.id), waitFor(b, 'sync:open', e => e.peer === a.id)])
  await a.libp2p.dial(b.libp2p.getMultiaddrs()[0])
  await opened
}

/** Hang up and wait until both sides have closed every connection and session between them. */
export async function disconnect (a: TestNode, b: TestNode): Promise<void> {
  const closed = Promise.all([waitFor(a, 'sync:close', e => e.peer === b.id), waitFor(b, 'sync:close', e => e.peer === a.id)])
  const gone = Promise.all([noConnection(a, b), noConnection(b, a)])
  await a.libp2p.hangUp(b.libp2p.peerId)
  await Promise.all([closed, gone])
}

async function noConnection (x: TestNode, y: TestNode): Promise<void> {
  if (x.libp2p.getConnections(y.libp2p.peerId).length === 0) return
  await new Promise<void>(resolve => {
    const check = (): void => {
      if (x.libp2p.getConnections(y.libp2p.peerId).length > 0) return
      x.libp2p.removeEventListener('connection:close', check)
      resolve()
    }
    x.libp2p.addEventListener('connection:close', check)
  })
}

/** Resolve on the first event of `type` whose detail matches. */
export async function waitFor<K extends keyof SyncEvents> (node: TestNode, type: K, match: (detail: SyncEvents[K]['detail']) => boolean = () => true): Promise<SyncEvents[K]['detail']> {
  return await new Promise(resolve => {
    const listener = (evt: SyncEvents[K]): void => {
      if (match(evt.detail)) {
        node.sync.removeEventListener(type, listener as any)
        resolve(evt.detail)
      }
    }
    node.sync.addEventListener(type, listener as any)
  })
}

/** Resolve once `check()` is true, re-checking after every change in any of the stores. */
export async function until (stores: DocumentStore[], check: () => boolean): Promise<void> {
  if (check()) return
  await new Promise<void>(resolve => {
    const offs: Array<() => void> = []
    const test = (): void => {
      if (!check()) return
      for (const off of offs) off()
      resolve()
    }
    for (const s of stores) offs.push(s.onChange(() => { queueMicrotask(test) }))
  })
}

export async function createDoc (owner: TestNode, text: string): Promise<DocHeader> {
  const nonce = randomNonce()
  const header = { id: await deriveDocId(owner.id, nonce), owner: owner.id, nonce }
  owner.store.create(header, doc => {
    doc.getMap('meta').set('title', text.slice(0, 20))
    doc.getText('t').insert(0, text)
  })
  return header
}

export async function share (owner: TestNode, doc: DocId, to: OrgId, role: Role): Promise<void> {
  const acl = owner.store.access(doc)!
  const grant = await signGrant(owner.key, { doc, to, role, seq: nextGrantSeq(acl), issuer: owner.id, issuedAt: Date.now() })
  owner.store.mergeAccess(acl.header, [grant], { kind: 'local' })
}

export function textOf (node: TestNode, doc: DocId): string | undefined {
  if (!node.store.has(doc)) return undefined
  return node.store.read(doc, d => d.getText('t').toString())
}

export function edit (node: TestNode, doc: DocId, fn: (t: import('yjs').Text) => void): void {
  node.store.edit(doc, d => { fn(d.getText('t')) })
}
