/**
 * Getting shared documents to the organisations they are shared with (docs/directory.md): for
 * every organisation named in a grant of a document this node owns that has not confirmed the
 * document's latest change, dial it (at the addresses its card or presence gives) with backoff,
 * a few at a time; once connected, the sync session sends what it lacks. A change made here to a
 * document another organisation owns is delivered the same way, to its owner and to the
 * organisations granted it. `deliveryOf` says where each grant stands.
 *
 * Who is still owed something is kept on disk, one `dw/<org>` row per organisation (written when
 * it starts to be owed, connected or not, deleted once it confirms), so a start reads those rows
 * and not the access list of every document this organisation owns, and redials an organisation
 * the node was killed before it confirmed. A local change stages the row in the change's own batch
 * (DocumentStore.stageRows): no write of its own on the edit path, and on disk exactly when the
 * change is.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { isNetworkId } from '@commonplace/core'
import type { DocId, DocumentStore, KeyValueStore, OrgId } from '@commonplace/core'
import type { Logger, PeerId } from '@libp2p/interface'
import type { CommonplaceLibp2p } from './libp2p.ts'
import type { DeliveryView, NodeEvent } from '@commonplace/api'

export interface DeliveryInit {
  store: DocumentStore
  /** Where the organisations still owed a document are kept between runs. */
  storage: KeyValueStore
  self: OrgId
  /** Where an organisation may be reached (its card, its presence), without `/p2p/`. */
  addressesOf: (org: OrgId) => string[]
  /**
   * Whether this node has had a connection with the organisation. Only then are addresses the peer
   * store learnt some other way (mDNS, identify) dialled: a node that never admitted us has no
   * reason to now, and its card or presence is how it says where to reach it.
   */
  metBefore: (org: OrgId) => boolean
  log: Logger
  now?: () => number
  /** First retry delay (ms). Default 2 s. */
  firstDelay?: number
  /** Longest retry delay (ms). Default 5 min. */
  maxDelay?: number
  /** Dials at a time. Default 4. */
  concurrency?: number
  /** Where a `delivery` event goes once an organisation has confirmed everything it was owed. */
  emit?: (event: NodeEvent) => void
}

export interface DeliveryTracker {
  deliveryOf(doc: DocId, org: OrgId): DeliveryView
  start(libp2p: CommonplaceLibp2p): void
  stop(): void
}

/** One row per organisation still owed a document of ours (an empty value). */
const OWED_PREFIX = 'dw/'
const OWED_RANGE = { gte: OWED_PREFIX, lt: 'dw0' }
/** Set once the rows were built from every owned document's access list (stores from before them). */
const OWED_BUILT_KEY = 'meta/delivery-owed'
const EMPTY = new Uint8Array(0)

type Attempt = { state: 'connecting' | 'unreachable' | 'no-address', since: number, failures: number, timer?: ReturnType<typeof setTimeout> }

export function createDeliveryTracker (init: DeliveryInit): DeliveryTracker {
  const { store, self, log } = init
  const now = init.now ?? Date.now
  const first = init.firstDelay ?? 2_000
  const max = init.maxDelay ?? 300_000
  const concurrency = init.concurrency ?? 4
  /** Per organisation, the highest change seq of ours it confirmed (this run) and when. */
  const acks = new Map<string, { seq: number, at: number }>()
  const attempts = new Map<string, Attempt>()
  const queue: OrgId[] = []
  let dialing = 0
  let libp2p: CommonplaceLibp2p | undefined
  const offs: Array<() => void> = []

  // parsing a peer id is not free, and every local change asks: keep each grantee's
  const peerIds = new Map<string, PeerId>()
  const peerOf = (org: string): PeerId => {
    let peer = peerIds.get(org)
    if (peer == null) { peer = peerIdFromString(org); peerIds.set(org, peer) }
    return peer
  }
  const connected = (org: string): boolean => libp2p?.getConnections(peerOf(org)).some(c => c.status === 'open') === true
  /**
   * The organisations a change of `doc` held here goes to: those granted it, and its owner when
   * that is another (networks' members are dialled as members).
   */
  const readersOf = (doc: DocId): OrgId[] => {
    const acl = store.access(doc)
    if (acl == null) return []
    const orgs = new Set<OrgId>(acl.header.owner === self ? [] : [acl.header.owner])
    for (const g of acl.grants) if (g.role !== 'none' && !isNetworkId(g.to) && g.to !== self) orgs.add(g.to as OrgId)
    return [...orgs]
  }
  /** The documents this organisation owns whose access list names `party`. */
  const ownDocsNaming = (party: string): DocId[] => store.documentsNaming(party).filter(id => store.access(id)?.header.owner === self)
  const confirmed = (doc: DocId, org: string): boolean => (acks.get(org)?.seq ?? 0) >= (store.info(doc)?.changeSeq ?? Infinity)

  /**
   * Organisations owed a change of ours, and the change seq that settles it: a confirmation of that
   * seq or later covers every document it may read. Those read from disk at start owe up to the
   * store's seq then (what exactly is not kept: the next confirmation after the catch-up covers it).
   */
  const owed = new Map<OrgId, number>()
  /** `org` is owed up to `seq`: its row is written now, or `staged` with the change being announced. */
  const owe = (org: OrgId, seq: number, staged: boolean): void => {
    const before = owed.get(org)
    if (before != null && before >= seq) return
    const row = [{ type: 'put' as const, key: OWED_PREFIX + org, value: EMPTY }]
    if (before == null) { if (staged) store.stageRows(row); else writeOwed(row) }
    owed.set(org, seq)
  }
  const settle = (org: OrgId, seq: number): void => {
    const until = owed.get(org)
    if (until == null || seq < until) return
    owed.delete(org)
    // staged too: it replaces a put not written yet (a confirmation can come before the change's
    // batch is on disk); lost in a crash, it costs one dial at the next start
    store.stageRows([{ type: 'del', key: OWED_PREFIX + org }])
    init.emit?.({ type: 'delivery', org, state: 'delivered' })
  }
  const writeOwed = (ops: Parameters<KeyValueStore['write']>[0]): void => {
    // a failed write costs a dial at the next start at most (or one not made): not worth failing an edit
    try { init.storage.write(ops) } catch (err) { log.error('keeping who is owed a document failed - %e', err) }
  }

  /** The latest change of ours `org` lacks of the documents shared with it (0: it lacks none). */
  const owedUntil = (org: OrgId): number => {
    let until = 0
    for (const doc of ownDocsNaming(org)) {
      if (readersOf(doc).includes(org) && !confirmed(doc, org)) until = Math.max(until, store.info(doc)?.changeSeq ?? 0)
    }
    return until
  }

  /** Organisations that lack one of our documents shared with them. */
  const waiting = (docs: DocId[]): Set<OrgId> => {
    const out = new Set<OrgId>()
    for (const doc of docs) for (const org of readersOf(doc)) if (!confirmed(doc, org)) out.add(org)
    return out
  }

  function want (org: OrgId): void {
    if (libp2p == null || connected(org)) return
    const current = attempts.get(org)
    if (current != null && (current.timer != null || current.state === 'connecting')) return
    if (!queue.includes(org)) queue.push(org)
    pump()
  }

  function pump (): void {
    while (dialing < concurrency && queue.length > 0) {
      const org = queue.shift() as OrgId
      dialing++
      dial(org).finally(() => { dialing--; pump() }).catch(() => {})
    }
  }

  async function dial (org: OrgId): Promise<void> {
    const node = libp2p
    if (node == null || connected(org)) return
    const previous = attempts.get(org)
    const peer = peerIdFromString(org)
    const addrs = init.addressesOf(org).map(a => multiaddr(a.includes('/p2p/') ? a : `${a}/p2p/${org}`).decapsulateCode(421))
    if (addrs.length > 0) await node.peerStore.merge(peer, { multiaddrs: addrs })
    const known = addrs.length > 0 || (init.metBefore(org) && ((await node.peerStore.get(peer).catch(() => undefined))?.addresses.length ?? 0) > 0)
    if (!known) {
      attempts.set(org, { state: 'no-address', since: previous?.state === 'no-address' ? previous.since : now(), failures: previous?.failures ?? 0 })
      return
    }
    attempts.set(org, { state: 'connecting', since: now(), failures: previous?.failures ?? 0 })
    try {
      await node.dial(peer, { signal: AbortSignal.timeout(10_000) })
      log('reached %s to deliver documents', org)
    } catch (err) {
      log('could not reach %s: %s', org, (err as Error).message)
      const since = previous?.state === 'unreachable' ? previous.since : now()
      retryLater(org, { state: 'unreachable', since, failures: (previous?.failures ?? 0) + 1 })
    }
  }

  function retryLater (org: OrgId, attempt: Attempt): void {
    clearTimeout(attempts.get(org)?.timer)
    const delay = Math.min(max, first * 2 ** Math.min(attempt.failures - 1, 20))
    attempt.timer = setTimeout(() => { attempt.timer = undefined; want(org) }, delay)
    attempt.timer.unref?.()
    attempts.set(org, attempt)
  }

  /** At start: the organisations owed a document, from their rows (built once from the access lists). */
  const owedAtStart = (): OrgId[] => {
    if (init.storage.get(OWED_BUILT_KEY) == null) {
      const orgs = waiting(ownDocsNaming(self))
      writeOwed([...[...orgs].map(org => ({ type: 'put' as const, key: OWED_PREFIX + org, value: EMPTY })), { type: 'put', key: OWED_BUILT_KEY, value: EMPTY }])
    }
    return init.storage.range(OWED_RANGE).map(([key]) => key.slice(OWED_PREFIX.length) as OrgId)
  }

  return {
    deliveryOf (doc, org) {
      const ack = acks.get(org)
      if (confirmed(doc, org) && ack != null) return { state: 'delivered', since: new Date(ack.at).toISOString() }
      const attempt = attempts.get(org)
      if (connected(org)) return { state: 'connecting', since: new Date(attempt?.since ?? now()).toISOString() }
      if (attempt == null) return init.addressesOf(org).length > 0 ? { state: 'connecting' } : { state: 'no-address' }
      return { state: attempt.state, since: new Date(attempt.since).toISOString() }
    },
    start (node) {
      libp2p = node
      const sync = node.services.sync
      const onAck = (evt: CustomEvent<{ peer: OrgId, seq: number }>): void => {
        acks.set(evt.detail.peer, { seq: evt.detail.seq, at: now() })
        settle(evt.detail.peer, evt.detail.seq)
        const attempt = attempts.get(evt.detail.peer)
        if (attempt != null) { clearTimeout(attempt.timer); attempts.delete(evt.detail.peer) }
      }
      const onDisconnect = (evt: CustomEvent<PeerId>): void => {
        const org = evt.detail.toString() as OrgId
        // owed by our own documents it lacks, or by a change made here it has not confirmed
        const until = Math.max(owedUntil(org), owed.get(org) ?? 0)
        if (until === 0) return
        owe(org, until, false)
        // refused at once by its gater, or gone: try again later, not in a loop
        const previous = attempts.get(org)
        retryLater(org, { state: 'unreachable', since: previous?.state === 'unreachable' ? previous.since : now(), failures: (previous?.failures ?? 0) + 1 })
      }
      sync.addEventListener('sync:ack', onAck)
      node.addEventListener('peer:disconnect', onDisconnect)
      offs.push(store.onChange(change => {
        if (change.origin.kind !== 'local') return
        for (const org of readersOf(change.id)) {
          if (confirmed(change.id, org)) continue
          owe(org, change.changeSeq, true)
          // a connected grantee gets the change from its sync session: nothing to dial
          if (!connected(org)) want(org)
        }
      }))
      offs.push(() => { sync.removeEventListener('sync:ack', onAck); node.removeEventListener('peer:disconnect', onDisconnect) })
      for (const org of owedAtStart()) {
        owed.set(org, store.changeSeq)
        want(org)
      }
    },
    stop () {
      for (const off of offs.splice(0)) off()
      for (const attempt of attempts.values()) clearTimeout(attempt.timer)
      libp2p = undefined
    }
  }
}
