import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { MalformedMessageError, OversizedMessageError, isCommonplaceError, parseDocId } from '@commonplace/core'
import type { DocId, OrgId } from '@commonplace/core'
import { readGrant, writeGrant } from '@commonplace/docstore'
import { MessageType } from './messages.ts'
import type { Message } from './messages.ts'
import {
  DEFAULT_MAX_UPDATE_BYTES, DIGEST_BYTES, MAX_GRANTS, MAX_MESSAGES_PER_FRAME, MAX_STATE_VECTOR_BYTES, MAX_STRING
} from './constants.ts'

export interface CodecLimits {
  /** Largest Yjs update accepted in one message (bytes). */
  maxUpdateBytes?: number
}

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
      encoding.writeVarUint8Array(e, m.stateVector)
      break
    case 'want':
      encoding.writeVarString(e, m.doc)
      encoding.writeVarUint8Array(e, m.stateVector)
      break
    case 'update':
    case 'reply':
      encoding.writeVarString(e, m.doc)
      encoding.writeVarUint8Array(e, m.update)
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
  const maxUpdate = limits.maxUpdateBytes ?? DEFAULT_MAX_UPDATE_BYTES
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
      return { type: 'offer', doc, digest, stateVector: readBytes(d, MAX_STATE_VECTOR_BYTES, 'state vector') }
    }
    case MessageType.want:
      return { type: 'want', doc: readDoc(d), stateVector: readBytes(d, MAX_STATE_VECTOR_BYTES, 'state vector') }
    case MessageType.update:
      return { type: 'update', doc: readDoc(d), update: readBytes(d, maxUpdate, 'update') }
    case MessageType.reply:
      return { type: 'reply', doc: readDoc(d), update: readBytes(d, maxUpdate, 'update') }
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

function readString (d: decoding.Decoder): string {
  const len = peekLength(d)
  if (len > MAX_STRING * 4) throw new OversizedMessageError(`String of ${len} bytes`)
  return decoding.readVarString(d)
}

function readBytes (d: decoding.Decoder, max: number, what: string): Uint8Array {
  const len = peekLength(d)
  if (len > max) throw new OversizedMessageError(`${what} of ${len} bytes exceeds ${max}`)
  if (len > d.arr.length - d.pos) throw new MalformedMessageError(`${what} runs past the end of the frame`)
  return decoding.readVarUint8Array(d)
}

function peekLength (d: decoding.Decoder): number {
  return decoding.peekVarUint(d)
}
