import { join } from 'node:path'
import { defaultLogger } from '@libp2p/logger'
import { createDocumentStore } from '@commonplace/docstore'
import { sqliteStore } from '@commonplace/storage'
import { recordKind, recordTitle } from '@commonplace/record'
import { AddressInUseError } from '@commonplace/core'
import type { DocumentStore, KeyValueStore, OrgId } from '@commonplace/core'
import type { ComponentLogger } from '@libp2p/interface'
import { DEFAULT_HTTP, DEFAULT_LISTEN, FILES } from './constants.ts'
import { loadIdentity, removeNodeInfo, saveName, writeApiToken, writeNodeInfo } from './data-folder.ts'
import { createCommonplaceLibp2p } from './libp2p.ts'
import type { CommonplaceLibp2p, Libp2pInit } from './libp2p.ts'
import { createLocalApi } from './local-api.ts'
import { createHttpApi } from './http-api.ts'
import { nodeEvents } from './node-events.ts'
import type { HttpApiServer } from './http-api.ts'
import type { LocalApi } from './api-types.ts'

export interface NodeInit {
  /** The data folder: identity, database, API token. Created (mode 0700) if missing. */
  dataDir: string
  /** The organisation's display name; kept in the data folder. */
  name?: string
  /** libp2p listen multiaddrs. Default: TCP 7421 and WebSockets 7422 on all interfaces. */
  listen?: string[]
  /** Where the local API listens. Default 127.0.0.1:7420; port 0 picks a free port. */
  http?: { host: string, port: number }
  logger?: ComponentLogger
  /** libp2p connection manager settings (connection limits, inbound rate per host). */
  connectionManager?: Libp2pInit['connectionManager']
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
  const storage = sqliteStore({ path: join(init.dataDir, FILES.database), logger })
  let store: DocumentStore | undefined
  try {
    if (init.name != null) identity.name = await saveName(init.dataDir, init.name)
    store = createDocumentStore({ storage, logger }, {
      describe: doc => ({ title: recordTitle(doc), kind: recordKind(doc) })
    })
    const libp2p = await createCommonplaceLibp2p({
      privateKey: identity.key, listen: init.listen ?? DEFAULT_LISTEN, store, name: identity.name, logger, connectionManager: init.connectionManager
    })
    const api = createLocalApi({ libp2p, store, identity, apiUrl: () => node.apiUrl })
    const node = new Node({ init, identity, storage, store, libp2p, api, logger })
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
  libp2p: CommonplaceLibp2p
  api: LocalApi
  logger: ComponentLogger
}

class Node implements CommonplaceNode {
  readonly orgId: OrgId
  readonly name: string
  readonly api: LocalApi
  readonly store: DocumentStore
  readonly libp2p: CommonplaceLibp2p
  private readonly parts: NodeParts
  private http?: HttpApiServer
  private url = ''

  constructor (parts: NodeParts) {
    this.parts = parts
    this.orgId = parts.identity.orgId
    this.name = parts.identity.name
    this.api = parts.api
    this.store = parts.store
    this.libp2p = parts.libp2p
  }

  get apiUrl (): string { return this.url }

  listenAddresses (): string[] {
    return this.libp2p.getMultiaddrs().map(ma => ma.toString())
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
      const token = await writeApiToken(init.dataDir)
      const http = init.http ?? DEFAULT_HTTP
      this.http = createHttpApi({
        api: this.api, token, host: http.host, port: http.port, events: nodeEvents(this.store, this.libp2p), logger: this.parts.logger
      })
      this.url = (await this.http.start()).url
      await writeNodeInfo(init.dataDir, {
        orgId: this.orgId, name: this.name, listen: this.listenAddresses(), api: this.url, pid: process.pid
      })
    } catch (err) {
      await this.closeAll()
      throw err
    }
  }

  async stop (): Promise<void> {
    await removeNodeInfo(this.parts.init.dataDir)
    await this.closeAll()
  }

  private async closeAll (): Promise<void> {
    await this.http?.stop().catch(() => {})
    await this.libp2p.stop()
    this.store.close()
    this.parts.storage.close()
  }
}
