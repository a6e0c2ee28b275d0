import { lpStream } from '@libp2p/utils'
import { MalformedMessageError } from '@commonplace/core'
import type { Stream } from '@libp2p/interface'
import { toString as u8ToString, fromString as u8FromString } from 'uint8arrays'
import { MAX_FRAME_BYTES } from './constants.ts'

/** Write one JSON value as a length-prefixed frame. */
export async function writeFrame (stream: Stream, value: unknown, options: { signal?: AbortSignal } = {}): Promise<void> {
  await lpStream(stream, { maxDataLength: MAX_FRAME_BYTES }).write(u8FromString(JSON.stringify(value)), options)
}

/** Read one length-prefixed JSON frame (at most MAX_FRAME_BYTES). */
export async function readFrame (stream: Stream, options: { signal?: AbortSignal } = {}): Promise<unknown> {
  const bytes = await lpStream(stream, { maxDataLength: MAX_FRAME_BYTES }).read(options)
  try {
    return JSON.parse(u8ToString(bytes.subarray()))
  } catch (err) {
    throw new MalformedMessageError('A network frame is not JSON', { cause: err })
  }
}
