/**
 * The operations of the document store (the DocumentStore interface of core): reads, local and
 * peer changes, catch-up, checkpoints and the signed side. Its state and write path are in
 * store-base.ts.
 */
import { createHash } from 'node:crypto'
import * as Y from 'yjs'
import { toString as u8ToString } from 'uint8arrays'
import {
  isCommonplaceError,
  CorruptUpdateError, InvalidInputError, InvalidStatementError, MalformedMessageError, OversizedMessageError,
  mergeGrants
} from '@commonplace/core'
import type {
  AccessList, Attribution, DocHeader, DocId, DocumentChangeListener, DocumentInfo, DocumentStore, OrgId, PartChange,
  QuarantinedDocument, SignedHoldings, SignedOutcome, UpdateOrigin, VerifiedGrant, WriteOp
} from '@commonplace/core'
import { decodeLogRow, decodeUint } from './codec.ts'
import type { InfoRecord } from './codec.ts'
import { createWriteBatch } from './write-batch.ts'
import { documentsNaming } from './party-index.ts'
import { captureUpdate, runLocal } from './ydoc-changes.ts'
import { sameOrigin } from './announcer.ts'
import type { LocalTransaction } from './ydoc-changes.ts'
import { CHECKPOINT_WRITE_DELAY } from './constants.ts'
import { EMPTY_SV, emptyInfo } from './store-init.ts'
import type { DocumentStoreComponents, DocumentStoreInit } from './store-init.ts'
import { EMPTY_UPDATE, QUARANTINED_DIGEST, logRowsFrom, withQuarantined } from './quarantine.ts'
import { preparedFields } from './prepared.ts'
import type { PreparedChange } from './prepared.ts'
import { CHANGE_RANGE_END, changeKey, checkpointKey } from './keys.ts'
import { StoreBase, localOrigin } from './store-base.ts'
import { readChangers, readPartChanges } from './part-changes.ts'
import type { WriteBatch } from './write-batch.ts'
import { validateOps } from '@commonplace/storage'

/**
 * Open the document store on a storage port. Reads the index (not the documents) at start.
 *
 * @example
 * ```ts
 * const store = createDocumentStore({ storage: sqliteStore({ path }) })
 * store.create(header, doc => doc.getMap('meta').set('title', 'Betonieren bei Frost'))
 * ```
 */
export function createDocumentStore (components: DocumentStoreComponents, init: DocumentStoreInit = {}): DocumentStore {
  return new Store(components, init)
}

class Store extends StoreBase implements DocumentStore {
  // a document whose index entry a damaged page makes unreadable is quarantined (ownRecords)
  has (id: DocId): boolean { return this.ownRecords(id, () => this.infos.has(id)) }

  // a quarantined document asks peers for everything: its state vector is that of nothing
  info (id: DocId): DocumentInfo | undefined {
    const info = this.ownRecords(id, () => this.infos.get(id))
    return this.quarantine.has(id) ? { ...info, stateVector: EMPTY_SV } as InfoRecord : this.current(info)
  }

  quarantined (): QuarantinedDocument[] { return this.quarantine.list() }

  onQuarantine (listener: (doc: QuarantinedDocument) => void): () => void { return this.quarantine.on(listener) }

  list (): DocumentInfo[] { return this.infos.all().map(info => this.current(info) as InfoRecord) }

  access (id: DocId): AccessList | undefined { return this.ownRecords(id, () => this.acls.get(id)) }

  documentsNaming (party: string, limit = Infinity): DocId[] {
    // lists changed in the batch not written yet: reads see them
    const staged = new Map([...this.batch?.acls.keys() ?? []].map(id => [id, this.acls.get(id)]))
    return documentsNaming(this.storage, party, limit, staged)
  }

  create (header: DocHeader, init?: (doc: Y.Doc) => void, author?: string): DocumentInfo {
    if (this.infos.has(header.id)) throw new InvalidInputError(`Document ${header.id} exists already`)
    const doc = new Y.Doc({ guid: header.id })
    doc.clientID = this.signedSide.newClient(header.id) ?? doc.clientID
    const origin = localOrigin(author)
    const watch = this.watchParts(origin)
    const update = captureUpdate(doc, origin, () => init?.(doc), watch?.see)
    const acl: AccessList = { header, grants: [] }
    const info = emptyInfo(header)
    try {
      this.commit(info, { doc, update, acl, origin, parts: watch?.parts() })
    } catch (err) {
      doc.destroy()
      throw err
    }
    this.cache.set(header.id, doc)
    return this.info(header.id) as DocumentInfo
  }

  mergeAccess (header: DocHeader, grants: VerifiedGrant[], origin: UpdateOrigin): boolean {
    const existing = this.acls.get(header.id)
    if (existing != null && (existing.header.owner !== header.owner || existing.header.nonce !== header.nonce)) {
      throw new InvalidStatementError(`Header of ${header.id} does not match the one held`)
    }
    const { acl, changed } = mergeGrants(existing ?? { header, grants: [] }, grants)
    if (existing != null && !changed) return false
    const info = this.infos.get(header.id) ?? emptyInfo(header)
    this.commit(info, { acl, origin })
    return true
  }

  applyUpdate (id: DocId, update: Uint8Array, origin: UpdateOrigin): boolean {
    if (update.byteLength > this.maxUpdateBytes) {
      throw new OversizedMessageError(`Update of ${update.byteLength} bytes exceeds ${this.maxUpdateBytes}`)
    }
    const info = this.requireInfo(id)
    try {
      Y.decodeUpdate(update)
    } catch (err) {
      throw new CorruptUpdateError(`Update for ${id} does not decode`, { cause: err })
    }
    return this.integrate(info, update, origin)
  }

  edit (id: DocId, fn: (doc: Y.Doc) => void, author?: string): boolean {
    const info = this.requireInfo(id)
    const doc = this.load(id)
    const origin = localOrigin(author)
    let run = this.localRun
    if (run != null && (run.id !== id || run.doc !== doc || !sameOrigin(run.origin, origin))) {
      this.sealLocal()
      run = null
    }
    // the run keeps its own start (no burst noted for the announcer: the run is one update)
    const watch = this.watchParts(origin)
    const since = run?.since ?? Y.decodeStateVector(Y.encodeStateVector(doc))
    const seen: LocalTransaction = { changed: false, deleted: null }
    try {
      runLocal(doc, origin, () => { fn(doc) }, seen, watch?.see)
    } catch (err) {
      if (!seen.changed) throw err
      if (run == null) {
        // what it changed is dropped: the document is loaded again from what is staged
        this.cache.evict(id)
        throw err
      }
      // earlier edits of the run are in the document with it, not encoded yet: kept with them
      this.log?.error('an edit of %s failed after changing it; the change is kept with the edits before it: %e', id, err)
      if (seen.deleted != null) run.deleted.push(seen.deleted)
      this.commit(info, { doc, origin, parts: watch?.parts(), inRun: true })
      this.sealLocal()
      throw err
    }
    if (!seen.changed) return false
    if (run == null) this.localRun = run = { id, doc, origin, since, deleted: [] }
    if (seen.deleted != null) run.deleted.push(seen.deleted)
    this.commit(info, { doc, origin, parts: watch?.parts(), inRun: true })
    return true
  }

  storedUpdates (id: DocId): Uint8Array[] {
    const info = this.requireInfo(id)
    // the open run's edits are staged as an update first
    if (this.localRun?.id === id) this.sealLocal()
    if (this.quarantine.has(id)) throw this.quarantine.refusal(id)
    const rows = info.logNext === info.logFirst ? [] : this.storage.range(logRowsFrom(id, info.logFirst))
    return [...rows.flatMap(([, row]) => decodeLogRow(id, row)), ...this.batch?.updates.get(id) ?? []]
  }

  // without a signer nothing is signed: any client will do
  preparedClient (id: DocId): number { return this.signedSide.newClient(id) ?? new Y.Doc().clientID }

  appendPrepared (id: DocId, update: Uint8Array, change: PreparedChange): void {
    const info = this.requireInfo(id)
    if (this.batch?.updates.has(id) === true) {
      // loaded with changes not yet written (pinned in memory): apply it there
      this.applyUpdate(id, update, localOrigin(change.author))
      return
    }
    // the next read loads the document from disk and the staged batch (see load)
    this.cache.evict(id)
    const origin = localOrigin(change.author)
    const by = this.changeAuthor(origin)
    this.commit(info, { update, origin, parts: by != null && change.parts != null ? { changed: change.parts, by } : undefined })
    Object.assign(this.infos.get(id) as InfoRecord, preparedFields(this.infos.get(id) as InfoRecord, change))
  }

  read<T> (id: DocId, fn: (doc: Y.Doc) => T): T {
    this.requireInfo(id)
    return fn(this.load(id))
  }

  diff (id: DocId, stateVector?: Uint8Array): Uint8Array {
    this.requireInfo(id)
    if (stateVector != null) {
      try {
        Y.decodeStateVector(stateVector)
      } catch (err) {
        throw new MalformedMessageError('State vector does not decode', { cause: err })
      }
    }
    // nothing to give from a quarantined document (a peer asking must not end the session)
    const doc = this.loadHealthy(id)
    return doc == null ? EMPTY_UPDATE : Y.encodeStateAsUpdate(doc, stateVector)
  }

  digest (id: DocId): Uint8Array {
    const info = this.requireInfo(id)
    const cached = this.digests.get(id)
    if (cached?.seq === info.changeSeq && !this.quarantine.has(id)) return cached.digest
    const doc = this.loadHealthy(id)
    if (doc == null) return QUARANTINED_DIGEST
    const snapshot = Y.encodeSnapshot(Y.snapshot(doc))
    const digest = new Uint8Array(createHash('sha256').update(snapshot).digest())
    this.digests.set(id, { seq: info.changeSeq, digest })
    return digest
  }

  changesSince (since: number, limit?: number): Array<{ id: DocId, changeSeq: number }> {
    // the change sequence is read from disk: what is staged is written first, so the answer holds every change made
    this.flush()
    const changes = this.storage.range({ gt: changeKey(since), lt: CHANGE_RANGE_END, limit })
      .map(([key, value]) => ({ id: u8ToString(value) as DocId, changeSeq: Number(key.slice(2)) }))
    // a quarantined document whose index entry cannot be read is not offered: nothing says what it is
    return withQuarantined(changes, this.quarantine, id => {
      try {
        return this.infos.get(id)?.changeSeq
      } catch (err) {
        if (!isCommonplaceError(err) || err.code !== 'ERR_STORAGE_CORRUPT') throw err
        return undefined
      }
    })
  }

  checkpoint (peer: OrgId, peerStoreId: string): number {
    const key = checkpointKey(peer, peerStoreId)
    return this.batch?.checkpoints.get(key) ?? decodeUint(this.storage.get(key))
  }

  /**
   * Staged with the next batch of changes, or written on its own after CHECKPOINT_WRITE_DELAY (or
   * at close): a checkpoint lost in a crash only means offering more again, so an ACK does not
   * cost a disk write of its own while changes keep coming.
   */
  setCheckpoint (peer: OrgId, peerStoreId: string, seq: number): void {
    if (seq <= this.checkpoint(peer, peerStoreId) || seq > this.commits.durableSeq) return
    const batch = this.batch ??= createWriteBatch()
    batch.checkpoints.set(checkpointKey(peer, peerStoreId), seq)
    this.writeSoon(batch)
  }

  stageRows (ops: WriteOp[]): void {
    validateOps(ops)
    const batch = this.batch ??= createWriteBatch()
    for (const op of ops) batch.rows.set(op.key, op)
    this.writeSoon(batch)
  }

  /** A batch with no change in it (checkpoints, rows) is written after CHECKPOINT_WRITE_DELAY, unless changes come first. */
  private writeSoon (batch: WriteBatch): void {
    if (batch.before.size > 0 || this.checkpointTimer != null) return
    this.checkpointTimer = setTimeout(() => {
      this.checkpointTimer = undefined
      this.flushLogged(true)
    }, CHECKPOINT_WRITE_DELAY)
    this.checkpointTimer.unref?.()
  }

  // the signed side (signed-store.ts), once the document is known to be held
  envelopeVector (id: DocId): SignedHoldings { return this.guarded(id, () => this.signedSide.envelopeVector(id)) }

  signedSince (id: DocId, have: SignedHoldings, maxBytes?: number): { items: Uint8Array[], more: boolean } {
    return this.guarded(id, () => this.signedSide.signedSince(id, have, maxBytes))
  }

  applySigned (id: DocId, bytes: Uint8Array, origin: UpdateOrigin): SignedOutcome {
    const info = this.requireInfo(id)
    try {
      if (!this.quarantine.has(id)) return this.signedSide.applySigned(info, bytes, origin)
    } catch (err) {
      if (!this.quarantine.has(id)) throw err
    }
    // quarantined (or found damaged now): the item goes to the document's restore, checked like any
    // other, never over the damaged rows; the restored document takes their place once complete
    const { outcome, doc } = this.signedSide.restoreWith(info, bytes)
    if (doc != null) this.restored(info, doc, origin)
    return outcome
  }

  issueClient (id: DocId): { client: number, nonce: number } { return this.signedSide.issueClient(this.requireInfo(id).id) }
  attribution (id: DocId): Attribution {
    return this.guarded(id, () => this.signedSide.attribution(id))
  }
  lastChanges (id: DocId): Record<string, PartChange> {
    return this.guarded(id, () => readPartChanges(this.storage, id, this.batch))
  }
  changers (id: DocId): PartChange[] {
    return this.guarded(id, () => readChangers(this.storage, id, this.batch))
  }

  frontierOf (id: DocId, org: OrgId): number { return this.signedSide.envelopeVector(this.requireInfo(id).id).vector[org] ?? 0 }
  refuseBeyond (id: DocId, org: OrgId, seq: number): number { return this.signedSide.refuseBeyond(this.requireInfo(id).id, org, seq) }

  onChange (listener: DocumentChangeListener): () => void { return this.announcer.on(listener) }

  onDurable (listener: (seq: number) => void): () => void { return this.commits.onDurable(listener) }

  /** Writes what is staged (checkpoints included), then unloads everything. */
  close (): void {
    this.signedSide.stop()
    this.flushLogged(true)
    clearTimeout(this.checkpointTimer)
    this.checkpointTimer = undefined
    this.cache.clear()
    this.announcer.clear()
    this.commits.clear()
  }

  /** Loaded documents right now (for tests and footprint figures). */
  get loadedCount (): number { return this.cache.size }

}
