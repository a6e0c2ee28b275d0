/**
 * @packageDocumentation
 * The `/commonplace/sync/2.0.0` protocol (docs/protocol.md): a codec for its frames, a session
 * that turns messages and local changes (signed items, relayed by any reader) into replies with no I/O, and the libp2p service that
 * owns one long-lived, length-prefixed stream per peer.
 *
 * @example
 * ```ts
 * import { syncService } from '@commonplace/sync'
 * const libp2p = await createLibp2p({ services: { sync: syncService({ store }) } })
 * ```
 */
export { syncService } from './service.ts'
export type { SyncService, SyncInit, SyncComponents, SyncEvents } from './service.ts'
export { createSyncSession } from './session.ts'
export type { SyncSession, SyncSessionInit } from './session.ts'
export { encodeFrame, decodeFrame, readMessage, writeMessage } from './codec.ts'
export type { CodecLimits } from './codec.ts'
export * from './messages.ts'
export * from './constants.ts'
