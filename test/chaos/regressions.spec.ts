/**
 * Shrunk failing cases the generated-input runs found, kept as plain tests with their literal
 * input (docs/reliability.md, "Generated input").
 */
import { describe, it, expect } from 'vitest'
import { streamPair } from '@libp2p/utils'
import { parseNonce, randomNonce, verifyHeader } from '@commonplace/core'
import type { DocId, OrgId } from '@commonplace/core'
import { readFrame } from '@commonplace/network'
import { readMessage } from '@commonplace/directory'
import { decodeAwarenessMessage as decodeAwareness } from '@commonplace/node'

const OWNER = '12D3KooWJZJP5ANcTRd4R5CB9hez6v4oWMKWFnV6tZ39Y8Jv4jjP'

/** Send `bytes` and close, then read one frame off the other end. */
async function readOff (bytes: Uint8Array, read: typeof readFrame): Promise<unknown> {
  const [outbound, inbound] = await streamPair()
  if (bytes.length > 0) outbound.send(bytes)
  await outbound.close()
  return await read(inbound, { signal: AbortSignal.timeout(2_000) })
}

describe('regressions found by generated input', () => {
  for (const [name, read] of [['network', readFrame], ['introduce', readMessage]] as const) {
    it(`a ${name} stream closed before any frame is ERR_MALFORMED_MESSAGE, not UnexpectedEOFError`, async () => {
      await expect(readOff(Uint8Array.from([]), read)).rejects.toMatchObject({ name: 'MalformedMessageError', code: 'ERR_MALFORMED_MESSAGE' })
    })

    it(`a ${name} frame cut short is ERR_MALFORMED_MESSAGE`, async () => {
      await expect(readOff(Uint8Array.from([10, 0x7b]), read)).rejects.toMatchObject({ code: 'ERR_MALFORMED_MESSAGE' })
    })

    it(`a ${name} frame announcing more than the limit is ERR_OVERSIZED_MESSAGE`, async () => {
      await expect(readOff(Uint8Array.from([0xff, 0xff, 0xff, 0x7f]), read)).rejects.toMatchObject({ name: 'OversizedMessageError', code: 'ERR_OVERSIZED_MESSAGE' })
    })
  }

  it('an awareness message of one byte is ERR_MALFORMED_MESSAGE, not a lib0 error', () => {
    expect(() => decodeAwareness(Uint8Array.from([5]))).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED_MESSAGE' }))
  })

  it('an awareness update whose length runs past the message is ERR_MALFORMED_MESSAGE', () => {
    expect(() => decodeAwareness(Uint8Array.from([1, 0x61, 5, 1]))).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED_MESSAGE' }))
  })
})

describe('regressions found by generated input: ids', () => {
  it('a document nonce whose last character does not decode to 16 bytes is ERR_INVALID_ID, not a SyntaxError', async () => {
    const nonce = 'aaaaaaaaaaaaaaaaaaaaaaaaab' // base32 "b" leaves a non-zero bit past the 16th byte
    expect(() => parseNonce(nonce)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ID' }))
    await expect(verifyHeader({ id: 'aaaaaaaaaaaaaaaaaaaaaaaaaa' as DocId, owner: OWNER as OrgId, nonce })).rejects.toMatchObject({ code: 'ERR_INVALID_ID' })
  })

  it('every nonce this node makes still parses', () => {
    for (let i = 0; i < 200; i++) expect(parseNonce(randomNonce())).toHaveLength(26)
  })
})
