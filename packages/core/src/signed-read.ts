/** Bounded readers shared by the codecs of signed items (envelopes, checkpoints): every failure an EnvelopeInvalidError. */
import * as decoding from 'lib0/decoding'
import { EnvelopeInvalidError, OversizedMessageError } from './errors.ts'

/** A varuint that is a safe integer. */
export function readUint (d: decoding.Decoder): number {
  const n = decoding.readVarUint(d)
  if (!Number.isSafeInteger(n)) throw new EnvelopeInvalidError('Integer out of range')
  return n
}

/** Exactly `length` bytes; lib0 alone would read past the end of a view into its buffer. */
export function readRaw (d: decoding.Decoder, length: number): Uint8Array {
  if (length > d.arr.length - d.pos) throw new EnvelopeInvalidError('Field runs past the end')
  return decoding.readUint8Array(d, length)
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** A length-prefixed UTF-8 string of at most `maxBytes`. */
export function readString (d: decoding.Decoder, maxBytes: number): string {
  const length = readUint(d)
  if (length > maxBytes) throw new EnvelopeInvalidError(`String of ${length} bytes (at most ${maxBytes})`)
  return utf8.decode(readRaw(d, length))
}

/** `prefix ‖ body`: the bytes a signature with domain separation covers. */
export function withPrefix (prefix: string, body: Uint8Array): Uint8Array {
  const head = new TextEncoder().encode(prefix)
  const out = new Uint8Array(head.length + body.length)
  out.set(head)
  out.set(body, head.length)
  return out
}

/** Length of an Ed25519 signature. */
const SIG_BYTES = 64

/** `body ‖ sig`: a signed item's encoding. */
export function joinSigned (body: Uint8Array, sig: Uint8Array): Uint8Array {
  if (!(sig instanceof Uint8Array) || sig.length !== SIG_BYTES) throw new EnvelopeInvalidError('Signature must be 64 bytes')
  const out = new Uint8Array(body.length + SIG_BYTES)
  out.set(body)
  out.set(sig, body.length)
  return out
}

/**
 * Decode a signed item of kind `what` with `read`: bytes, at most `max` of them; every failure an
 * EnvelopeInvalidError (or OversizedMessageError for a bound).
 */
export function decodeSignedItem<T> (what: string, bytes: Uint8Array, max: number, read: (bytes: Uint8Array) => T): T {
  if (!(bytes instanceof Uint8Array)) throw new EnvelopeInvalidError(`A ${what} is bytes`)
  if (bytes.length > max) throw new OversizedMessageError(`${what} of ${bytes.length} bytes exceeds ${max}`)
  try {
    return read(bytes)
  } catch (err) {
    if (err instanceof EnvelopeInvalidError || err instanceof OversizedMessageError) throw err
    throw new EnvelopeInvalidError(`${what} does not decode: ${(err as Error).message}`, { cause: err })
  }
}
