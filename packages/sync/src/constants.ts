export const PROTOCOL_PREFIX = 'commonplace'
export const PROTOCOL_NAME = 'sync'
export const PROTOCOL_VERSION = '2.0.0'
/** `/commonplace/sync/2.0.0` */
export const PROTOCOL = `/${PROTOCOL_PREFIX}/${PROTOCOL_NAME}/${PROTOCOL_VERSION}`
/** The version number carried in HELLO. */
export const WIRE_VERSION = 2

/** Largest frame accepted (bytes). Bounds the memory one peer can make us buffer. */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024
/** Frames we send are cut at about this size so one large catch-up does not delay live edits. */
export const DEFAULT_TARGET_FRAME_BYTES = 256 * 1024
/** Largest Yjs update accepted in one signed item. */
export const DEFAULT_MAX_UPDATE_BYTES = 8 * 1024 * 1024
/**
 * Largest signed item (envelope or checkpoint) accepted in ENVELOPES or REPLY: what fits in one
 * frame with its message around it. The store bounds each kind further (an envelope's update at
 * 8 MiB); a checkpoint (a whole document) larger than this cannot be sent.
 */
export const DEFAULT_MAX_ITEM_BYTES = DEFAULT_MAX_FRAME_BYTES - 64 * 1024
/** Most signed items in one ENVELOPES or REPLY message: store calls per message. */
export const MAX_ITEMS_PER_MESSAGE = 1024
/** Most signers in an envelope vector (OFFER, WANT): lookups per message. */
export const MAX_VECTOR_SIGNERS = 4096
/** Longest organisation id in an envelope vector (an Ed25519 PeerId is 52 characters). */
export const MAX_ORG_ID_CHARS = 64
/** Length of a checkpoint id (sha256 of the checkpoint), when one is named. */
export const CHECKPOINT_ID_BYTES = 32
/**
 * Bytes of signed items one REPLY or first-meeting ENVELOPES carries for one document; the receiver
 * asks for the rest with WANT (the message says `more`), so a long catch-up does not hold up others.
 */
export const DEFAULT_PAGE_BYTES = 1024 * 1024
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
/**
 * Refusals of input no honest node sends (a bad signature, a foreign client, a broken chain, a
 * corrupt update; not `ERR_FORBIDDEN`) one session takes before it ends with `ERR_PROTOCOL`: a peer
 * that keeps sending what every honest node refuses is cut off (it can open a new session, which
 * starts again from its checkpoint).
 */
export const MAX_REFUSALS_PER_SESSION = 64
