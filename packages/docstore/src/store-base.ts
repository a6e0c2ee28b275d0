/**
 * The document store's state and write path: the index and access lists, the loaded documents,
 * the batch of staged changes and how it is written (group commit, undo on a failed write,
 * compaction), loading (and quarantining) a document, and restoring one. The operations of the
 * DocumentStore interface are in document-store.ts.
 */
import { randomBytes } from 'node:crypto'
import * as Y from 'yjs'
import { fromString as u8FromString, toString as u8ToString } from 'uint8arrays'
import { CorruptUpdateError, NotFoundError, StorageWriteError, isCommonplaceError } from '@commonplace/core'
import type { AccessList, DocId, KeyValueStore, OrgId, UpdateOrigin, WriteOp } from '@commonplace/core'
import type { Logger } from '@libp2p/interface'
import { SignedSide } from './signed-store.ts'
import { decodeAcl, decodeInfo, decodeLogRow, decodeUint } from './codec.ts'
import type { InfoRecord } from './codec.ts'
import { docCache } from './doc-cache.ts'
import { indexedRecords } from './indexed-records.ts'
import type { IndexedRecords } from './indexed-records.ts'
import { batchOps, createWriteBatch, rememberBefore, snapshotOps, stageUpdate } from './write-batch.ts'
import { missingPartyIndex } from './party-index.ts'
import { applyToEmpty, captureUpdate, isEmpty, pendingOf } from './ydoc-changes.ts'
import type { LocalRun } from './ydoc-changes.ts'
import { createAnnouncer } from './announcer.ts'
import { encodeBurstUpdate } from './burst-update.ts'
import type { Announcer } from './announcer.ts'
import type { WriteBatch } from './write-batch.ts'
import type { DocCache } from './doc-cache.ts'
import {
  DEFAULT_COMPACT_AFTER, DEFAULT_MAX_INDEXED, DEFAULT_MAX_LOADED, DEFAULT_MAX_UPDATE_BYTES,
  DEFAULT_MAX_WAITING_BYTES, DEFAULT_BURST_GAP_MS, DEFAULT_BURST_HOLD_MS
} from './constants.ts'
import { groupCommit } from './group-commit.ts'
import { defaultDescribe } from './store-init.ts'
import type { DocumentStoreComponents, DocumentStoreInit } from './store-init.ts'
import { addReadableRows, createQuarantine, logRowsFrom } from './quarantine.ts'
import type { Quarantine } from './quarantine.ts'
import type { GroupCommit } from './group-commit.ts'
import { stagePartChanges } from './part-changes.ts'
import type { ChangeAuthor, ChangedParts, PartsOf } from './part-changes.ts'
import { ACL_PREFIX, INFO_PREFIX, SEQ_KEY, STORE_ID_KEY } from './keys.ts'

/** The origin of what is loaded from disk (never stored again). */
export const STORAGE_ORIGIN: UpdateOrigin = Object.freeze({ kind: 'storage' })
/** The origin of this organisation's own changes (signed as they are announced). */
export const LOCAL_ORIGIN: UpdateOrigin = Object.freeze({ kind: 'local' })

/** The origin of a local change made by `author`, a person inside the organisation (none: the organisation). */
export function localOrigin (author?: string): UpdateOrigin {
  return author == null || author === '' ? LOCAL_ORIGIN : { kind: 'local', author }
}

/** What every operation of the store (document-store.ts) stands on: its state and the write path. */
export abstract class StoreBase {
  readonly storeId: string
  /** The latest change sequence number in memory (may be ahead of the disk until a flush). */
  protected seq: number
  /** What is written and what is durable; staged changes wait while a disk sync runs. */
  protected readonly commits: GroupCommit
  protected batch: WriteBatch | null = null
  protected flushScheduled = false
  protected checkpointTimer?: ReturnType<typeof setTimeout>
  protected failed = 0
  protected readonly storage: KeyValueStore
  protected readonly log?: Logger
  protected readonly infos: IndexedRecords<InfoRecord>
  protected readonly acls: IndexedRecords<AccessList>
  protected readonly digests = new Map<DocId, { seq: number, digest: Uint8Array }>()
  protected readonly cache: DocCache
  protected readonly announcer: Announcer
  protected readonly compactAfter: number
  protected readonly maxUpdateBytes: number
  protected readonly describe: (doc: Y.Doc) => { title: string, kind: string }
  protected readonly now: () => number
  protected readonly signedSide: SignedSide
  protected readonly quarantine: Quarantine
  protected readonly partsOf?: PartsOf
  /** This organisation (the signer), whose local changes the part records name. */
  protected readonly self?: OrgId
  /** The run of local edits whose update is not encoded yet (at most one at a time). */
  protected localRun: LocalRun | null = null

  constructor (components: DocumentStoreComponents, init: DocumentStoreInit) {
    this.storage = components.storage
    this.log = components.logger?.forComponent('commonplace:docstore')
    this.announcer = createAnnouncer(id => this.cache.get(id), this.log, change => { this.signedSide.seal(change) }, (id, updates, burst) => { this.logBurst(id, updates, burst) }, () => { this.sealLocal() })
    this.signedSide = new SignedSide({
      storage: this.storage,
      log: this.log,
      ops: () => (this.batch ??= createWriteBatch()).signed,
      staged: () => this.batch?.signed,
      info: id => this.infos.get(id),
      all: () => this.infos.all(),
      loaded: id => this.cache.get(id),
      load: id => this.load(id),
      quarantined: id => this.quarantine.has(id),
      apply: (info, update, origin, signed, by) => { this.integrate(info, update, origin, signed, by) },
      announceSigned: (info, signed) => { this.commit(info, { origin: STORAGE_ORIGIN, signed }) },
      write: ops => { this.write(ops) },
      replace: (id, doc, ops) => { this.replace(id, doc, ops) }
    }, init)
    // a document unloaded is loaded again from what is staged: its open run is encoded first
    this.cache = docCache(init.maxLoaded ?? DEFAULT_MAX_LOADED, id => this.batch?.updates.has(id) === true, id => { if (this.localRun?.id === id) this.sealLocal() })
    this.compactAfter = init.compactAfter ?? DEFAULT_COMPACT_AFTER
    this.maxUpdateBytes = init.maxUpdateBytes ?? DEFAULT_MAX_UPDATE_BYTES
    this.describe = init.describe ?? defaultDescribe
    this.partsOf = init.changedParts
    this.self = init.signer?.org
    this.now = init.now ?? Date.now
    this.storeId = this.openStoreId()
    this.quarantine = createQuarantine(this.storage, this.now, this.log)
    this.seq = decodeUint(this.storage.get(SEQ_KEY))
    this.commits = groupCommit({
      seq: this.seq,
      sync: this.storage.sync == null ? undefined : async () => { await this.storage.sync?.() },
      maxWaitingBytes: init.maxWaitingBytes ?? DEFAULT_MAX_WAITING_BYTES,
      burstGapMs: init.burstGapMs ?? DEFAULT_BURST_GAP_MS,
      burstHoldMs: init.burstHoldMs ?? DEFAULT_BURST_HOLD_MS,
      writeWaiting: () => { this.flushLogged() },
      syncFailed: (seq, err) => {
        this.failed++
        this.log?.error('changes up to %d may not be on disk: %e', seq, err)
      }
    })
    // a listing goes on past what a damaged page hides (indexed-records.ts): an entry that does not
    // decode quarantines its document; rows hidden whole under a page are only logged (no id to name)
    const unreadable = (id: DocId | undefined, err: unknown): void => {
      if (id == null) this.log?.error('part of the document index cannot be read, the documents on it are not listed: %e', err)
      else if (!this.quarantine.has(id)) this.quarantine.add(id, err)
    }
    this.infos = indexedRecords(this.storage, INFO_PREFIX, decodeInfo, init.maxIndexed ?? DEFAULT_MAX_INDEXED, unreadable)
    this.acls = indexedRecords(this.storage, ACL_PREFIX, decodeAcl, init.maxIndexed ?? DEFAULT_MAX_INDEXED, unreadable)
    // stores written before the g/ index build it once
    const indexOps = missingPartyIndex(this.storage)
    if (indexOps.length > 0) this.write(indexOps)
    // the owner signs a migration checkpoint of the documents it held before envelopes (once)
    this.signedSide.migrateOwned()
    this.recoverJournal()
  }

  get changeSeq (): number { return this.commits.durableSeq }

  get failures (): number { return this.failed }

  /**
   * Write every change made since the last flush in one atomic batch, then announce them.
   * On failure memory is put back as it is on disk and the error is thrown. Checkpoints staged
   * with no change to ride along stay staged (see setCheckpoint).
   */
  flush (): void {
    this.writeBatch(false)
  }

  protected writeBatch (checkpointsToo: boolean): void {
    this.announcer.announce()
    const batch = this.batch
    if (batch == null || (!checkpointsToo && batch.before.size === 0)) return
    this.batch = null
    clearTimeout(this.checkpointTimer)
    this.checkpointTimer = undefined
    for (const id of batch.updates.keys()) {
      const info = this.infos.get(id)
      if (info != null) this.describeStaged(batch, info)
    }
    let written
    try {
      written = batchOps(batch, id => ({ info: this.infos.get(id) as InfoRecord, acl: this.acls.get(id) }), this.seq)
      this.write(written.ops)
    } catch (err) {
      this.undo(batch)
      this.commits.writeFailed(err as Error)
      throw err
    }
    this.commits.written(this.seq)
    // every item journaled so far is in this batch or an earlier one (see SignedSide.keep)
    this.storage.journal?.settle()
    this.infos.committed(written.infos)
    this.acls.committed([...batch.acls.keys()].map(id => [id, this.acls.get(id) as AccessList]))
    for (const id of batch.updates.keys()) {
      const info = this.infos.get(id)
      const doc = this.cache.get(id)
      if (info == null || doc == null || info.logNext - info.logFirst <= this.compactAfter) continue
      try {
        this.compact(info, doc)
      } catch (err) {
        this.log?.error('compacting %s failed, log kept as it was: %e', info.id, err)
      }
    }
  }

  async whenDurable (options?: { signal?: AbortSignal }): Promise<void> {
    if (this.commits.syncing && this.batch != null && this.batch.before.size > 0) {
      // group commit: what is staged is written when the running disk sync lands
      await this.commits.whenDurable(this.seq, options?.signal)
      return
    }
    this.flush()
    await this.storage.sync?.(options)
  }


  /**
   * Read a held document's signed records: one that cannot be read (a damaged page holds them)
   * quarantines the document like a damaged log row does.
   */
  protected guarded<T> (id: DocId, read: () => T): T {
    this.requireInfo(id)
    return this.ownRecords(id, read)
  }

  /**
   * Run a read of document `id`'s own records (its index entry, access list, signed records): a
   * record SQLite or its decoder cannot read quarantines the document as a damaged log row does, and
   * the read is refused with the quarantine's error (the same one every later read gets).
   */
  protected ownRecords<T> (id: DocId, read: () => T): T {
    try {
      return read()
    } catch (err) {
      if (!isCommonplaceError(err) || err.code !== 'ERR_STORAGE_CORRUPT') throw err
      throw this.quarantine.has(id) ? this.quarantine.refusal(id) : this.quarantine.add(id, err)
    }
  }

  /**
   * The write contract: a change is visible to every read at once, so the index entry of a document
   * changed in the batch not yet written shows its title, kind and state vector as they are now
   * (the staged copy is updated, as writeBatch does; no caller has to flush first).
   */
  protected current (info: InfoRecord | undefined): InfoRecord | undefined {
    const batch = this.batch
    if (info != null && batch?.updates.has(info.id) === true) this.describeStaged(batch, info)
    return info
  }

  /** The staged entry as its loaded document is now, once per change (every listener of a change asks). */
  private describeStaged (batch: WriteBatch, info: InfoRecord): void {
    const doc = this.cache.get(info.id)
    if (doc == null || batch.described.has(info.id)) return
    Object.assign(info, this.describe(doc), { stateVector: Y.encodeStateVector(doc) })
    batch.described.add(info.id)
  }

  protected requireInfo (id: DocId): InfoRecord {
    const info = this.ownRecords(id, () => this.infos.get(id))
    if (info == null) throw new NotFoundError(`No document ${id} here`)
    return info
  }

  protected load (id: DocId): Y.Doc {
    const cached = this.cache.get(id)
    if (cached != null) return cached
    if (this.quarantine.has(id)) throw this.quarantine.refusal(id)
    // the document id as guid spares Yjs a random uuid per load
    const doc = new Y.Doc({ guid: id })
    try {
      const info = this.infos.get(id)
      const rows = info == null || info.logNext === info.logFirst ? [] : this.storage.range(logRowsFrom(id, info.logFirst))
      doc.transact(() => {
        for (const [, value] of rows) for (const update of decodeLogRow(id, value)) Y.applyUpdate(doc, update, STORAGE_ORIGIN)
        // a prepared update staged while the document was not loaded (appendPrepared)
        for (const update of this.batch?.updates.get(id) ?? []) Y.applyUpdate(doc, update, STORAGE_ORIGIN)
      }, STORAGE_ORIGIN)
    } catch (err) {
      doc.destroy()
      if (isCommonplaceError(err) && err.code !== 'ERR_STORAGE_CORRUPT') throw err
      throw this.quarantine.add(id, err)
    }
    // a fresh derived client per load: the same one never writes from two sessions
    doc.clientID = this.signedSide.newClient(id) ?? doc.clientID
    this.cache.set(id, doc)
    return doc
  }

  /** The document, or undefined when it is (or is found now to be) quarantined. */
  protected loadHealthy (id: DocId): Y.Doc | undefined {
    try { return this.load(id) } catch (err) { if (this.quarantine.has(id)) return undefined; throw err }
  }

  /**
   * A restored document (restore.ts), with whatever of our own stored rows still reads, takes the
   * place of the quarantined one; the unreadable rows stay on disk, unread.
   */
  protected restored (info: InfoRecord, doc: Y.Doc, origin: UpdateOrigin): void {
    addReadableRows(doc, info.id, () => this.storage.range(logRowsFrom(info.id, info.logFirst)))
    this.quarantine.release(info.id)
    this.digests.delete(info.id)
    doc.clientID = this.signedSide.newClient(info.id) ?? doc.clientID
    this.cache.set(info.id, doc)
    this.commit(info, { update: Y.encodeStateAsUpdate(doc), origin })
    ;(this.infos.get(info.id) as InfoRecord).logFirst = info.logNext
  }

  /**
   * Stage one change (log row, index entry, access list, change-sequence entry) in the current
   * batch and update memory; it is announced a microtask later and written at the end of this
   * tick, or, while a disk sync runs, when that sync lands (group commit).
   */
  protected commit (prev: InfoRecord, change: { doc?: Y.Doc, update?: Uint8Array | null, effective?: Uint8Array | null, acl?: AccessList, origin: UpdateOrigin, signed?: Uint8Array, parts?: { changed: ChangedParts, by: ChangeAuthor }, inRun?: boolean, firstContent?: boolean }): void {
    const { update, acl, origin } = change
    // anything else staged comes after the open run's update
    if (change.inRun !== true) this.sealLocal()
    const batch = this.batch ??= createWriteBatch()
    // the first change of a document in a batch copies its index entry; later ones update the copy
    let next = this.infos.get(prev.id)
    if (next == null || !batch.before.has(prev.id)) {
      rememberBefore(batch, prev.id, next?.changeSeq ?? 0)
      next = { ...prev }
      this.infos.stage(prev.id, next)
    }
    next.changeSeq = ++this.seq
    next.updatedAt = this.now()
    batch.described.delete(prev.id)
    if (change.parts != null) stagePartChanges(batch, prev.id, change.parts.changed, change.parts.by, next.updatedAt, this.self)
    if (update != null) stageUpdate(batch, prev.id, update)
    // an edit of the open run: its document stays loaded (pinned) until the run's update is staged
    else if (change.inRun === true && !batch.updates.has(prev.id)) batch.updates.set(prev.id, [])
    if (acl != null) {
      // the list as on disk, before the batch first changes it (for the g/ index)
      if (!batch.acls.has(prev.id)) batch.acls.set(prev.id, this.acls.get(prev.id))
      this.acls.stage(prev.id, acl)
      next.accessSeq = next.changeSeq
    }
    const effective = change.effective === undefined ? update : change.effective
    this.announcer.push(prev.id, effective ?? undefined, acl != null, origin, next.changeSeq, change.signed, change.firstContent)
    this.scheduleFlush()
  }

  /**
   * Encode the open run of local edits (if any) into one update, staged and given to its pending
   * announcement. The run's document is the loaded one (unloading it seals first) and nothing
   * else was applied to it since the run began (applying seals first), so every struct past
   * `since` is the run's.
   */
  protected sealLocal (): void {
    const run = this.localRun
    if (run == null) return
    this.localRun = null
    const update = encodeBurstUpdate(run.doc, run.since, Y.mergeDeleteSets(run.deleted))
    stageUpdate(this.batch ??= createWriteBatch(), run.id, update)
    this.announcer.resolve(run.id, update)
  }

  /**
   * Apply an update that passed its checks and stage it (with the signed item it came in, which is
   * announced with it). Returns whether the document changed; an update that changes nothing and
   * leaves nothing pending is not staged unless it came signed (its envelope is still kept).
   * Nothing is written over a quarantined document (the rows kept for inspection stay as they are):
   * signed items restore it (applySigned).
   * @throws CorruptUpdateError when Yjs cannot apply it (nothing applied)
   * @throws StorageCorruptError for a quarantined document (nothing applied or stored)
   */
  protected integrate (info: InfoRecord, update: Uint8Array, origin: UpdateOrigin, signed?: Uint8Array, signedBy?: ChangeAuthor): boolean {
    // the open run's update holds every struct past its start: encoded before another's are applied
    this.sealLocal()
    const doc = this.load(info.id)
    this.noteStateBefore(info.id, doc)
    const pendingBefore = pendingOf(doc)
    // a first copy (applied to an empty document) names no part: who changed what there is not known
    const watch = this.watchParts(origin, signedBy)
    let effective: Uint8Array | null
    const firstContent = isEmpty(doc)
    try {
      effective = firstContent ? applyToEmpty(doc, update, origin) : captureUpdate(doc, origin, () => { Y.applyUpdate(doc, update, origin) }, watch?.see)
    } catch (err) {
      this.cache.evict(info.id)
      throw new CorruptUpdateError(`Update for ${info.id} could not be applied`, { cause: err })
    }
    const pendingAfter = pendingOf(doc)
    const changedNothing = effective == null && pendingAfter[0] === pendingBefore[0] && pendingAfter[1] === pendingBefore[1]
    if (signed == null && changedNothing) return false
    // a signed item that changed nothing (a checkpoint of what is held) is kept as signed, not logged again
    this.commit(info, { doc, update: changedNothing ? null : update, effective, origin, signed, parts: watch?.parts(), firstContent: firstContent && effective != null })
    return effective != null
  }

  /**
   * What a change's part records need: who made it (this organisation and the person for a local
   * change; the envelope's signer and author for a peer's), and a watcher of its transaction.
   * None for an unsigned peer update or without the `changedParts` option.
   */
  protected watchParts (origin: UpdateOrigin, signedBy?: ChangeAuthor): { see: (tr: Y.Transaction) => void, parts: () => { changed: ChangedParts, by: ChangeAuthor } | undefined } | undefined {
    const partsOf = this.partsOf
    const by = this.changeAuthor(origin, signedBy)
    if (partsOf == null || by == null) return undefined
    let changed: ChangedParts | undefined
    return { see: tr => { changed = partsOf(tr) }, parts: () => changed == null ? undefined : { changed, by } }
  }

  /** Who a change's part records name (see watchParts); undefined: none are kept. */
  protected changeAuthor (origin: UpdateOrigin, signedBy?: ChangeAuthor): ChangeAuthor | undefined {
    if (this.partsOf == null) return undefined
    if (signedBy != null) return signedBy
    return origin.kind === 'local' && this.self != null ? { org: this.self, ...(origin.author != null ? { person: origin.author } : {}) } : undefined
  }

  /**
   * A burst's updates, still staged one after another in the batch, are logged as the one update
   * the burst was announced (and signed) as: the same change, a thousand keystrokes' updates
   * weigh about fifteen times as much. Where they are not all staged in this batch, in order, they
   * stay as they are.
   */
  private logBurst (id: DocId, updates: Uint8Array[], burst: Uint8Array): void {
    const batch = this.batch
    const logged = batch?.updates.get(id)
    if (batch == null || logged == null) return
    const at = logged.indexOf(updates[0])
    if (at < 0 || at + updates.length > logged.length) return
    let bytes = 0
    for (let i = 0; i < updates.length; i++) {
      if (logged[at + i] !== updates[i]) return
      bytes += updates[i].byteLength
    }
    logged.splice(at, updates.length, burst)
    batch.bytes += burst.byteLength - bytes
  }

  /** Before a document's first change in a burst: its state vector, to announce the burst as one diff. */
  protected noteStateBefore (id: DocId, doc: Y.Doc): void {
    this.announcer.note(id, doc)
  }

  protected scheduleFlush (): void {
    if (this.flushScheduled) return
    this.flushScheduled = true
    setImmediate(() => {
      this.flushScheduled = false
      if (!this.commits.defer(this.batch?.bytes ?? 0)) this.flushLogged()
    })
  }

  protected flushLogged (checkpointsToo = false): void {
    try {
      this.writeBatch(checkpointsToo)
    } catch (err) {
      this.log?.error('writing changes failed; memory is back to what is on disk: %e', err)
    }
  }

  /** Put memory back to what is on disk. Sequence numbers are not reused. */
  protected undo (batch: WriteBatch): void {
    this.failed++
    for (const id of batch.before.keys()) {
      this.infos.discard(id)
      this.acls.discard(id)
      this.signedSide.evict(id)
      this.digests.delete(id)
      this.cache.evict(id)
    }
    // announced envelopes are staged again (see replay), written with the next change, not retried every turn
    this.flushScheduled = true
    try { this.signedSide.replay(batch.signed) } finally { this.flushScheduled = false }
  }

  /**
   * Replace a document's log rows by one snapshot row of `doc`, with `extra` in the same write.
   * Throws when the write fails, leaving the log as it was.
   */
  protected compact (info: InfoRecord, doc: Y.Doc, extra: WriteOp[] = []): InfoRecord {
    const { ops, next } = snapshotOps(info, Y.encodeStateAsUpdate(doc))
    this.write([...ops, ...extra])
    this.infos.committed([[info.id, next]])
    return next
  }

  /** A rebuilt document (signed-store.ts, refuseBeyond) takes the place of the loaded one, on disk and in memory. */
  protected replace (id: DocId, doc: Y.Doc, ops: WriteOp[]): void {
    this.flush()
    const next = this.compact(this.requireInfo(id), doc, ops)
    this.cache.evict(id)
    this.digests.delete(id)
    doc.clientID = this.signedSide.newClient(id) ?? doc.clientID
    this.cache.set(id, doc)
    this.commit(next, { origin: STORAGE_ORIGIN })
  }

  /** The signed items a killed run journaled and did not write, written now; then the journal is empty. */
  private recoverJournal (): void {
    const journal = this.storage.journal
    if (journal == null || journal.recovered.length === 0) return
    this.signedSide.recoverJournal()
    this.flush()
    journal.settle()
  }

  protected write (ops: WriteOp[]): void {
    try {
      this.storage.write(ops)
    } catch (err) {
      if (isCommonplaceError(err)) throw err
      throw new StorageWriteError('Write failed', { cause: err })
    }
  }

  protected openStoreId (): string {
    const stored = this.storage.get(STORE_ID_KEY)
    const id = stored != null ? u8ToString(stored) : randomBytes(16).toString('hex')
    if (stored == null) this.write([{ type: 'put', key: STORE_ID_KEY, value: u8FromString(id) }])
    return id
  }
}
