/**
 * The local API's learning-network operations (docs/networks.md): create, invite, join, members,
 * approval, removal, leaving, and topics.
 */
import {
  FRONTIER_SEQ, ForbiddenError, InvitationExpiredError, NotFoundError, deriveNetworkId, parseNetworkId,
  parseOrgId, randomNonce, signStatement
} from '@commonplace/core'
import type { Frontier, GenesisStatement, MemberStatement, NetworkRole, OrgId, Statement } from '@commonplace/core'
import { DEFAULT_INVITATION_TTL_MS, createInvitation, decodeCode } from '@commonplace/network'
import type { NetworkRegistry, Roster } from '@commonplace/network'
import type { Logger, PrivateKey } from '@libp2p/interface'
import type { CommonplaceLibp2p } from './libp2p.ts'
import type { NetworkManager } from './network-manager.ts'
import { parseDuration } from '@commonplace/api'
import type { LocalApi, MemberView, NetworkSummary } from '@commonplace/api'
import { runJoin } from './join-client.ts'
import { createTopicApi } from './topics.ts'
import type { DocApi } from './topics.ts'
import { compareCodeUnits } from './order.ts'

export type NetworkApi = Pick<LocalApi, 'createNetwork' | 'listNetworks' | 'invite' | 'invitations' | 'join' | 'members' | 'requests' | 'accept' | 'removeMember' | 'leave' | 'createTopic' | 'listTopics' | 'attachToTopic'>

export interface NetworkApiInit {
  libp2p: CommonplaceLibp2p
  registry: NetworkRegistry
  manager: NetworkManager
  identity: { key: PrivateKey, orgId: OrgId, name: string }
  docs: DocApi
  log: Logger
  now: () => number
}

export function createNetworkApi (init: NetworkApiInit): NetworkApi {
  const { registry, identity, manager, libp2p } = init
  const self = identity.orgId
  const now = init.now

  const rosterOf = (id: string): Roster => {
    const network = parseNetworkId(id)
    const roster = registry.roster(network)
    if (roster == null) throw new NotFoundError(`This organisation knows no network ${network}`)
    return roster
  }
  const requireFacilitator = (roster: Roster): void => {
    if (roster.members.get(self)?.role !== 'facilitator') throw new ForbiddenError(`Only a facilitator of ${roster.name} can do this`)
  }
  const summary = (roster: Roster): NetworkSummary => ({
    id: roster.network,
    name: roster.name,
    visibility: roster.visibility,
    role: roster.members.get(self)?.role ?? (roster.removed.has(self) ? 'removed' : 'pending'),
    createdBy: roster.creator,
    memberCount: roster.members.size
  })
  const online = (): Set<string> => new Set(libp2p.getConnections().map(c => c.remotePeer.toString()))
  const members = (roster: Roster): MemberView[] => {
    const connected = online()
    return [...roster.members.values()].map(m => {
      const presence = registry.presence(m.org)
      const lastSeen = m.org === self ? now() : manager.lastSeen(m.org)
      return {
        orgId: m.org,
        name: (m.org === self ? identity.name : presence?.name) || m.name,
        role: m.role,
        since: new Date(m.since).toISOString(),
        online: m.org === self || connected.has(m.org),
        ...(lastSeen != null ? { lastSeen: new Date(lastSeen).toISOString() } : {}),
        addresses: m.org === self ? libp2p.getMultiaddrs().map(String) : presence?.addresses ?? []
      }
    }).sort((a, b) => compareCodeUnits(a.since, b.since))
  }
  const signMember = async (roster: Roster, org: OrgId, role: NetworkRole | 'removed', extra: Partial<MemberStatement> = {}): Promise<void> => {
    const statement = await signStatement<MemberStatement>(identity.key, {
      type: 'member', network: roster.network, member: org, role, seq: roster.seqOf(org) + 1, issuer: self, issuedAt: now(), ...extra
    })
    registry.add([statement])
  }

  const topics = createTopicApi({ docs: init.docs, rosterOf, requireFacilitator, self })

  return {
    ...topics,
    async createNetwork (request) {
      // createNetworkRequest (@commonplace/api) checked the name and the visibility
      const name = request.name.trim()
      const visibility = request.visibility ?? 'invite'
      const nonce = randomNonce()
      const genesis = await signStatement<GenesisStatement>(identity.key, {
        type: 'genesis', network: await deriveNetworkId(self, nonce), name, visibility, creator: self, nonce, createdAt: now()
      })
      registry.add([genesis], { allowGenesis: true })
      await manager.reachOut()
      return summary(rosterOf(genesis.network))
    },
    async listNetworks () {
      return registry.networks().map(n => registry.roster(n)).filter((r): r is Roster => r != null).map(summary)
    },
    async invite (id, request = {}) {
      const roster = rosterOf(id)
      requireFacilitator(roster)
      const role = request.role ?? 'member'
      const uses = request.uses ?? 1
      const ttl = request.expires == null ? DEFAULT_INVITATION_TTL_MS : parseDuration(request.expires)
      const genesis = registry.statements(roster.network).find((s): s is GenesisStatement => s.type === 'genesis') as GenesisStatement
      // this node's addresses first, then the members this node is connected to
      const connected = online()
      const addresses = [
        ...libp2p.getMultiaddrs().map(String),
        ...[...roster.members.keys()].filter(org => connected.has(org)).flatMap(org => (registry.presence(org)?.addresses ?? []).map(a => a.includes('/p2p/') ? a : `${a}/p2p/${org}`))
      ].slice(0, 32)
      const { code, invitation } = await createInvitation(identity.key, { genesis, issuer: self, role, expiresAt: now() + ttl, uses, addresses, now: now() })
      registry.add([invitation])
      return { id: invitation.id, code, network: roster.network, role, expiresAt: new Date(invitation.expiresAt).toISOString(), uses }
    },
    async invitations (id) {
      const roster = rosterOf(id)
      requireFacilitator(roster)
      return roster.invitations.filter(i => i.expiresAt > now() && roster.usesOf(i.id) < i.uses).map(i => ({
        id: i.id, role: i.role, issuer: i.issuer, issuedAt: new Date(i.issuedAt).toISOString(),
        expiresAt: new Date(i.expiresAt).toISOString(), uses: i.uses, used: roster.usesOf(i.id)
      }))
    },
    async join (text, options = {}) {
      const code = await decodeCode(text)
      const network = code.genesis.network
      const known = registry.roster(network)
      if (known?.members.has(self) === true) return { network: summary(known), status: 'joined' }
      if (code.invitation.expiresAt <= now()) {
        throw new InvitationExpiredError(`The invitation expired at ${new Date(code.invitation.expiresAt).toISOString()}`)
      }
      const statements: Statement[] = await runJoin({
        code, key: identity.key, org: self, name: identity.name, presence: registry.presence(self), now: now(), log: init.log, signal: options.signal
      })
      registry.add([code.genesis, ...statements.filter(s => s.type === 'genesis' ? s.network === network : true)], { allowGenesis: true })
      const roster = rosterOf(network)
      await manager.reachOut()
      return { network: summary(roster), status: roster.members.has(self) ? 'joined' : 'pending' }
    },
    async members (id) { return members(rosterOf(id)) },
    async requests (id) {
      const roster = rosterOf(id)
      return roster.requests.map(r => ({ orgId: r.member, name: r.name, role: r.invitation.role, requestedAt: new Date(r.requestedAt).toISOString() }))
    },
    async accept (id, org) {
      const roster = rosterOf(id)
      requireFacilitator(roster)
      const request = roster.requests.find(r => r.member === parseOrgId(org))
      if (request == null) throw new NotFoundError(`No request from ${org} waits in ${roster.name}`)
      await signMember(roster, request.member, request.invitation.role)
      return members(rosterOf(id))
    },
    async removeMember (id, org) {
      const roster = rosterOf(id)
      requireFacilitator(roster)
      const member = parseOrgId(org)
      if (member === roster.creator || member === self) throw new ForbiddenError('The network creator and yourself cannot be removed (use leave)')
      if (!roster.members.has(member)) throw new NotFoundError(`${member} is not a member of ${roster.name}`)
      // per document the member's last envelope held here: later ones are refused everywhere
      const frontier: Frontier = {}
      for (const doc of manager.documentsOf(roster.network)) {
        const seq = init.docs.store.frontierOf(doc, member)
        if (seq > 0) frontier[doc] = { [FRONTIER_SEQ]: seq }
      }
      await signMember(roster, member, 'removed', { frontier })
      return members(rosterOf(id))
    },
    async leave (id) {
      const roster = rosterOf(id)
      if (!roster.members.has(self)) throw new NotFoundError(`This organisation is not a member of ${roster.name}`)
      if (roster.creator === self) throw new ForbiddenError('The creator of a network cannot leave it')
      // leaving is a removal the member signs for itself (the roster accepts it from the member only)
      await signMember(roster, self, 'removed', { frontier: {} })
      return summary(rosterOf(id))
    }
  }
}

