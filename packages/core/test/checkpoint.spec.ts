import { describe, it, expect } from 'vitest'
import * as Y from 'yjs'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import {
  CHECKPOINT_KIND, ENVELOPE_KIND, EnvelopeInvalidError, MAX_CHECKPOINT_BYTES, NO_PREVIOUS, OversizedMessageError,
  checkpointSigningBytes, decodeCheckpoint, deriveDocId, encodeCheckpointBody, isCommonplaceError, joinSigned,
  randomNonce, signEnvelope, signedItemKind
} from '../src/index.ts'
import type { Checkpoint, OrgId } from '../src/index.ts'
import { prng } from './prng.ts'

const ALLOWED = new Set(['EnvelopeInvalidError', 'OversizedMessageError'])


async function sample (): Promise<{ checkpoint: Checkpoint, bytes: Uint8Array, key: Awaited<ReturnType<typeof generateKeyPair>> }> {
  const key = await generateKeyPair('Ed25519')
  const org = peerIdFromPrivateKey(key).toString() as OrgId
  const doc = await deriveDocId(org, randomNonce())
  const ydoc = new Y.Doc()
  ydoc.getText('t').insert(0, 'Quarantine the stock.')
  const checkpoint: Checkpoint = {
    doc,
    signer: org,
    number: 3,
    covers: [{ org, seq: 12, hash: new Uint8Array(32).fill(7) }],
    bindings: [{ kind: 'derived', client: 5, org, nonce: 9 }, { kind: 'signed', client: 77, org, sig: new Uint8Array(64).fill(1) }],
    authors: [{ client: 5, clock: 0, length: 21, author: 'person-1' }],
    update: Y.encodeStateAsUpdate(ydoc)
  }
  const body = encodeCheckpointBody(checkpoint)
  return { checkpoint, bytes: joinSigned(body, await key.sign(checkpointSigningBytes(body))), key }
}

describe('checkpoints', () => {
  it('round-trip, and say their kind; an envelope says its own', async () => {
    const { checkpoint, bytes, key } = await sample()
    const decoded = decodeCheckpoint(bytes)
    expect(decoded).toMatchObject({ ...checkpoint, update: checkpoint.update })
    expect(signedItemKind(bytes)).toBe(CHECKPOINT_KIND)
    const envelope = await signEnvelope(key, { doc: checkpoint.doc, signer: checkpoint.signer, author: '', seq: 1, prev: NO_PREVIOUS, clients: [], update: checkpoint.update })
    expect(signedItemKind(envelope.bytes)).toBe(ENVELOPE_KIND)
    expect(() => decodeCheckpoint(envelope.bytes)).toThrow(EnvelopeInvalidError)
  })

  it('refuse fields out of order or out of bounds when encoded', async () => {
    const { checkpoint } = await sample()
    expect(() => encodeCheckpointBody({ ...checkpoint, bindings: [...checkpoint.bindings].reverse() })).toThrow(EnvelopeInvalidError)
    expect(() => encodeCheckpointBody({ ...checkpoint, number: 0 })).toThrow(EnvelopeInvalidError)
    expect(() => encodeCheckpointBody({ ...checkpoint, authors: [{ client: 1, clock: 0, length: 1, author: '' }] })).toThrow(EnvelopeInvalidError)
    expect(() => decodeCheckpoint(new Uint8Array(MAX_CHECKPOINT_BYTES + 1))).toThrow(OversizedMessageError)
  })

  it('decode generated inputs (truncated, flipped, random) into a typed error or a valid checkpoint, never anything else', async () => {
    const { bytes } = await sample()
    const random = prng(14)
    let refused = 0
    for (let i = 0; i < 5000; i++) {
      const input = i % 3 === 0
        ? bytes.subarray(0, Math.floor(random() * bytes.length))
        : i % 3 === 1
          ? bytes.map((b, j) => j === Math.floor(random() * bytes.length) ? (b ^ (1 << Math.floor(random() * 8))) : b)
          : Uint8Array.from({ length: Math.floor(random() * 200) }, (_, j) => j === 0 ? CHECKPOINT_KIND : Math.floor(random() * 256))
      try {
        const decoded = decodeCheckpoint(input)
        expect(decoded.bytes.length).toBe(input.length)
      } catch (err) {
        if (!isCommonplaceError(err) || !ALLOWED.has(err.name)) throw err
        refused++
      }
    }
    expect(refused).toBeGreaterThan(3000)
  })
})
