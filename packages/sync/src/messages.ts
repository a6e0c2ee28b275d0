import type { DocHeader, DocId, Grant, SignedHoldings } from '@commonplace/core'

/** Numbers on the wire for each message type (docs/protocol.md). 5 is REPLY, 4 ENVELOPES. */
export const MessageType = {
  hello: 0,
  access: 1,
  offer: 2,
  want: 3,
  envelopes: 4,
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
/** "I hold this document at this digest, envelope vector and checkpoint." */
export interface OfferMessage { type: 'offer', doc: DocId, digest: Uint8Array, holdings: SignedHoldings }
/** "Send me the signed items I lack; this is what I hold." Always answered by exactly one REPLY. */
export interface WantMessage { type: 'want', doc: DocId, holdings: SignedHoldings }
/**
 * Signed items (envelopes, checkpoints) of one document, exactly as their authors signed them:
 * pushed unasked (live changes, a first meeting, the other half of an OFFER). `more`: the sender
 * holds more that the receiver lacks; ask with WANT.
 */
export interface EnvelopesMessage { type: 'envelopes', doc: DocId, items: Uint8Array[], more: boolean }
/** The answer to a WANT, as ENVELOPES; no items means "nothing for you". */
export interface ReplyMessage { type: 'reply', doc: DocId, items: Uint8Array[], more: boolean }
/** "Every change up to my sequence number `seq` that you may have is before this message." */
export interface MarkMessage { type: 'mark', seq: number }
/** "I applied and stored everything before your MARK `seq`." */
export interface AckMessage { type: 'ack', seq: number }
/** A refusal that does not end the session (e.g. an envelope whose signer may not edit). */
export interface ErrorMessage { type: 'error', doc: string, code: string, message: string }

/** A message that carries signed items. */
export type SignedItemsMessage = EnvelopesMessage | ReplyMessage

export type Message =
  | HelloMessage | AccessMessage | OfferMessage | WantMessage | EnvelopesMessage
  | ReplyMessage | MarkMessage | AckMessage | ErrorMessage

export const isHello = (m: Message): m is HelloMessage => m.type === 'hello'
export const isAccess = (m: Message): m is AccessMessage => m.type === 'access'
export const isOffer = (m: Message): m is OfferMessage => m.type === 'offer'
export const isWant = (m: Message): m is WantMessage => m.type === 'want'
export const isEnvelopes = (m: Message): m is EnvelopesMessage => m.type === 'envelopes'
export const isReply = (m: Message): m is ReplyMessage => m.type === 'reply'
export const isMark = (m: Message): m is MarkMessage => m.type === 'mark'
export const isAck = (m: Message): m is AckMessage => m.type === 'ack'
export const isError = (m: Message): m is ErrorMessage => m.type === 'error'
