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
 * Synchronous by design: the node is a single thread that owns its store, and a synchronous
 * port makes each document change one atomic step with no interleaving to guard against.
 */
export interface KeyValueStore {
  /** The value, or `undefined` when absent. Throws StorageClosedError after close. */
  get(key: string): Uint8Array | undefined
  /** Entries in key order within the bounds. */
  range(options: RangeOptions): Array<[string, Uint8Array]>
  /**
   * Apply every operation or none. Returns once the batch is durable.
   * @throws StorageFullError when the disk or quota is full, StorageWriteError on any other failure;
   * in both cases nothing of the batch is applied.
   */
  write(ops: WriteOp[]): void
  /** Release the store (and its lock on the data folder). Idempotent. */
  close(): void
}
