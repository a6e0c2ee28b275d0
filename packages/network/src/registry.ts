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
      const copies = new Map<NetworkId, Map<string, Statement>>()
      const changed = new Set<NetworkId>()
      const presences: PresenceStatement[] = []
      // genesis first, so the other statements of a new network find it
      for (const s of [...statements].sort((a, b) => Number(b.type === 'genesis') - Number(a.type === 'genesis'))) {
        if (s.type === 'presence') { presences.push(s); continue }
        let map = copies.get(s.network)
        if (map == null) {
          const held = byNetwork.get(s.network)
          if (held == null && !(s.type === 'genesis' && options.allowGenesis === true)) continue
          map = new Map(held)
          copies.set(s.network, map)
        }
        if (map.has(s.sig)) continue
        if (map.size >= MAX_STATEMENTS_PER_NETWORK) throw new InvalidInputError(`Network ${s.network} has ${MAX_STATEMENTS_PER_NETWORK} statements already`)
        map.set(s.sig, s)
        changed.add(s.network)
        ops.push({ type: 'put', key: `${PREFIX}${s.network}/${s.sig}`, value: u8FromString(JSON.stringify(s)) })
      }
      // the new rosters apply at once: a presence counts if they list its organisation
      const before = new Map(byNetwork)
      for (const network of changed) { byNetwork.set(network, copies.get(network) as Map<string, Statement>); rosters.delete(network) }
      const newer = [...latestPresence(presences).values()].filter(p => (presence.get(p.org)?.at ?? -1) < p.at && isTracked(p.org))
      for (const p of newer) ops.push({ type: 'put', key: `${PRESENCE}${p.org}`, value: u8FromString(JSON.stringify(p)) })
      if (ops.length === 0) return { networks: [], presence: [] }
      try {
        storage.write(ops)
      } catch (err) {
        for (const network of changed) { byNetwork.delete(network); rosters.delete(network) }
        for (const [network, map] of before) if (changed.has(network)) byNetwork.set(network, map)
        throw err
      }
      for (const p of newer) presence.set(p.org, p)
      const change = { networks: [...changed], presence: newer.map(p => p.org) }
      for (const listener of listeners) listener(change)
      return change
    },
    onChange (listener) {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    }
  }
}
