/**
 * Names of organisations and networks as this node knows them, best source first: this
 * organisation's own name, the signed cards of contacts and introductions, the members' presence
 * and roster names, then what peers called themselves in their sync HELLO.
 */
import { isCommonplaceError, isNetworkId } from '@commonplace/core'
import type { Logger } from '@libp2p/interface'
import type { NetworkId, OrgId } from '@commonplace/core'
import type { Directory } from '@commonplace/directory'
import type { NetworkRegistry } from '@commonplace/network'

export interface Names {
  /** The name of an organisation or a network; undefined when none is known. */
  of(party: string): string | undefined
  network(id: NetworkId): string | undefined
  org(org: OrgId): string | undefined
}

export interface NamesInit {
  self: { orgId: OrgId, name: string }
  directory: Directory
  registry: NetworkRegistry
  /** Names peers gave in their sync HELLO (sessions open now). */
  syncNames: () => Map<string, string>
  now: () => number
  /** Where a name that cannot be read (a damaged page of the directory) is noted. */
  log?: Logger
}

export function createNames (init: NamesInit): Names {
  const { directory, registry } = init
  const nonEmpty = (name: string | undefined): string | undefined => name != null && name.trim() !== '' ? name : undefined

  const rosterName = (org: OrgId): string | undefined => {
    for (const network of registry.networks()) {
      const name = nonEmpty(registry.roster(network)?.members.get(org)?.name)
      if (name != null) return name
    }
    return undefined
  }

  const lookup = (id: OrgId): string | undefined => {
    if (id === init.self.orgId) return init.self.name
    return nonEmpty(directory.contact(id)?.name) ??
      nonEmpty(directory.introduction(id, init.now())?.name) ??
      nonEmpty(registry.presence(id)?.name) ??
      rosterName(id) ??
      nonEmpty(init.syncNames().get(id)) ??
      nonEmpty(directory.met(id)?.name)
  }
  // a name is shown beside a document, never part of it: one that a damaged page hides is left out
  // (and logged) rather than refusing the document, whose own records are fine
  const org = (id: OrgId): string | undefined => unlessUnreadable(() => lookup(id), 'a name', init.log)
  const network = (id: NetworkId): string | undefined => unlessUnreadable(() => nonEmpty(registry.roster(id)?.name), 'a name', init.log)

  return {
    org,
    network,
    of: party => isNetworkId(party) ? network(party) : org(party as OrgId)
  }
}

/**
 * `read()`, or undefined when the storage under it cannot be read (ERR_STORAGE_CORRUPT), logged as
 * `what`: for what is shown beside a document (names, a listing's access level), never for a
 * document's own content.
 */
export function unlessUnreadable<T> (read: () => T | undefined, what: string, log?: Logger): T | undefined {
  try {
    return read()
  } catch (err) {
    if (!isCommonplaceError(err) || err.code !== 'ERR_STORAGE_CORRUPT') throw err
    log?.error('%s cannot be read, shown without it: %e', what, err)
    return undefined
  }
}
