import { fromString as u8FromString } from 'uint8arrays'
import type { AccessList, DocId, PartChange, WriteOp } from '@commonplace/core'
import { encodeAcl, encodeInfo, encodeLogRow, encodeUint } from './codec.ts'
import type { InfoRecord } from './codec.ts'
import { SEQ_KEY, aclKey, changeKey, infoKey, logKey } from './keys.ts'
import { partyOps } from './party-index.ts'
import { partChangeOps } from './part-changes.ts'
import { StagedOps } from './signed-docs.ts'

/**
 * The changes made since the last flush: the updates to append, and which documents they touch
 * (a failed write forgets their staged values, so reads go back to the disk).
 */
export interface WriteBatch {
  /** Yjs updates per document, in order; written as one merged log row per document. */
  readonly updates: Map<DocId, Uint8Array[]>
  /** Documents whose access list changed, with the list as it is on disk (to update the g/ index). */
  readonly acls: Map<DocId, AccessList | undefined>
  /** Each touched document, with the change number its change-sequence entry has on disk (0: none). */
  readonly before: Map<DocId, number>
  /** Checkpoints to write: key → sequence number. */
  readonly checkpoints: Map<string, number>
  /** Signed items and their bookkeeping (envelopes, chain heads, bindings, checkpoints), by key. */
  readonly signed: StagedOps
  /**
   * The last change per part of a document (l/ keys, part-changes.ts): one record per part and
   * batch (null: its deletion), encoded when the batch is written, as a keystroke replaces it.
   */
  readonly parts: Map<string, PartChange | null>
  /** Rows of other parts of the node that ride along (DocumentStore.stageRows), by key. */
  readonly rows: Map<string, WriteOp>
  /** Bytes of the updates staged. */
  bytes: number
  /** Documents whose staged index entry shows their title, kind and state vector as they are now (until their next change). */
  readonly described: Set<DocId>
}

export function createWriteBatch (): WriteBatch {
  return { updates: new Map(), acls: new Map(), before: new Map(), checkpoints: new Map(), signed: new StagedOps(), parts: new Map(), rows: new Map(), bytes: 0, described: new Set() }
}

/** Remember a document's change number on disk before the batch first touches it. */
/** Stage `update` of document `id` in the batch, after the document's earlier ones. */
export function stageUpdate (batch: WriteBatch, id: DocId, update: Uint8Array): void {
  batch.bytes += update.byteLength
  const updates = batch.updates.get(id)
  if (updates == null) batch.updates.set(id, [update])
  else updates.push(update)
}

export function rememberBefore (batch: WriteBatch, id: DocId, diskChangeSeq: number): void {
  if (!batch.before.has(id)) batch.before.set(id, diskChangeSeq)
}

/**
 * The operations that put the batch on disk, and the index entries as they will be after it:
 * per document one merged log row, its index entry, its change-sequence entry, its access list.
 */
export function batchOps (batch: WriteBatch, current: (id: DocId) => { info: InfoRecord, acl?: AccessList }, seq: number): { ops: WriteOp[], infos: Map<DocId, InfoRecord> } {
  const ops: WriteOp[] = []
  const infos = new Map<DocId, InfoRecord>()
  for (const [id, diskChangeSeq] of batch.before) {
    const held = current(id)
    const acl = held.acl
    let info = held.info
    const updates = batch.updates.get(id)
    if (updates != null) {
      const row = batchRow(updates)
      ops.push({ type: 'put', key: logKey(id, info.logNext), value: row })
      info = { ...info, logNext: info.logNext + 1, storedBytes: info.storedBytes + row.byteLength }
    }
    if (batch.acls.has(id) && acl != null) {
      ops.push({ type: 'put', key: aclKey(id), value: encodeAcl(acl) }, ...partyOps(id, batch.acls.get(id), acl))
    }
    if (diskChangeSeq > 0) ops.push({ type: 'del', key: changeKey(diskChangeSeq) })
    ops.push(
      { type: 'put', key: changeKey(info.changeSeq), value: u8FromString(id) },
      { type: 'put', key: infoKey(id), value: encodeInfo(info) }
    )
    infos.set(id, info)
  }
  for (const op of batch.signed.values()) ops.push(op)
  ops.push(...partChangeOps(batch.parts))
  for (const op of batch.rows.values()) ops.push(op)
  for (const [key, value] of batch.checkpoints) ops.push({ type: 'put', key, value: encodeUint(value) })
  ops.push({ type: 'put', key: SEQ_KEY, value: encodeUint(seq) })
  return { ops, infos }
}

/**
 * One log row for all of a document's changes in the batch: the updates as they are, in order
 * (see encodeLogRow). Writing them costs what they weigh; merging a thousand keystroke updates
 * with Y.mergeUpdates, or writing a diff that repeats the whole delete set, costs far more. (A
 * local burst is already one update here: the one it was announced as, StoreBase.logBurst.)
 */
function batchRow (updates: Uint8Array[]): Uint8Array {
  return encodeLogRow(updates)
}

/** The operations that replace a document's log rows by one row holding `state`, and its index entry after them. */
export function snapshotOps (info: InfoRecord, state: Uint8Array): { ops: WriteOp[], next: InfoRecord } {
  const snapshot = encodeLogRow([state])
  const next: InfoRecord = { ...info, logFirst: info.logNext, logNext: info.logNext + 1, storedBytes: snapshot.byteLength }
  const ops: WriteOp[] = []
  for (let n = info.logFirst; n < info.logNext; n++) ops.push({ type: 'del', key: logKey(info.id, n) })
  ops.push({ type: 'put', key: logKey(info.id, info.logNext), value: snapshot })
  ops.push({ type: 'put', key: infoKey(info.id), value: encodeInfo(next) })
  return { ops, next }
}
