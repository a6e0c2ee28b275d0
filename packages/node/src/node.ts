import { join } from 'node:path'
import { defaultLogger } from '@libp2p/logger'
import { createDocumentGate, createDocumentStore } from '@commonplace/docstore'
import type { DocumentGate } from '@commonplace/docstore'
import { sqliteStore } from '@commonplace/storage'
import { recordKind, recordTitle } from '@commonplace/record'
import { carrierOf } from '@commonplace/practice'
import { AddressInUseError, StorageWriteError, isCommonplaceError, parseDocId } from '@commonplace/core'
import type { DocId, DocumentStore, KeyValueStore, OrgId } from '@commonplace/core'
import type { ComponentLogger } from '@libp2p/interface'
import { DEFAULT_HTTP, DEFAULT_LISTEN, FILES } from './constants.ts'
import { loadIdentity, loadIntroSecret, removeNodeInfo, saveName, writeApiToken, writeNodeInfo } from './data-folder.ts'
import { createDirectory, introIdOf } from '@commonplace/directory'
import { createContacts } from './contacts.ts'
import type { Contacts } from './contacts.ts'
import { createNames, unlessUnreadable } from './names.ts'
import { changedSections } from './section-changes.ts'
import { createDeliveryTracker } from './delivery.ts'
import type { DeliveryTracker } from './delivery.ts'
import { createDirectoryApi } from './directory-api.ts'
import { watchArrivals } from './arrivals.ts'
import type { DocView, LocalApi, NodeEvent, NodeEventSource, PracticeApi } from '@commonplace/api'
import { createCommonplaceLibp2p } from './libp2p.ts'
import type { CommonplaceLibp2p, Libp2pInit } from './libp2p.ts'
import { createLocalApi } from './local-api.ts'
import { createOffLoop } from './off-loop.ts'
import type { OffLoop } from './off-loop.ts'
import { createNetworkApi } from './network-api.ts'
import { createNetworkManager, removalFrontier } from './network-manager.ts'
import type { NetworkManager } from './network-manager.ts'
import { createNetworkRegistry } from '@commonplace/network'
import type { NetworkRegistry } from '@commonplace/network'
import { createHttpApi } from './http-api.ts'
import { nodeEvents } from './node-events.ts'
import type { HttpApiServer } from './http-api.ts'
import { createWebApp } from './web/web-app.ts'
import { createNodeMetrics } from './metrics.ts'
import { createPractice } from './practice/practice.ts'
import type { Practice } from './practice/practice.ts'
import { createHistory } from './history/history.ts'
import type { History } from './history/history.ts'
import type { PersonNamer } from './history/history.ts'
import type { NodeMetrics } from './metrics.ts'
import type { WebApp } from './web/web-app.ts'
import { createPeople } from './people/people.ts'
import { readTls, selfMadeTls } from './web/certificate.ts'
import type { TlsMaterial } from './web/certificate.ts'
import { isLoopback } from './http-guard.ts'
import type { People } from './people/people.ts'

export interface NodeInit {
  /** The data folder: identity, database, API token. Created (mode 0700) if missing. */
  dataDir: string
  /** The organisation's display name; kept in the data folder. */
  name?: string
  /** libp2p listen multiaddrs. Default: TCP 7421 and WebSockets 7422 on all interfaces. */
  listen?: string[]
  /**
   * Addresses peers are told (identify, presence statements) instead of the listen addresses: a
   * port forwarded to this node, or a proxy in front of it. Default: the listen addresses.
   */
  announce?: string[]
  /** Where the local API and the web app listen. Default 127.0.0.1:7420; port 0 picks a free port. */
  http?: { host: string, port: number }
  /**
   * The address people's browsers use (docs/people.md, "Reaching the node from other computers");
   * needed when `http` is not a loopback address, and the outside address behind a reverse proxy.
   */
  publicUrl?: string
  /**
   * HTTPS with these PEM files. Without them, a node whose public URL is https and which listens
   * beyond loopback makes a certificate of its own at first start (kept in the data folder).
   */
  tls?: { certFile: string, keyFile: string }
  logger?: ComponentLogger
  /** libp2p connection manager settings (connection limits, inbound rate per host). */
  connectionManager?: Libp2pInit['connectionManager']
  /** Find members on the local network with mDNS (default true). */
  mdns?: boolean
  /** Act as a circuit relay v2 server for members behind NAT (default false). */
  relay?: boolean
  /**
   * The web app (docs/web.md): its files served from `root` (the CLI passes apps/web/dist; without
   * it, the people routes and live connections only); `false` for the bearer-token API only.
   */
  web?: false | { root?: string }
  /**
   * Collect the costlier metrics (libp2p's, event-loop delay, disk sync time; docs/reliability.md).
   * Default: on unless the environment has COMMONPLACE_METRICS=off.
   */
  metrics?: boolean
  /**
   * When the node takes an automatic version of a record that changes (docs/history.md): at the
   * first change after `everyMs` without one (default a day), and, when set, after `everyChanges`
   * changes it saw since the last (a change: the local edits of one turn of the event loop, or a
   * batch from a peer). Each version costs disk (docs/benchmarks.md, `history`).
   */
  autoVersions?: { everyMs?: number, everyChanges?: number }
}

export interface CommonplaceNode {
  readonly orgId: OrgId
  readonly name: string
  readonly api: LocalApi
  readonly store: DocumentStore
  readonly libp2p: CommonplaceLibp2p
  /** The local API's URL, once started. */
  readonly apiUrl: string
  listenAddresses(): string[]
  /** What happens at the node (the same events as `GET /api/events`). */
  readonly events: NodeEventSource
  /** A fresh one-time login link for the web app (after start); undefined when the web app is off. */
  loginLink(): string | undefined
  /** Where browsers reach the node (after start). */
  readonly publicUrl: string
  /** The HTTPS certificate's SHA-256 fingerprint, and whether it was made at this start; undefined without HTTPS. */
  readonly tls?: { fingerprint: string, selfMade: boolean, created: boolean }
  start(): Promise<void>
  stop(): Promise<void>
}

/** Create the data folder and identity if missing; returns the organisation. */
export async function initNode (init: { dataDir: string, name?: string }): Promise<{ orgId: string, name: string, created: boolean }> {
  const { orgId, name, created } = await loadIdentity(init.dataDir, init.name)
  return { orgId, name, created }
}

/**
 * Assemble a node: identity, on-disk storage (locked to this process), document store, libp2p
 * with the sync protocol, and the local API. Nothing listens until `start()`.
 *
 * @example
 * ```ts
 * const node = await createNode({ dataDir: './data', name: 'Riverside Surgery' })
 * await node.start()
 * ```
 */
export async function createNode (init: NodeInit): Promise<CommonplaceNode> {
  const identity = await loadIdentity(init.dataDir)
  const logger = init.logger ?? defaultLogger()
  // the store takes the data folder's lock: change nothing in the folder before it is ours
  const metrics = createNodeMetrics({ enabled: init.metrics ?? process.env.COMMONPLACE_METRICS !== 'off', dataDir: init.dataDir })
  const storage = metrics.watchStorage(sqliteStore({ path: join(init.dataDir, FILES.database), logger }))
  let store: DocumentStore | undefined
  try {
    if (init.name != null) identity.name = await saveName(init.dataDir, init.name)
    // who may edit is decided from grants and rosters, which the registry (made next) holds
    let mayEdit: (doc: DocId, org: OrgId, seq: number) => boolean | 'removed' = () => false
    store = createDocumentStore({ storage, logger }, {
      describe: doc => {
        // practice carriers (proposals, adoption logs) are no records: their kind keeps them out of lists
        const carrier = carrierOf(doc)
        return carrier !== undefined ? { title: '', kind: carrier.type } : { title: recordTitle(doc), kind: recordKind(doc) }
      },
      changedParts: changedSections,
      signer: { org: identity.orgId, key: identity.key },
      mayEdit: (doc, org, seq) => mayEdit(doc, org, seq)
    })
    const registry = createNetworkRegistry({ storage })
    // the one gate to the documents: every part that asks who may read or write asks it
    const gate = createDocumentGate({ store }, {
      self: identity.orgId, membership: registry.membership, removalFrontier: (acl, doc, org) => removalFrontier(registry, acl, doc, org)
    })
    mayEdit = gate.mayApply
    const log = logger.forComponent('commonplace:node')
    const introSecret = await loadIntroSecret(init.dataDir)
    const introKey = await introIdOf(introSecret)
    const directory = createDirectory(storage)
    const listeners = new Set<(event: NodeEvent) => void>()
    const emit = (event: NodeEvent): void => { for (const l of listeners) l(event) }
    const contacts = createContacts({ directory, identity, introSecret, introKey, log: logger.forComponent('commonplace:contacts'), emit })
    const networks = createNetworkManager({ store, registry, identity, log, admits: org => contacts.admits(org) })
    const libp2p = await createCommonplaceLibp2p({
      privateKey: identity.key,
      listen: init.listen ?? DEFAULT_LISTEN,
      announce: init.announce,
      store,
      gate,
      name: identity.name,
      logger,
      connectionManager: init.connectionManager,
      registry,
      denyInbound: peer => networks.denyInbound(peer),
      onDelivered: (peer, ids) => { networks.delivered(peer, ids) },
      introduce: { handle: countRefusals(metrics, 'introduce', async (request, connection) => await contacts.handle(request, connection)), introKey: () => introKey },
      mdns: init.mdns,
      relay: init.relay,
      metrics: metrics.libp2p
    })
    const names = createNames({
      self: identity, directory, registry, now: Date.now, syncNames: () => new Map(libp2p.services.sync.peers().map(p => [p.orgId, p.name ?? ''])), log
    })
    const delivery = createDeliveryTracker({
      store,
      storage,
      self: identity.orgId,
      log: logger.forComponent('commonplace:delivery'),
      emit,
      metBefore: org => networks.lastSeen(org) != null,
      addressesOf: org => [...new Set([
        ...(directory.contact(org)?.addresses ?? []), ...(directory.introduction(org, Date.now())?.addresses ?? []), ...(registry.presence(org)?.addresses ?? [])
      ])]
    })
    const dirApi = createDirectoryApi({ libp2p, store, registry, directory, contacts, manager: networks, names, self: identity.orgId, now: Date.now })
    const offLoop = createOffLoop()
    const docApi = createLocalApi({
      libp2p, store, gate, identity, apiUrl: () => node.apiUrl, names, resolve: dirApi.resolve, deliveryOf: delivery.deliveryOf, offLoop
    })
    const networkApi = createNetworkApi({
      libp2p, registry, manager: networks, identity, log, now: Date.now, docs: { store, createDoc: docApi.createDoc, share: docApi.share }
    })
    const practice = createPractice({
      store, registry, gate, identity, names, resolve: dirApi.resolve, share: docApi.share, now: Date.now,
      log: logger.forComponent('commonplace:practice'), onRefused: code => { metrics.refused('practice', code) },
      notify: notice => { contacts.notify(notice) }, storage
    })
    // set once the history layer exists: it publishes or withdraws the names (docs/people.md)
    let namesSettingChanged = (): void => {}
    const people = createPeople({
      storage,
      organisation: {
        name: () => identity.name,
        // the parts that show or sign the name read it from `identity` each time
        rename: async name => { identity.name = await saveName(init.dataDir, name) }
      },
      onSettings: () => { namesSettingChanged() }
    })
    const history = createHistory({
      store, registry, gate, identity, names, resolve: dirApi.resolve, share: docApi.share, now: Date.now,
      log: logger.forComponent('commonplace:history'), storage, practice, onRefused: code => { metrics.refused('comments', code) },
      people: { ownName: person => unlessUnreadable(() => people.nameOf(person), 'a person\'s name', log), showing: () => people.settings().showPeopleNames },
      ...(init.autoVersions != null ? { autoVersions: init.autoVersions } : {})
    })
    namesSettingChanged = () => { void history.peopleNames.settingChanged().catch(err => { log.error('people: applying the names setting failed - %e', err) }) }
    const { resolve: _resolve, directoryView: _view, ...directoryApi } = dirApi
    const api: LocalApi = {
      ...docApi,
      ...networkApi,
      ...directoryApi,
      ...practice.api,
      ...history.api,
      ...versionedPractice(practice.api, history),
      // people by name in "who wrote what": ours, and another organisation's that it shows (docs/people.md)
      getDoc: async id => {
        const view = await docApi.getDoc(id)
        return withPersonNames(view, await history.peopleNames.namesIn(view.id))
      },
      status: async () => ({ ...await docApi.status(), eventLoopDelay: metrics.eventLoopDelay(), degraded: metrics.health.degraded() }),
      metrics: async () => await metrics.render()
    }
    const directoryParts = {
      contacts,
      delivery,
      subscribe: (listener: (event: NodeEvent) => void) => { listeners.add(listener); return () => { listeners.delete(listener) } },
      watch: () => watchArrivals({ store: store!, directory, contacts, names, self: identity.orgId, now: Date.now, log: logger.forComponent('commonplace:arrivals') }, libp2p)
    }
    const node = new Node({ init, identity, storage, store, gate, libp2p, api, logger, networks, registry, metrics, offLoop, practice, history, people, directory: directoryParts })
    return node
  } catch (err) {
    store?.close()
    storage.close()
    throw err
  }
}

interface NodeParts {
  init: NodeInit
  identity: { orgId: OrgId, name: string }
  storage: KeyValueStore
  store: DocumentStore
  gate: DocumentGate
  libp2p: CommonplaceLibp2p
  api: LocalApi
  logger: ComponentLogger
  networks: NetworkManager
  registry: NetworkRegistry
  metrics: NodeMetrics
  offLoop?: OffLoop
  practice: Practice
  history: History
  people: People
  directory: {
    contacts: Contacts
    delivery: DeliveryTracker
    subscribe: (listener: (event: NodeEvent) => void) => () => void
    /** Start noticing arrivals and met organisations; returns the stop function. */
    watch: () => () => void
  }
}

class Node implements CommonplaceNode {
  readonly orgId: OrgId
  readonly api: LocalApi
  readonly store: DocumentStore
  readonly libp2p: CommonplaceLibp2p
  private readonly parts: NodeParts
  private http?: HttpApiServer
  private web?: WebApp
  private url = ''
  private webUrl = ''
  tls?: { fingerprint: string, selfMade: boolean, created: boolean }
  private eventSource?: NodeEventSource
  private stopWatching?: () => void
  private stopQuarantine?: () => void

  constructor (parts: NodeParts) {
    this.parts = parts
    this.orgId = parts.identity.orgId
    this.api = parts.api
    this.store = parts.store
    this.libp2p = parts.libp2p
  }

  get apiUrl (): string { return this.url }

  get publicUrl (): string { return this.webUrl }

  /** The organisation's name (the first admin may set it while the node runs). */
  get name (): string { return this.parts.identity.name }

  get events (): NodeEventSource {
    this.eventSource ??= nodeEvents(this.store, this.libp2p, this.parts.registry, this.parts.directory.subscribe)
    return this.eventSource
  }

  listenAddresses (): string[] {
    return this.libp2p.getMultiaddrs().map(ma => ma.toString())
  }

  loginLink (): string | undefined {
    return this.web?.loginLink()
  }

  async start (): Promise<void> {
    const { init } = this.parts
    try {
      await this.libp2p.start()
    } catch (err) {
      await this.closeAll()
      if ((err as Error).message?.includes('EADDRINUSE') || (err as { code?: string }).code === 'EADDRINUSE') {
        throw new AddressInUseError(`A listen address is in use: ${(init.listen ?? DEFAULT_LISTEN).join(', ')}`, { cause: err })
      }
      throw err
    }
    try {
      await this.parts.networks.start(this.libp2p)
      this.parts.directory.contacts.start(this.libp2p)
      this.parts.directory.delivery.start(this.libp2p)
      this.stopWatching = this.parts.directory.watch()
      this.parts.practice.start()
      this.parts.history.start()
      this.watchRefusals()
      const token = await writeApiToken(init.dataDir)
      const http = init.http ?? DEFAULT_HTTP
      if (init.web !== false) {
        this.web = await createWebApp({
          store: this.store, libp2p: this.libp2p, self: this.orgId, name: () => this.name, people: this.parts.people, gate: this.parts.gate, root: init.web?.root, logger: this.parts.logger
        })
      }
      const tls = await tlsFor(init)
      this.tls = tls == null ? undefined : { fingerprint: tls.fingerprint, selfMade: tls.selfMade, created: tls.created }
      this.http = createHttpApi({
        api: this.api,
        token,
        host: http.host,
        port: http.port,
        ...(init.publicUrl != null ? { publicUrl: init.publicUrl } : {}),
        ...(tls != null ? { tls: { cert: tls.cert, key: tls.key } } : {}),
        events: this.events,
        web: this.web,
        logger: this.parts.logger,
        durable: () => {
          // the store writes at the end of the turn: a write that failed while the request was
          // handled may have held its change, so it is reported rather than acknowledged
          const failures = this.parts.store.failures
          return async signal => {
            await this.parts.store.whenDurable({ signal })
            if (this.parts.store.failures !== failures) throw new StorageWriteError('A write failed while this request was handled: its change may not be on disk')
          }
        }
      })
      this.url = (await this.http.start()).url
      this.webUrl = this.http.publicUrl
      this.web?.bind(this.webUrl)
      await writeNodeInfo(init.dataDir, {
        orgId: this.orgId, name: this.name, listen: this.listenAddresses(), api: this.url, pid: process.pid
      })
    } catch (err) {
      await this.closeAll()
      throw err
    }
  }

  /** Count what the sync and network protocols refused from peers (metrics' refused inputs). */
  private watchRefusals (): void {
    const { metrics, store } = this.parts
    const { sync, network } = this.libp2p.services
    metrics.start({
      documents: () => ({ held: store.list().length, open: store.loadedCount, quarantined: store.quarantined().length }),
      syncQueueDepth: () => sync.queueDepth(),
      connections: () => this.libp2p.getConnections().length,
      requestsOffLoop: () => this.parts.offLoop?.pending ?? 0
    })
    sync.addEventListener('sync:refused', ({ detail }) => { if (detail.by === 'us') metrics.refused('sync', detail.code) })
    // a session that ended on a typed error ended on bad input (a reset or a closed connection is untyped)
    sync.addEventListener('sync:close', ({ detail }) => { if (isCommonplaceError(detail.error)) metrics.refused('sync', detail.error.code) })
    network.addEventListener('network:refused', () => { metrics.refused('network', 'ERR_INVALID_STATEMENT') })
    metrics.health.watchQuarantine(() => store.quarantined())
    // a document found unreadable is offered to the peers here now: one that may edit it sends its copy
    this.stopQuarantine = store.onQuarantine(doc => { queueMicrotask(() => { sync.refresh([doc.id]) }) })
  }

  async stop (): Promise<void> {
    await removeNodeInfo(this.parts.init.dataDir)
    await this.closeAll()
  }

  private async closeAll (): Promise<void> {
    await this.parts.practice.stop().catch(() => {})
    this.parts.history.stop()
    this.parts.networks.stop()
    this.parts.directory.contacts.stop()
    this.parts.directory.delivery.stop()
    this.stopWatching?.()
    this.stopQuarantine?.()
    this.parts.metrics.stop()
    await this.parts.offLoop?.close()
    await this.web?.stop().catch(() => {})
    await this.http?.stop().catch(() => {})
    await this.libp2p.stop()
    this.store.close()
    this.parts.storage.close()
  }
}

/** A document view whose section authors and last changes carry their person's name, where this node may show it. */
function withPersonNames (view: DocView, nameOf: PersonNamer): DocView {
  const named = (who: { org: OrgId, person?: string }): string | undefined => nameOf(who.org, who.person)
  return {
    ...view,
    sections: view.sections.map(section => {
      const changed = section.lastChanged
      const changedBy = changed != null ? named(changed) : undefined
      return {
        ...section,
        authors: section.authors.map(a => {
          const personName = named(a)
          return personName == null ? a : { ...a, personName }
        }),
        ...(changed != null && changedBy != null ? { lastChanged: { ...changed, by: changedBy, personName: changedBy } } : {})
      }
    })
  }
}

/** The HTTPS certificate to serve, if any (NodeInit.tls). */
async function tlsFor (init: NodeInit): Promise<(TlsMaterial & { selfMade: boolean, created: boolean }) | undefined> {
  if (init.tls != null) return { ...await readTls(init.tls.certFile, init.tls.keyFile), selfMade: false, created: false }
  const host = (init.http ?? DEFAULT_HTTP).host
  if (init.publicUrl == null || !init.publicUrl.startsWith('https:') || isLoopback(host)) return undefined
  return { ...await selfMadeTls(init.dataDir, [new URL(init.publicUrl).hostname.replace(/^\[|\]$/g, '')]), selfMade: true }
}

/** `handle` with its refusals (typed errors it throws) counted under `protocol`. */
function countRefusals<A extends unknown[], R> (metrics: NodeMetrics, protocol: string, handle: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await handle(...args)
    } catch (err) {
      metrics.refused(protocol, isCommonplaceError(err) ? err.code : 'ERR_INTRODUCTION_REFUSED')
      throw err
    }
  }
}

/**
 * The practice operations that change a record, each followed by a version of it (docs/history.md):
 * an adaptation (the variant), an accepted proposal (the source), an upstream change taken (the variant).
 */
function versionedPractice (practice: PracticeApi, history: History): Pick<PracticeApi, 'adapt' | 'acceptProposal' | 'takeUpstream'> {
  return {
    adapt: async (id, request, options) => {
      const made = await practice.adapt(id, request, options)
      await history.keep(made.id, 'adaptation', undefined, options?.author)
      return made
    },
    acceptProposal: async (id, request, options) => {
      const view = await practice.acceptProposal(id, request, options)
      await history.keep(view.source, 'proposal-accepted', undefined, options?.author)
      return view
    },
    takeUpstream: async (id, request, options) => {
      const view = await practice.takeUpstream(id, request, options)
      await history.keep(parseDocId(id), 'upstream-taken', undefined, options?.author)
      return view
    }
  }
}
