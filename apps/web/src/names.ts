/**
 * Names of organisations and networks for the page: one load of the node's directory
 * (`/api/contacts`, which holds contacts, network members and organisations met, with names)
 * and of the networks, shared by every view, refreshed when the directory changes.
 * A view shows a name, never an id fragment; an organisation this node cannot name is
 * "An organisation not in your directory".
 */
import { useEffect, useState } from 'preact/hooks'
import { api } from './api.ts'
import type { Contact, Network } from './api.ts'

export const UNKNOWN_ORG = 'An organisation not in your directory'

interface Names {
  orgs: Map<string, string>
  networks: Map<string, string>
  /** The directory as the node last answered it (contacts, members, organisations met). */
  contacts: Contact[]
  /** This organisation's networks, any role. */
  networkList: Network[]
}

let current: Names = { orgs: new Map(), networks: new Map(), contacts: [], networkList: [] }
let loading: Promise<Names> | undefined
const listeners = new Set<(names: Names) => void>()

/** Load (once; again after `refreshNames`) the names the node knows. */
export async function loadNames (): Promise<Names> {
  loading ??= Promise.all([
    api.contacts().catch((): Contact[] => []),
    api.networks().catch((): Network[] => [])
  ]).then(([contacts, networks]) => {
    // names learnt elsewhere (our own name) survive a reload of the directory
    const orgs = new Map(current.orgs)
    for (const c of contacts) orgs.set(c.orgId, c.name)
    current = { orgs, networks: new Map(networks.map(n => [n.id, n.name])), contacts, networkList: networks }
    for (const l of listeners) l(current)
    return current
  })
  return await loading
}

/** The directory changed (a contact added, a network joined): load the names again. */
export function refreshNames (): void {
  loading = undefined
  loadNames().catch(() => {})
}

/** Teach the page a name it learnt elsewhere (the node's own name, a member list). */
export function learnName (id: string, name: string | undefined): void {
  if (name == null || name === '') return
  if (id.startsWith('net_')) current.networks.set(id, name)
  else current.orgs.set(id, name)
}

/** The name of an organisation or network, or a sentence saying it is unknown. */
export function nameOf (id: string, fallback?: string): string {
  if (id.startsWith('net_')) return current.networks.get(id) ?? fallback ?? 'A network you are not in'
  return current.orgs.get(id) ?? fallback ?? UNKNOWN_ORG
}

/** Re-render when the names arrive or change; returns `nameOf`. */
export function useNames (): typeof nameOf {
  useDirectory()
  return nameOf
}

/**
 * The directory and the networks as last loaded (empty until the first load), re-rendering when
 * they change: what the share panel offers by name.
 */
export function useDirectory (): { contacts: Contact[], networks: Network[] } {
  const [, setVersion] = useState(0)
  useEffect(() => {
    const on = (): void => { setVersion(v => v + 1) }
    listeners.add(on)
    loadNames().catch(() => {})
    return () => { listeners.delete(on) }
  }, [])
  return { contacts: current.contacts, networks: current.networkList }
}
