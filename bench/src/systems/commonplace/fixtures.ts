import { mkdtempSync, readFileSync } from 'node:fs'
import { privateKeyFromProtobuf } from '@libp2p/crypto/keys'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createNode } from '@commonplace/node'
import type { CommonplaceNode, NodeInit } from '@commonplace/node'
import { deriveDocId, nextGrantSeq, randomNonce, signGrant } from '@commonplace/core'
import type { DocId, OrgId, Role } from '@commonplace/core'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { DocContent } from '../../content.ts'

/** A real node: SQLite on disk, libp2p on loopback TCP, the local API on a free port; `init` adds to its settings. */
export async function benchNode (dataDir: string, name: string, init: Partial<NodeInit> = {}): Promise<CommonplaceNode> {
  const node = await createNode({
    ...init,
    dataDir,
    name,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    http: { host: '127.0.0.1', port: 0 },
    // every bench node dials from 127.0.0.1: lift the per-host inbound rate limit
    connectionManager: { inboundConnectionThreshold: Infinity, maxIncomingPendingConnections: 1_000 }
  })
  await node.start()
  dataDirs.set(node, dataDir)
  return node
}

const dataDirs = new WeakMap<CommonplaceNode, string>()

/** The data folder a bench node was started on. */
export function dataDirOf (node: CommonplaceNode): string {
  const dir = dataDirs.get(node)
  if (dir == null) throw new Error('not a bench node')
  return dir
}

export function tempDir (prefix = 'cp-bench-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** Create documents at `node` with the same Y shape as the hub baselines: meta.title + Y.Text body. */
export async function createDocs (node: CommonplaceNode, contents: DocContent[]): Promise<DocId[]> {
  const ids: DocId[] = []
  for (const c of contents) {
    const nonce = randomNonce()
    const id = await deriveDocId(node.orgId, nonce)
    node.store.create({ id, owner: node.orgId, nonce }, d => {
      d.getMap('meta').set('title', c.title)
      d.getText('body').insert(0, c.text)
    })
    ids.push(id)
  }
  // on disk before anything is timed (the disk sync runs after the write, off the event loop)
  await node.store.whenDurable()
  return ids
}

/** Grant `role` on each document to each organisation, signed with the owner's key from its data folder. */
export async function shareDocs (node: CommonplaceNode, dataDir: string, ids: DocId[], to: OrgId[], role: Role): Promise<void> {
  const key = privateKeyFromProtobuf(readFileSync(join(dataDir, 'identity.key')))
  for (const id of ids) {
    for (const org of to) {
      const acl = node.store.access(id)!
      const grant = await signGrant(key, { doc: id, to: org, role, seq: nextGrantSeq(acl), issuer: node.orgId, issuedAt: Date.now() })
      node.store.mergeAccess(acl.header, [grant], { kind: 'local' })
    }
  }
  await node.store.whenDurable()
}

/** The multiaddr of `node` as reached through a proxy on `port`. */
export function viaProxy (port: number, orgId: string): string {
  peerIdFromString(orgId)
  return `/ip4/127.0.0.1/tcp/${port}/p2p/${orgId}`
}

export function bodyLength (node: CommonplaceNode, id: DocId): number {
  if (!node.store.has(id)) return -1
  return node.store.read(id, d => d.getText('body').length)
}

/** Resolve when every `ids[i]` at `node` has a body of `lengths[i]` characters (checked on each change). */
export async function whenBodies (node: CommonplaceNode, ids: DocId[], lengths: number[]): Promise<void> {
  const want = new Map(ids.map((id, i) => [id, lengths[i]]))
  for (const [id, length] of want) if (bodyLength(node, id) === length) want.delete(id)
  if (want.size === 0) return
  await new Promise<void>(resolve => {
    const off = node.store.onChange(change => {
      const length = want.get(change.id)
      if (length == null || change.update == null) return
      if (bodyLength(node, change.id) !== length) return
      want.delete(change.id)
      if (want.size === 0) { off(); resolve() }
    })
  })
}

/**
 * Connect `nodes` in a chain, each dialling the one before it, once that one knows the grant that
 * admits it (its gater refuses the dial until the document's access list has reached it).
 */
export async function connectChain (nodes: CommonplaceNode[]): Promise<void> {
  for (let i = 0; i + 1 < nodes.length; i++) {
    await whenNamed(nodes[i], nodes[i + 1].orgId)
    await nodes[i + 1].libp2p.dial(multiaddr(nodes[i].listenAddresses()[0]))
    await whenConnected(nodes[i], nodes[i + 1])
  }
}

/** Resolve when an access list `node` holds names `org`. */
async function whenNamed (node: CommonplaceNode, org: string): Promise<void> {
  if (node.store.documentsNaming(org, 1).length > 0) return
  await new Promise<void>(resolve => {
    const off = node.store.onChange(change => {
      if (!change.accessChanged || node.store.documentsNaming(org, 1).length === 0) return
      off()
      resolve()
    })
  })
}

/** Resolve when the sync sessions with `peer` on both sides are open. */
export async function whenConnected (a: CommonplaceNode, b: CommonplaceNode): Promise<void> {
  await Promise.all([whenSession(a, b.orgId), whenSession(b, a.orgId)])
}

async function whenSession (node: CommonplaceNode, peer: string): Promise<void> {
  const sync = node.libp2p.services.sync
  if (sync.peers().some(p => p.orgId === peer)) return
  await new Promise<void>(resolve => {
    const on = (evt: CustomEvent<{ peer: string }>): void => {
      if (evt.detail.peer !== peer) return
      sync.removeEventListener('sync:open', on as any)
      resolve()
    }
    sync.addEventListener('sync:open', on as any)
  })
}

/** Resolve when `b` confirmed everything `a` has (a's checkpoint for b reached a's change seq). */
export async function whenConfirmed (a: CommonplaceNode, b: CommonplaceNode): Promise<void> {
  const done = (): boolean => a.store.checkpoint(b.orgId, b.store.storeId) >= a.store.changeSeq
  if (done()) return
  const sync = a.libp2p.services.sync
  await new Promise<void>(resolve => {
    const on = (): void => {
      if (!done()) return
      sync.removeEventListener('sync:ack', on)
      resolve()
    }
    sync.addEventListener('sync:ack', on)
  })
}

/** Resolve when every session of `node` with `peer` closed. */
export async function whenDisconnected (node: CommonplaceNode, peer: string): Promise<void> {
  const sync = node.libp2p.services.sync
  if (!sync.peers().some(p => p.orgId === peer) && node.libp2p.getConnections().every(c => c.remotePeer.toString() !== peer)) return
  await new Promise<void>(resolve => {
    const check = (): void => {
      if (sync.peers().some(p => p.orgId === peer) || node.libp2p.getConnections().some(c => c.remotePeer.toString() === peer)) return
      sync.removeEventListener('sync:close', check)
      node.libp2p.removeEventListener('connection:close', check)
      resolve()
    }
    sync.addEventListener('sync:close', check)
    node.libp2p.addEventListener('connection:close', check)
  })
}

/** Resolve on the next ACK from `peer` at `node` that covers `seq` (default: everything `node` has now; register before dialing). */
export async function nextAck (node: CommonplaceNode, peer: string, seq = node.store.changeSeq): Promise<void> {
  const sync = node.libp2p.services.sync
  await new Promise<void>(resolve => {
    const on = (evt: CustomEvent<{ peer: string, seq: number }>): void => {
      if (evt.detail.peer !== peer || evt.detail.seq < seq) return
      sync.removeEventListener('sync:ack', on as any)
      resolve()
    }
    sync.addEventListener('sync:ack', on as any)
  })
}

/** Resolve once the latest change of `id` at `node` is on disk (its index entry is not ahead of the disk). */
export async function whenDurable (node: CommonplaceNode, id: DocId): Promise<void> {
  const pending = (): boolean => (node.store.info(id)?.changeSeq ?? 0) > node.store.changeSeq
  if (!pending()) return
  await new Promise<void>(resolve => {
    const off = node.store.onDurable(() => { if (!pending()) { off(); resolve() } })
  })
}
