/** Loaded Y.Docs kept in memory at most; the least recently used is unloaded past this. */
export const DEFAULT_MAX_LOADED = 256

/** Update-log rows a document may gather before they are compacted into one snapshot row. */
export const DEFAULT_COMPACT_AFTER = 200

/** Largest single Yjs update accepted (bytes): bounds memory used by one peer's message. */
export const DEFAULT_MAX_UPDATE_BYTES = 8 * 1024 * 1024

/** Index entries and access lists kept decoded in memory; the others are read from disk when used. */
export const DEFAULT_MAX_INDEXED = 1024

/**
 * Longest wait (ms) before a checkpoint with no change to ride along is written on its own.
 * Checkpoints go with the next batch of changes; one lost in a crash only means offering more.
 */
export const CHECKPOINT_WRITE_DELAY = 1000

/**
 * Update bytes a batch gathers in memory at most while it waits for the running disk sync
 * (group commit); past this it is written without waiting.
 */
export const DEFAULT_MAX_WAITING_BYTES = 4 * 1024 * 1024

/**
 * Turns that stage changes less than this many ms apart are a burst (a catch-up, a replayed
 * trace, edits back to back); a single person typing is far slower. See BURST_HOLD_MS.
 */
export const DEFAULT_BURST_GAP_MS = 0.5

/**
 * In a burst, a batch is written at the earliest this many ms after its first change, so one
 * write serves many changes and the writes stay out of most changes' way. Acknowledgements of
 * a burst's changes wait for it; outside a burst a batch is written at the end of its turn.
 */
export const DEFAULT_BURST_HOLD_MS = 5

/** Envelopes of one signer and document held past a gap at most, and their bytes (docs/authorship.md, check 6). */
export const MAX_HELD_ENVELOPES = 64
export const MAX_HELD_BYTES = 8 * 1024 * 1024

/** Documents whose signed state (chain heads, bindings) is kept decoded in memory. */
export const MAX_SIGNED_STATES = 1024

/** Client ids this store derived or issued and still remembers the nonce of without a disk read. */
export const MAX_ISSUED_CLIENTS = 65_536

/**
 * The owner checkpoints a document when the envelopes stored since its latest checkpoint weigh
 * more than that checkpoint, and at least this much (small documents are not checkpointed per edit).
 */
export const MIN_CHECKPOINT_AFTER_BYTES = 64 * 1024

/**
 * A due checkpoint waits until its document has had no change for this long (ms): compaction is
 * not done between two keystrokes, nor sent to the peers in front of the next one.
 */
export const DEFAULT_CHECKPOINT_QUIET_MS = 1000

/**
 * While a document is edited without a pause, its checkpoint is signed with the change that makes
 * the envelopes since the latest checkpoint weigh this many times what makes it due.
 */
export const CHECKPOINT_OVERDUE_FACTOR = 2

/** Signed items returned by one `signedSince` call, about (at least one item). */
export const DEFAULT_SIGNED_BATCH_BYTES = 1024 * 1024
