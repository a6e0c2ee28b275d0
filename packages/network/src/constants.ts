export const NETWORK_PROTOCOL = '/commonplace/network/1.0.0'
export const JOIN_PROTOCOL = '/commonplace/join/1.0.0'
/** Most statements kept per network (a roster of a few hundred organisations needs far fewer). */
export const MAX_STATEMENTS_PER_NETWORK = 4096
/** Largest frame on the network and join protocols. */
export const MAX_FRAME_BYTES = 1024 * 1024
/** How long a join handshake may take. */
export const JOIN_TIMEOUT_MS = 15_000
/** Default invitation lifetime. */
export const DEFAULT_INVITATION_TTL_MS = 7 * 24 * 3600 * 1000
