/**
 * Checkpoints and catch-up (docs/authorship.md, Storage and compaction): the owner signs the
 * document's state covering every chain head; holders keep the two latest checkpoints and the
 * envelopes after the older one; a peer gets envelopes after its vector, or the latest checkpoint
 * first when it lacks what was compacted away.
 */
import * as Y from 'yjs'
import {
  EnvelopeInvalidError, EnvelopeSignatureError, ForbiddenError, ForeignClientError,
  MAX_CHECKPOINT_AUTHOR_RUNS, bindingSigningBytes, checkpointSigningBytes, decodeCheckpoint, encodeCheckpointBody, structOwners
} from '@commonplace/core'
import type {
  AuthorRun, CheckpointBinding, DecodedCheckpoint, DocId, OrgId, SignedHoldings
} from '@commonplace/core'
import type { DocState, Reader, SignedDocs, StagedOps } from './signed-docs.ts'
import { equal, put } from './signed-docs.ts'
import { deriveClient, sha256, verifyBy } from './signing.ts'
import type { Signer } from './signing.ts'
import { authorRunKey, authorRunRange, checkpointItemKey, envelopeRange } from './keys.ts'
import { decodeAuthorRun, encodeAuthorRun } from './signed-codec.ts'
import { MIN_CHECKPOINT_AFTER_BYTES } from './constants.ts'

/**
 * Whether the owner should checkpoint: envelopes since the latest checkpoint outweigh it (`factor`
 * times: how overdue it is).
 */
export function checkpointDue (state: DocState, factor = 1): boolean {
  const latest = state.record.checkpoints.at(-1)
  return state.record.bytesSince > factor * Math.max(latest?.bytes ?? 0, MIN_CHECKPOINT_AFTER_BYTES)
}

/**
 * Sign a checkpoint of `doc` as it is now (covering every chain head held), stage it, and drop
 * what the checkpoint before it covered. `migration`: the document's past predates envelopes.
 */
export function signCheckpoint (signed: SignedDocs, state: DocState, doc: Y.Doc, signer: Signer, storage: Reader, ops: StagedOps, migration = false): Uint8Array {
  const bindings: CheckpointBinding[] = []
  for (const b of state.bindings.all().sort((x, y) => x.client - y.client)) {
    bindings.push(b.kind === 'derived' ? { kind: 'derived', client: b.client, org: b.org, nonce: b.nonce } : { kind: 'signed', client: b.client, org: b.org, sig: b.sig })
  }
  const covers = [...state.record.heads].sort(([a], [b]) => a < b ? -1 : 1).map(([org, head]) => ({ org, seq: head.seq, hash: head.hash }))
  const number = (state.record.checkpoints.at(-1)?.number ?? 0) + 1
  const fields = { doc: state.id, signer: signer.org, number, covers, bindings, authors: authorRuns(storage, state.id), update: Y.encodeStateAsUpdate(doc) }
  const body = encodeCheckpointBody(fields)
  const bytes = new Uint8Array(body.length + 64)
  bytes.set(body)
  bytes.set(signer.sign(checkpointSigningBytes(body)), body.length)
  if (migration) state.record.migrated = true
  take(signed, state, { ...fields, sig: bytes.subarray(body.length), bytes, body: bytes.subarray(0, body.length) }, storage, ops)
  return bytes
}

/**
 * Check a checkpoint received for `id`: signed by the document's owner, newer than the latest held,
 * its bindings derived or signed by their organisations, its update decodable.
 * @throws EnvelopeInvalidError, EnvelopeSignatureError, ForbiddenError, ForeignClientError, CorruptUpdateError
 */
export function checkCheckpoint (state: DocState, bytes: Uint8Array, owner: OrgId): DecodedCheckpoint | 'duplicate' {
  const checkpoint = decodeCheckpoint(bytes)
  if (checkpoint.doc !== state.id) throw new EnvelopeInvalidError(`Checkpoint for ${checkpoint.doc} sent as ${state.id}`)
  if (checkpoint.signer !== owner) throw new ForbiddenError(`Only the owner checkpoints ${state.id}, not ${checkpoint.signer}`)
  if (!verifyBy(checkpoint.signer, checkpointSigningBytes(checkpoint.body), checkpoint.sig)) {
    throw new EnvelopeSignatureError(`Checkpoint ${checkpoint.number} of ${state.id} is not signed by its owner`)
  }
  if (checkpoint.number <= (state.record.checkpoints.at(-1)?.number ?? 0)) return 'duplicate'
  for (const b of checkpoint.bindings) {
    const ok = b.kind === 'derived'
      ? deriveClient(b.org, state.id, b.nonce) === b.client
      : verifyBy(b.org, bindingSigningBytes(state.id, b.client, b.org), b.sig)
    if (!ok) throw new ForeignClientError(`Checkpoint ${checkpoint.number} binds client ${b.client} to ${b.org} without proof`)
  }
  // the strict reader: what passes is read the same way by Y.applyUpdate (CorruptUpdateError otherwise)
  structOwners(checkpoint.update)
  return checkpoint
}

/**
 * Take a checkpoint (made here or checked) into the state: its bindings (first binding wins), its
 * author runs, chain heads it is ahead on; keep it and the one before, drop what that one covered.
 */
export function take (signed: SignedDocs, state: DocState, checkpoint: DecodedCheckpoint, storage: Reader, ops: StagedOps): void {
  const record = state.record
  for (const b of checkpoint.bindings) signed.bind(state, b, ops)
  for (const run of checkpoint.authors) put(ops, authorRunKey(state.id, run.client, run.clock), encodeAuthorRun(run.length, run.author))
  for (const cover of checkpoint.covers) {
    const head = record.heads.get(cover.org)
    if (head == null || head.seq < cover.seq) record.heads.set(cover.org, { seq: cover.seq, hash: cover.hash })
  }
  // a holder without envelopes from before the first checkpoint is given it: the past predates envelopes
  if (record.checkpoints.length === 0 && checkpoint.covers.length === 0) record.migrated = true
  record.checkpoints.push({ number: checkpoint.number, hash: sha256(checkpoint.body), bytes: checkpoint.bytes.byteLength, covers: new Map(checkpoint.covers.map(c => [c.org, c.seq])) })
  put(ops, checkpointItemKey(state.id, checkpoint.number), checkpoint.bytes)
  record.bytesSince = 0
  while (record.checkpoints.length > 2) {
    const dropped = record.checkpoints.shift()
    if (dropped != null) ops.set(checkpointItemKey(state.id, dropped.number), { type: 'del', key: checkpointItemKey(state.id, dropped.number) })
  }
  if (record.checkpoints.length === 2) prune(state, storage, ops)
  signed.saveRecord(state, ops)
}

/** Drop the envelopes the older of the two checkpoints covers. */
function prune (state: DocState, storage: Reader, ops: StagedOps): void {
  const older = state.record.checkpoints[0]
  for (const [org, upTo] of older.covers) {
    const from = state.record.pruned.get(org) ?? 0
    if (upTo <= from) continue
    for (const [key] of storage.range(envelopeRange(state.id, org, from, upTo))) ops.set(key, { type: 'del', key })
    state.record.pruned.set(org, upTo)
  }
}

/** The author runs of a document (the reader sees what is staged). */
export function authorRuns (storage: Reader, id: DocId): AuthorRun[] {
  const out: AuthorRun[] = []
  for (const [key, value] of storage.range({ ...authorRunRange(id), limit: MAX_CHECKPOINT_AUTHOR_RUNS })) {
    const [, , client, clock] = key.split('/')
    out.push({ client: Number(client), clock: Number(clock), ...decodeAuthorRun(value) })
  }
  return out
}

/** See DocumentStore.signedSince. */
export function signedSince (state: DocState, storage: Reader, have: SignedHoldings, maxBytes: number): { items: Uint8Array[], more: boolean } {
  const record = state.record
  const latest = record.checkpoints.at(-1)
  const knows = (hash?: Uint8Array): boolean => hash != null && record.checkpoints.some(c => equal(c.hash, hash))
  const held = (org: OrgId): number => Number.isSafeInteger(have.vector[org]) ? Math.max(0, have.vector[org]) : 0
  const behind = [...record.pruned].some(([org, seq]) => held(org) < seq)
  const needsCheckpoint = latest != null && !(knows(have.checkpoint) && !behind) && (behind || (record.migrated && have.checkpoint == null))
  const items: Uint8Array[] = []
  let bytes = 0
  const from = new Map<OrgId, number>()
  if (needsCheckpoint) {
    const stored = storage.get(checkpointItemKey(state.id, latest.number))
    if (stored != null) {
      items.push(stored)
      bytes += stored.byteLength
      for (const [org, seq] of latest.covers) from.set(org, seq)
    }
  }
  for (const [org, head] of record.heads) {
    const after = Math.max(held(org), from.get(org) ?? 0)
    if (after >= head.seq) continue
    // read in slices so a large backlog is not read whole for a call that returns part of it
    let cursor = after
    while (cursor < head.seq) {
      const rows = storage.range({ ...envelopeRange(state.id, org, cursor), limit: 64 })
      if (rows.length === 0) break
      for (const [, value] of rows) {
        if (items.length > 0 && bytes + value.byteLength > maxBytes) return { items, more: true }
        items.push(value)
        bytes += value.byteLength
      }
      cursor = Number(rows[rows.length - 1][0].slice(-12))
    }
  }
  return { items, more: false }
}
