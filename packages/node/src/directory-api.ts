/**
 * The local API's directory operations (docs/directory.md): the card, the directory with names,
 * adding cards, introductions, accepting and removing, notices; and resolving a name to the
 * organisation or network it stands for.
 */
import { InvalidInputError, NotFoundError, isNetworkId, parseOrgId } from '@commonplace/core'
import type { DocumentStore, NetworkId, OrgId } from '@commonplace/core'
import type { ContactEntry, Directory, Notice } from '@commonplace/directory'
import type { NetworkRegistry } from '@commonplace/network'
import type { CommonplaceLibp2p } from './libp2p.ts'
import type { Contacts } from './contacts.ts'
import type { Names } from './names.ts'
import type { NetworkManager } from './network-manager.ts'
import type { ContactView, IntroductionView, LocalApi, NoticeView } from '@commonplace/api'
import { compareCodeUnits } from './order.ts'

export type DirectoryApi = Pick<LocalApi, 'card' | 'contacts' | 'addContact' | 'introductions' | 'acceptContact' | 'removeContact' | 'notices' | 'readNotices'>

export interface DirectoryApiInit {
  libp2p: CommonplaceLibp2p
  store: DocumentStore
  registry: NetworkRegistry
  directory: Directory
  contacts: Contacts
  manager: NetworkManager
  names: Names
  self: OrgId
  now: () => number
}

const RANK: Record<ContactView['status'], number> = { contact: 0, awaiting: 1, introduced: 2, network: 3, met: 4 }
const iso = (ms: number | undefined): string | undefined => ms == null ? undefined : new Date(ms).toISOString()

export function createDirectoryApi (init: DirectoryApiInit): DirectoryApi & { resolve(text: string): OrgId | NetworkId, directoryView(): ContactView[] } {
  const { libp2p, store, registry, directory, contacts, names, self, now } = init

  /** Our networks (member or pending) with the members of each. */
  const myNetworks = (): Array<{ id: NetworkId, name: string, members: OrgId[] }> => registry.networks()
    .map(id => registry.roster(id))
    .filter(r => r != null && (r.members.has(self) || r.requests.some(q => q.member === self)))
    .map(r => ({ id: r!.network, name: r!.name, members: [...r!.members.keys()] }))

  function directoryView (): ContactView[] {
    const online = new Set(libp2p.getConnections().map(c => c.remotePeer.toString()))
    const out = new Map<OrgId, ContactView>()
    const networks = myNetworks()
    const note = (org: OrgId, status: ContactView['status'], extra: { addresses?: string[], since?: number, pending?: ContactView['pending'] } = {}): void => {
      if (org === self) return
      const current = out.get(org)
      if (current != null && RANK[current.status] <= RANK[status]) {
        if (current.addresses.length === 0 && extra.addresses != null) current.addresses = extra.addresses
        return
      }
      const seen = org === self ? now() : (init.manager.lastSeen(org) ?? directory.met(org)?.lastSeen)
      out.set(org, {
        orgId: org,
        name: names.org(org) ?? org,
        status,
        networks: networks.filter(n => n.members.includes(org)).map(n => ({ id: n.id, name: n.name })),
        addresses: extra.addresses ?? current?.addresses ?? registry.presence(org)?.addresses ?? [],
        online: online.has(org),
        ...(seen != null ? { lastSeen: new Date(seen).toISOString() } : {}),
        ...(extra.since != null ? { since: new Date(extra.since).toISOString() } : {}),
        ...(extra.pending != null ? { pending: extra.pending } : {})
      })
    }
    for (const c of directory.contacts()) note(c.org, c.status, { addresses: c.addresses, since: c.since, pending: c.pending })
    for (const i of directory.introductions(now())) note(i.org, 'introduced', { addresses: i.addresses, since: i.receivedAt })
    for (const n of networks) for (const org of n.members) note(org, 'network')
    for (const info of store.list()) {
      note(info.owner, 'met')
      for (const g of store.access(info.id)?.grants ?? []) if (g.role !== 'none' && !isNetworkId(g.to)) note(g.to as OrgId, 'met')
    }
    for (const org of directory.allMet().keys()) note(org, 'met')
    return [...out.values()].sort((a, b) => RANK[a.status] - RANK[b.status] || compareCodeUnits(a.name.toLowerCase(), b.name.toLowerCase()))
  }

  const contactView = (entry: ContactEntry): ContactView => directoryView().find(c => c.orgId === entry.org) ?? {
    orgId: entry.org, name: entry.name, status: entry.status, networks: [], addresses: entry.addresses, online: false, since: iso(entry.since)
  }

  /**
   * An organisation id, a network id, or a name in the directory (organisations) or of one of our
   * networks, case-insensitive and exact.
   * @throws InvalidInputError when no entry or several have that name
   */
  function resolve (text: string): OrgId | NetworkId {
    const wanted = typeof text === 'string' ? text.trim() : ''
    if (wanted === '') throw new InvalidInputError('Name an organisation or a network')
    if (isNetworkId(wanted)) return wanted
    const org = asOrgId(wanted)
    if (org != null) return org
    const lower = wanted.toLowerCase()
    const orgs = directoryView().filter(c => c.name.toLowerCase() === lower).map(c => ({ id: c.orgId as string, label: `${c.name} (${c.orgId})` }))
    const nets = myNetworks().filter(n => n.name.toLowerCase() === lower).map(n => ({ id: n.id as string, label: `the network ${n.name} (${n.id})` }))
    const found = [...orgs, ...nets]
    if (found.length === 0) throw new InvalidInputError(`No organisation or network called "${wanted}" in this node's directory`)
    if (found.length > 1) throw new InvalidInputError(`Several entries are called "${wanted}": ${found.map(f => f.label).join('; ')}; use an id`)
    return found[0].id as OrgId | NetworkId
  }

  /** An organisation by id or by name (among the directory and introductions). */
  const orgOf = (text: string): OrgId => {
    const resolved = resolve(text)
    if (isNetworkId(resolved)) throw new InvalidInputError(`"${text}" is a network, not an organisation`)
    return resolved
  }

  const noticeView = (n: Notice): NoticeView => ({ ...n, at: new Date(n.at).toISOString() })

  return {
    resolve,
    directoryView,
    async card () {
      const { card, code } = await contacts.card()
      return { code, orgId: card.org, name: card.name, addresses: card.addresses }
    },
    async contacts () { return directoryView() },
    async addContact (request, options = {}) {
      const code = (request as { card?: unknown } | undefined)?.card
      return contactView(await contacts.add(code, options))
    },
    async introductions (): Promise<IntroductionView[]> {
      return directory.introductions(now()).map(i => ({
        orgId: i.org, name: i.name, addresses: i.addresses, receivedAt: new Date(i.receivedAt).toISOString(), expiresAt: new Date(i.expiresAt).toISOString()
      }))
    },
    async acceptContact (org, options = {}) {
      return contactView(await contacts.accept(orgOf(org), options))
    },
    async removeContact (org) {
      const id = orgOf(org)
      if (!contacts.remove(id)) throw new NotFoundError(`${names.org(id) ?? id} is neither a contact nor an introduction here`)
      init.manager.enforce()
      return directoryView()
    },
    async notices () { return directory.notices().map(noticeView) },
    async readNotices (ids) {
      directory.readNotices(ids)
      return directory.notices().map(noticeView)
    }
  }
}

function asOrgId (text: string): OrgId | undefined {
  try {
    return parseOrgId(text)
  } catch {
    return undefined
  }
}
