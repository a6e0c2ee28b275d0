/** Component name for `ComponentLogger.forComponent`. */
export const LOG_COMPONENT = 'commonplace:storage'

/**
 * How long (ms) SQLite waits for a lock held by another connection before giving up.
 * Zero: a data folder held by another process is an immediate `DataFolderInUseError`, never a hang.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 0

/** SQLite primary result codes this package maps to named errors (https://sqlite.org/rescode.html). */
export const SqliteCode = {
  busy: 5,
  locked: 6,
  corrupt: 11,
  full: 13,
  cantOpen: 14,
  notADatabase: 26
} as const

/**
 * The most bytes of a journal read at open. It is emptied after every batch written, so it holds
 * at most the signed envelopes of the batches in flight (each at most 8 MiB of update).
 */
export const MAX_JOURNAL_BYTES = 64 * 1024 * 1024

/**
 * WAL checkpoints (docs/storage.md, "Checkpoints when quiet"): the WAL is copied into the database
 * file once it was neither written nor read for CHECKPOINT_QUIET_MS; a store that never goes quiet checkpoints in the
 * commit that takes the WAL past WAL_AUTOCHECKPOINT_PAGES pages (SQLite's own, 64 MiB of 4 KiB
 * pages), and a WAL file left larger than WAL_SIZE_LIMIT_BYTES is cut back when it is reused.
 */
export const CHECKPOINT_QUIET_MS = 250
export const WAL_AUTOCHECKPOINT_PAGES = 16_384
export const WAL_SIZE_LIMIT_BYTES = 4 * 1024 * 1024
