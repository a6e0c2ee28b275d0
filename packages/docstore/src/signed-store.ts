/**
 * The document store's signed side (docs/authorship.md): applying signed items with every check,
 * signing local bursts once as they are announced, the owner's checkpoints and migration, catch-up
 * by envelope vector, attribution. The store owns the batch and the Yjs documents; this asks it
 * through {@link SignedHost}.
 */
import * as Y from 'yjs'
import {
  CHECKPOINT_KIND, ENVELOPE_KIND, EnvelopeInvalidError, InvalidInputError, MalformedMessageError, decodeCheckpoint, decodeEnvelope, signedItemKind
} from '@commonplace/core'
import type {
  Attribution, DocId, DocumentChange, KeyValueStore, OrgId, SignedHoldings, SignedOutcome, UpdateOrigin, WriteOp
} from '@commonplace/core'
import type { Logger, PrivateKey } from '@libp2p/interface'
import type { InfoRecord } from './codec.ts'
import { SignedDocs, StagedOps } from './signed-docs.ts'
import type { CheckedEnvelope } from './signed-docs.ts'
import { LocalSigner } from './local-signing.ts'
import { createSigner } from './signing.ts'
import { checkCheckpoint, checkpointDue, signCheckpoint, signedSince, take } from './checkpoints.ts'
import { attributionOf, migrationCheckpoint } from './signed-extras.ts'
import type { ChangeAuthor } from './part-changes.ts'
import { rebuildWithout } from './rebuild.ts'
import { Restores } from './restore.ts'
import { CHECKPOINT_OVERDUE_FACTOR, DEFAULT_CHECKPOINT_QUIET_MS, DEFAULT_SIGNED_BATCH_BYTES } from './constants.ts'
import { SIGNED_MIGRATION_KEY } from './keys.ts'

/** What the signed side needs of the store. */
export interface SignedHost {
  storage: KeyValueStore
  log?: Logger
  /** The write operations of signed items staged in the current batch (made when there is none). */
  ops: () => StagedOps
  /** The staged operations, without making a batch. */
  staged: () => StagedOps | undefined
  info: (id: DocId) => InfoRecord | undefined
  all: () => InfoRecord[]
  /** The loaded document, if loaded. */
  loaded: (id: DocId) => Y.Doc | undefined
  load: (id: DocId) => Y.Doc
  /** Whether the document is quarantined (quarantine.ts): then nothing here rebuilds or migrates it. */
  quarantined: (id: DocId) => boolean
  /** Apply an update that passed its checks and stage it with `signed`, announced with it. */
  /** Apply and stage a signed item's update; `by`: an envelope's signer and author (a checkpoint names none). */
  apply: (info: InfoRecord, update: Uint8Array, origin: UpdateOrigin, signed: Uint8Array, by?: ChangeAuthor) => void
  /** Stage and announce a change that only carries `signed` (a checkpoint signed on its own). */
  announceSigned: (info: InfoRecord, signed: Uint8Array) => void
  /** Write operations now, in one batch. */
  write: (ops: WriteOp[]) => void
  /** Put `doc` in the place of the document's state (after what is staged is written), with `ops`, in one write. */
  replace: (id: DocId, doc: Y.Doc, ops: WriteOp[]) => void
}

/** The store's signing options. */
export interface SignedInit {
  /**
   * This organisation and its key: local changes are signed into envelopes, the documents it owns
   * checkpointed (and migrated on first open). Without it nothing local is signed (envelopes of
   * others are still checked and applied).
   */
  signer?: { org: OrgId, key: PrivateKey }
  /**
   * Whether `org` may edit `doc` now, for its envelope `seq` (grants, rosters, and a removal's
   * frontier: docs/authorship.md, Removal). 'removed': `org` was removed and this envelope is past
   * its frontier: it is kept and relayed, but applied neutralised (its items deleted, its
   * deletions dropped). The node supplies it; default: anyone.
   */
  mayEdit?: (doc: DocId, org: OrgId, seq: number) => boolean | 'removed'
  /**
   * A due checkpoint of a document this organisation owns is signed once the document has had no
   * change for this long (ms), or with the change that makes it overdue while editing goes on
   * (docs/authorship.md, Storage and compaction). 0: with the change that makes it due. Default 1000.
   */
  checkpointQuietMs?: number
}

export class SignedSide {
  private readonly host: SignedHost
  private readonly signed: SignedDocs
  private readonly local?: LocalSigner
  private readonly restores: Restores
  private readonly mayEdit: NonNullable<SignedInit['mayEdit']>
  private readonly quietMs: number
  /** Documents with a checkpoint due, waiting for a pause in their changes. */
  private readonly waiting = new Map<DocId, ReturnType<typeof setTimeout>>()

  constructor (host: SignedHost, init: SignedInit) {
    this.host = host
    this.quietMs = init.checkpointQuietMs ?? DEFAULT_CHECKPOINT_QUIET_MS
    this.mayEdit = init.mayEdit ?? (() => true)
    this.signed = new SignedDocs({ storage: host.storage, staged: host.staged, mayEdit: this.mayEdit })
    this.restores = new Restores(this.signed, host.log)
    if (init.signer != null) this.local = new LocalSigner(createSigner(init.signer.org, init.signer.key), this.signed, host.storage)
  }

  /** The client id the store's own Y.Doc of `id` writes with (undefined: Yjs's random one, nothing is signed). */
  newClient (id: DocId): number | undefined {
    return this.local?.newClient(id)
  }

  /** Forget memory of `id` (its batch failed). */
  evict (id: DocId): void {
    this.signed.evict(id)
  }

  envelopeVector (id: DocId): SignedHoldings {
    // a quarantined document is asked for as what its restore holds (restore.ts)
    if (this.host.quarantined(id)) return this.restores.holdings(id)
    const record = this.signed.state(id).record
    const vector: SignedHoldings['vector'] = {}
    for (const [org, head] of record.heads) vector[org] = head.seq
    const latest = record.checkpoints.at(-1)
    return latest == null ? { vector } : { vector, checkpoint: latest.hash }
  }

  signedSince (id: DocId, have: SignedHoldings, maxBytes = DEFAULT_SIGNED_BATCH_BYTES): { items: Uint8Array[], more: boolean } {
    if (have == null || typeof have.vector !== 'object' || have.vector == null || (have.checkpoint != null && !(have.checkpoint instanceof Uint8Array))) {
      throw new MalformedMessageError('An envelope vector is an object of seqs and an optional checkpoint hash')
    }
    // nothing is given from a quarantined document: its items are offered again once it is restored
    if (this.host.quarantined(id)) return { items: [], more: false }
    return signedSince(this.signed.state(id), this.signed.storage, have, maxBytes)
  }

  /**
   * Take one signed item of quarantined `info` from a peer into its restore (restore.ts). Once the
   * restore is complete, its signed records are staged in the batch and its document returned for
   * the store to put in place of the damaged one.
   * @throws the typed errors of applySigned (nothing of the item applied)
   */
  restoreWith (info: InfoRecord, bytes: Uint8Array): { outcome: SignedOutcome, doc?: Y.Doc } {
    const { outcome, done } = this.restores.apply(info, bytes)
    if (done == null) return { outcome }
    const ops = this.host.ops()
    for (const [key, op] of done.ops) ops.set(key, op)
    // read again through the staged records: the restored chain heads, bindings and checkpoints
    this.signed.evict(info.id)
    return { outcome, doc: done.doc }
  }

  applySigned (info: InfoRecord, bytes: Uint8Array, origin: UpdateOrigin): SignedOutcome {
    const kind = signedItemKind(bytes)
    if (kind === CHECKPOINT_KIND) return this.applyCheckpoint(info, bytes, origin)
    if (kind !== ENVELOPE_KIND) throw new EnvelopeInvalidError(`Unknown signed item kind ${kind}`)
    const verdict = this.signed.check(info.id, bytes)
    if (verdict.kind !== 'apply') {
      // evidence of equivocation is kept on its own: it is not a change of the document
      if (verdict.ops != null) this.host.write(verdict.ops)
      return verdict.kind
    }
    this.applyChecked(info, verdict.checked, origin)
    this.applyHeld(info, origin)
    return 'applied'
  }

  issueClient (id: DocId): { client: number, nonce: number } {
    if (this.local == null) throw new InvalidInputError('This store signs nothing: it has no signer')
    return this.local.issueClient(id)
  }

  attribution (id: DocId): Attribution {
    return attributionOf(this.signed.state(id), this.signed.storage)
  }

  /**
   * Neutralise `org`'s envelopes of `id` past `upTo` (a removal's frontier) that were applied in full:
   * the document is rebuilt with them neutralised (rebuild.ts). Returns how many there were.
   */
  refuseBeyond (id: DocId, org: OrgId, upTo: number): number {
    if (this.host.quarantined(id)) return 0
    // only what an envelope arriving now is applied as: an organisation that may edit the document
    // otherwise (its owner, a direct grant) keeps its changes here as on every node they reach later
    if (this.mayEdit(id, org, upTo + 1) !== 'removed') return 0
    const state = this.signed.state(id)
    const rebuilt = rebuildWithout(state, this.signed.storage, org, upTo)
    if (rebuilt == null) return 0
    const ops = new StagedOps()
    this.signed.saveRecord(state, ops)
    try {
      this.host.replace(id, rebuilt.doc, [...ops.values()])
    } catch (err) {
      this.signed.evict(id)
      throw err
    }
    return rebuilt.refused
  }

  /**
   * After a batch failed to be written (memory is back to the disk): apply again the envelopes it
   * held, in order. They were announced already, so this organisation's chain must go on from them
   * rather than sign another envelope with the same seq (which peers would take for equivocation).
   */
  replay (failed: StagedOps): void {
    for (const [key, op] of failed) {
      if (op.type !== 'put' || !key.startsWith('e/')) continue
      const info = this.host.info(key.split('/')[1] as DocId)
      if (info == null) continue
      try {
        this.applySigned(info, op.value, { kind: 'storage' })
      } catch (err) {
        this.host.log?.error('an envelope of %s announced before a failed write could not be staged again: %e', info.id, err)
      }
    }
  }

  /** Apply a checked envelope's update, stage it and the signer's new head with it (one batch). */
  private applyChecked (info: InfoRecord, checked: CheckedEnvelope, origin: UpdateOrigin): void {
    const { signer, author, update } = checked.envelope
    // a neutralised envelope (a removed member's, past its frontier) changes nothing one sees: it names no section
    const by = checked.apply !== update ? undefined : author === '' ? { org: signer } : { org: signer, person: author }
    this.host.apply(info, checked.apply, origin, checked.envelope.bytes, by)
    this.signed.accept(this.signed.state(info.id), checked, this.host.ops())
  }

  /** Envelopes held past a gap that now follow their signer's head (checked again: rights may have changed). */
  private applyHeld (info: InfoRecord, origin: UpdateOrigin): void {
    const state = this.signed.state(info.id)
    for (let next = this.signed.nextHeld(state); next != null; next = this.signed.nextHeld(state)) {
      try {
        const verdict = this.signed.checkVerified(state, next)
        if (verdict.kind === 'apply') this.applyChecked(info, verdict.checked, origin)
      } catch (err) {
        this.host.log?.('held envelope %d of %s for %s refused: %e', next.seq, next.signer, info.id, err)
      }
    }
  }

  private applyCheckpoint (info: InfoRecord, bytes: Uint8Array, origin: UpdateOrigin): SignedOutcome {
    const state = this.signed.state(info.id)
    const checkpoint = checkCheckpoint(state, bytes, info.owner)
    if (checkpoint === 'duplicate') return 'duplicate'
    this.host.apply(info, checkpoint.update, origin, bytes)
    take(this.signed, state, checkpoint, this.signed.storage, this.host.ops())
    this.applyHeld(info, origin)
    return 'applied'
  }

  /**
   * Before a change is announced: sign a local burst into this organisation's next envelope, and,
   * for a document this organisation owns, checkpoint it when its envelopes outweigh the last one:
   * once its changes pause, or with this change if it is overdue. Both are staged in the batch the
   * change is in.
   */
  seal (change: DocumentChange): void {
    if (this.local == null) return
    if (change.origin.kind === 'local' && change.update != null) {
      const signed = this.local.sign(change.id, change.update, change.origin.author ?? '', this.host.ops())
      if (typeof signed === 'string') this.host.log?.error('a local change of %s is not signed (%s): peers get it only unsigned', change.id, signed)
      else this.keep(change, signed)
    }
    const doc = this.host.loaded(change.id)
    if (change.signed == null || this.host.info(change.id)?.owner !== this.local.org || doc == null) return
    const state = this.signed.state(change.id)
    if (!checkpointDue(state)) return
    if (this.quietMs > 0 && !checkpointDue(state, CHECKPOINT_OVERDUE_FACTOR)) {
      this.checkpointWhenQuiet(change.id)
      return
    }
    this.stopWaiting(change.id)
    this.keep(change, signCheckpoint(this.signed, state, doc, this.local.signer, this.signed.storage, this.host.ops()))
  }

  /** Forget the checkpoints waiting for a pause (the store closes). */
  stop (): void {
    for (const timer of this.waiting.values()) clearTimeout(timer)
    this.waiting.clear()
  }

  /** Sign `id`'s due checkpoint once it has had no change for `quietMs` (each change starts the wait again). */
  private checkpointWhenQuiet (id: DocId): void {
    const timer = this.waiting.get(id)
    if (timer != null) {
      timer.refresh()
      return
    }
    const started = setTimeout(() => {
      this.waiting.delete(id)
      this.checkpointNow(id)
    }, this.quietMs)
    started.unref?.()
    this.waiting.set(id, started)
  }

  private stopWaiting (id: DocId): void {
    clearTimeout(this.waiting.get(id))
    this.waiting.delete(id)
  }

  /** A due checkpoint signed on its own, staged and announced (an unloaded document's waits for its next change). */
  private checkpointNow (id: DocId): void {
    const info = this.host.info(id)
    const doc = this.host.loaded(id)
    if (this.local == null || info == null || info.owner !== this.local.org || doc == null || this.host.quarantined(id)) return
    try {
      const state = this.signed.state(id)
      if (!checkpointDue(state)) return
      const signed = signCheckpoint(this.signed, state, doc, this.local.signer, this.signed.storage, this.host.ops())
      this.journal(id, signed)
      this.host.announceSigned(info, signed)
    } catch (err) {
      this.host.log?.error('checkpointing %s failed: %e', id, err)
    }
  }

  /**
   * An item signed here joins its change, and the journal before anyone hears of it: were a
   * killed process to lose it while a peer holds it, the restarted node would sign a second item
   * at its place in the chain (docs/authorship.md, "A crash and the chain").
   */
  private keep (change: DocumentChange, signed: Uint8Array): void {
    (change.signed ??= []).push(signed)
    this.journal(change.id, signed)
  }

  private journal (id: DocId, signed: Uint8Array): void {
    try {
      this.host.storage.journal?.append(signed)
    } catch (err) {
      // announced anyway, as after a failed batch (see replay): a failing disk must not hold edits back
      this.host.log?.error('journaling a signed change of %s failed: %e', id, err)
    }
  }

  /**
   * At open: the items signed here that the journal kept from a run that ended before their batch
   * was written, applied again in the order they were signed (what the store holds already is a
   * duplicate). Staged: the caller writes them.
   */
  recoverJournal (): void {
    for (const bytes of this.host.storage.journal?.recovered ?? []) {
      try {
        const id = signedItemKind(bytes) === CHECKPOINT_KIND ? decodeCheckpoint(bytes).doc : decodeEnvelope(bytes).doc
        const info = this.host.info(id)
        // a document created in the lost batch: the peers that hold it give it back
        if (info == null || this.host.quarantined(id)) continue
        this.applySigned(info, bytes, { kind: 'storage' })
      } catch (err) {
        this.host.log?.error('a journaled signed item could not be applied again: %e', err)
      }
    }
  }

  /** Once per store: the owner signs a migration checkpoint of each document it owns that holds content from before envelopes. */
  migrateOwned (): void {
    if (this.local == null || this.host.storage.get(SIGNED_MIGRATION_KEY) != null) return
    for (const info of this.host.all()) {
      if (info.owner !== this.local.org || this.host.quarantined(info.id)) continue
      let doc: Y.Doc
      try {
        doc = this.host.load(info.id)
      } catch (err) {
        // found damaged now: it stays quarantined as it is; a restored copy is checkpointed when it next changes
        if (this.host.quarantined(info.id)) continue
        throw err
      }
      const ops = new StagedOps()
      migrationCheckpoint(this.signed, info.id, doc, this.local.signer, ops)
      if (ops.size > 0) this.host.write([...ops.values()])
    }
    this.host.write([{ type: 'put', key: SIGNED_MIGRATION_KEY, value: new Uint8Array([1]) }])
  }
}
