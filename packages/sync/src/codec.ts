import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { MalformedMessageError, OversizedMessageError, isCommonplaceError, parseDocId, readGrant, writeGrant } from '@commonplace/core'
import type { DocId, EnvelopeVector, OrgId, SignedHoldings } from '@commonplace/core'
import { MessageType } from './messages.ts'
import type { Message, SignedItemsMessage } from './messages.ts'
import {
  CHECKPOINT_ID_BYTES, DEFAULT_MAX_ITEM_BYTES, DIGEST_BYTES, MAX_GRANTS, MAX_ITEMS_PER_MESSAGE, MAX_MESSAGES_PER_FRAME,
  MAX_ORG_ID_CHARS, MAX_STRING, MAX_VECTOR_SIGNERS
} from './constants.ts'

export interface CodecLimits {
  /** Largest signed item (envelope or checkpoint) accepted in one message (bytes). */
  maxItemBytes?: number
}

/** More-flag of ENVELOPES and REPLY: the sender holds more that the receiver lacks. */
const FLAG_MORE = 1

/** Append one message to an encoder. */
export function writeMessage (e: encoding.Encoder, m: Message): void {
  encoding.writeVarUint(e, MessageType[m.type])
  switch (m.type) {
    case 'hello':
      encoding.writeVarUint(e, m.version)
      encoding.writeVarString(e, m.storeId)
      encoding.writeVarString(e, m.name.slice(0, MAX_STRING))
      break
    case 'access':
      encoding.writeVarString(e, m.header.id)
      encoding.writeVarString(e, m.header.owner)
      encoding.writeVarString(e, m.header.nonce)
      encoding.writeVarUint(e, m.grants.length)
      for (const g of m.grants) writeGrant(e, g)
      break
    case 'offer':
      encoding.writeVarString(e, m.doc)
      encoding.writeVarUint8Array(e, m.digest)
      writeHoldings(e, m.holdings)
      break
    case 'want':
      encoding.writeVarString(e, m.doc)
      writeHoldings(e, m.holdings)
      break
    case 'envelopes':
    case 'reply':
      writeSignedItems(e, m)
      break
    case 'mark':
    case 'ack':
      encoding.writeVarUint(e, m.seq)
      break
    case 'error':
      encoding.writeVarString(e, m.doc)
      encoding.writeVarString(e, m.code)
      encoding.writeVarString(e, m.message.slice(0, MAX_STRING))
      break
  }
}

/** Read one message, checking every field against its bounds. */
export function readMessage (d: decoding.Decoder, limits: CodecLimits = {}): Message {
  const maxItem = limits.maxItemBytes ?? DEFAULT_MAX_ITEM_BYTES
  const tag = decoding.readVarUint(d)
  switch (tag) {
    case MessageType.hello:
      return { type: 'hello', version: decoding.readVarUint(d), storeId: readString(d), name: readString(d) }
    case MessageType.access: {
      const doc = readDoc(d)
      const owner = readString(d) as OrgId
      const nonce = readString(d)
      const n = decoding.readVarUint(d)
      if (n > MAX_GRANTS) throw new MalformedMessageError(`ACCESS with ${n} grants (at most ${MAX_GRANTS})`)
      const grants = []
      for (let i = 0; i < n; i++) grants.push(readGrant(d, doc, owner))
      return { type: 'access', header: { id: doc, owner, nonce }, grants }
    }
    case MessageType.offer: {
      const doc = readDoc(d)
      const digest = readBytes(d, DIGEST_BYTES, 'digest')
      if (digest.byteLength !== DIGEST_BYTES) throw new MalformedMessageError('Digest must be 32 bytes')
      return { type: 'offer', doc, digest, holdings: readHoldings(d) }
    }
    case MessageType.want:
      return { type: 'want', doc: readDoc(d), holdings: readHoldings(d) }
    case MessageType.envelopes:
      return { type: 'envelopes', ...readSignedItems(d, maxItem) }
    case MessageType.reply:
      return { type: 'reply', ...readSignedItems(d, maxItem) }
    case MessageType.mark:
      return { type: 'mark', seq: decoding.readVarUint(d) }
    case MessageType.ack:
      return { type: 'ack', seq: decoding.readVarUint(d) }
    case MessageType.error:
      return { type: 'error', doc: readString(d), code: readString(d), message: readString(d) }
    default:
      throw new MalformedMessageError(`Unknown message type ${tag}`)
  }
}

/** `checkpoint:bytes(0 | 32) n:varuint (signer:string seq:varuint){n}`, signers strictly ascending. */
function writeHoldings (e: encoding.Encoder, h: SignedHoldings): void {
  encoding.writeVarUint8Array(e, h.checkpoint ?? new Uint8Array(0))
  const signers = Object.keys(h.vector).sort()
  encoding.writeVarUint(e, signers.length)
  for (const signer of signers) {
    encoding.writeVarString(e, signer)
    encoding.writeVarUint(e, h.vector[signer as OrgId])
  }
}

function readHoldings (d: decoding.Decoder): SignedHoldings {
  const checkpoint = readBytes(d, CHECKPOINT_ID_BYTES, 'checkpoint id')
  if (checkpoint.byteLength !== 0 && checkpoint.byteLength !== CHECKPOINT_ID_BYTES) throw new MalformedMessageError('A checkpoint id is 32 bytes')
  const n = decoding.readVarUint(d)
  if (n > MAX_VECTOR_SIGNERS) throw new OversizedMessageError(`Envelope vector of ${n} signers (at most ${MAX_VECTOR_SIGNERS})`)
  // a null prototype: a signer named like an Object member stays a plain entry
  const vector: EnvelopeVector = Object.create(null)
  let last = ''
  for (let i = 0; i < n; i++) {
    const signer = readOrgId(d)
    if (signer <= last) throw new MalformedMessageError('Envelope vector signers must be in strictly ascending order')
    const seq = decoding.readVarUint(d)
    if (!Number.isSafeInteger(seq)) throw new MalformedMessageError('Envelope seq out of range')
    vector[signer] = seq
    last = signer
  }
  return checkpoint.byteLength === 0 ? { vector } : { vector, checkpoint }
}

/** `doc:string flags:varuint n:varuint item:bytes{n}`; flag 1: the sender holds more. */
function writeSignedItems (e: encoding.Encoder, m: SignedItemsMessage): void {
  encoding.writeVarString(e, m.doc)
  const items = m.items
  encoding.writeVarUint(e, m.more ? FLAG_MORE : 0)
  encoding.writeVarUint(e, items.length)
  for (const item of items) encoding.writeVarUint8Array(e, item)
}

function readSignedItems (d: decoding.Decoder, maxItem: number): { doc: DocId, items: Uint8Array[], more: boolean } {
  const doc = readDoc(d)
  const flags = decoding.readVarUint(d)
  if ((flags & ~FLAG_MORE) !== 0) throw new MalformedMessageError(`Unknown flags ${flags}`)
  const n = decoding.readVarUint(d)
  if (n > MAX_ITEMS_PER_MESSAGE) throw new OversizedMessageError(`${n} signed items in one message (at most ${MAX_ITEMS_PER_MESSAGE})`)
  const items: Uint8Array[] = []
  for (let i = 0; i < n; i++) {
    const item = readBytes(d, maxItem, 'signed item')
    if (item.byteLength === 0) throw new MalformedMessageError('Empty signed item')
    items.push(item)
  }
  return { doc, items, more: flags === FLAG_MORE }
}

/** A frame is a count and that many messages. */
export function encodeFrame (messages: Message[]): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, messages.length)
  for (const m of messages) writeMessage(e, m)
  return encoding.toUint8Array(e)
}

/**
 * Decode a whole frame or throw: MalformedMessageError for anything that does not parse
 * (including trailing bytes), OversizedMessageError for a field over its limit.
 */
export function decodeFrame (bytes: Uint8Array, limits: CodecLimits = {}): Message[] {
  try {
    const d = decoding.createDecoder(bytes)
    const n = decoding.readVarUint(d)
    if (n > MAX_MESSAGES_PER_FRAME) throw new MalformedMessageError(`Frame with ${n} messages`)
    const messages: Message[] = []
    for (let i = 0; i < n; i++) messages.push(readMessage(d, limits))
    if (decoding.hasContent(d)) throw new MalformedMessageError('Trailing bytes after the last message')
    return messages
  } catch (err) {
    if (isCommonplaceError(err)) throw err
    throw new MalformedMessageError('Frame does not decode', { cause: err })
  }
}

function readDoc (d: decoding.Decoder): DocId {
  const value = readString(d)
  try {
    return parseDocId(value)
  } catch (err) {
    throw new MalformedMessageError('Bad document id', { cause: err })
  }
}

/** An organisation id: base58btc characters (a PeerId string), bounded; the store parses it where it matters. */
function readOrgId (d: decoding.Decoder): OrgId {
  const len = peekLength(d)
  if (len > MAX_ORG_ID_CHARS) throw new OversizedMessageError(`Organisation id of ${len} bytes`)
  const value = decoding.readVarString(d)
  if (!BASE58.test(value)) throw new MalformedMessageError('Bad organisation id')
  return value as OrgId
}

const BASE58 = /^[1-9A-HJ-NP-Za-km-z]+$/

function readString (d: decoding.Decoder): string {
  const len = peekLength(d)
  if (len > MAX_STRING * 4) throw new OversizedMessageError(`String of ${len} bytes`)
  return decoding.readVarString(d)
}

function readBytes (d: decoding.Decoder, max: number, what: string): Uint8Array {
  const len = decoding.readVarUint(d)
  if (len > max) throw new OversizedMessageError(`${what} of ${len} bytes exceeds ${max}`)
  // lib0 would read past the end of a view into the buffer behind it
  if (len > d.arr.length - d.pos) throw new MalformedMessageError(`${what} runs past the end of the frame`)
  return decoding.readUint8Array(d, len)
}

function peekLength (d: decoding.Decoder): number {
  return decoding.peekVarUint(d)
}
