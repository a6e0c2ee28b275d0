/**
 * This organisation's adoption logs (docs/practice.md): the private one (no grants) holding every
 * change and, per network it shares with, one granted `edit` to that network holding the changes
 * of the practices shared with it, each signed for that network.
 */
import { isNetworkId } from '@commonplace/core'
import type { DocId, NetworkId } from '@commonplace/core'
import { CarrierKind, adoptionKey, carrierOf, logEntries, putLogEntries, signAdoption } from '@commonplace/practice'
import type { AdoptionStatement } from '@commonplace/practice'
import type { PracticeContext } from './context.ts'
import { createCarrier } from './context.ts'

/** Where the private log remembers the networks a practice's states are shared with. */
export const SHARING_PREFIX = 'sharing/'

/**
 * `author` below: the person whose action writes the change (signed with them as the envelope's
 * author); absent: the organisation (the CLI, the admin link, the node putting entries back).
 */
export interface OwnLogs {
  /** The private log's id (created when first needed). */
  privateLog(author?: string): Promise<DocId>
  /** Our log for a network (created and granted when first needed). */
  networkLog(network: NetworkId, author?: string): Promise<DocId>
  /** Our logs by network, as held now (no creation). */
  networkLogs(): Map<NetworkId, DocId>
  /** Our changes of a practice from the private log, in seq order. */
  history(practice: DocId): Promise<AdoptionStatement[]>
  /** The networks a practice's states are shared with. */
  sharing(practice: DocId): Promise<NetworkId[]>
  /** Put into each network log of the practice's networks every change it lacks (signed for that network). */
  publish(practice: DocId, author?: string): Promise<void>
  /** Publish every shared practice into one network log again (after a member deleted entries). */
  republish(network: NetworkId): Promise<void>
}

export function createOwnLogs (ctx: PracticeContext): OwnLogs {
  const { store } = ctx
  const self = ctx.identity.orgId

  const find = (network: NetworkId | undefined): DocId | undefined => store.list()
    .filter(info => info.kind === CarrierKind.adoptionLog && info.owner === self)
    .map(info => info.id)
    .find(id => store.read(id, doc => carrierOf(doc)?.network) === network)

  const privateLog = async (author?: string): Promise<DocId> => {
    const found = find(undefined)
    if (found !== undefined) return found
    return await createCarrier(ctx, { type: CarrierKind.adoptionLog }, () => {}, undefined, author)
  }

  let ours: Map<NetworkId, DocId> | undefined

  const networkLog = async (network: NetworkId, author?: string): Promise<DocId> => {
    const found = find(network)
    if (found !== undefined) return found
    const id = await createCarrier(ctx, { type: CarrierKind.adoptionLog, network }, () => {}, undefined, author)
    await ctx.share(id, { with: network, role: 'edit' })
    ours = undefined
    return id
  }

  const privateEntries = async (): Promise<Array<[string, unknown]>> => {
    const id = await privateLog()
    return store.read(id, doc => logEntries(doc))
  }

  const history = async (practice: DocId): Promise<AdoptionStatement[]> => {
    const prefix = `${practice}/`
    return (await privateEntries())
      .filter(([key, value]) => key.startsWith(prefix) && (value as AdoptionStatement)?.org === self)
      .map(([, value]) => value as AdoptionStatement)
      .sort((a, b) => a.seq - b.seq)
  }

  const sharing = async (practice: DocId): Promise<NetworkId[]> => {
    const value = (await privateEntries()).find(([key]) => key === SHARING_PREFIX + practice)?.[1]
    return Array.isArray(value) ? value.filter(isNetworkId) : []
  }

  const publishTo = async (network: NetworkId, changes: AdoptionStatement[], author?: string): Promise<void> => {
    const log = await networkLog(network, author)
    const held = new Map(store.read(log, doc => logEntries(doc)))
    const missing: Array<[string, object]> = []
    for (const change of changes) {
      const { sig: _sig, network: _net, ...fields } = change
      // Ed25519 signatures are deterministic: the same change signed again is the same entry
      const signed = await signAdoption(ctx.identity.key, { ...fields, network })
      const key = adoptionKey(signed)
      if ((held.get(key) as { sig?: string } | undefined)?.sig !== signed.sig) missing.push([key, signed])
    }
    if (missing.length > 0) {
      store.edit(log, doc => { putLogEntries(doc, missing) }, author)
    }
  }

  return {
    privateLog,
    networkLog,
    networkLogs () {
      // only this node creates our logs (networkLog), so the map is built once and reset there
      if (ours !== undefined) return ours
      ours = new Map<NetworkId, DocId>()
      for (const info of store.list()) {
        if (info.kind !== CarrierKind.adoptionLog || info.owner !== self) continue
        const network = store.read(info.id, doc => carrierOf(doc)?.network)
        if (network !== undefined && isNetworkId(network)) ours.set(network, info.id)
      }
      return ours
    },
    history,
    sharing,
    async publish (practice, author) {
      const changes = await history(practice)
      for (const network of await sharing(practice)) await publishTo(network, changes, author)
    },
    async republish (network) {
      const entries = await privateEntries()
      for (const [key, value] of entries) {
        if (!key.startsWith(SHARING_PREFIX) || !Array.isArray(value) || !value.includes(network)) continue
        await publishTo(network, await history(key.slice(SHARING_PREFIX.length) as DocId))
      }
    }
  }
}
