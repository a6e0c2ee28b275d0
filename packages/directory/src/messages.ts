/**
 * Messages of `/commonplace/introduce/1.0.0` (docs/protocol.md): one request, one reply, each a
 * length-prefixed JSON frame.
 */
import { lpStream } from '@libp2p/utils'
import { MalformedMessageError, OversizedMessageError } from '@commonplace/core'
import type { Stream } from '@libp2p/interface'
import { toString as u8ToString, fromString as u8FromString } from 'uint8arrays'
import { MAX_INTRODUCE_FRAME_BYTES } from './constants.ts'
import type { AcceptanceStatement, CardStatement, IntroductionStatement } from './statements.ts'

/** "This is who we are; we introduce ourselves to you." */
export interface IntroduceMessage { type: 'introduce', card: CardStatement, introduction: IntroductionStatement }
/** "We accept your introduction." */
export interface AcceptMessage { type: 'accept', card: CardStatement, acceptance: AcceptanceStatement }
export type IntroduceRequest = IntroduceMessage | AcceptMessage

/** `introduced`: waiting for a person there; `accepted`: both are contacts now. */
export type IntroduceReply =
  | { ok: true, status: 'introduced' | 'accepted' }
  | { ok: false, code: string, message: string }

export const isIntroduceMessage = (m: unknown): m is IntroduceMessage => (m as IntroduceMessage)?.type === 'introduce'
export const isAcceptMessage = (m: unknown): m is AcceptMessage => (m as AcceptMessage)?.type === 'accept'

/** Write one JSON value as a length-prefixed frame. */
export async function writeMessage (stream: Stream, value: unknown, options: { signal?: AbortSignal } = {}): Promise<void> {
  await lpStream(stream, { maxDataLength: MAX_INTRODUCE_FRAME_BYTES }).write(u8FromString(JSON.stringify(value)), options)
}

/** Read one length-prefixed JSON frame (at most MAX_INTRODUCE_FRAME_BYTES). */
export async function readMessage (stream: Stream, options: { signal?: AbortSignal } = {}): Promise<unknown> {
  let bytes
  try {
    bytes = await lpStream(stream, { maxDataLength: MAX_INTRODUCE_FRAME_BYTES }).read(options)
  } catch (err) {
    throw typedReadError(err, 'An introduce frame')
  }
  try {
    return JSON.parse(u8ToString(bytes.subarray()))
  } catch (err) {
    throw new MalformedMessageError('An introduce frame is not JSON', { cause: err })
  }
}

/** Send a request on a fresh stream and read the reply; the stream is closed either way. */
export async function exchange (stream: Stream, request: IntroduceRequest, options: { signal?: AbortSignal } = {}): Promise<IntroduceReply> {
  try {
    await writeMessage(stream, request, options)
    const reply = await readMessage(stream, options) as IntroduceReply
    await stream.close(options).catch(() => {})
    if (reply == null || typeof reply !== 'object' || typeof reply.ok !== 'boolean') throw new MalformedMessageError('An introduce reply is malformed')
    return reply
  } catch (err) {
    stream.abort(err as Error)
    throw err
  }
}

/**
 * What the length-prefix reader throws for the peer's bytes (too long, cut short, a bad length) as
 * a typed refusal; a stream's abort or reset stays as it is.
 */
function typedReadError (err: unknown, what: string): unknown {
  const name = (err as Error)?.name
  if (name === 'InvalidDataLengthError' || name === 'InvalidDataLengthLengthError' || name === 'InvalidMessageLengthError') {
    return new OversizedMessageError(`${what} is longer than ${MAX_INTRODUCE_FRAME_BYTES} bytes`, { cause: err })
  }
  if (name === 'UnexpectedEOFError') {
    return new MalformedMessageError(`${what} ended before its length-prefixed end`, { cause: err })
  }
  return err
}
