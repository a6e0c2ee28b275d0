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
 * WAL pages (4 KiB) written before SQLite copies them into the database file (`wal_autocheckpoint`,
 * SQLite's default is 1000, i.e. 4 MiB). A first sync of 10 MB would checkpoint twice in the
 * middle of it; 32 MiB lets such a burst of writes end first. Durability is the WAL's either way.
 */
export const WAL_AUTOCHECKPOINT_PAGES = 8192
