/**
 * Signed change envelopes: a Yjs update as its organisation signed it, so any holder can pass it on
 * and every receiver checks the author, not the relay (docs/authorship.md, Grammar).
 *
 * ```
 * envelope = version:varuint(1) doc:string signer:string author:string seq:varuint prev:raw(32)
 *            n:varuint (client:varuint nonce:varuint){n} update:bytes sig:raw(64)
 * ```
 * The signature covers `ENVELOPE_SIGNING_PREFIX ‖ body`, body being every byte before `sig`, so the
 * bytes a relay passes on are the bytes that were signed. No trailing bytes.
 */
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { sha256 } from 'multiformats/hashes/sha2'
import { fromString as u8FromString } from 'uint8arrays'
import type { PrivateKey } from '@libp2p/interface'
import { EnvelopeInvalidError, EnvelopeSignatureError, ForeignClientError, OversizedMessageError } from './errors.ts'
import { orgPublicKey, parseDocId, parseOrgId } from './ids.ts'
import type { DocId, OrgId } from './ids.ts'
import { MAX_BINDING_NONCE, deriveClientId } from './client-binding.ts'
import type { ClientBindings, VerifiedBinding } from './client-binding.ts'
import { decodeSignedItem, joinSigned, readRaw as raw, readString as string, readUint as uint, withPrefix } from './signed-read.ts'
import { structOwners } from './update-structs.ts'
import type { UpdateOwners } from './update-structs.ts'

/** The only envelope version. */
export const ENVELOPE_VERSION = 1
/** Domain separation for envelope signatures. */
export const ENVELOPE_SIGNING_PREFIX = 'commonplace-envelope/1\n'
/** Largest Yjs update in one envelope: the sync protocol's update limit (8 MiB), the memory and time of one apply. */
export const MAX_ENVELOPE_UPDATE_BYTES = 8 * 1024 * 1024
/** Most client ids one envelope writes with: derivations checked per envelope. */
export const MAX_ENVELOPE_CLIENTS = 64
/** Longest author (UTF-8 bytes): a person's id inside the organisation, or '' for the organisation. */
export const MAX_AUTHOR_BYTES = 128
/** Length of `prev` and of an envelope hash (sha256). */
export const ENVELOPE_HASH_BYTES = 32
/** Length of an Ed25519 signature. */
export const SIGNATURE_BYTES = 64
/** Largest encoded envelope: the update plus every other field at its bound. */
export const MAX_ENVELOPE_BYTES = MAX_ENVELOPE_UPDATE_BYTES + MAX_ENVELOPE_CLIENTS * 18 + MAX_AUTHOR_BYTES + 512

/** A client id the update writes with and the nonce it derives from (with the signer and doc). */
export interface EnvelopeClient { client: number, nonce: number }

/** The fields of an envelope. */
export interface Envelope {
  doc: DocId
  /** The organisation that signed it (and whose clients write the update). */
  signer: OrgId
  /** Who inside the organisation made the change; '' when the node knows only the organisation. */
  author: string
  /** 1 for the signer's first envelope of this document, then one more each time. */
  seq: number
  /** Hash of the signer's previous envelope of this document (32 zero bytes when seq is 1). */
  prev: Uint8Array
  /** Strictly ascending by client id. */
  clients: EnvelopeClient[]
  /** A Yjs v1 update. */
  update: Uint8Array
  sig: Uint8Array
}

/** An envelope as decoded, with the bytes it came in: these are what is stored and relayed. */
export interface DecodedEnvelope extends Envelope {
  /** The whole encoding. */
  bytes: Uint8Array
  /** The signed part (every byte before the signature). */
  body: Uint8Array
}

/** An envelope whose signature verified. */
export type VerifiedEnvelope = DecodedEnvelope & { readonly __verified: true }

/** The zero `prev` of a first envelope. */
export const NO_PREVIOUS = new Uint8Array(ENVELOPE_HASH_BYTES)

/** The signed part of an envelope. Checks every field against its bound. */
export function encodeEnvelopeBody (fields: Omit<Envelope, 'sig'>): Uint8Array {
  checkFields(fields)
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, ENVELOPE_VERSION)
  encoding.writeVarString(e, fields.doc)
  encoding.writeVarString(e, fields.signer)
  encoding.writeVarString(e, fields.author)
  encoding.writeVarUint(e, fields.seq)
  encoding.writeUint8Array(e, fields.prev)
  encoding.writeVarUint(e, fields.clients.length)
  for (const c of fields.clients) {
    encoding.writeVarUint(e, c.client)
    encoding.writeVarUint(e, c.nonce)
  }
  encoding.writeVarUint8Array(e, fields.update)
  return encoding.toUint8Array(e)
}

/** Encode a signed envelope. */
export function encodeEnvelope (envelope: Envelope): Uint8Array {
  if (!(envelope.sig instanceof Uint8Array) || envelope.sig.length !== SIGNATURE_BYTES) throw new EnvelopeInvalidError('Signature must be 64 bytes')
  return joinSigned(encodeEnvelopeBody(envelope), envelope.sig)
}

/**
 * Decode an envelope, checking every field against its bound (not the signature: {@link verifyEnvelope}).
 * @throws OversizedMessageError past {@link MAX_ENVELOPE_BYTES}; EnvelopeInvalidError for anything that does not decode
 */
export function decodeEnvelope (bytes: Uint8Array): DecodedEnvelope {
  return decodeSignedItem('Envelope', bytes, MAX_ENVELOPE_BYTES, readEnvelope)
}

function readEnvelope (bytes: Uint8Array): DecodedEnvelope {
  const d = decoding.createDecoder(bytes)
  const version = uint(d)
  if (version !== ENVELOPE_VERSION) throw new EnvelopeInvalidError(`Unknown envelope version ${version}`)
  const doc = parseDocId(string(d, 26))
  const signer = parseOrgId(string(d, 64))
  const author = string(d, MAX_AUTHOR_BYTES)
  const seq = uint(d)
  const prev = raw(d, ENVELOPE_HASH_BYTES)
  const n = uint(d)
  if (n > MAX_ENVELOPE_CLIENTS) throw new EnvelopeInvalidError(`Envelope with ${n} clients (at most ${MAX_ENVELOPE_CLIENTS})`)
  const clients: EnvelopeClient[] = []
  for (let i = 0; i < n; i++) clients.push({ client: uint(d), nonce: uint(d) })
  const length = uint(d)
  if (length > MAX_ENVELOPE_UPDATE_BYTES) throw new OversizedMessageError(`Update of ${length} bytes exceeds ${MAX_ENVELOPE_UPDATE_BYTES}`)
  const update = raw(d, length)
  const bodyEnd = d.pos
  const sig = raw(d, SIGNATURE_BYTES)
  if (d.pos !== bytes.length) throw new EnvelopeInvalidError('Trailing bytes after the signature')
  const envelope = { doc, signer, author, seq, prev, clients, update, sig, bytes, body: bytes.subarray(0, bodyEnd) }
  checkFields(envelope)
  return envelope
}

function checkFields (f: Omit<Envelope, 'sig'>): void {
  parseDocId(f.doc)
  parseOrgId(f.signer)
  if (typeof f.author !== 'string' || u8FromString(f.author).length > MAX_AUTHOR_BYTES) throw new EnvelopeInvalidError('Author too long')
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(f.author)) throw new EnvelopeInvalidError('Author has control characters')
  if (!Number.isSafeInteger(f.seq) || f.seq < 1) throw new EnvelopeInvalidError(`Bad seq ${f.seq}`)
  if (!(f.prev instanceof Uint8Array) || f.prev.length !== ENVELOPE_HASH_BYTES) throw new EnvelopeInvalidError('prev must be 32 bytes')
  if (f.seq === 1 && f.prev.some(b => b !== 0)) throw new EnvelopeInvalidError('A first envelope has no previous one')
  if (!Array.isArray(f.clients) || f.clients.length > MAX_ENVELOPE_CLIENTS) throw new EnvelopeInvalidError('Too many clients')
  let last = -1
  for (const c of f.clients) {
    if (!Number.isSafeInteger(c.client) || c.client <= last) throw new EnvelopeInvalidError('Clients must be safe integers in ascending order')
    if (!Number.isInteger(c.nonce) || c.nonce < 0 || c.nonce > MAX_BINDING_NONCE) throw new EnvelopeInvalidError('Bad client nonce')
    last = c.client
  }
  if (!(f.update instanceof Uint8Array) || f.update.length > MAX_ENVELOPE_UPDATE_BYTES) throw new OversizedMessageError('Update too large')
}


/** The bytes a signature covers. */
export function envelopeSigningBytes (body: Uint8Array): Uint8Array {
  return withPrefix(ENVELOPE_SIGNING_PREFIX, body)
}

/** An envelope's hash, what the signer's next envelope names as `prev`: sha256 of the body (the signature left out). */
export async function envelopeHash (envelope: Pick<DecodedEnvelope, 'body'>): Promise<Uint8Array> {
  return (await sha256.digest(envelope.body)).digest
}

/**
 * Sign and encode an envelope with the organisation's key (the signer is the key's organisation).
 * @throws EnvelopeInvalidError or OversizedMessageError when a field breaks its bound
 */
export async function signEnvelope (key: PrivateKey, fields: Omit<Envelope, 'sig'>): Promise<VerifiedEnvelope> {
  const body = encodeEnvelopeBody(fields)
  const bytes = joinSigned(body, await key.sign(envelopeSigningBytes(body)))
  return { ...fields, sig: bytes.subarray(body.length), bytes, body: bytes.subarray(0, body.length) } as VerifiedEnvelope
}

/**
 * Check that the signer signed exactly these bytes.
 * @throws EnvelopeSignatureError
 */
export async function verifyEnvelope (envelope: DecodedEnvelope): Promise<VerifiedEnvelope> {
  const key = orgPublicKey(envelope.signer)
  if (!(await key.verify(envelopeSigningBytes(envelope.body), envelope.sig))) {
    throw new EnvelopeSignatureError(`Envelope ${envelope.seq} of ${envelope.doc} is not signed by ${envelope.signer}`)
  }
  return envelope as VerifiedEnvelope
}

/**
 * The struct check: every listed client derives from the signer, every struct of the update
 * (items, GC, skips) is written with a listed client, and, when `bindings` is given, no listed client
 * is already bound to another organisation. Changes nothing; the caller adds the returned bindings
 * once the whole envelope is accepted.
 * @throws ForeignClientError; CorruptUpdateError when the update does not decode
 */
export async function checkEnvelopeStructs (envelope: VerifiedEnvelope, bindings?: ClientBindings): Promise<{ owners: UpdateOwners, bindings: VerifiedBinding[] }> {
  const owners = structOwners(envelope.update)
  const listed = new Set(envelope.clients.map(c => c.client))
  const foreign = owners.clients.find(c => !listed.has(c))
  if (foreign !== undefined) throw new ForeignClientError(`The update writes with client ${foreign}, which the envelope does not bind`)
  const out: VerifiedBinding[] = []
  for (const { client, nonce } of envelope.clients) {
    if (await deriveClientId(envelope.signer, envelope.doc, nonce) !== client) {
      throw new ForeignClientError(`Client ${client} does not derive from ${envelope.signer}`)
    }
    const held = bindings?.orgOf(client)
    if (held != null && held !== envelope.signer) throw new ForeignClientError(`Client ${client} is bound to ${held}, not ${envelope.signer}`)
    out.push({ kind: 'derived', doc: envelope.doc, client, org: envelope.signer, nonce } as VerifiedBinding)
  }
  return { owners, bindings: out }
}
