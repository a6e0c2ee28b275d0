/**
 * @packageDocumentation
 * A Commonplace node: an organisation's identity, its documents on disk, libp2p with the sync
 * protocol, and the local API that the CLI and the web app use.
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
export { decodeAwarenessFrame as decodeAwarenessMessage, encodeAwarenessFrame as encodeAwarenessMessage, awarenessService } from './awareness-service.ts'
export type { AwarenessService, AwarenessServiceInit, AwarenessEvents, AwarenessMessage } from './awareness-service.ts'
export type { HttpApiInit, HttpApiServer } from './http-api.ts'
export type * from './api-types.ts'
export type * from './practice-api-types.ts'
export type * from './history-api-types.ts'
export type { SearchHit, SearchQuery } from './web/search.ts'
export type { PersonView, Caller } from './people/people.ts'
export type { PersonRole } from './people/constants.ts'
export { PERSON_ROLES } from './people/constants.ts'
export { DEFAULT_HTTP, DEFAULT_LISTEN, FILES } from './constants.ts'
/** The version store (docs/history.md), for the benchmarks' history workload. */
export { createVersions } from './history/versions.ts'
