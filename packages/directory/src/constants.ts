/** `/commonplace/introduce/1.0.0`: one request, one reply (docs/protocol.md). */
export const INTRODUCE_PROTOCOL = '/commonplace/introduce/1.0.0'
/** What a card code starts with. */
export const CARD_CODE_PREFIX = 'cpc1.'
/** Longest card code accepted (characters): 16 addresses of 256 characters fit. */
export const MAX_CARD_CODE_LENGTH = 8 * 1024
/** Most addresses a card lists. */
export const MAX_CARD_ADDRESSES = 16
/** Longest address on a card (characters). */
export const MAX_ADDRESS_LENGTH = 256
/** Largest introduce frame (a card and a statement need a few KiB). */
export const MAX_INTRODUCE_FRAME_BYTES = 32 * 1024
/** How long one introduce exchange may take, dial excluded (ms). */
export const INTRODUCE_TIMEOUT_MS = 10_000
/** How far an introduction's or acceptance's `at` may be from the receiver's clock (ms). */
export const MAX_CLOCK_SKEW_MS = 10 * 60_000
/** Most introductions waiting at a node; the next one is refused until a person deals with some. */
export const MAX_PENDING_INTRODUCTIONS = 64
/** How long an introduction waits for a person before it is dropped (ms). */
export const INTRODUCTION_TTL_MS = 30 * 24 * 3600_000
/** Notices kept (the newest). */
export const MAX_NOTICES = 200
/** Concurrent introduce streams a node answers per connection. */
export const MAX_INBOUND_STREAMS = 2
