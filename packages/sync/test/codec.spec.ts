import { describe, it, expect } from 'vitest'
import * as encoding from 'lib0/encoding'
import { MalformedMessageError, OversizedMessageError } from '@commonplace/core'
import type { DocId, OrgId } from '@commonplace/core'
import { decodeFrame, encodeFrame } from '../src/index.ts'
import type { Message } from '../src/index.ts'

const doc = 'abcdefghijklmnopqrstuvwxyz' as DocId
const org = '12D3KooWQ19pCmLSbBo1ovZge6JQ88TkMB11hnPZx1vs7eCzKCno' as OrgId

const samples: Message[] = [
  { type: 'hello', version: 1, storeId: 'f00d', name: 'Holzbau Meyer GmbH' },
  { type: 'access', header: { id: doc, owner: org, nonce: 'a'.repeat(26) }, grants: [{ doc, to: org, role: 'edit', seq: 3, issuer: org, issuedAt: 1_795_000_000_000, sig: new Uint8Array(64).fill(7) }] },
  { type: 'offer', doc, digest: new Uint8Array(32).fill(1), stateVector: new Uint8Array([1, 2, 3]) },
  { type: 'want', doc, stateVector: new Uint8Array([0]) },
  { type: 'update', doc, update: new Uint8Array([0, 0]) },
  { type: 'reply', doc, update: new Uint8Array(0) },
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

  it('refuses a digest that is not 32 bytes', () => {
    const frame = encodeFrame([{ type: 'offer', doc, digest: new Uint8Array(31), stateVector: new Uint8Array([0]) }])
    expect(() => decodeFrame(frame)).toThrow(MalformedMessageError)
  })

  it('refuses an update over the limit before copying it', () => {
    const frame = encodeFrame([{ type: 'update', doc, update: new Uint8Array(2048) }])
    expect(() => decodeFrame(frame, { maxUpdateBytes: 1024 })).toThrow(OversizedMessageError)
  })

  it('refuses a length that runs past the end of the frame', () => {
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, 1)
    encoding.writeVarUint(e, 4)
    encoding.writeVarString(e, doc)
    encoding.writeVarUint(e, 1000)
    encoding.writeUint8Array(e, new Uint8Array(10))
    expect(() => decodeFrame(encoding.toUint8Array(e))).toThrow(MalformedMessageError)
  })
})
