/**
 * The networks this node knows: their statements on the storage port, and the rosters computed
 * from them. Statements are only taken for networks already here (the genesis arrives with a
 * join or a create), so a peer cannot fill the disk with networks of its own making.
 */
import { InvalidInputError } from '@commonplace/core'
import type { KeyValueStore, Membership, NetworkId, NetworkRole, OrgId, PresenceStatement, Statement } from '@commonplace/core'
import { toString as u8ToString, fromString as u8FromString } from 'uint8arrays'
import { computeRoster, latestPresence } from './roster.ts'
import type { Roster } from './roster.ts'
import { MAX_STATEMENTS_PER_NETWORK } from './constants.ts'

export interface NetworkRegistry {
  /** Networks with a genesis here (member, pending, removed or left). */
  networks(): NetworkId[]
  roster(network: NetworkId): Roster | null
  statements(network: NetworkId): Statement[]
  presence(org: OrgId): PresenceStatement | undefined
  /**
   * Keep verified statements (unknown networks are skipped unless `allowGenesis`). Returns the
   * networks whose statements changed and whether any presence did.
   */
  add(statements: Statement[], options?: { allowGenesis?: boolean }): { networks: NetworkId[], presence: OrgId[] }
  /** Membership per the current rosters (removed and pending organisations are not members). */
  readonly membership: Membership
  /** Networks where `org` is a current member. */
  networksOf(org: OrgId | string): NetworkId[]
  onChange(listener: (change: { networks: NetworkId[], presence: OrgId[] }) => void): () => void
}

export interface NetworkRegistryInit {
  storage: KeyValueStore
  now?: () => number
}

const PREFIX = 'n/'
const PRESENCE = 'np/'

export function createNetworkRegistry (init: NetworkRegistryInit): NetworkRegistry {
  const { storage } = init
  const now = init.now ?? Date.now
  const byNetwork = new Map<NetworkId, Map<string, Statement>>()
  const presence = new Map<OrgId, PresenceStatement>()
  const rosters = new Map<NetworkId, Roster | null>()
  const listeners = new Set<(change: { networks: NetworkId[], presence: OrgId[] }) => void>()

  for (const [key, value] of storage.range({ gte: PREFIX, lt: 'n0' })) {
    const s = JSON.parse(u8ToString(value)) as Statement
    const network = key.slice(PREFIX.length).split('/')[0] as NetworkId
    const map = byNetwork.get(network) ?? new Map()
    map.set(s.sig, s)
    byNetwork.set(network, map)
  }
  for (const [, value] of storage.range({ gte: PRESENCE, lt: 'np0' })) {
    const p = JSON.parse(u8ToString(value)) as PresenceStatement
    presence.set(p.org, p)
  }

  const roster = (network: NetworkId): Roster | null => {
    if (!rosters.has(network)) rosters.set(network, computeRoster(byNetwork.get(network)?.values() ?? [], now()))
    return rosters.get(network) ?? null
  }

  const isTracked = (org: OrgId): boolean => [...byNetwork.keys()].some(n => {
    const r = roster(n)
    return r != null && (r.members.has(org) || r.requests.some(q => q.member === org))
  })

  const membership: Membership = {
    roleOf (network: NetworkId, org: OrgId | string): NetworkRole | null {
      return roster(network)?.members.get(org as OrgId)?.role ?? null
    }
  }

  return {
    networks: () => [...byNetwork.keys()],
    roster,
    statements: network => [...(byNetwork.get(network)?.values() ?? [])],
    presence: org => presence.get(org),
    membership,
    networksOf: org => [...byNetwork.keys()].filter(n => roster(n)?.members.has(org as OrgId) === true),
    add (statements, options = {}) {
      const ops: Array<{ type: 'put', key: string, value: Uint8Array }> = []
      const changed = new Set<NetworkId>()
      const staged = new Map<NetworkId, Map<string, Statement>>()
      const mapOf = (network: NetworkId): Map<string, Statement> | undefined => {
        const existing = staged.get(network) ?? byNetwork.get(network)
        if (existing != null) return existing
        return undefined
      }
      // genesis first, so the other statements of a new network find it
      const ordered = [...statements].sort((a, b) => (a.type === 'genesis' ? 0 : 1) - (b.type === 'genesis' ? 0 : 1))
      const presences: PresenceStatement[] = []
      for (const s of ordered) {
        if (s.type === 'presence') { presences.push(s); continue }
        let map = mapOf(s.network)
        if (map == null) {
          if (s.type !== 'genesis' || options.allowGenesis !== true) continue
          map = new Map()
        }
        if (map.has(s.sig)) continue
        if (map.size >= MAX_STATEMENTS_PER_NETWORK) throw new InvalidInputError(`Network ${s.network} has ${MAX_STATEMENTS_PER_NETWORK} statements already`)
        map = new Map(map).set(s.sig, s)
        staged.set(s.network, map)
        changed.add(s.network)
        ops.push({ type: 'put', key: `${PREFIX}${s.network}/${s.sig}`, value: u8FromString(JSON.stringify(s)) })
      }
      // presence after the rosters that may now list its organisation
      const commit = (): void => {
        for (const [network, map] of staged) { byNetwork.set(network, map); rosters.delete(network) }
      }
      const before = new Map(byNetwork)
      commit()
      const presenceChanged: OrgId[] = []
      for (const p of latestPresence(presences).values()) {
        const current = presence.get(p.org)
        if ((current != null && current.at >= p.at) || !isTracked(p.org)) continue
        presence.set(p.org, p)
        presenceChanged.push(p.org)
        ops.push({ type: 'put', key: `${PRESENCE}${p.org}`, value: u8FromString(JSON.stringify(p)) })
      }
      if (ops.length === 0) return { networks: [], presence: [] }
      try {
        storage.write(ops)
      } catch (err) {
        byNetwork.clear()
        for (const [k, v] of before) byNetwork.set(k, v)
        rosters.clear()
        for (const org of presenceChanged) presence.delete(org)
        throw err
      }
      const change = { networks: [...changed], presence: presenceChanged }
      for (const listener of listeners) listener(change)
      return change
    },
    onChange (listener) {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    }
  }
}
