import { multiaddr } from '@multiformats/multiaddr'
import {
  ConnectionFailedError, ForbiddenError, InvalidInputError, NotFoundError, ReadOnlyError,
  deriveDocId, isNetworkId, nextGrantSeq, parseDocId, parseOrgId, randomNonce, signGrant
} from '@commonplace/core'
import type { DocId, DocumentInfo, DocumentStore, NetworkId, OrgId, Role } from '@commonplace/core'
import { initRecord, readRecord, recordToMarkdown } from '@commonplace/record'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import type { DocumentGate } from '@commonplace/docstore'
import type { CommonplaceLibp2p } from './libp2p.ts'
import type {
  CreateDocRequest, DeliveryView, DocSummary, DocView, EditDocRequest, GrantView, LocalApi, NodeStatus, PeerInfo, ShareRequest, WriteOptions
} from '@commonplace/api'
import { sectionAuthors } from './attribution.ts'
import { lastChangeView } from './section-changes.ts'
import { unlessUnreadable } from './names.ts'
import type { Names } from './names.ts'
import { DEFAULT_DIAL_TIMEOUT } from './constants.ts'
import { compareCodeUnits } from './order.ts'
import { OFF_LOOP_MIN_CHARS } from './off-loop.ts'
import type { OffLoop } from './off-loop.ts'
import { applyEdit, textSize, toRecordInit } from './record-requests.ts'
import { CARRIER_KINDS } from './practice/context.ts'

export interface LocalApiInit {
  libp2p: CommonplaceLibp2p
  store: DocumentStore
  identity: { key: PrivateKey, orgId: OrgId, name: string }
  apiUrl: () => string
  /** Who may read and write which document; whether this node is in a network it shares with. */
  gate: DocumentGate
  now?: () => number
  /** Names of organisations and networks (DocSummary.ownerName, GrantView.name). */
  names?: Names
  /** A share's `with`: an organisation id, a network id or a name in the directory. */
  resolve?: (text: string) => OrgId | NetworkId
  /** Where a document stands at an organisation it is shared with (the owner's node). */
  deliveryOf?: (doc: DocId, org: OrgId) => DeliveryView
  /** Where large create and edit requests are built (docs/reliability.md, "Event-loop bound"); without it, on this thread. */
  offLoop?: OffLoop
}

/** The local API's document and peer operations (the network ones are in network-api.ts). */
export type DocumentApi = Pick<LocalApi, 'status' | 'connect' | 'peers' | 'listDocs' | 'createDoc' | 'getDoc' | 'exportMarkdown' | 'editDoc' | 'share' | 'unshare'>

/** The operations behind the local API, on the node's own parts. */
export function createLocalApi (init: LocalApiInit): DocumentApi {
  const { libp2p, store, identity, gate } = init
  const self = identity.orgId
  const now = init.now ?? Date.now

  const nameOf = (party: string): { name?: string } => {
    const name = init.names?.of(party)
    return name == null ? {} : { name }
  }

  const summary = (info: DocumentInfo): DocSummary => ({
    id: info.id,
    title: info.title,
    owner: info.owner,
    ...(init.names?.org(info.owner) != null ? { ownerName: init.names.org(info.owner) } : {}),
    kind: info.kind,
    updatedAt: new Date(info.updatedAt).toISOString(),
    // a document whose access list a damaged page hides is quarantined (opening it says so): it is
    // still listed, at the access its owner field gives
    access: unlessUnreadable(() => gate.access(info.id), 'an access list') ?? (info.owner === self ? 'owner' : 'read')
  })

  const requireDoc = (id: string): DocId => {
    const doc = parseDocId(id)
    if (!store.has(doc)) throw new NotFoundError(`No document ${doc} here`)
    return doc
  }

  const view = (id: DocId): DocView => {
    const info = store.info(id) as DocumentInfo
    const attribution = store.attribution(id)
    const { record, authors } = store.read(id, doc => ({ record: readRecord(doc), authors: sectionAuthors(doc, attribution) }))
    const changes = store.lastChanges(id)
    const orgName = (org: OrgId): string | undefined => org === self ? identity.name : init.names?.org(org)
    const acl = store.access(id)
    return {
      ...summary(info),
      meta: record.meta as unknown as Record<string, unknown>,
      sections: record.sections.map(s => {
        const changed = changes[s.id]
        return { id: s.id, heading: s.heading, markdown: s.markdown, authors: authors[s.id] ?? [], ...(changed != null ? { lastChanged: lastChangeView(changed, orgName) } : {}) }
      }),
      grants: (acl?.grants ?? []).filter(g => g.role !== 'none').map((g): GrantView => {
        const delivery = acl?.header.owner === self && !isNetworkId(g.to) ? init.deliveryOf?.(id, g.to as OrgId) : undefined
        const issuerName = init.names?.org(g.issuer)
        return {
          to: g.to,
          ...nameOf(g.to),
          role: g.role,
          issuer: g.issuer,
          ...(issuerName != null ? { issuerName } : {}),
          issuedAt: new Date(g.issuedAt).toISOString(),
          ...(delivery != null ? { delivery } : {})
        }
      })
    }
  }

  const peers = (): PeerInfo[] => {
    const names = new Map(libp2p.services.sync.peers().map(p => [p.orgId as string, p.name]))
    const byPeer = new Map<string, PeerInfo>()
    for (const conn of libp2p.getConnections()) {
      const id = conn.remotePeer.toString()
      const entry = byPeer.get(id) ?? { orgId: id as OrgId, name: names.get(id) || undefined, addresses: [] }
      entry.addresses.push(conn.remoteAddr.toString())
      byPeer.set(id, entry)
    }
    return [...byPeer.values()]
  }

  const grant = async (id: string, to: string, role: Role): Promise<DocView> => {
    const doc = requireDoc(id)
    const acl = store.access(doc)
    if (acl == null || acl.header.owner !== self) throw new ForbiddenError('Only the owner of a document can share it')
    const grantee = isNetworkId(to) ? to as NetworkId : parseOrgId(to)
    if (isNetworkId(grantee) && gate.membership.roleOf(grantee, self) == null) {
      throw new ForbiddenError(`This organisation is not a member of network ${grantee}`)
    }
    if (grantee === self) throw new InvalidInputError('A document cannot be shared with its owner')
    const signed = await signGrant(identity.key, { doc, to: grantee, role, seq: nextGrantSeq(acl), issuer: self, issuedAt: now() })
    store.mergeAccess(acl.header, [signed], { kind: 'local' })
    return view(doc)
  }

  return {
    async status (): Promise<NodeStatus> {
      return {
        orgId: self,
        name: identity.name,
        listenAddresses: libp2p.getMultiaddrs().map(ma => ma.toString()),
        apiUrl: init.apiUrl(),
        peers: peers(),
        documentCount: store.list().length
      }
    },

    async connect (address, options = {}): Promise<PeerInfo> {
      let ma
      try {
        ma = multiaddr(address)
      } catch (err) {
        throw new InvalidInputError(`Not a multiaddr: ${address}`, { cause: err })
      }
      const timeout = AbortSignal.timeout(DEFAULT_DIAL_TIMEOUT)
      const signal = options.signal != null ? AbortSignal.any([options.signal, timeout]) : timeout
      let conn
      try {
        conn = await libp2p.dial(ma, { signal })
      } catch (err) {
        throw new ConnectionFailedError(`Could not connect to ${address}: ${describeDialError(err)}`, { cause: err })
      }
      try {
        // the other node's gater decides after the handshake: a refused connection closes at once,
        // so confirm with a round trip on it before reporting success
        await libp2p.services.ping.ping(ma, { signal })
      } catch (err) {
        // a node that dialled us at the same moment (a restart redials its peers) may have kept its
        // own connection and closed this one as the duplicate: that is no refusal
        const open = libp2p.getConnections(conn.remotePeer).some(c => c.status === 'open')
        if (!open || !await pings(libp2p, conn.remotePeer, signal)) {
          throw new ConnectionFailedError(`${address} refused the connection: a node accepts only organisations it shares a grant or a learning network with`, { cause: err })
        }
      }
      return { orgId: conn.remotePeer.toString() as OrgId, addresses: [conn.remoteAddr.toString()] }
    },

    async peers () { return peers() },

    async listDocs () {
      return store.list().filter(info => !CARRIER_KINDS.has(info.kind)).map(summary).sort((a, b) => compareCodeUnits(b.updatedAt, a.updatedAt))
    },

    async createDoc (request: CreateDocRequest, options: WriteOptions = {}) {
      const { author } = options
      const nonce = randomNonce()
      if (init.offLoop != null && textSize(request) >= OFF_LOOP_MIN_CHARS) {
        const id = await deriveDocId(self, nonce)
        // written with a client derived for this document, so the store signs it like any local edit
        const built = await init.offLoop.create(request, self, now(), store.preparedClient(id))
        store.create({ id, owner: self, nonce })
        if (built.update != null) store.appendPrepared(id, built.update, { ...built, author })
        return summary(store.info(id) as DocumentInfo)
      }
      const recordInit = toRecordInit(request, self)
      const id = await deriveDocId(self, nonce)
      const info = store.create({ id, owner: self, nonce }, doc => { initRecord(doc, { ...recordInit, now: now() }) }, author)
      return summary(info)
    },

    async getDoc (id) { return view(requireDoc(id)) },

    async exportMarkdown (id) {
      return store.read(requireDoc(id), doc => recordToMarkdown(doc))
    },

    async editDoc (id, request: EditDocRequest, options: WriteOptions = {}) {
      const { author } = options
      const requireWrite = (): DocId => {
        const doc = requireDoc(id)
        if (!gate.mayWrite(doc)) throw new ReadOnlyError(`This organisation has read access only to ${doc}`)
        return doc
      }
      const doc = requireWrite()
      if (init.offLoop != null && textSize(request) >= OFF_LOOP_MIN_CHARS) {
        const built = await init.offLoop.edit(request, store.storedUpdates(doc), now(), store.preparedClient(doc))
        // asked again: the grant may have been revoked while the worker ran
        requireWrite()
        if (built.update != null) store.appendPrepared(doc, built.update, { stateVector: built.stateVector, ...(request.title != null ? { title: built.title } : {}), parts: built.parts, author })
      } else {
        store.edit(doc, ydoc => { applyEdit(ydoc, request, now()) }, author)
      }
      return summary(store.info(doc) as DocumentInfo)
    },

    async share (id, request: ShareRequest) {
      return await grant(id, init.resolve != null ? init.resolve(request.with) : request.with, request.role)
    },

    async unshare (id, org) {
      return await grant(id, init.resolve != null && typeof org === 'string' ? init.resolve(org) : org, 'none')
    }
  }
}

/** A dial failure in words: libp2p's errors do not always carry a message. */
function describeDialError (err: unknown): string {
  const e = err as { message?: string, name?: string, code?: string }
  if (typeof e?.message === 'string' && e.message !== '' && e.message !== 'undefined') return e.message
  return e?.name ?? e?.code ?? 'unknown error'
}

/** Whether a round trip to `peer` over a connection already open succeeds. */
async function pings (libp2p: CommonplaceLibp2p, peer: PeerId, signal: AbortSignal): Promise<boolean> {
  try {
    await libp2p.services.ping.ping(peer, { signal })
    return true
  } catch {
    return false
  }
}
