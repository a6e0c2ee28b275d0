/**
 * Storage helpers shared by the automerge-repo scenarios and their child processes.
 */
import type { Chunk, Repo, StorageKey } from '@automerge/automerge-repo'
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs'

/**
 * NodeFSStorageAdapter that can be closed. automerge-repo saves documents and sync states
 * through throttled timers (saveDebounceRate, 100 ms) that `repo.shutdown()` does not wait
 * for: such a save can still be writing a file (fs.promises.writeFile, not atomic) after
 * shutdown, so exiting then leaves a truncated chunk that later loads as a missing document,
 * and removing the run's folder makes a late save fail with ENOENT (an unhandled rejection).
 * `close()` waits for the operations under way and turns later calls into no-ops, as closing
 * a database would.
 */
export class ClosableFSStorage extends NodeFSStorageAdapter {
  #closed = false
  #inFlight = new Set<Promise<unknown>>()

  async #track<T> (op: Promise<T>): Promise<T> {
    this.#inFlight.add(op)
    try { return await op } finally { this.#inFlight.delete(op) }
  }

  override async load (key: StorageKey): Promise<Uint8Array | undefined> {
    return this.#closed ? undefined : await this.#track(super.load(key))
  }

  override async save (key: StorageKey, data: Uint8Array): Promise<void> {
    if (!this.#closed) await this.#track(super.save(key, data))
  }

  override async remove (key: StorageKey): Promise<void> {
    if (!this.#closed) await this.#track(super.remove(key))
  }

  override async loadRange (keyPrefix: StorageKey): Promise<Chunk[]> {
    return this.#closed ? [] : await this.#track(super.loadRange(keyPrefix))
  }

  override async removeRange (keyPrefix: StorageKey): Promise<void> {
    if (!this.#closed) await this.#track(super.removeRange(keyPrefix))
  }

  async close (): Promise<void> {
    this.#closed = true
    await Promise.allSettled([...this.#inFlight])
  }
}

/** Shut a repo down (disconnect, flush documents), then close its storage. */
export async function shutdown (repo: Repo, storage: ClosableFSStorage): Promise<void> {
  try {
    await repo.shutdown()
  } finally {
    await storage.close()
  }
}
