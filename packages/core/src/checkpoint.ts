/**
 * Checkpoints: a document's state as its owner signed it, covering every envelope up to a seq per
 * signer, so that the envelopes it covers can be dropped (docs/authorship.md, Storage and compaction).
 *
 * ```
 * checkpoint = kind:varuint(2) doc:string signer:string number:varuint
 *              n:varuint (org:string seq:varuint hash:raw(32)){n}          ; covers, orgs ascending
 *              m:varuint (client:varuint org:string binding){m}            ; clients ascending
 *              k:varuint (client:varuint clock:varuint length:varuint author:string){k}
 *              update:bytes sig:raw(64)                                     ; no trailing bytes
 * binding    = 0 nonce:varuint | 1 sig:raw(64)                             ; derived | signed
 * ```
 * The signature covers `CHECKPOINT_SIGNING_PREFIX ‖ body` (every byte before `sig`); the hash of a
 * checkpoint (how a holder names it) is sha256 of its body. The first varuint of every signed item
 * says its kind: 1 is an envelope (its version), 2 a checkpoint.
 */
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { EnvelopeInvalidError, OversizedMessageError } from './errors.ts'
import { parseDocId, parseOrgId } from './ids.ts'
import type { DocId, OrgId } from './ids.ts'
import { ENVELOPE_HASH_BYTES, MAX_AUTHOR_BYTES, MAX_ENVELOPE_UPDATE_BYTES, SIGNATURE_BYTES } from './envelope.ts'
import { decodeSignedItem, readRaw as raw, readString as string, readUint as uint, withPrefix } from './signed-read.ts'
export { joinSigned } from './signed-read.ts'
import { MAX_BINDING_NONCE } from './client-binding.ts'

/** The kind varuint of a checkpoint (an envelope's is its version, 1). */
export const CHECKPOINT_KIND = 2
/** The kind varuint of an envelope. */
export const ENVELOPE_KIND = 1
/** Domain separation for checkpoint signatures. */
export const CHECKPOINT_SIGNING_PREFIX = 'commonplace-checkpoint/1\n'
/** Most signers one checkpoint covers. */
export const MAX_CHECKPOINT_SIGNERS = 4096
/** Most client bindings one checkpoint carries (each session of an editor is one). */
export const MAX_CHECKPOINT_BINDINGS = 65_536
/** Most author runs one checkpoint carries. */
export const MAX_CHECKPOINT_AUTHOR_RUNS = 262_144
/** Largest encoded checkpoint: the update at the sync limit plus the tables at their bounds, roughly. */
export const MAX_CHECKPOINT_BYTES = MAX_ENVELOPE_UPDATE_BYTES + 16 * 1024 * 1024

/** The last envelope of one signer a checkpoint includes. */
export interface CheckpointCover { org: OrgId, seq: number, hash: Uint8Array }
/** A client binding as a checkpoint carries it. */
export type CheckpointBinding = { client: number, org: OrgId } & ({ kind: 'derived', nonce: number } | { kind: 'signed', sig: Uint8Array })
/** A run of clocks of one client written by a named person (runs of the organisation itself are left out). */
export interface AuthorRun { client: number, clock: number, length: number, author: string }

export interface Checkpoint {
  doc: DocId
  /** The document's owner. */
  signer: OrgId
  /** 1 for the owner's first checkpoint of the document, then higher. */
  number: number
  covers: CheckpointCover[]
  bindings: CheckpointBinding[]
  authors: AuthorRun[]
  /** The document's state as one Yjs v1 update. */
  update: Uint8Array
}

/** A checkpoint as decoded, with its bytes and the signed part. */
export interface DecodedCheckpoint extends Checkpoint {
  sig: Uint8Array
  bytes: Uint8Array
  body: Uint8Array
}

/** A binding after its client: `org:string (0 nonce:varuint | 1 sig:raw(64))` (checkpoints and the store's `b/` rows). */
export function writeBinding (e: encoding.Encoder, b: CheckpointBinding): void {
  encoding.writeVarString(e, b.org)
  if (b.kind === 'derived') {
    encoding.writeVarUint(e, 0)
    encoding.writeVarUint(e, b.nonce)
  } else {
    encoding.writeVarUint(e, 1)
    encoding.writeUint8Array(e, b.sig)
  }
}

/** Read what {@link writeBinding} wrote, for `client`. @throws EnvelopeInvalidError */
export function readBinding (d: decoding.Decoder, client: number): CheckpointBinding {
  const org = parseOrgId(string(d, 64))
  const kind = uint(d)
  if (kind === 0) return { client, org, kind: 'derived', nonce: uint(d) }
  if (kind === 1) return { client, org, kind: 'signed', sig: raw(d, SIGNATURE_BYTES) }
  throw new EnvelopeInvalidError(`Unknown binding kind ${kind}`)
}

/** The kind of a signed item (its first varuint), without decoding the rest. */
export function signedItemKind (bytes: Uint8Array): number {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw new EnvelopeInvalidError('A signed item is non-empty bytes')
  // both kinds fit one byte; a longer varint is no kind we know
  return bytes[0] < 0x80 ? bytes[0] : -1
}

/** The signed part of a checkpoint; checks every field against its bound. */
export function encodeCheckpointBody (c: Checkpoint): Uint8Array {
  checkCheckpoint(c)
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, CHECKPOINT_KIND)
  encoding.writeVarString(e, c.doc)
  encoding.writeVarString(e, c.signer)
  encoding.writeVarUint(e, c.number)
  encoding.writeVarUint(e, c.covers.length)
  for (const cover of c.covers) {
    encoding.writeVarString(e, cover.org)
    encoding.writeVarUint(e, cover.seq)
    encoding.writeUint8Array(e, cover.hash)
  }
  encoding.writeVarUint(e, c.bindings.length)
  for (const b of c.bindings) {
    encoding.writeVarUint(e, b.client)
    writeBinding(e, b)
  }
  encoding.writeVarUint(e, c.authors.length)
  for (const run of c.authors) {
    encoding.writeVarUint(e, run.client)
    encoding.writeVarUint(e, run.clock)
    encoding.writeVarUint(e, run.length)
    encoding.writeVarString(e, run.author)
  }
  encoding.writeVarUint8Array(e, c.update)
  return encoding.toUint8Array(e)
}

/** The bytes a checkpoint signature covers. */
export function checkpointSigningBytes (body: Uint8Array): Uint8Array {
  return withPrefix(CHECKPOINT_SIGNING_PREFIX, body)
}


/**
 * Decode a checkpoint, every field within its bound (not the signature).
 * @throws OversizedMessageError past {@link MAX_CHECKPOINT_BYTES}; EnvelopeInvalidError for anything that does not decode
 */
export function decodeCheckpoint (bytes: Uint8Array): DecodedCheckpoint {
  return decodeSignedItem('Checkpoint', bytes, MAX_CHECKPOINT_BYTES, readCheckpoint)
}

function readCheckpoint (bytes: Uint8Array): DecodedCheckpoint {
  const d = decoding.createDecoder(bytes)
  if (uint(d) !== CHECKPOINT_KIND) throw new EnvelopeInvalidError('Not a checkpoint')
  const doc = parseDocId(string(d, 26))
  const signer = parseOrgId(string(d, 64))
  const number = uint(d)
  const covers: CheckpointCover[] = []
  for (let i = 0, n = count(d, MAX_CHECKPOINT_SIGNERS); i < n; i++) {
    covers.push({ org: parseOrgId(string(d, 64)), seq: uint(d), hash: raw(d, ENVELOPE_HASH_BYTES) })
  }
  const bindings: CheckpointBinding[] = []
  for (let i = 0, n = count(d, MAX_CHECKPOINT_BINDINGS); i < n; i++) {
    bindings.push(readBinding(d, uint(d)))
  }
  const authors: AuthorRun[] = []
  for (let i = 0, n = count(d, MAX_CHECKPOINT_AUTHOR_RUNS); i < n; i++) {
    authors.push({ client: uint(d), clock: uint(d), length: uint(d), author: string(d, MAX_AUTHOR_BYTES) })
  }
  const length = uint(d)
  if (length > MAX_ENVELOPE_UPDATE_BYTES) throw new OversizedMessageError(`Update of ${length} bytes exceeds ${MAX_ENVELOPE_UPDATE_BYTES}`)
  const update = raw(d, length)
  const bodyEnd = d.pos
  const sig = raw(d, SIGNATURE_BYTES)
  if (d.pos !== bytes.length) throw new EnvelopeInvalidError('Trailing bytes after the signature')
  const checkpoint = { doc, signer, number, covers, bindings, authors, update, sig, bytes, body: bytes.subarray(0, bodyEnd) }
  checkCheckpoint(checkpoint)
  return checkpoint
}

function checkCheckpoint (c: Checkpoint): void {
  parseDocId(c.doc)
  parseOrgId(c.signer)
  if (!Number.isSafeInteger(c.number) || c.number < 1) throw new EnvelopeInvalidError(`Bad checkpoint number ${c.number}`)
  if (c.covers.length > MAX_CHECKPOINT_SIGNERS || c.bindings.length > MAX_CHECKPOINT_BINDINGS || c.authors.length > MAX_CHECKPOINT_AUTHOR_RUNS) {
    throw new OversizedMessageError('Checkpoint tables too long')
  }
  let lastOrg = ''
  for (const cover of c.covers) {
    if (cover.org <= lastOrg) throw new EnvelopeInvalidError('Covers must be in ascending order of organisation')
    if (!Number.isSafeInteger(cover.seq) || cover.seq < 1) throw new EnvelopeInvalidError('Bad covered seq')
    if (!(cover.hash instanceof Uint8Array) || cover.hash.length !== ENVELOPE_HASH_BYTES) throw new EnvelopeInvalidError('Covered hash must be 32 bytes')
    lastOrg = cover.org
  }
  let lastClient = -1
  for (const b of c.bindings) {
    if (!Number.isSafeInteger(b.client) || b.client <= lastClient) throw new EnvelopeInvalidError('Bindings must be in ascending order of client')
    if (b.kind === 'derived' && (!Number.isInteger(b.nonce) || b.nonce < 0 || b.nonce > MAX_BINDING_NONCE)) throw new EnvelopeInvalidError('Bad binding nonce')
    lastClient = b.client
  }
  for (const run of c.authors) {
    if (!Number.isSafeInteger(run.client) || !Number.isSafeInteger(run.clock) || !Number.isSafeInteger(run.length) || run.length < 1) {
      throw new EnvelopeInvalidError('Bad author run')
    }
    // eslint-disable-next-line no-control-regex
    if (run.author === '' || /[\u0000-\u001f\u007f]/.test(run.author)) throw new EnvelopeInvalidError('Bad author in a run')
  }
  if (!(c.update instanceof Uint8Array) || c.update.length > MAX_ENVELOPE_UPDATE_BYTES) throw new OversizedMessageError('Checkpoint update too large')
}

function count (d: decoding.Decoder, max: number): number {
  const n = uint(d)
  if (n > max) throw new OversizedMessageError(`Table of ${n} entries (at most ${max})`)
  return n
}
