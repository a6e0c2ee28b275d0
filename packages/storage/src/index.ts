/**
 * @packageDocumentation
 * Adapters for the `KeyValueStore` port of `@commonplace/core`: `sqliteStore`, one SQLite file on
 * disk through `node:sqlite` (atomic batches put on disk by `sync()` off the event loop; an exclusive lock on the data folder), and
 * `memoryStore`, a sorted map in memory with an optional byte quota.
 *
 * @example
 * ```ts
 * import { sqliteStore, memoryStore } from '@commonplace/storage'
 * const store = sqliteStore({ path: join(dataFolder, 'store.sqlite') }) // DataFolderInUseError if held
 * store.write([
 *   { type: 'put', key: 'd/x/0001', value: update },
 *   { type: 'del', key: 'd/x/pending' }
 * ]) // all or nothing; on disk once `await store.sync?.()` resolves
 * for (const [key, value] of store.range({ gte: 'd/x/', lt: 'd/x0' })) apply(key, value)
 * store.close()
 *
 * const scratch = memoryStore({ quotaBytes: 1 << 20 }) // StorageFullError past 1 MiB
 * ```
 */
export { sqliteStore } from './sqlite.ts'
export type { SqliteStoreInit } from './sqlite.ts'
export { memoryStore } from './memory.ts'
export type { MemoryStoreInit } from './memory.ts'
export { validateOps } from './range.ts'
