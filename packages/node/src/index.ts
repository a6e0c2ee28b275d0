/**
 * @packageDocumentation
 * A Commonplace node: an organisation's identity, its documents on disk, libp2p with the sync
 * protocol, and the local API that the CLI and the web app use (its contract, the request and
 * response types, is @commonplace/api).
 *
 * @example
 * ```ts
 * import { createNode } from '@commonplace/node'
 * const node = await createNode({ dataDir: '/var/lib/commonplace', name: 'Hillview Medical Practice' })
 * await node.start()
 * console.log(node.orgId, node.listenAddresses(), node.apiUrl)
 * ```
 */
export { createNode, initNode } from './node.ts'
export type { CommonplaceNode, NodeInit } from './node.ts'
export { createHttpApi } from './http-api.ts'
export { createRoutes } from './api-routes.ts'
export { changedSections } from './section-changes.ts'
export { decodeAwarenessFrame as decodeAwarenessMessage, encodeAwarenessFrame as encodeAwarenessMessage, awarenessService } from './awareness-service.ts'
export type { AwarenessService, AwarenessServiceInit, AwarenessEvents, AwarenessMessage } from './awareness-service.ts'
export type { HttpApiInit, HttpApiServer } from './http-api.ts'
export type { Caller } from './people/people.ts'
export { DEFAULT_HTTP, DEFAULT_LISTEN, FILES } from './constants.ts'
/** The version store (docs/history.md), for the benchmarks' history workload. */
export { createVersions } from './history/versions.ts'
