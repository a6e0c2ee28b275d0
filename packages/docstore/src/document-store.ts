import { createHash, randomBytes } from 'node:crypto'
import * as Y from 'yjs'
import { fromString as u8FromString, toString as u8ToString } from 'uint8arrays'
import {
  CorruptUpdateError, InvalidInputError, InvalidStatementError, MalformedMessageError, NotFoundError,
  OversizedMessageError, StorageCorruptError, StorageWriteError, isCommonplaceError, mergeGrants
} from '@commonplace/core'
import type {
  AccessList, DocHeader, DocId, DocumentChange, DocumentChangeListener, DocumentInfo, DocumentStore,
  KeyValueStore, OrgId, UpdateOrigin, VerifiedGrant, WriteOp
} from '@commonplace/core'
import type { ComponentLogger, Logger } from '@libp2p/interface'
import { decodeAcl, decodeInfo, decodeUint, encodeAcl, encodeInfo, encodeUint } from './codec.ts'
import type { InfoRecord } from './codec.ts'
import { docCache } from './doc-cache.ts'
import type { DocCache } from './doc-cache.ts'
import { DEFAULT_COMPACT_AFTER, DEFAULT_MAX_LOADED, DEFAULT_MAX_UPDATE_BYTES } from './constants.ts'
import {
  ACL_RANGE, CHANGE_RANGE_END, INFO_RANGE, SEQ_KEY, STORE_ID_KEY, aclKey, changeKey, checkpointKey, infoKey, logKey, logRange
} from './keys.ts'

export interface DocumentStoreInit {
  /** Loaded Y.Docs kept in memory (protects memory). Default 256. */
  maxLoaded?: number
  /** Log rows per document before compaction (protects disk and load time). Default 200. */
  compactAfter?: number
  /** Largest update accepted in bytes (protects memory). Default 8 MiB. */
  maxUpdateBytes?: number
  /** Title and kind of a document for the index; default reads the `meta` map. */
  describe?: (doc: Y.Doc) => { title: string, kind: string }
  now?: () => number
}

export interface DocumentStoreComponents {
  storage: KeyValueStore
  logger?: ComponentLogger
}

const STORAGE_ORIGIN: UpdateOrigin = Object.freeze({ kind: 'storage' })
const LOCAL_ORIGIN: UpdateOrigin = Object.freeze({ kind: 'local' })
const EMPTY_SV = Y.encodeStateVector(new Y.Doc())

function defaultDescribe (doc: Y.Doc): { title: string, kind: string } {
  const meta = doc.getMap('meta')
  const title = meta.get('title')
  const kind = meta.get('kind')
  return { title: typeof title === 'string' ? title : '', kind: typeof kind === 'string' ? kind : '' }
}

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

class Store implements DocumentStore {
  readonly storeId: string
  private seq: number
  private readonly storage: KeyValueStore
  private readonly log?: Logger
  private readonly infos = new Map<DocId, InfoRecord>()
  private readonly acls = new Map<DocId, AccessList>()
  private readonly digests = new Map<DocId, { seq: number, digest: Uint8Array }>()
  private readonly cache: DocCache
  private readonly listeners = new Set<DocumentChangeListener>()
  private readonly compactAfter: number
  private readonly maxUpdateBytes: number
  private readonly describe: (doc: Y.Doc) => { title: string, kind: string }
  private readonly now: () => number

  constructor (components: DocumentStoreComponents, init: DocumentStoreInit) {
    this.storage = components.storage
    this.log = components.logger?.forComponent('commonplace:docstore')
    this.cache = docCache(init.maxLoaded ?? DEFAULT_MAX_LOADED)
    this.compactAfter = init.compactAfter ?? DEFAULT_COMPACT_AFTER
    this.maxUpdateBytes = init.maxUpdateBytes ?? DEFAULT_MAX_UPDATE_BYTES
    this.describe = init.describe ?? defaultDescribe
    this.now = init.now ?? Date.now
    this.storeId = this.openStoreId()
    this.seq = decodeUint(this.storage.get(SEQ_KEY))
    for (const [key, value] of this.storage.range(INFO_RANGE)) {
      const id = key.slice(2) as DocId
      this.infos.set(id, decodeInfo(id, value))
    }
    for (const [key, value] of this.storage.range(ACL_RANGE)) {
      const id = key.slice(2) as DocId
      this.acls.set(id, decodeAcl(id, value))
    }
  }

  get changeSeq (): number { return this.seq }

  has (id: DocId): boolean { return this.infos.has(id) }

  info (id: DocId): DocumentInfo | undefined { return this.infos.get(id) }

  list (): DocumentInfo[] { return [...this.infos.values()] }

  access (id: DocId): AccessList | undefined { return this.acls.get(id) }

  create (header: DocHeader, init?: (doc: Y.Doc) => void): DocumentInfo {
    if (this.infos.has(header.id)) throw new InvalidInputError(`Document ${header.id} exists already`)
    const doc = new Y.Doc()
    const update = captureUpdate(doc, LOCAL_ORIGIN, () => init?.(doc))
    const acl: AccessList = { header, grants: [] }
    const info = emptyInfo(header)
    try {
      this.commit(info, { doc, update, acl, origin: LOCAL_ORIGIN })
    } catch (err) {
      doc.destroy()
      throw err
    }
    this.cache.set(header.id, doc)
    return this.infos.get(header.id) as DocumentInfo
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
    const doc = this.load(id)
    const pendingBefore = pendingOf(doc)
    let effective: Uint8Array | null
    try {
      effective = captureUpdate(doc, origin, () => { Y.applyUpdate(doc, update, origin) })
    } catch (err) {
      this.cache.evict(id)
      throw new CorruptUpdateError(`Update for ${id} could not be applied`, { cause: err })
    }
    const pendingAfter = pendingOf(doc)
    if (effective == null && pendingAfter[0] === pendingBefore[0] && pendingAfter[1] === pendingBefore[1]) return false
    this.commit(info, { doc, update, effective, origin })
    return effective != null
  }

  edit (id: DocId, fn: (doc: Y.Doc) => void): Uint8Array | null {
    const info = this.requireInfo(id)
    const doc = this.load(id)
    let update: Uint8Array | null
    try {
      update = captureUpdate(doc, LOCAL_ORIGIN, () => { fn(doc) })
    } catch (err) {
      this.cache.evict(id)
      throw err
    }
    if (update == null) return null
    this.commit(info, { doc, update, origin: LOCAL_ORIGIN })
    return update
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
    return Y.encodeStateAsUpdate(this.load(id), stateVector)
  }

  digest (id: DocId): Uint8Array {
    const info = this.requireInfo(id)
    const cached = this.digests.get(id)
    if (cached?.seq === info.changeSeq) return cached.digest
    const snapshot = Y.encodeSnapshot(Y.snapshot(this.load(id)))
    const digest = new Uint8Array(createHash('sha256').update(snapshot).digest())
    this.digests.set(id, { seq: info.changeSeq, digest })
    return digest
  }

  changesSince (since: number, limit?: number): Array<{ id: DocId, changeSeq: number }> {
    return this.storage.range({ gt: changeKey(since), lt: CHANGE_RANGE_END, limit })
      .map(([key, value]) => ({ id: u8ToString(value) as DocId, changeSeq: Number(key.slice(2)) }))
  }

  checkpoint (peer: OrgId, peerStoreId: string): number {
    return decodeUint(this.storage.get(checkpointKey(peer, peerStoreId)))
  }

  setCheckpoint (peer: OrgId, peerStoreId: string, seq: number): void {
    if (seq <= this.checkpoint(peer, peerStoreId)) return
    this.write([{ type: 'put', key: checkpointKey(peer, peerStoreId), value: encodeUint(seq) }])
  }

  onChange (listener: DocumentChangeListener): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  close (): void {
    this.cache.clear()
    this.listeners.clear()
  }

  /** Loaded documents right now (for tests and footprint figures). */
  get loadedCount (): number { return this.cache.size }

  private requireInfo (id: DocId): InfoRecord {
    const info = this.infos.get(id)
    if (info == null) throw new NotFoundError(`No document ${id} here`)
    return info
  }

  private load (id: DocId): Y.Doc {
    const cached = this.cache.get(id)
    if (cached != null) return cached
    const doc = new Y.Doc()
    try {
      const rows = this.storage.range(logRange(id))
      doc.transact(() => {
        for (const [, value] of rows) Y.applyUpdate(doc, value, STORAGE_ORIGIN)
      }, STORAGE_ORIGIN)
    } catch (err) {
      doc.destroy()
      if (isCommonplaceError(err)) throw err
      throw new StorageCorruptError(`Stored updates of ${id} are corrupt`, { cause: err })
    }
    this.cache.set(id, doc)
    return doc
  }

  /**
   * Write one change (log row, index entry, access list, change-sequence entry) in one atomic
   * batch; only then update memory and tell listeners. On failure memory is as before.
   */
  private commit (prev: InfoRecord, change: { doc?: Y.Doc, update?: Uint8Array | null, effective?: Uint8Array | null, acl?: AccessList, origin: UpdateOrigin }): void {
    const { doc, update, acl, origin } = change
    const seq = this.seq + 1
    const next: InfoRecord = { ...prev, changeSeq: seq, updatedAt: this.now() }
    const ops: WriteOp[] = []
    if (doc != null && update != null) {
      Object.assign(next, this.describe(doc))
      next.stateVector = Y.encodeStateVector(doc)
      next.storedBytes = prev.storedBytes + update.byteLength
      next.logNext = prev.logNext + 1
      ops.push({ type: 'put', key: logKey(prev.id, prev.logNext), value: update })
    }
    if (acl != null) ops.push({ type: 'put', key: aclKey(prev.id), value: encodeAcl(acl) })
    if (prev.changeSeq > 0) ops.push({ type: 'del', key: changeKey(prev.changeSeq) })
    ops.push(
      { type: 'put', key: changeKey(seq), value: u8FromString(prev.id) },
      { type: 'put', key: infoKey(prev.id), value: encodeInfo(next) },
      { type: 'put', key: SEQ_KEY, value: encodeUint(seq) }
    )
    try {
      this.write(ops)
    } catch (err) {
      if (doc != null && this.cache.get(prev.id) === doc) this.cache.evict(prev.id)
      throw err
    }
    this.seq = seq
    this.infos.set(prev.id, next)
    if (acl != null) this.acls.set(prev.id, acl)
    if (doc != null && next.logNext - next.logFirst > this.compactAfter) this.compact(next, doc)
    const effective = change.effective === undefined ? update : change.effective
    this.emit({ id: prev.id, update: effective ?? undefined, accessChanged: acl != null, origin, changeSeq: seq })
  }

  /** Replace a document's log rows by one snapshot row. A failure leaves the log as it was. */
  private compact (info: InfoRecord, doc: Y.Doc): void {
    const snapshot = Y.encodeStateAsUpdate(doc)
    const next: InfoRecord = { ...info, logFirst: info.logNext, logNext: info.logNext + 1, storedBytes: snapshot.byteLength }
    const ops: WriteOp[] = []
    for (let n = info.logFirst; n < info.logNext; n++) ops.push({ type: 'del', key: logKey(info.id, n) })
    ops.push({ type: 'put', key: logKey(info.id, info.logNext), value: snapshot })
    ops.push({ type: 'put', key: infoKey(info.id), value: encodeInfo(next) })
    try {
      this.write(ops)
      this.infos.set(info.id, next)
    } catch (err) {
      this.log?.error('compacting %s failed, log kept as it was: %e', info.id, err)
    }
  }

  private write (ops: WriteOp[]): void {
    try {
      this.storage.write(ops)
    } catch (err) {
      if (isCommonplaceError(err)) throw err
      throw new StorageWriteError('Write failed', { cause: err })
    }
  }

  private emit (change: DocumentChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change)
      } catch (err) {
        this.log?.error('change listener failed: %e', err)
      }
    }
  }

  private openStoreId (): string {
    const stored = this.storage.get(STORE_ID_KEY)
    if (stored != null) return u8ToString(stored)
    const id = randomBytes(16).toString('hex')
    this.write([{ type: 'put', key: STORE_ID_KEY, value: u8FromString(id) }])
    return id
  }
}

function emptyInfo (header: DocHeader): InfoRecord {
  return {
    id: header.id, owner: header.owner, title: '', kind: '', updatedAt: 0, changeSeq: 0,
    stateVector: EMPTY_SV, storedBytes: 0, logFirst: 0, logNext: 0
  }
}

/** Run `fn` in a transaction with `origin`; the update it produced, or null when nothing changed. */
function captureUpdate (doc: Y.Doc, origin: UpdateOrigin, fn: () => void): Uint8Array | null {
  const updates: Uint8Array[] = []
  const onUpdate = (u: Uint8Array, o: unknown): void => { if (o === origin) updates.push(u) }
  doc.on('update', onUpdate)
  try {
    doc.transact(fn, origin)
  } finally {
    doc.off('update', onUpdate)
  }
  if (updates.length === 0) return null
  return updates.length === 1 ? updates[0] : Y.mergeUpdates(updates)
}

function pendingOf (doc: Y.Doc): [unknown, unknown] {
  return [doc.store.pendingStructs, doc.store.pendingDs]
}
