/**
 * The storage port: ordered keys to bytes, with atomic, durable batches.
 * It knows nothing of documents; `@commonplace/docstore` builds the update log on it.
 * Adapters: SQLite on disk (`node:sqlite`) and memory, in `@commonplace/storage`.
 */

/** One operation in an atomic batch. */
export type WriteOp =
  | { type: 'put', key: string, value: Uint8Array }
  | { type: 'del', key: string }

/** Bounds of a range read; keys compare as UTF-16 code units (plain ASCII keys sort bytewise). */
export interface RangeOptions {
  gt?: string
  gte?: string
  lt?: string
  lte?: string
  /** Most entries to return. */
  limit?: number
  /** Descending key order. */
  reverse?: boolean
}

/**
 * Reads and writes are synchronous by design: the node is a single thread that owns its store, and
 * a synchronous port makes each document change one atomic step with no interleaving to guard
 * against. Only waiting for the disk is asynchronous (`sync`), so that no fsync blocks the thread.
 */
/**
 * An append-only file beside a store: `append` puts a record in the file at once (written, not
 * synced: it survives the death of the process, not a power cut), cheaper than a batch.
 */
export interface Journal {
  /**
   * Add one record.
   * @throws StorageFullError when the disk is full, StorageWriteError on any other failure
   */
  append(record: Uint8Array): void
  /** The records appended before this open and not settled since, in order (a torn last one dropped). */
  readonly recovered: readonly Uint8Array[]
  /** Empty the file: a write that holds every record appended so far has returned. */
  settle(): void
}

export interface KeyValueStore {
  /** The value, or `undefined` when absent. Throws StorageClosedError after close. */
  get(key: string): Uint8Array | undefined
  /** Entries in key order within the bounds. */
  range(options: RangeOptions): Array<[string, Uint8Array]>
  /**
   * Apply every operation or none; reads see the batch on return. It is durable on return too,
   * unless the store has `sync`: then once a `sync()` called after this write resolves.
   * @throws StorageFullError when the disk or quota is full, StorageWriteError on any other failure
   * (or after a failed sync); in both cases nothing of the batch is applied.
   */
  write(ops: WriteOp[]): void
  /**
   * Present on stores that put batches on disk after `write` returns. Resolves once every batch
   * written before the call is durable; calls made while a disk sync runs share the next one.
   * @throws StorageWriteError when the disk sync failed (the store then refuses every later
   * write and sync), StorageClosedError when closed first with the sync not done, AbortError.
   */
  sync?(options?: { signal?: AbortSignal }): Promise<void>
  /**
   * Present on stores on disk: a side file for records that must outlive the process before the
   * batch that holds them is written (docs/authorship.md, "A crash and the chain").
   */
  journal?: Journal
  /** Release the store (and its lock on the data folder). Idempotent. */
  close(): void
}
