/**
 * @packageDocumentation
 * Learning networks (docs/networks.md): the roster as a pure function of signed statements, the
 * registry that keeps them, invitation codes, the join handshake, roster replication over
 * libp2p. A removal carries per document the removed organisation's envelope frontier (docs/authorship.md).
 *
 * @example
 * ```ts
 * const registry = createNetworkRegistry({ storage })
 * const libp2p = await createLibp2p({ services: { network: networkService({ registry }) } })
 * ```
 */
export { computeRoster, latestPresence } from './roster.ts'
export type { Roster, RosterMember, Removal } from './roster.ts'
export { createNetworkRegistry } from './registry.ts'
export type { NetworkRegistry, NetworkRegistryInit } from './registry.ts'
export { createInvitation, decodeCode, encodeCode, joinKeyFromSecret } from './invitation.ts'
export type { InvitationCode } from './invitation.ts'
export { networkService } from './service.ts'
export type { NetworkService, NetworkServiceInit, NetworkServiceComponents, NetworkServiceEvents } from './service.ts'
export { acceptJoin } from './join.ts'
export { readFrame, writeFrame } from './frames.ts'
export * from './constants.ts'
