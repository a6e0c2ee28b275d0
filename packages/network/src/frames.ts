import { lpStream } from '@libp2p/utils'
import { MalformedMessageError, OversizedMessageError } from '@commonplace/core'
import type { Stream } from '@libp2p/interface'
import { toString as u8ToString, fromString as u8FromString } from 'uint8arrays'
import { MAX_FRAME_BYTES } from './constants.ts'

/** Write one JSON value as a length-prefixed frame. */
export async function writeFrame (stream: Stream, value: unknown, options: { signal?: AbortSignal } = {}): Promise<void> {
  await lpStream(stream, { maxDataLength: MAX_FRAME_BYTES }).write(u8FromString(JSON.stringify(value)), options)
}

/** Read one length-prefixed JSON frame (at most MAX_FRAME_BYTES). */
export async function readFrame (stream: Stream, options: { signal?: AbortSignal } = {}): Promise<unknown> {
  let bytes
  try {
    bytes = await lpStream(stream, { maxDataLength: MAX_FRAME_BYTES }).read(options)
  } catch (err) {
    throw typedReadError(err, 'A network frame')
  }
  try {
    return JSON.parse(u8ToString(bytes.subarray()))
  } catch (err) {
    throw new MalformedMessageError('A network frame is not JSON', { cause: err })
  }
}

/**
 * What the length-prefix reader throws for the peer's bytes (too long, cut short, a bad length) as
 * a typed refusal; a stream's abort or reset stays as it is.
 */
function typedReadError (err: unknown, what: string): unknown {
  const name = (err as Error)?.name
  if (name === 'InvalidDataLengthError' || name === 'InvalidDataLengthLengthError' || name === 'InvalidMessageLengthError') {
    return new OversizedMessageError(`${what} is longer than ${MAX_FRAME_BYTES} bytes`, { cause: err })
  }
  if (name === 'UnexpectedEOFError') {
    return new MalformedMessageError(`${what} ended before its length-prefixed end`, { cause: err })
  }
  return err
}
