/**
 * The signed side of the document store (docs/authorship.md): per document the chain head of every
 * signer, the client bindings (first binding wins), envelopes held back by a gap, and the checks an
 * envelope passes before it is applied. Pure bookkeeping: the store applies the Yjs update and
 * stages the write operations returned here in the same batch.
 */
import {
  ClientBindings, ENVELOPE_SIGNING_PREFIX, EnvelopeInvalidError, EnvelopeSignatureError, ForbiddenError, ForeignClientError, NO_PREVIOUS,
  OversizedMessageError, decodeEnvelope, envelopeSigningBytes, structOwners
} from '@commonplace/core'
import type {
  CheckpointBinding, DecodedEnvelope, DocId, KeyValueStore, OrgId, RangeOptions, UpdateOwners, VerifiedBinding, WriteOp
} from '@commonplace/core'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { writeDeleteSet } from './burst-update.ts'
import { decodeBinding, decodeSignedRecord, emptySignedRecord, encodeAuthorRun, encodeBinding, encodeSignedRecord } from './signed-codec.ts'
import type { SignedRecord } from './signed-codec.ts'
import { authorRunKey, bindingKey, bindingRange, envelopeKey, evidenceKey, signedStateKey } from './keys.ts'
import { deriveClient, sha256, verifyBy } from './signing.ts'
import { takePreverified } from './preverify.ts'
import { MAX_HELD_BYTES, MAX_HELD_ENVELOPES, MAX_SIGNED_STATES } from './constants.ts'

const ENVELOPE_PREFIX = new TextEncoder().encode(ENVELOPE_SIGNING_PREFIX)

/** One document's signed state in memory. */
export interface DocState {
  id: DocId
  record: SignedRecord
  bindings: ClientBindings
  /** Clients whose binding is on disk (or staged). */
  saved: Set<number>
  /** Envelopes past a gap, per signer and seq, waiting for the missing ones. */
  held: Map<OrgId, Map<number, DecodedEnvelope>>
}

/** An envelope that passed every check: what applying it needs. */
export interface CheckedEnvelope {
  envelope: DecodedEnvelope
  hash: Uint8Array
  owners: UpdateOwners
  bindings: CheckpointBinding[]
  /** What Yjs applies: the update, or, for a removed signer past its frontier, its neutralised form. */
  apply: Uint8Array
}

export type EnvelopeVerdict = { kind: 'apply', checked: CheckedEnvelope } | { kind: 'duplicate' | 'held', ops?: WriteOp[] }

/**
 * Write operations keyed by storage key, so that a batch puts each key once; indexed by document
 * (a key's first two segments), so that reading one document's rows through a batch of hundreds of
 * documents looks at that document's staged keys only.
 */
export class StagedOps extends Map<string, WriteOp> {
  private readonly groups = new Map<string, Set<string>>()

  override set (key: string, op: WriteOp): this {
    super.set(key, op)
    const group = groupOf(key)
    let keys = this.groups.get(group)
    if (keys == null) this.groups.set(group, keys = new Set())
    keys.add(key)
    return this
  }

  override delete (key: string): boolean {
    this.groups.get(groupOf(key))?.delete(key)
    return super.delete(key)
  }

  override clear (): void {
    this.groups.clear()
    super.clear()
  }

  /** The staged keys `range` can hold: its document's, or every key when it spans documents. */
  keysIn (range: RangeOptions): Iterable<string> {
    const group = groupOfRange(range)
    return group === undefined ? this.keys() : this.groups.get(group) ?? []
  }
}

/** A key's first two segments (`b/<doc>` of `b/<doc>/<client>`), or the key when it has fewer. */
function groupOf (key: string): string {
  const end = key.indexOf('/', key.indexOf('/') + 1)
  return end < 0 ? key : key.slice(0, end)
}

/** The one group every key of `range` is in, if there is one: from `<group>/...` up to `<group>0` or `<group>/...`. */
function groupOfRange (range: RangeOptions): string | undefined {
  const lower = range.gte ?? range.gt
  const upper = range.lt ?? range.lte
  if (lower == null || upper == null) return undefined
  const group = groupOf(lower)
  if (group === lower) return undefined
  return upper === group + '0' || upper.startsWith(group + '/') ? group : undefined
}

/** Reads of the disk as it will be once the staged operations are written. */
export type Reader = Pick<KeyValueStore, 'get' | 'range'>

/** The storage seen through the operations staged in the current batch (reads see every change made). */
export function overlay (storage: KeyValueStore, ops: StagedOps | undefined): Reader {
  if (ops == null || ops.size === 0) return storage
  return {
    get: key => {
      const op = ops.get(key)
      return op == null ? storage.get(key) : op.type === 'put' ? op.value : undefined
    },
    range: options => {
      const staged = [...ops.keysIn(options)].filter(key => inRange(key, options))
      if (staged.length === 0) return storage.range(options)
      // a staged delete may drop a row the disk returns: read as many more as could be dropped
      const rows = new Map(storage.range(options.limit == null ? options : { ...options, limit: options.limit + staged.length }))
      for (const key of staged) {
        const op = ops.get(key) as WriteOp
        if (op.type === 'put') rows.set(key, op.value)
        else rows.delete(key)
      }
      const order = options.reverse === true ? -1 : 1
      const sorted = [...rows].sort(([a], [b]) => a < b ? -order : a > b ? order : 0)
      return options.limit == null ? sorted : sorted.slice(0, options.limit)
    }
  }
}

function inRange (key: string, o: RangeOptions): boolean {
  return (o.gt == null || key > o.gt) && (o.gte == null || key >= o.gte) && (o.lt == null || key < o.lt) && (o.lte == null || key <= o.lte)
}

export interface SignedDocsInit {
  storage: KeyValueStore
  /** The operations staged in the batch not yet written, if any. */
  staged: () => StagedOps | undefined
  /** Whether `org` may edit `doc` now (grants and rosters, and removals' frontiers). */
  mayEdit: (doc: DocId, org: OrgId, seq: number) => boolean | 'removed'
}

/** The signed states of the documents in use, least recently used dropped first (they are on disk). */
export class SignedDocs {
  private readonly states = new Map<DocId, DocState>()
  private readonly disk: KeyValueStore
  private readonly staged: SignedDocsInit['staged']
  private readonly mayEdit: SignedDocsInit['mayEdit']

  constructor (init: SignedDocsInit) {
    this.disk = init.storage
    this.staged = init.staged
    this.mayEdit = init.mayEdit
  }

  /** The disk as it will be once the staged batch is written. */
  get storage (): Reader {
    return overlay(this.disk, this.staged())
  }

  /** The state of `id`, read from disk when not in memory. */
  state (id: DocId): DocState {
    let state = this.states.get(id)
    if (state != null) {
      this.states.delete(id)
      this.states.set(id, state)
      return state
    }
    const storage = this.storage
    const stored = storage.get(signedStateKey(id))
    const record = stored == null ? emptySignedRecord() : decodeSignedRecord(`signed state of ${id}`, stored)
    const bindings = new ClientBindings(id)
    const saved = new Set<number>()
    for (const [key, value] of storage.range(bindingRange(id))) {
      const client = Number(key.slice(key.lastIndexOf('/') + 1))
      bindings.add({ ...decodeBinding(client, value), doc: id } as VerifiedBinding)
      saved.add(client)
    }
    state = { id, record, bindings, saved, held: new Map() }
    this.states.set(id, state)
    if (this.states.size > MAX_SIGNED_STATES) this.states.delete(this.states.keys().next().value as DocId)
    return state
  }

  /** Forget what memory holds of `id` (a failed write: the disk is the truth). */
  evict (id: DocId): void {
    this.states.delete(id)
  }

  /**
   * Checks 2 to 6 of docs/authorship.md for one envelope (its size checked by the caller). Changes
   * nothing but the gap store; returns what to apply, or why nothing is. `state`: the signed state
   * to check against (default: the one held; a restore checks against the one it rebuilds).
   */
  check (id: DocId, bytes: Uint8Array, state?: DocState): EnvelopeVerdict {
    const envelope = decodeEnvelope(bytes)
    if (envelope.doc !== id) throw new EnvelopeInvalidError(`Envelope for ${envelope.doc} sent as ${id}`)
    // checked ahead on the worker as the frame was read (preverify.ts), or here
    if (!takePreverified(envelope.signer, envelope.body, envelope.sig, ENVELOPE_PREFIX) && !verifyBy(envelope.signer, envelopeSigningBytes(envelope.body), envelope.sig)) {
      throw new EnvelopeSignatureError(`Envelope ${envelope.seq} of ${id} is not signed by ${envelope.signer}`)
    }
    return this.checkVerified(state ?? this.state(id), envelope)
  }

  /** A signed state holding nothing yet (not cached: a restore builds it up on its own). */
  fresh (id: DocId): DocState {
    return { id, record: emptySignedRecord(), bindings: new ClientBindings(id), saved: new Set(), held: new Map() }
  }

  /** Checks 4 to 6 for an envelope whose signature verified. */
  checkVerified (state: DocState, envelope: DecodedEnvelope): EnvelopeVerdict {
    const may = this.mayEdit(state.id, envelope.signer, envelope.seq)
    if (may === false) throw new ForbiddenError(`${envelope.signer} may not edit ${state.id}`)
    const head = state.record.heads.get(envelope.signer) ?? { seq: 0, hash: NO_PREVIOUS }
    const hash = sha256(envelope.body)
    if (envelope.seq <= head.seq) return this.older(state, envelope, hash)
    const owners = this.checkStructs(state, envelope)
    if (envelope.seq > head.seq + 1) {
      this.hold(state, envelope)
      return { kind: 'held' }
    }
    if (!equal(envelope.prev, head.hash)) throw new EnvelopeInvalidError(`Envelope ${envelope.seq} of ${envelope.signer} does not follow the one held`)
    const bindings: CheckpointBinding[] = envelope.clients.map(c => ({ kind: 'derived', client: c.client, nonce: c.nonce, org: envelope.signer }))
    const apply = may === 'removed' ? neutralised(envelope.update, owners) : envelope.update
    return { kind: 'apply', checked: { envelope, hash, owners, bindings, apply } }
  }

  /** Check 5: every struct written with a listed client that derives from the signer and is bound to no one else. */
  private checkStructs (state: DocState, envelope: DecodedEnvelope): UpdateOwners {
    const owners = structOwners(envelope.update)
    const listed = new Set(envelope.clients.map(c => c.client))
    const foreign = owners.clients.find(c => !listed.has(c))
    if (foreign !== undefined) throw new ForeignClientError(`The update writes with client ${foreign}, which the envelope does not bind`)
    for (const { client, nonce } of envelope.clients) {
      if (deriveClient(envelope.signer, state.id, nonce) !== client) throw new ForeignClientError(`Client ${client} does not derive from ${envelope.signer}`)
      const held = state.bindings.orgOf(client)
      if (held != null && held !== envelope.signer) throw new ForeignClientError(`Client ${client} is bound to ${held}, not ${envelope.signer}`)
    }
    return owners
  }

  /** An envelope at or before the head: a duplicate, or equivocation (the first stays; the other is kept as evidence). */
  private older (state: DocState, envelope: DecodedEnvelope, hash: Uint8Array): EnvelopeVerdict {
    const pruned = state.record.pruned.get(envelope.signer) ?? 0
    const stored = envelope.seq > pruned ? this.storage.get(envelopeKey(state.id, envelope.signer, envelope.seq)) : undefined
    const head = state.record.heads.get(envelope.signer)
    const same = stored != null
      ? equal(sha256(decodeEnvelope(stored).body), hash)
      : envelope.seq === head?.seq ? equal(head.hash, hash) : true
    if (same) return { kind: 'duplicate' }
    const key = evidenceKey(state.id, envelope.signer, envelope.seq)
    if (this.storage.get(key) != null) return { kind: 'duplicate' }
    return { kind: 'duplicate', ops: [{ type: 'put', key, value: envelope.bytes }] }
  }

  private hold (state: DocState, envelope: DecodedEnvelope): void {
    let waiting = state.held.get(envelope.signer)
    if (waiting == null) state.held.set(envelope.signer, waiting = new Map())
    if (waiting.has(envelope.seq)) return
    let bytes = envelope.bytes.byteLength
    for (const e of waiting.values()) bytes += e.bytes.byteLength
    if (waiting.size >= MAX_HELD_ENVELOPES || bytes > MAX_HELD_BYTES) {
      throw new OversizedMessageError(`Already holding ${waiting.size} envelopes of ${envelope.signer} for ${state.id} past a gap`)
    }
    waiting.set(envelope.seq, envelope)
  }

  /** The held envelope that now follows its signer's head, if any (taken out of the gap store). */
  nextHeld (state: DocState): DecodedEnvelope | undefined {
    for (const [signer, waiting] of state.held) {
      const head = state.record.heads.get(signer)?.seq ?? 0
      for (const seq of waiting.keys()) if (seq <= head) waiting.delete(seq)
      const next = waiting.get(head + 1)
      if (waiting.size === 0) state.held.delete(signer)
      if (next != null) {
        waiting.delete(head + 1)
        return next
      }
    }
    return undefined
  }

  /**
   * Take an applied envelope into the state and stage what records it: the envelope, the signer's
   * new head, new bindings, the author's runs.
   */
  accept (state: DocState, checked: CheckedEnvelope, ops: StagedOps): void {
    const { envelope, hash, owners, bindings } = checked
    state.record.heads.set(envelope.signer, { seq: envelope.seq, hash })
    state.record.bytesSince += envelope.bytes.byteLength
    put(ops, envelopeKey(state.id, envelope.signer, envelope.seq), envelope.bytes)
    for (const binding of bindings) this.bind(state, binding, ops)
    if (envelope.author !== '') {
      for (const run of owners.writes) put(ops, authorRunKey(state.id, run.client, run.clock), encodeAuthorRun(run.length, envelope.author))
    }
    this.saveRecord(state, ops)
  }

  /** Add a binding (first binding wins) and stage it when new. */
  bind (state: DocState, binding: CheckpointBinding, ops: StagedOps): boolean {
    try {
      state.bindings.add({ ...binding, doc: state.id } as VerifiedBinding)
    } catch (err) {
      if (err instanceof ForeignClientError) return false
      throw err
    }
    if (!state.saved.has(binding.client)) {
      state.saved.add(binding.client)
      put(ops, bindingKey(state.id, binding.client), encodeBinding(binding))
    }
    return true
  }

  saveRecord (state: DocState, ops: StagedOps): void {
    put(ops, signedStateKey(state.id), encodeSignedRecord(state.record))
  }
}

/**
 * An update's neutralised form (docs/authorship.md, Removal): its structs, so that others' changes
 * built on them still integrate, with a delete set that deletes exactly those structs' items instead
 * of its own, so that none of its text shows and none of its deletions happen. The same on every node.
 */
export function neutralised (update: Uint8Array, owners: UpdateOwners): Uint8Array {
  const encoder = new Y.UpdateEncoderV1()
  encoder.restEncoder = encoding.createEncoder()
  encoding.writeUint8Array(encoder.restEncoder, update.subarray(0, owners.deleteSetOffset))
  const ds = Y.createDeleteSet()
  const clients = ds.clients as unknown as Map<number, Array<{ clock: number, len: number }>>
  for (const w of owners.writes) clients.set(w.client, [...clients.get(w.client) ?? [], { clock: w.clock, len: w.length }])
  writeDeleteSet(encoder, ds)
  return encoder.toUint8Array()
}

/** Stage a put (a later put of the same key in the batch replaces it). */
export function put (ops: StagedOps, key: string, value: Uint8Array): void {
  ops.set(key, { type: 'put', key, value })
}

export function equal (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
