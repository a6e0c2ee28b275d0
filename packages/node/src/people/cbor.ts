/**
 * A small CBOR reader (RFC 8949) for what WebAuthn sends: an attestation object and the COSE key
 * inside authenticator data. Definite lengths only, integers, byte and text strings, arrays, maps
 * and the simple values; nesting and item counts bounded, so a hostile input costs time linear in
 * its size and cannot recurse deeply. Anything else is refused with the caller's error.
 */

/** A decoded item: maps keep their keys (integers or strings) in a Map. */
export type CborValue = number | string | Uint8Array | boolean | null | undefined | CborValue[] | Map<number | string, CborValue>

/** Deepest nesting read (a COSE key is depth 1, an attestation object 2 or 3). */
const MAX_DEPTH = 8

/** Reads one item from `bytes` at `start`; `fail` makes the error thrown on malformed input. */
export function readCbor (bytes: Uint8Array, start: number, fail: (why: string) => Error): { value: CborValue, end: number } {
  let at = start
  let items = 0

  const need = (n: number): void => {
    if (at + n > bytes.length) throw fail('CBOR data ends early')
  }
  const uint = (info: number): number => {
    if (info < 24) return info
    const size = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : info === 27 ? 8 : 0
    if (size === 0) throw fail('indefinite lengths and reserved CBOR values are not accepted')
    need(size)
    let value = 0
    for (let i = 0; i < size; i++) value = value * 256 + bytes[at + i]
    at += size
    if (!Number.isSafeInteger(value)) throw fail('a CBOR integer is too large')
    return value
  }
  const item = (depth: number): CborValue => {
    if (depth > MAX_DEPTH) throw fail('CBOR nested too deep')
    // each item takes at least one byte, so this bounds the work by the input's size
    if (++items > bytes.length) throw fail('too many CBOR items')
    need(1)
    const head = bytes[at++]
    const major = head >> 5
    const info = head & 0x1f
    switch (major) {
      case 0: return uint(info)
      case 1: return -1 - uint(info)
      case 2:
      case 3: {
        const length = uint(info)
        need(length)
        const slice = bytes.subarray(at, at + length)
        at += length
        return major === 2 ? slice : new TextDecoder('utf-8', { fatal: true }).decode(slice)
      }
      case 4: {
        const length = uint(info)
        if (length > bytes.length - at) throw fail('a CBOR array is longer than its data')
        const list: CborValue[] = []
        for (let i = 0; i < length; i++) list.push(item(depth + 1))
        return list
      }
      case 5: {
        const length = uint(info)
        if (length * 2 > bytes.length - at) throw fail('a CBOR map is longer than its data')
        const map = new Map<number | string, CborValue>()
        for (let i = 0; i < length; i++) {
          const key = item(depth + 1)
          if (typeof key !== 'number' && typeof key !== 'string') throw fail('a CBOR map key must be an integer or a text string')
          if (map.has(key)) throw fail('a CBOR map repeats a key')
          map.set(key, item(depth + 1))
        }
        return map
      }
      case 7:
        if (info === 20) return false
        if (info === 21) return true
        if (info === 22) return null
        if (info === 23) return undefined
        throw fail('CBOR floats and other simple values are not accepted')
      default:
        throw fail('CBOR tags are not accepted')
    }
  }
  try {
    const value = item(0)
    return { value, end: at }
  } catch (err) {
    // a text string that is not UTF-8
    if (err instanceof TypeError) throw fail('a CBOR text string is not UTF-8')
    throw err
  }
}

/** Reads `bytes` as exactly one CBOR item, nothing after it. */
export function decodeCbor (bytes: Uint8Array, fail: (why: string) => Error): CborValue {
  const { value, end } = readCbor(bytes, 0, fail)
  if (end !== bytes.length) throw fail('bytes after the CBOR item')
  return value
}
