import type * as Y from 'yjs'
import type { AccessList, DocHeader, VerifiedGrant } from './access.ts'
import type { DocId, OrgId } from './ids.ts'
import type { WriteOp } from './storage.ts'

/**
 * Where a change came from: never send an update back to its peer, never re-store a load.
 * `author`: the person inside the organisation who made a local change, when known ('' or absent:
 * the organisation); it goes into the envelope the change is signed in.
 */
export type UpdateOrigin =
  | { kind: 'local', author?: string }
  | { kind: 'peer', peer: OrgId }
  | { kind: 'storage' }

/** Per signer organisation, the highest envelope seq held with no gap before it (docs/authorship.md). */
export type EnvelopeVector = Record<OrgId, number>

/** What a holder has of a document's signed items: its envelope vector and the latest checkpoint it holds. */
export interface SignedHoldings {
  vector: EnvelopeVector
  /** The 32-byte hash of the latest checkpoint held, if any. */
  checkpoint?: Uint8Array
}

/**
 * What applying one signed item did. 'applied': verified, applied and stored (and announced);
 * 'duplicate': held already, nothing changed; 'held': valid so far but it waits for a missing
 * earlier envelope of its signer (ask for it with the envelope vector).
 */
export type SignedOutcome = 'applied' | 'duplicate' | 'held'

/** Who wrote the item (client, clock) of a document, where the store knows: its organisation, and person if known. */
export interface Attribution {
  of(client: number, clock: number): { org: OrgId, person?: string } | undefined
}

/** Who wrote a part of a document: the organisation, the person inside it where known, and how many characters. */
/**
 * The last change to one part of a document (a section): the organisation that signed it, the
 * person inside it where the change named one, and when this node applied it (ms since the epoch;
 * for a peer's change, this node's clock at apply: envelopes carry no time one could trust).
 */
export interface PartChange {
  org: OrgId
  person?: string
  at: number
}

export interface AuthorShare {
  org: OrgId
  person?: string
  chars: number
}

/** What the index keeps of a document without loading it. */
export interface DocumentInfo {
  id: DocId
  owner: OrgId
  title: string
  kind: string
  /** Milliseconds since the epoch of the last change here. */
  updatedAt: number
  /** The local change sequence number of the last change (content or access). */
  changeSeq: number
  /** The local change sequence number of the last change of the access list. */
  accessSeq: number
  /** Encoded Yjs state vector. */
  stateVector: Uint8Array
  /** Bytes of update log kept for this document. */
  storedBytes: number
}

export interface DocumentChange {
  id: DocId
  /** The Yjs update when content changed. */
  update?: Uint8Array
  /** True when the access list changed. */
  accessChanged: boolean
  origin: UpdateOrigin
  changeSeq: number
  /**
   * The signed items (envelopes, checkpoints) this change added, exactly as signed: relay these
   * bytes, never `update`, to peers that speak the signed protocol. A local burst is signed once.
   */
  signed?: Uint8Array[]
  /** True when the document held no content here before this change (its first copy arrived). */
  firstContent?: true
}

export type DocumentChangeListener = (change: DocumentChange) => void

/**
 * Documents held by this node: Yjs update logs on the storage port, an index that answers
 * without loading documents, a local change sequence and per-peer checkpoints on it.
 *
 * Mutations apply in memory at once, are announced a microtask later (`onChange`), and are
 * written together (group commit): everything staged in one tick goes to disk in one atomic
 * batch, at the end of the tick or at an explicit `flush()`, and the disk syncs it after that,
 * off the event loop. While a disk sync runs, what is staged waits for it and is written as one
 * batch when it lands. A failed write puts memory back to what is on disk. Acknowledge nothing
 * (an API call, a peer's MARK) before `whenDurable()` resolved.
 */
/** A document whose stored updates cannot be read: refused on read until a peer's copy restores it. */
export interface QuarantinedDocument {
  id: DocId
  /** When it was found (ISO 8601). */
  since: string
  /** What was wrong, as the storage or decoder said it. */
  reason: string
}

export interface DocumentStore {
  /** A random id for this store's lifetime; a peer's checkpoints are kept per store id. */
  readonly storeId: string
  /** The latest change sequence number on disk (changes up to it have been announced). */
  readonly changeSeq: number
  /** How many batches failed to be written (or synced to disk) since the store opened. */
  readonly failures: number
  /** How many documents are loaded in memory now (documents held are not documents open). */
  readonly loadedCount: number
  /**
   * Write what is staged now (one atomic batch) and announce it.
   * @throws StorageFullError, StorageWriteError: nothing was written and memory is as on disk
   */
  flush(): void
  /**
   * Resolve once everything staged or written so far is on disk. What is staged is written now,
   * or, while a disk sync runs, when that sync lands.
   * @throws StorageFullError, StorageWriteError (the write or the disk sync failed), AbortError
   */
  whenDurable(options?: { signal?: AbortSignal }): Promise<void>
  has(id: DocId): boolean
  info(id: DocId): DocumentInfo | undefined
  list(): DocumentInfo[]
  access(id: DocId): AccessList | undefined
  /**
   * The documents whose access list names `party`: as owner, or as an organisation or learning
   * network granted read or edit (at most `limit`). Read from an index on disk, not by reading
   * every access list.
   */
  documentsNaming(party: string, limit?: number): DocId[]
  /**
   * Create a new document (its header already derived), run `init` as its first local edit, made
   * by `author` (as for `edit`).
   */
  create(header: DocHeader, init?: (doc: Y.Doc) => void, author?: string): DocumentInfo
  /** Record a header and merge verified grants. Returns true if the access list changed. */
  mergeAccess(header: DocHeader, grants: VerifiedGrant[], origin: UpdateOrigin): boolean
  /**
   * Validate, persist and apply a Yjs update. Returns true if the document changed.
   * @throws CorruptUpdateError (nothing applied), NotFoundError, Storage*Error
   */
  applyUpdate(id: DocId, update: Uint8Array, origin: UpdateOrigin): boolean
  /**
   * A local edit; returns whether it changed the document. Its update is encoded with the edits
   * made right before it by the same author, once, when announced (onChange) or written. `author`:
   * the person inside the organisation who made it, when known (it is signed into the change's
   * envelope).
   */
  edit(id: DocId, fn: (doc: Y.Doc) => void, author?: string): boolean
  /**
   * Documents quarantined: their stored updates cannot be read. Reading one throws
   * StorageCorruptError; a peer's whole copy (an update that needs nothing else) restores it.
   */
  quarantined(): QuarantinedDocument[]
  /** Called when a document is quarantined. */
  onQuarantine(listener: (doc: QuarantinedDocument) => void): () => void
  /** The document's updates as stored, and staged, without loading it (for work off the event loop). */
  storedUpdates(id: DocId): Uint8Array[]
  /**
   * A Yjs client id derived for this organisation and document (kept in memory only), for a change
   * built off the event loop and handed back to `appendPrepared` in this run: the store can then
   * sign it like every local edit. Needs no document yet (a create request is built before it exists).
   */
  preparedClient(id: DocId): number
  /**
   * Store a local change made off the event loop on the updates `storedUpdates` gave, without
   * loading the document: `change` is the state vector it reached (and the title and kind when it
   * set them). A document loaded with changes not yet written takes the update in memory instead.
   * Written with a client from `preparedClient`, it is signed like every local edit, with
   * `change.author` as for `edit`. `change.parts`: the parts (sections) it changed and removed,
   * for their last-change records (`lastChanges`).
   */
  appendPrepared(id: DocId, update: Uint8Array, change: { stateVector: Uint8Array, title?: string, kind?: string, author?: string, parts?: { changed: Iterable<string>, removed: Iterable<string> } }): void
  /** Read the loaded document; `fn` must not modify it. */
  read<T>(id: DocId, fn: (doc: Y.Doc) => T): T
  /** Everything the holder of `stateVector` lacks (the whole document without one). */
  diff(id: DocId, stateVector?: Uint8Array): Uint8Array
  /** sha256 over the Yjs snapshot (state vector and delete set): equal digests, equal content. */
  digest(id: DocId): Uint8Array
  /** Documents whose last change is after `since`, in change order. */
  changesSince(since: number, limit?: number): Array<{ id: DocId, changeSeq: number }>
  /** The highest local change seq that `peer` (with store `peerStoreId`) confirmed; 0 if none. */
  checkpoint(peer: OrgId, peerStoreId: string): number
  setCheckpoint(peer: OrgId, peerStoreId: string, seq: number): void
  /**
   * Rows of another part of the node, written in the same atomic batch as the changes being
   * staged now: from a change listener, those of the change announced (so that the rows are on disk
   * exactly when the change is, without a write of their own); with no change staged, on their own
   * a moment later (or at close), like a checkpoint. A later op for the same key replaces one not
   * written yet. Reads of the storage do not see them before they are written.
   */
  stageRows(ops: WriteOp[]): void
  /**
   * Called with the changes made, in change order, a microtask after they were made and before
   * they are on disk (relaying does not wait for the disk). A burst of changes to one document
   * from one origin comes as one change. Returns an unsubscribe function.
   */
  onChange(listener: DocumentChangeListener): () => void
  /** This store's envelope vector for a document, and the hash of the latest checkpoint it holds. */
  envelopeVector(id: DocId): SignedHoldings
  /**
   * The signed items a holder of `have` lacks, in an order a receiver can apply: the latest
   * checkpoint first when `have` is behind what was compacted away (or names no checkpoint this
   * store knows), then envelopes per signer in seq order. Read through an index by (doc, signer,
   * seq): the cost grows with what is returned, not with what is held. At most about `maxBytes`
   * (at least one item); `more` is true when cut short (ask again with the new vector).
   * @throws NotFoundError
   */
  signedSince(id: DocId, have: SignedHoldings, maxBytes?: number): { items: Uint8Array[], more: boolean }
  /**
   * Verify and apply one signed item (first varuint: 1 envelope, 2 checkpoint) of document `id`,
   * with the checks of docs/authorship.md ("Checks at the receiver") in order; "the signer may
   * edit" is the `mayEdit` option the store was opened with. Stored in the same batch as its
   * effect and announced with `signed: [bytes]` so that it is relayed.
   * @throws OversizedMessageError, EnvelopeInvalidError, EnvelopeSignatureError, ForbiddenError,
   * CorruptUpdateError, ForeignClientError, NotFoundError: nothing applied, stored or announced
   */
  applySigned(id: DocId, bytes: Uint8Array, origin: UpdateOrigin): SignedOutcome
  /**
   * A Yjs client id (with its nonce) derived for this organisation and document, for an editor
   * outside the store (a browser tab) to write with: updates it sends through `applyUpdate` with a
   * local origin are signed by the store like its own edits. The store remembers the nonce.
   */
  issueClient(id: DocId): { client: number, nonce: number }
  /**
   * Who wrote the items of a document, from its client bindings and author index (docs/authorship.md,
   * Attribution). The node sums it per section (`AuthorShare`) for the local API.
   * @throws NotFoundError
   */
  attribution(id: DocId): Attribution
  /**
   * Per part of a document (its sections, as the store's `changedParts` option names them), the
   * last signed change that touched it (docs/people.md, "Who last changed a section"). One prefix
   * read of the document's records; staged changes included.
   * @throws NotFoundError
   */
  lastChanges(id: DocId): Record<string, PartChange>
  /**
   * Who changed the document, newest first: per organisation the latest signed change applied
   * here, per person for this store's own organisation (docs/history.md, the activity feed). Kept
   * with the same changes as `lastChanges`; one prefix read, staged changes included.
   * @throws NotFoundError
   */
  changers(id: DocId): PartChange[]
  /** The seq of `org`'s last envelope of `id` held with no gap before it (0: none): a removal's frontier. */
  frontierOf(id: DocId, org: OrgId): number
  /**
   * Refuse `org`'s envelopes of `id` past `seq` from now on is the `mayEdit` option's job; this drops
   * those already applied and rebuilds the document without them (docs/authorship.md, Removal),
   * after writing what is staged; nothing when `mayEdit` does not answer 'removed' for them (the
   * owner, or a direct grant). Idempotent. Returns how many envelopes were dropped.
   * @throws NotFoundError, Storage*Error
   */
  refuseBeyond(id: DocId, org: OrgId, seq: number): number
  /** Called with the new `changeSeq` after each batch is on disk. Returns an unsubscribe function. */
  onDurable(listener: (seq: number) => void): () => void
  close(): void
}
