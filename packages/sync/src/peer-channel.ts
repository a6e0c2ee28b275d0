import { LengthPrefixedDecoder } from '@libp2p/utils'
import * as varint from 'uint8-varint'
import { MalformedMessageError, OversizedMessageError, isCommonplaceError } from '@commonplace/core'
import type { Logger, Stream } from '@libp2p/interface'
import { decodeFrame, encodeFrame } from './codec.ts'
import type { CodecLimits } from './codec.ts'
import type { EnvelopesMessage, Message } from './messages.ts'
import { MAX_ITEMS_PER_MESSAGE } from './constants.ts'
import type { SyncSession } from './session.ts'

export interface PeerChannelInit {
  stream: Stream
  session: SyncSession
  log: Logger
  maxFrameBytes: number
  targetFrameBytes: number
  limits: CodecLimits
  /** Counts bytes of frames read and written (after the length prefix). */
  onBytes?: (direction: 'in' | 'out', bytes: number) => void
  /**
   * Starts checking a frame's signatures off the event loop as soon as it is read; the frame is
   * handled once that settles (it never rejects), while the frames before it are handled.
   * Undefined: nothing to wait for.
   */
  preverify?: (messages: Message[]) => Promise<void> | undefined
}

/**
 * Frames read ahead of the one being handled (their signatures checked meanwhile), at most: this
 * many, and this many bytes of them beyond the first (one frame of the largest size still goes).
 */
const MAX_FRAMES_AHEAD = 8
const MAX_BYTES_AHEAD = 4 * 1024 * 1024

/**
 * Owns one long-lived stream to one peer: length-prefixed framing, batching of what is queued,
 * back-pressure (waits for `drain`), and the session's messages in order. A malformed or
 * oversized frame, or a corrupt update, aborts the stream with a typed error.
 */
export interface PeerChannel {
  /** Queue messages; they go out in the next frame. */
  send(messages: Message[]): void
  /** Write soon even with nothing queued (a MARK for changes that reached the disk). */
  kick(): void
  /** Resolves when the stream ends; rejects with the error that ended it. */
  readonly done: Promise<void>
  close(): Promise<void>
  abort(err: Error): void
  /** Messages queued and not yet written (the metrics' sync queue depth). */
  readonly queued: number
}

export function createPeerChannel (init: PeerChannelInit): PeerChannel {
  return new Channel(init)
}

class Channel implements PeerChannel {
  readonly done: Promise<void>
  private readonly init: PeerChannelInit
  private readonly queue: Message[] = []
  private scheduled = false
  private holding = false
  private writing = false
  /** The MARK timer asked for a MARK even if nothing else goes out. */
  private markWanted = false
  private closed = false

  get queued (): number { return this.queue.length }

  constructor (init: PeerChannelInit) {
    this.init = init
    this.send(init.session.open())
    this.done = this.readLoop()
  }

  send (messages: Message[]): void {
    if (this.closed || messages.length === 0) return
    this.queue.push(...messages)
    this.schedule()
  }

  /** Send a MARK now if the store landed changes since the last one (the service's MARK timer). */
  kick (): void {
    if (this.closed) return
    this.markWanted = true
    this.schedule()
  }

  async close (): Promise<void> {
    this.closed = true
    await this.init.stream.close().catch(() => {})
  }

  abort (err: Error): void {
    this.closed = true
    this.init.stream.abort(err)
  }

  private schedule (): void {
    if (this.scheduled || this.holding) return
    this.scheduled = true
    queueMicrotask(() => {
      this.scheduled = false
      this.flush().catch(err => { this.fail(err as Error) })
    })
  }

  /**
   * Write everything queued, in frames of about `targetFrameBytes`; the last frame ends with a
   * MARK. Frames that only acknowledge carry none: a MARK asks for an ACK, and an ACK that carried
   * one would be answered by an ACK carrying one, for as long as both stores land changes. Changes
   * landed with nothing else to send are confirmed when the service's timer kicks. Between frames
   * of a long catch-up the event loop gets a turn (the sockets move what was written, and a frame
   * from the peer is handled; its answers then go out together after it).
   */
  private async flush (): Promise<void> {
    if (this.writing || this.closed) return
    this.writing = true
    try {
      while (!this.closed) {
        if (this.queue.length === 0 && this.markWanted) this.queue.push(...this.init.session.mark())
        this.markWanted = false
        if (this.queue.length === 0) break
        const batch = this.takeBatch()
        if (this.queue.length === 0 && batch.some(m => m.type !== 'ack' && m.type !== 'mark')) batch.push(...this.init.session.mark())
        const frame = encodeFrame(batch)
        this.init.onBytes?.('out', frame.byteLength)
        if (!this.init.stream.send(lengthPrefixed(frame))) {
          await this.init.stream.onDrain()
        } else if (this.queue.length > 0) {
          await new Promise(resolve => setImmediate(resolve))
        }
        if (this.holding) break
      }
    } finally {
      this.writing = false
    }
  }

  private takeBatch (): Message[] {
    let size = 0
    let n = 0
    while (n < this.queue.length && (n === 0 || size < this.init.targetFrameBytes)) {
      size += approximateLength(this.queue[n])
      n++
    }
    return coalesceEnvelopes(this.queue.splice(0, n))
  }

  private async readLoop (): Promise<void> {
    const decoder = new LengthPrefixedDecoder({
      maxDataLength: this.init.maxFrameBytes,
      maxBufferSize: this.init.maxFrameBytes * 2,
      lengthDecoder: lengthOrWait(this.init.maxFrameBytes)
    })
    // frames are handled one after another, in order; reading goes on meanwhile (up to
    // MAX_FRAMES_AHEAD), so that a frame's signatures are checked while those before it are applied
    let handled: Promise<void> = Promise.resolve()
    const ahead: Array<{ handled: Promise<void>, bytes: number }> = []
    let bytesAhead = 0
    let failure: Error | undefined
    try {
      for await (const chunk of this.init.stream) {
        for (const frame of decodeOrThrow(decoder, chunk)) {
          if (failure != null) throw failure
          const bytes = frame.subarray()
          this.init.onBytes?.('in', bytes.byteLength)
          const messages = decodeFrame(bytes, this.init.limits)
          const checked = this.init.preverify?.(messages)
          handled = handled.then(async () => {
            if (failure != null) return
            if (checked != null) await checked
            try {
              await this.handleFrame(messages)
            } catch (err) {
              failure = err as Error
              this.fail(failure)
            }
          })
          ahead.push({ handled, bytes: bytes.byteLength })
          bytesAhead += bytes.byteLength
          while (ahead.length > 1 && (ahead.length > MAX_FRAMES_AHEAD || bytesAhead > MAX_BYTES_AHEAD)) {
            const oldest = ahead.shift() as { handled: Promise<void>, bytes: number }
            await oldest.handled
            bytesAhead -= oldest.bytes
          }
        }
      }
      await handled
      if (failure != null) throw failure
    } catch (err) {
      // a frame that failed to be handled aborted the stream: its error is the one that ended it
      const error = failure ?? err as Error
      this.fail(error)
      throw error
    } finally {
      this.closed = true
    }
  }

  private async handleFrame (messages: Message[]): Promise<void> {
    // the ACK of a frame's closing MARK waits for the store's group commit at the end of this
    // turn instead of forcing a disk write in the middle of reading; reading goes on
    const closingMark = messages.at(-1)?.type === 'mark' ? messages.pop() : undefined
    // answers to one frame go out together, after the whole frame is handled
    this.holding = true
    try {
      for (const message of messages) this.send(await this.init.session.receive(message))
    } finally {
      this.holding = false
    }
    this.schedule()
    if (closingMark != null) this.markLater(closingMark)
  }

  private markLater (mark: Message): void {
    setImmediate(() => {
      if (this.closed) return
      this.init.session.receive(mark).then(answers => { this.send(answers) }, err => { this.fail(err as Error) })
    })
  }

  private fail (err: Error): void {
    if (this.init.stream.status !== 'open') {
      // the stream was closing anyway (the connection went away while we wrote)
      this.closed = true
      return
    }
    this.init.log.error('sync stream failed: %s %s', err.name, err.message)
    this.closed = true
    this.init.stream.abort(err)
  }
}

function * decodeOrThrow (decoder: LengthPrefixedDecoder, chunk: Parameters<LengthPrefixedDecoder['decode']>[0]): Generator<ReturnType<LengthPrefixedDecoder['decode']> extends Generator<infer T> ? T : never> {
  try {
    yield * decoder.decode(chunk)
  } catch (err) {
    if (isCommonplaceError(err)) throw err
    const name = (err as Error).name
    if (name === 'InvalidMessageLengthError' || name === 'InvalidParametersError') {
      throw new OversizedMessageError(`Frame larger than allowed: ${(err as Error).message}`, { cause: err })
    }
    throw new MalformedMessageError(`Bad frame: ${(err as Error).message}`, { cause: err })
  }
}

/** What the decoder holds: a Uint8Array or a Uint8ArrayList. */
type Buffered = Parameters<LengthPrefixedDecoder['decode']>[0]

/** The most bytes a varint length prefix of a frame can take (a length up to 2^53). */
const MAX_PREFIX_BYTES = 8

/**
 * The decoder's length prefix reader. While the prefix has not fully arrived it answers a length
 * that the buffer cannot hold yet (0 when the buffer is empty, else the largest frame allowed), so
 * that the decoder waits for more bytes; its default, `varint.decode`, throws a RangeError to say
 * so, and capturing that error's stack for every chunk read was a measurable part of a live edit's
 * time at the receiving node.
 */
export function lengthOrWait (maxFrameBytes: number): (data: Buffered) => number {
  return data => {
    const available = Math.min(data.byteLength, MAX_PREFIX_BYTES)
    for (let i = 0; i < available; i++) {
      if (((data instanceof Uint8Array ? data[i] : data.get(i)) & 0x80) === 0) return varint.decode(data)
    }
    // a prefix longer than any allowed length: varint.decode says what is wrong with it
    if (data.byteLength >= MAX_PREFIX_BYTES) return varint.decode(data)
    return data.byteLength === 0 ? 0 : maxFrameBytes
  }
}

function lengthPrefixed (frame: Uint8Array): Uint8Array {
  const prefix = varint.encode(frame.byteLength)
  const out = new Uint8Array(prefix.byteLength + frame.byteLength)
  out.set(prefix, 0)
  out.set(frame, prefix.byteLength)
  return out
}

/**
 * Merge runs of live ENVELOPES messages for the same document into one: a burst of changes queued
 * for a peer goes out as one message with their signed items in order (never re-encoded: each item
 * stays as its author signed it). Messages that say `more` (a first meeting's pages) stay apart.
 */
export function coalesceEnvelopes (messages: Message[]): Message[] {
  const out: Message[] = []
  for (const m of messages) {
    const last = out[out.length - 1]
    if (mergeable(m) && last != null && mergeable(last) && last.doc === m.doc && last.items.length + m.items.length <= MAX_ITEMS_PER_MESSAGE) {
      out[out.length - 1] = { ...last, items: [...last.items, ...m.items] }
    } else {
      out.push(m)
    }
  }
  return out
}

/** A live push: plain fields (not a first meeting's page read when sent), nothing more held back. */
function mergeable (m: Message): m is EnvelopesMessage {
  if (m.type !== 'envelopes') return false
  const items = Object.getOwnPropertyDescriptor(m, 'items')
  return items != null && items.get == null && !m.more
}

/** Enough to cut frames near their target size without encoding each message twice. */
function approximateLength (m: Message): number {
  switch (m.type) {
    case 'envelopes':
    case 'reply': return m.items.reduce((sum, item) => sum + item.byteLength + 4, 40)
    case 'offer':
    case 'want': return Object.keys(m.holdings.vector).length * 56 + 110
    case 'access': return 120 + m.grants.length * 180
    default: return 40
  }
}
