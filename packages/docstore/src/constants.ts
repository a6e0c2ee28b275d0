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
export const DEFAULT_MAX_WAITING_BYTES = 1024 * 1024

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
