/**
 * The node's degraded states, shown by `commonplace status` and counted in the metrics: the disk
 * is full (a write was refused with ERR_STORAGE_FULL; edits are refused until space is freed and
 * a write lands again), and each quarantined document (ERR_STORAGE_CORRUPT: its stored updates
 * cannot be read; a peer's copy restores it).
 */
import type { QuarantinedDocument } from '@commonplace/core'


/** One way the node is not fully working, with what to do about it. */
export interface DegradedState {
  /** A stable code: ERR_STORAGE_FULL. */
  code: string
  message: string
  /** When it began (ISO 8601). */
  since: string
}

export interface NodeHealth {
  degraded(): DegradedState[]
  /** A write was refused because the disk (or the store's size limit) is full. */
  diskFull(message: string): void
  /** A write landed: the disk has room again. O(1) when nothing is degraded. */
  diskWritten(): void
  /** Where the quarantined documents are read from (the document store, once it is open). */
  watchQuarantine(source: () => QuarantinedDocument[]): void
}

/** @example `const health = createHealth(); health.diskFull('…'); health.degraded()` */
export function createHealth (now: () => number = Date.now): NodeHealth {
  let full: DegradedState | undefined
  let quarantined: () => QuarantinedDocument[] = () => []
  return {
    degraded: () => [
      ...(full == null ? [] : [full]),
      ...quarantined().map(q => ({
        code: 'ERR_STORAGE_CORRUPT',
        message: `Document ${q.id} is quarantined: its stored updates cannot be read (${q.reason}); a peer that may edit it restores it when they meet`,
        since: q.since
      }))
    ],
    watchQuarantine (source) {
      quarantined = source
    },
    diskFull (message) {
      full ??= {
        code: 'ERR_STORAGE_FULL',
        message: `The disk is full: writes are refused until space is freed (${message})`,
        since: new Date(now()).toISOString()
      }
    },
    diskWritten () {
      full = undefined
    }
  }
}
