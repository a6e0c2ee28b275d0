export const PROTOCOL_PREFIX = 'commonplace'
export const PROTOCOL_NAME = 'sync'
export const PROTOCOL_VERSION = '1.0.0'
/** `/commonplace/sync/1.0.0` */
export const PROTOCOL = `/${PROTOCOL_PREFIX}/${PROTOCOL_NAME}/${PROTOCOL_VERSION}`
/** The version number carried in HELLO. */
export const WIRE_VERSION = 1

/** Largest frame accepted (bytes). Bounds the memory one peer can make us buffer. */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024
/** Frames we send are cut at about this size so one large catch-up does not delay live edits. */
export const DEFAULT_TARGET_FRAME_BYTES = 256 * 1024
/** Largest Yjs update accepted in one message. */
export const DEFAULT_MAX_UPDATE_BYTES = 8 * 1024 * 1024
/** Largest encoded state vector accepted. */
export const MAX_STATE_VECTOR_BYTES = 256 * 1024
/** Most messages in one frame. */
export const MAX_MESSAGES_PER_FRAME = 100_000
/** Most grants in one ACCESS message. */
export const MAX_GRANTS = 1024
/** Longest string field (store id, error text) in characters. */
export const MAX_STRING = 1024
/** Length of a document digest (sha256). */
export const DIGEST_BYTES = 32
/** Streams of this protocol per connection (one is used; the second allows a replacement). */
export const MAX_STREAMS = 2
/** Longest wait (ms) before a MARK confirms a batch that reached the disk, when no frame goes out. */
export const DEFAULT_MARK_DELAY = 50
