/**
 * Restoring a quarantined document from signed items (docs/reliability.md, "Storage faults"). A
 * peer's envelopes and checkpoints are checked like any others, but against a signed state built up
 * from nothing beside the one held, and applied to a fresh Y.Doc: the damaged rows are never read
 * again. Whenever a peer's item lands, this store's own stored signed items that follow are added
 * (checked the same way), so that changes the peer lacks are not lost. The document is restored once
 * it holds, for every signer, at least the envelopes the damaged copy held, with nothing pending.
 */
import * as Y from 'yjs'
import { CHECKPOINT_KIND, CorruptUpdateError, ENVELOPE_KIND, EnvelopeInvalidError, signedItemKind } from '@commonplace/core'
import type { DocId, OrgId, SignedHoldings, SignedOutcome } from '@commonplace/core'
import type { Logger } from '@libp2p/interface'
import type { InfoRecord } from './codec.ts'
import { StagedOps } from './signed-docs.ts'
import type { DocState, SignedDocs } from './signed-docs.ts'
import type { SignedRecord } from './signed-codec.ts'
import { checkCheckpoint, take } from './checkpoints.ts'
import { checkpointItemKey, envelopeKey } from './keys.ts'

/** A document being restored: its signed state, its content, and the records to write once done. */
export interface Restoring {
  state: DocState
  doc: Y.Doc
  ops: StagedOps
}

/** The restores under way, one per quarantined document a peer sent signed items of. */
export class Restores {
  private readonly open = new Map<DocId, Restoring>()
  private readonly signed: SignedDocs
  private readonly log?: Logger

  constructor (signed: SignedDocs, log?: Logger) {
    this.signed = signed
    this.log = log
  }

  /** What the restore of `id` holds so far (nothing before the first item): what a peer is asked with. */
  holdings (id: DocId): SignedHoldings {
    const record = this.open.get(id)?.state.record
    const vector: SignedHoldings['vector'] = {}
    for (const [org, head] of record?.heads ?? []) vector[org] = head.seq
    const latest = record?.checkpoints.at(-1)
    return latest == null ? { vector } : { vector, checkpoint: latest.hash }
  }

  /**
   * Check one signed item of quarantined `info` from a peer and apply it to the restore, then add
   * this store's own stored items that follow. `done` is the restored document once complete (the
   * restore is then forgotten here: the store takes it in).
   * @throws the typed errors of applySigned (nothing of the item applied)
   */
  apply (info: InfoRecord, bytes: Uint8Array): { outcome: SignedOutcome, done?: Restoring } {
    const restoring = this.open.get(info.id) ?? { state: this.signed.fresh(info.id), doc: new Y.Doc({ guid: info.id }), ops: new StagedOps() }
    this.open.set(info.id, restoring)
    let outcome: SignedOutcome
    try {
      outcome = this.item(restoring, info.owner, bytes)
    } catch (err) {
      // a corrupt update may have left the fresh Y.Doc half applied: start again with the next item
      if (err instanceof CorruptUpdateError) this.drop(info.id)
      throw err
    }
    const held = this.held(info.id)
    this.addOwn(restoring, info.owner, held)
    if (!complete(restoring, held)) return { outcome }
    this.open.delete(info.id)
    return { outcome, done: restoring }
  }

  /** Forget the restore of `id` (its document was removed, or a write failed). */
  drop (id: DocId): void {
    this.open.get(id)?.doc.destroy()
    this.open.delete(id)
  }

  private item (r: Restoring, owner: OrgId, bytes: Uint8Array): SignedOutcome {
    const kind = signedItemKind(bytes)
    if (kind === CHECKPOINT_KIND) {
      const checkpoint = checkCheckpoint(r.state, bytes, owner)
      if (checkpoint === 'duplicate') return 'duplicate'
      applyTo(r, checkpoint.update)
      take(this.signed, r.state, checkpoint, this.signed.storage, r.ops)
      this.applyHeld(r)
      return 'applied'
    }
    if (kind !== ENVELOPE_KIND) throw new EnvelopeInvalidError(`Unknown signed item kind ${kind}`)
    const verdict = this.signed.check(r.state.id, bytes, r.state)
    if (verdict.kind !== 'apply') return verdict.kind
    applyTo(r, verdict.checked.apply)
    this.signed.accept(r.state, verdict.checked, r.ops)
    this.applyHeld(r)
    return 'applied'
  }

  private applyHeld (r: Restoring): void {
    for (let next = this.signed.nextHeld(r.state); next != null; next = this.signed.nextHeld(r.state)) {
      const verdict = this.signed.checkVerified(r.state, next)
      if (verdict.kind !== 'apply') continue
      applyTo(r, verdict.checked.apply)
      this.signed.accept(r.state, verdict.checked, r.ops)
    }
  }

  /** The signed record this store held of `id` before the damage (undefined when it cannot be read). */
  private held (id: DocId): SignedRecord | undefined {
    try {
      return this.signed.state(id).record
    } catch (err) {
      this.log?.('the signed state of quarantined %s cannot be read either: %e', id, err)
      return undefined
    }
  }

  /** Add this store's own latest checkpoint and stored envelopes past what the restore holds. */
  private addOwn (r: Restoring, owner: OrgId, held: SignedRecord | undefined): void {
    if (held == null) return
    const storage = this.signed.storage
    const latest = held.checkpoints.at(-1)
    if (latest != null && latest.number > (r.state.record.checkpoints.at(-1)?.number ?? 0)) {
      this.addStored(r, owner, storage.get(checkpointItemKey(r.state.id, latest.number)))
    }
    for (const [org, head] of held.heads) {
      for (let seq = (r.state.record.heads.get(org)?.seq ?? 0) + 1; seq <= head.seq; seq++) {
        if (!this.addStored(r, owner, storage.get(envelopeKey(r.state.id, org, seq)))) break
      }
    }
  }

  /** One of our own stored items, checked like a peer's; false when absent, refused or not applied. */
  private addStored (r: Restoring, owner: OrgId, bytes: Uint8Array | undefined): boolean {
    if (bytes == null) return false
    try {
      return this.item(r, owner, bytes) === 'applied'
    } catch (err) {
      this.log?.('a stored signed item of quarantined %s was not taken: %e', r.state.id, err)
      return false
    }
  }
}

function applyTo (r: Restoring, update: Uint8Array): void {
  try {
    Y.applyUpdate(r.doc, update)
  } catch (err) {
    throw new CorruptUpdateError(`Update for ${r.state.id} could not be applied`, { cause: err })
  }
}

/** Whole (content, nothing pending or held) and at every signer's head the damaged copy held. */
function complete (r: Restoring, held: SignedRecord | undefined): boolean {
  const store = r.doc.store
  if (store.clients.size === 0 || store.pendingStructs != null || store.pendingDs != null) return false
  if ([...r.state.held.values()].some(waiting => waiting.size > 0)) return false
  for (const [org, head] of held?.heads ?? []) if ((r.state.record.heads.get(org)?.seq ?? 0) < head.seq) return false
  return true
}
