import type { DocHeader, DocId, Grant } from '@commonplace/core'

/** Numbers on the wire for each message type (docs/protocol.md). */
export const MessageType = {
  hello: 0,
  access: 1,
  offer: 2,
  want: 3,
  update: 4,
  reply: 5,
  mark: 6,
  ack: 7,
  error: 8
} as const
export type MessageType = keyof typeof MessageType

/** First message each side sends: its wire version, store id and organisation's display name. */
export interface HelloMessage { type: 'hello', version: number, storeId: string, name: string }
/** A document's header and grants (unverified as received). */
export interface AccessMessage { type: 'access', header: DocHeader, grants: Grant[] }
/** "I hold this document at this digest and state vector." */
export interface OfferMessage { type: 'offer', doc: DocId, digest: Uint8Array, stateVector: Uint8Array }
/** "Send me what I lack; this is my state vector." Always answered by exactly one REPLY. */
export interface WantMessage { type: 'want', doc: DocId, stateVector: Uint8Array }
/** A Yjs update pushed without being asked (live edit, or the other half of an OFFER). */
export interface UpdateMessage { type: 'update', doc: DocId, update: Uint8Array }
/** The answer to a WANT; an empty update means "nothing for you". */
export interface ReplyMessage { type: 'reply', doc: DocId, update: Uint8Array }
/** "Every change up to my sequence number `seq` that you may have is before this message." */
export interface MarkMessage { type: 'mark', seq: number }
/** "I applied and stored everything before your MARK `seq`." */
export interface AckMessage { type: 'ack', seq: number }
/** A refusal that does not end the session (e.g. an update from a peer with read access). */
export interface ErrorMessage { type: 'error', doc: string, code: string, message: string }

export type Message =
  | HelloMessage | AccessMessage | OfferMessage | WantMessage | UpdateMessage
  | ReplyMessage | MarkMessage | AckMessage | ErrorMessage

export const isHello = (m: Message): m is HelloMessage => m.type === 'hello'
export const isAccess = (m: Message): m is AccessMessage => m.type === 'access'
export const isOffer = (m: Message): m is OfferMessage => m.type === 'offer'
export const isWant = (m: Message): m is WantMessage => m.type === 'want'
export const isUpdate = (m: Message): m is UpdateMessage => m.type === 'update'
export const isReply = (m: Message): m is ReplyMessage => m.type === 'reply'
export const isMark = (m: Message): m is MarkMessage => m.type === 'mark'
export const isAck = (m: Message): m is AckMessage => m.type === 'ack'
export const isError = (m: Message): m is ErrorMessage => m.type === 'error'
