import { describe, it, expect } from 'vitest'
import * as encoding from 'lib0/encoding'
import { MalformedMessageError, OversizedMessageError } from '@commonplace/core'
import type { DocId, OrgId } from '@commonplace/core'
import { MAX_ITEMS_PER_MESSAGE, MAX_VECTOR_SIGNERS, decodeFrame, encodeFrame } from '../src/index.ts'
import type { Message } from '../src/index.ts'

const doc = 'abcdefghijklmnopqrstuvwxyz' as DocId
const org = '12D3KooWQ19pCmLSbBo1ovZge6JQ88TkMB11hnPZx1vs7eCzKCno' as OrgId
const other = '12D3KooWRm9KqJbGvHDmPLLh1Rm2GQAPYFfSuyfvGNgnG4Fq8ae3' as OrgId

/** One message of `type` with the body `write` writes, as a frame. */
function frameOf (type: number, write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 1)
  encoding.writeVarUint(e, type)
  write(e)
  return encoding.toUint8Array(e)
}

const samples: Message[] = [
  { type: 'hello', version: 2, storeId: 'f00d', name: 'Holzbau Meyer GmbH' },
  { type: 'access', header: { id: doc, owner: org, nonce: 'a'.repeat(26) }, grants: [{ doc, to: org, role: 'edit', seq: 3, issuer: org, issuedAt: 1_795_000_000_000, sig: new Uint8Array(64).fill(7) }] },
  { type: 'offer', doc, digest: new Uint8Array(32).fill(1), holdings: { vector: { [org]: 7, [other]: 1 }, checkpoint: new Uint8Array(32).fill(3) } },
  { type: 'want', doc, holdings: { vector: {} } },
  { type: 'envelopes', doc, items: [new Uint8Array([1, 2]), new Uint8Array([2, 9, 9])], more: true },
  { type: 'reply', doc, items: [], more: false },
  { type: 'mark', seq: 2 ** 40 },
  { type: 'ack', seq: 0 },
  { type: 'error', doc, code: 'ERR_FORBIDDEN', message: 'read access only' }
]

describe('codec', () => {
  it('round-trips every message type in one frame', () => {
    expect(decodeFrame(encodeFrame(samples))).toEqual(samples)
  })

  it('refuses trailing bytes, unknown types, bad ids and truncation as malformed', () => {
    const good = encodeFrame([samples[3]])
    expect(() => decodeFrame(new Uint8Array([...good, 0]))).toThrow(MalformedMessageError)
    expect(() => decodeFrame(new Uint8Array([1, 42]))).toThrow(MalformedMessageError)
    expect(() => decodeFrame(good.subarray(0, good.length - 1))).toThrow(MalformedMessageError)
    const badId = encoding.createEncoder()
    encoding.writeVarUint(badId, 1)
    encoding.writeVarUint(badId, 3)
    encoding.writeVarString(badId, '../../etc/passwd')
    encoding.writeVarUint8Array(badId, new Uint8Array([0]))
    expect(() => decodeFrame(encoding.toUint8Array(badId))).toThrow(MalformedMessageError)
  })

  it('refuses a digest that is not 32 bytes, and a checkpoint id that is neither absent nor 32 bytes', () => {
    const frame = encodeFrame([{ type: 'offer', doc, digest: new Uint8Array(31), holdings: { vector: {} } }])
    expect(() => decodeFrame(frame)).toThrow(MalformedMessageError)
    const checkpoint = encodeFrame([{ type: 'want', doc, holdings: { vector: {}, checkpoint: new Uint8Array(31) } }])
    expect(() => decodeFrame(checkpoint)).toThrow(MalformedMessageError)
  })

  it('refuses a signed item over the limit before copying it, and empty items', () => {
    const frame = encodeFrame([{ type: 'envelopes', doc, items: [new Uint8Array(2048)], more: false }])
    expect(() => decodeFrame(frame, { maxItemBytes: 1024 })).toThrow(OversizedMessageError)
    expect(() => decodeFrame(encodeFrame([{ type: 'reply', doc, items: [new Uint8Array(0)], more: false }]))).toThrow(MalformedMessageError)
  })

  it('refuses more signed items than a message may carry, and unknown flags', () => {
    const many = frameOf(4, e => {
      encoding.writeVarString(e, doc)
      encoding.writeVarUint(e, 0)
      encoding.writeVarUint(e, MAX_ITEMS_PER_MESSAGE + 1)
    })
    expect(() => decodeFrame(many)).toThrow(OversizedMessageError)
    const flags = frameOf(4, e => {
      encoding.writeVarString(e, doc)
      encoding.writeVarUint(e, 6)
      encoding.writeVarUint(e, 0)
    })
    expect(() => decodeFrame(flags)).toThrow(MalformedMessageError)
  })

  it('refuses envelope vectors that are too long, out of order, repeat a signer or name a bad id', () => {
    const vector = (entries: Array<[string, number]>, count = entries.length): Uint8Array => frameOf(3, e => {
      encoding.writeVarString(e, doc)
      encoding.writeVarUint8Array(e, new Uint8Array(0))
      encoding.writeVarUint(e, count)
      for (const [signer, seq] of entries) { encoding.writeVarString(e, signer); encoding.writeVarUint(e, seq) }
    })
    const [first, second] = [org, other].sort()
    expect(decodeFrame(vector([[first, 1], [second, 2]]))).toEqual([{ type: 'want', doc, holdings: { vector: { [first]: 1, [second]: 2 } } }])
    expect(() => decodeFrame(vector([], MAX_VECTOR_SIGNERS + 1))).toThrow(OversizedMessageError)
    expect(() => decodeFrame(vector([[second, 1], [first, 2]]))).toThrow(MalformedMessageError)
    expect(() => decodeFrame(vector([[first, 1], [first, 2]]))).toThrow(MalformedMessageError)
    expect(() => decodeFrame(vector([['__proto__', 1]]))).toThrow(MalformedMessageError)
    expect(() => decodeFrame(vector([['1'.repeat(65), 1]]))).toThrow(OversizedMessageError)
  })

  it('refuses a WANT encoded as protocol 1 sent it (a state vector where a checkpoint id goes)', () => {
    const v1Want = frameOf(3, e => { encoding.writeVarString(e, doc); encoding.writeVarUint8Array(e, new Uint8Array([0])) })
    expect(() => decodeFrame(v1Want)).toThrow(MalformedMessageError)
  })

  it('refuses a length that runs past the end of the frame', () => {
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, 1)
    encoding.writeVarUint(e, 4)
    encoding.writeVarString(e, doc)
    encoding.writeVarUint(e, 0)
    encoding.writeVarUint(e, 1)
    encoding.writeVarUint(e, 1000)
    encoding.writeUint8Array(e, new Uint8Array(10))
    expect(() => decodeFrame(encoding.toUint8Array(e))).toThrow(MalformedMessageError)
  })
})
