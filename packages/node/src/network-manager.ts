/**
 * What the node does about its learning networks as things happen: publish its addresses, push
 * roster changes to connected members, dial members it is not connected to, close connections
 * the gater would now refuse, offer network documents to new members, and apply removals: a removed
 * organisation's envelopes past its frontier are refused (`removalFrontier`, the store's `mayEdit`)
 * and those applied before the removal arrived are dropped, the document rebuilt without them
 * (docs/authorship.md, Removal).
 */
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import { FRONTIER_SEQ, isNetworkId, signStatement } from '@commonplace/core'
import type { AccessList, DocId, DocumentStore, NetworkId, OrgId, PresenceStatement } from '@commonplace/core'
import type { NetworkRegistry, Removal } from '@commonplace/network'
import type { Connection, Logger, PeerId, PrivateKey } from '@libp2p/interface'
import type { CommonplaceLibp2p } from './libp2p.ts'
import { createRetries } from './retries.ts'

/** How long after a removal a facilitator still tries to tell the removed member (1 day). */
const TELL_REMOVED_FOR_MS = 86_400_000

export interface NetworkManagerInit {
  store: DocumentStore
  registry: NetworkRegistry
  identity: { key: PrivateKey, orgId: OrgId, name: string }
  log: Logger
  now?: () => number
  /** Organisations the directory lets connect (contacts, awaiting, our introduction identity). */
  admits?: (org: string) => boolean
  /** First delay (ms) before dialling again a member whose connection dropped. Default 1 s. */
  redialFirstDelay?: number
  /** Longest delay (ms) between those dials: bounds how late a healed partition reconnects. Default 8 s. */
  redialMaxDelay?: number
}

export interface NetworkManager {
  /** The connection gater's question: refuse this peer's inbound connection? */
  denyInbound(peer: PeerId): boolean
  /** Wire to libp2p once it exists; call after libp2p started. */
  start(libp2p: CommonplaceLibp2p): Promise<void>
  stop(): void
  /** When this node last had a connection to each organisation. */
  lastSeen(org: OrgId): number | undefined
  /** Documents this node holds that are shared with the network. */
  documentsOf(network: NetworkId): DocId[]
  /** Publish a fresh presence and dial every member not connected. */
  reachOut(): Promise<void>
  /** A peer took roster statements of ours that changed its roster: offer it the networks' documents. */
  delivered(peer: OrgId, networks: NetworkId[]): void
  /** Close every connection the gater would refuse now (after the directory changed). */
  enforce(): void
}

export function createNetworkManager (init: NetworkManagerInit): NetworkManager {
  const { store, registry, identity, log } = init
  const self = identity.orgId
  const now = init.now ?? Date.now
  const seen = new Map<string, number>()
  const dialing = new Set<string>()
  let libp2p: CommonplaceLibp2p | undefined
  let closeScheduled = false
  const offs: Array<() => void> = []
  let stopped = false

  // the store's index of who each access list names (g/ keys): no access list is read for these
  const byGrant = (org: string): boolean => store.documentsNaming(org, 1).length > 0
  const documentsOf = (network: NetworkId): DocId[] => store.documentsNaming(network)

  /** My networks (member or waiting for approval) and whether `org` belongs with me in one. */
  const sharesNetwork = (org: string): boolean => {
    for (const network of registry.networks()) {
      const roster = registry.roster(network)
      if (roster == null) continue
      const mine = roster.members.has(self) || roster.requests.some(r => r.member === self)
      if (!mine) continue
      if (roster.members.has(org as OrgId)) return true
      if (roster.members.get(self)?.role != null && roster.requests.some(r => r.member === org)) return true
      if (roster.members.has(self) && roster.invitations.some(i => i.joinKey === org && i.expiresAt > now())) return true
    }
    return false
  }

  /** `org` is on the roster of a network I am a member of (not a join key, not a request). */
  const isFellowMember = (org: string): boolean => registry.networks().some(network => {
    const roster = registry.roster(network)
    return roster != null && roster.members.has(self) && roster.members.has(org as OrgId)
  })

  /** Removed members told of their removal (this run). */
  const told = new Set<string>()
  /** Organisations removed from a network I facilitate that may not know it yet (recent removals). */
  const toTell = (): OrgId[] => {
    const out: OrgId[] = []
    for (const network of registry.networks()) {
      const roster = registry.roster(network)
      if (roster?.members.get(self)?.role !== 'facilitator') continue
      for (const removal of roster.removed.values()) if (removal.at > now() - TELL_REMOVED_FOR_MS && !told.has(removal.org)) out.push(removal.org)
    }
    return out
  }

  // a removed member that was not connected when the removal was issued (a partition, offline)
  // still thinks it is a member: a facilitator dials it, tells it (the roster push), and closes
  const tellings = createRetries({
    log,
    firstDelay: init.redialFirstDelay ?? 1_000,
    maxDelay: init.redialMaxDelay ?? 8_000,
    attempt: async org => {
      if (libp2p == null || stopped || told.has(org) || !toTell().includes(org as OrgId)) {
        tellings.done(org)
        return
      }
      await tellRemoved(libp2p, org as OrgId)
      told.add(org)
      tellings.done(org)
    }
  })

  // a member whose connection dropped (a restart, a partition, a reset) is dialled again, with
  // backoff, until connected or no longer a member; either side may succeed first
  const redials = createRetries({
    log,
    firstDelay: init.redialFirstDelay ?? 1_000,
    maxDelay: init.redialMaxDelay ?? 8_000,
    attempt: async key => {
      const org = key as OrgId
      if (libp2p == null || stopped || !isFellowMember(org) || libp2p.getConnections(peerIdFromString(org)).length > 0) {
        redials.done(org)
        return
      }
      await dialNow(libp2p, org, registry.presence(org)?.addresses ?? [])
    }
  })

  /** Who may be connected: a fellow member, a party of a grant, or whom the directory admits. */
  const allowed = (org: string): boolean => sharesNetwork(org) || byGrant(org) || init.admits?.(org) === true

  const denyInbound = (peer: PeerId): boolean => {
    const org = peer.toString()
    if (allowed(org)) return false
    log('refusing a connection from %s: no common network, grant or directory entry', org)
    return true
  }

  async function publishPresence (): Promise<void> {
    if (libp2p == null) return
    const addresses = libp2p.getMultiaddrs().map(ma => ma.toString()).slice(0, 16)
    const current = registry.presence(self)
    if (current != null && same(current.addresses, addresses) && current.name === identity.name) return
    const presence = await signStatement<PresenceStatement>(identity.key, { type: 'presence', org: self, name: identity.name, addresses, at: Math.max(now(), (current?.at ?? 0) + 1) })
    registry.add([presence])
  }

  /** Dial the members of my networks I am not connected to. */
  function dialMembers (): void {
    if (libp2p == null || stopped) return
    const connected = new Set(libp2p.getConnections().map(c => c.remotePeer.toString()))
    for (const network of registry.networks()) {
      const roster = registry.roster(network)
      if (roster == null || !(roster.members.has(self) || roster.requests.some(r => r.member === self))) continue
      for (const org of roster.members.keys()) {
        if (org === self || connected.has(org) || dialing.has(org)) continue
        const addresses = registry.presence(org)?.addresses ?? []
        if (addresses.length === 0) continue
        dial(org, addresses)
      }
    }
  }

  /** Dial a member, at `addresses` if given (its presence), else where the peer store knows it (mDNS). */
  function dial (org: OrgId, addresses: string[] = []): void {
    const node = libp2p
    if (node == null || dialing.has(org)) return
    dialing.add(org)
    dialNow(node, org, addresses)
      .then(() => { log('dialled member %s', org) }, err => { log('could not reach member %s: %s', org, (err as Error).message) })
      .finally(() => { dialing.delete(org) })
  }

  /** Dial `org` at `addresses` (and where the peer store knows it); rejects when it cannot. */
  async function dialNow (node: CommonplaceLibp2p, org: OrgId, addresses: string[]): Promise<Connection> {
    const peer = peerIdFromString(org)
    const addrs = addresses.map(a => multiaddr(a.includes('/p2p/') ? a : `${a}/p2p/${org}`).decapsulateCode(421))
    await node.peerStore.merge(peer, { multiaddrs: addrs })
    return await node.dial(peer, { signal: AbortSignal.timeout(10_000) })
  }

  /** Dial a removed member, send it the rosters that say so, and close (it is refused inbound). */
  async function tellRemoved (node: CommonplaceLibp2p, org: OrgId): Promise<void> {
    const conn = await dialNow(node, org, registry.presence(org)?.addresses ?? [])
    try {
      await node.services.network.push(conn)
      log('told %s of its removal', org)
    } finally {
      if (!allowed(org)) await conn.close().catch(() => {})
    }
  }

  /**
   * After access lists changed (once for all those of this turn: a catch-up brings thousands):
   * close the inbound connections the gater would refuse now (a revoked stranger's). Connections
   * this node opened itself stay; what goes over them is still checked per document.
   */
  function scheduleCloseRevoked (): void {
    if (closeScheduled) return
    closeScheduled = true
    setImmediate(() => {
      closeScheduled = false
      if (!stopped) closeRefused('inbound')
    })
  }

  /** Close the connections the gater would refuse now (a removed member; a revoked stranger). */
  function closeRefused (direction?: 'inbound'): void {
    for (const conn of libp2p?.getConnections() ?? []) {
      if (direction != null && conn.direction !== direction) continue
      const org = conn.remotePeer.toString()
      if (allowed(org)) continue
      log('closing the connection to %s: no longer in a common network, grant or the directory', org)
      conn.close().catch(() => {})
    }
  }

  /** Push changed networks' statements to connected peers; offer their documents again. */
  function onRosterChange (networks: NetworkId[]): void {
    if (libp2p == null || stopped) return
    // peers the new roster lets read a network's documents get them now; a peer whose own roster
    // changes from our push is offered them again once it holds it (delivered)
    const docs = networks.flatMap(documentsOf)
    if (docs.length > 0) libp2p.services.sync.refresh(docs)
    // connections the new roster no longer allows close after the peer was told (a removal, a leave)
    const pushes = libp2p.getConnections().map(async conn => {
      await libp2p?.services.network.push(conn, networks).catch(err => { log('roster push to %p failed: %s', conn.remotePeer, (err as Error).message) })
    })
    for (const network of networks) {
      try {
        enforceRemovals(network, documentsOf(network))
      } catch (err) {
        log.error('applying a removal failed: %e', err)
      }
    }
    Promise.allSettled(pushes).then(() => { closeRefused() }, () => {})
    dialMembers()
    // a connected one is being told by the push above; telling it again costs one more push
    for (const org of toTell()) tellings.schedule(org)
  }

  /** Drop the envelopes removed organisations signed past their frontier in the documents given (a rebuild where any was applied). */
  function enforceRemovals (network: NetworkId, docs: DocId[]): void {
    const removed = [...(registry.roster(network)?.removed.values() ?? [])]
    if (removed.length === 0) return
    for (const id of docs) {
      if (!store.has(id)) continue
      for (const removal of removed) enforceOne(id, removal)
    }
  }

  function enforceOne (id: DocId, removal: Removal): void {
    const dropped = store.refuseBeyond(id, removal.org, removal.frontier[id]?.[FRONTIER_SEQ] ?? 0)
    if (dropped > 0) log('dropped %d envelope(s) removed %s signed after its removal in %s; rebuilt it', dropped, removal.org, id)
  }

  return {
    denyInbound,
    documentsOf,
    lastSeen: org => seen.get(org),
    enforce () { if (!stopped) closeRefused() },
    delivered (peer, networks) {
      const docs = networks.flatMap(documentsOf)
      if (docs.length > 0) libp2p?.services.sync.refresh(docs, peer)
    },
    async start (node) {
      libp2p = node
      offs.push(registry.onChange(({ networks, presence }) => {
        if (networks.length > 0) onRosterChange(networks)
        else if (presence.length > 0) {
          for (const conn of node.getConnections()) node.services.network.push(conn).catch(() => {})
          dialMembers()
        }
      }))
      offs.push(store.onChange(change => {
        if (change.accessChanged) scheduleCloseRevoked()
      }))
      const onConnect = (evt: CustomEvent<PeerId>): void => {
        const org = evt.detail.toString()
        seen.set(org, now())
        redials.done(org)
      }
      const onDisconnect = (evt: CustomEvent<PeerId>): void => {
        const org = evt.detail.toString()
        seen.set(org, now())
        if (!stopped && isFellowMember(org) && node.getConnections(evt.detail).length === 0) redials.schedule(org)
      }
      node.addEventListener('peer:connect', onConnect)
      node.addEventListener('peer:disconnect', onDisconnect)
      // mDNS (or another discovery) found a peer on the LAN: dial it if it is a fellow member
      const onDiscovery = (evt: CustomEvent<{ id: PeerId }>): void => {
        const org = evt.detail.id.toString() as OrgId
        if (org !== self && sharesNetwork(org) && node.getConnections(evt.detail.id).length === 0) dial(org)
      }
      node.addEventListener('peer:discovery', onDiscovery)
      const onSelf = (): void => { publishPresence().catch(err => { log.error('publishing presence failed: %e', err) }) }
      node.addEventListener('self:peer:update', onSelf)
      offs.push(() => {
        node.removeEventListener('peer:connect', onConnect)
        node.removeEventListener('peer:disconnect', onDisconnect)
        node.removeEventListener('peer:discovery', onDiscovery)
        node.removeEventListener('self:peer:update', onSelf)
      })
      await this.reachOut()
    },
    stop () {
      stopped = true
      redials.stop()
      tellings.stop()
      for (const off of offs.splice(0)) off()
    },
    async reachOut () {
      await publishPresence()
      dialMembers()
    }
  }
}

/**
 * The last envelope seq of `org` that still counts in `doc` when a network the document is shared
 * with for editing removed it (its frontier): envelopes up to it stay valid whenever they arrive,
 * so that every node ends with the same set whatever the order. Undefined when no removal names it.
 */
export function removalFrontier (registry: NetworkRegistry, acl: AccessList, doc: DocId, org: OrgId): number | undefined {
  let best: number | undefined
  for (const grant of acl.grants) {
    if (grant.role !== 'edit' || !isNetworkId(grant.to)) continue
    const removal = registry.roster(grant.to as NetworkId)?.removed.get(org)
    if (removal == null) continue
    const seq = removal.frontier[doc]?.[FRONTIER_SEQ] ?? 0
    best = Math.max(best ?? 0, seq)
  }
  return best
}

function same (a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}
