import { describe, it, expect } from 'vitest'
import * as Y from 'yjs'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import {
  ClientBindings, CorruptUpdateError, EnvelopeInvalidError, EnvelopeSignatureError, ForeignClientError, MAX_ENVELOPE_BYTES,
  MAX_ENVELOPE_CLIENTS, NO_PREVIOUS, OversizedMessageError, checkEnvelopeStructs, decodeEnvelope, deriveDocId, encodeEnvelope,
  envelopeHash, isCommonplaceError, newClientBinding, randomNonce, signBinding, signEnvelope, verifyBinding, verifyEnvelope
} from '../src/index.ts'
import type { DocId, Envelope, OrgId, VerifiedDerivedBinding } from '../src/index.ts'
import { prng } from './prng.ts'

type Key = Awaited<ReturnType<typeof generateKeyPair>>

async function org (): Promise<{ key: Key, id: OrgId }> {
  const key = await generateKeyPair('Ed25519')
  return { key, id: peerIdFromPrivateKey(key).toString() as OrgId }
}


/** A Y.Doc writing with the organisation's derived client, and the updates it makes. */
async function writer (who: OrgId, doc: DocId): Promise<{ ydoc: Y.Doc, binding: VerifiedDerivedBinding, updates: Uint8Array[] }> {
  const binding = await newClientBinding(who, doc)
  const ydoc = new Y.Doc()
  ydoc.clientID = binding.client
  const updates: Uint8Array[] = []
  ydoc.on('update', (u: Uint8Array) => updates.push(u))
  return { ydoc, binding, updates }
}

const ALLOWED = new Set(['EnvelopeInvalidError', 'EnvelopeSignatureError', 'OversizedMessageError'])

/** Decode and verify; returns the error's name, or 'ok'. Anything but a typed error fails the test. */
async function outcome (bytes: Uint8Array): Promise<string> {
  try {
    await verifyEnvelope(decodeEnvelope(bytes))
    return 'ok'
  } catch (err) {
    if (!isCommonplaceError(err) || !ALLOWED.has(err.name)) throw err
    return err.name
  }
}

describe('envelopes', async () => {
  const a = await org()
  const m = await org()
  const doc = await deriveDocId(a.id, randomNonce())

  async function signed (fields: Partial<Envelope> & { update: Uint8Array }, key = a.key): Promise<Uint8Array> {
    const env = await signEnvelope(key, { doc, signer: a.id, author: '', seq: 1, prev: NO_PREVIOUS, clients: [], ...fields })
    return env.bytes
  }

  it('round-trips: what is signed decodes, verifies and chains to the next', async () => {
    const w = await writer(a.id, doc)
    w.ydoc.getText('t').insert(0, 'first')
    w.ydoc.getText('t').insert(5, ' second')
    const clients = [{ client: w.binding.client, nonce: w.binding.nonce }]
    const first = await signEnvelope(a.key, { doc, signer: a.id, author: 'ana@example', seq: 1, prev: NO_PREVIOUS, clients, update: w.updates[0] })
    const decoded = decodeEnvelope(first.bytes.slice())
    expect(decoded).toMatchObject({ doc, signer: a.id, author: 'ana@example', seq: 1, clients, update: w.updates[0] })
    expect(encodeEnvelope(decoded)).toEqual(first.bytes)
    const verified = await verifyEnvelope(decoded)
    const { owners, bindings } = await checkEnvelopeStructs(verified)
    expect(owners.clients).toEqual([w.binding.client])
    expect(bindings).toEqual([w.binding])

    const prev = await envelopeHash(verified)
    const second = await signEnvelope(a.key, { doc, signer: a.id, author: '', seq: 2, prev, clients, update: w.updates[1] })
    const next = await verifyEnvelope(decodeEnvelope(second.bytes))
    expect(next.prev).toEqual(await envelopeHash(first))
    const replica = new Y.Doc()
    for (const env of [verified, next]) Y.applyUpdate(replica, env.update)
    expect(replica.getText('t').toString()).toBe('first second')
  })

  it('refuses every single-byte change, truncation and extension with a typed error', async () => {
    const w = await writer(a.id, doc)
    w.ydoc.getText('t').insert(0, 'x'.repeat(100))
    const bytes = await signed({ author: 'ana', seq: 3, prev: new Uint8Array(32).fill(7), clients: [{ client: w.binding.client, nonce: w.binding.nonce }], update: w.updates[0] })
    expect(await outcome(bytes)).toBe('ok')
    const seen = new Set<string>()
    for (let i = 0; i < bytes.length; i++) {
      for (const flip of [0x01, 0x80, 0xff]) {
        const changed = bytes.slice()
        changed[i] ^= flip
        const result = await outcome(changed)
        expect(result, `byte ${i} ^ ${flip}`).not.toBe('ok')
        seen.add(result)
      }
      expect(await outcome(bytes.subarray(0, i)), `truncated to ${i}`).not.toBe('ok')
    }
    expect(await outcome(new Uint8Array([...bytes, 0]))).toBe('EnvelopeInvalidError')
    expect(seen).toEqual(ALLOWED)
  })

  it('refuses a forged signature: another key in the signer\'s name, or a signature moved between envelopes', async () => {
    const update = Y.encodeStateAsUpdate(new Y.Doc())
    const forged = await signed({ update }, m.key)
    await expect(verifyEnvelope(decodeEnvelope(forged))).rejects.toThrow(EnvelopeSignatureError)
    const one = decodeEnvelope(await signed({ update, seq: 1 }))
    const two = decodeEnvelope(await signed({ update, seq: 2, prev: new Uint8Array(32).fill(1) }))
    await expect(verifyEnvelope({ ...two, sig: one.sig })).rejects.toThrow(EnvelopeSignatureError)
    // a relay that alters the update in transit
    await expect(verifyEnvelope({ ...one, body: new Uint8Array([...one.body.subarray(0, -1), 1]) })).rejects.toThrow(EnvelopeSignatureError)
  })

  it('refuses structs written with another organisation\'s client, however the envelope presents it', async () => {
    const honest = await writer(a.id, doc)
    honest.ydoc.getText('t').insert(0, 'acknowledged text of a')
    const aClients = [{ client: honest.binding.client, nonce: honest.binding.nonce }]
    // m re-signs a's update as its own, listing a's client with a's nonce: the id does not derive from m
    const asM = await signEnvelope(m.key, { doc, signer: m.id, author: '', seq: 1, prev: NO_PREVIOUS, clients: aClients, update: honest.updates[0] })
    await expect(checkEnvelopeStructs(await verifyEnvelope(decodeEnvelope(asM.bytes)))).rejects.toThrow(ForeignClientError)
    // m lists only its own client but the update writes with a's (a GC over a's clock range, say)
    const mine = await newClientBinding(m.id, doc)
    const gc = new Uint8Array([1, 1, ...varUint(honest.binding.client), 0, 0, 100, 0])
    const erase = await signEnvelope(m.key, { doc, signer: m.id, author: '', seq: 1, prev: NO_PREVIOUS, clients: [{ client: mine.client, nonce: mine.nonce }], update: gc })
    await expect(checkEnvelopeStructs(await verifyEnvelope(decodeEnvelope(erase.bytes)))).rejects.toThrow(/does not bind/)
    // a client another organisation bound first (a legacy signed binding) is refused even when it derives
    const table = new ClientBindings(doc)
    table.add(await verifyBinding(await signBinding(a.key, doc, mine.client, a.id)))
    const own = await signEnvelope(m.key, { doc, signer: m.id, author: '', seq: 1, prev: NO_PREVIOUS, clients: [{ client: mine.client, nonce: mine.nonce }], update: new Uint8Array([0, 0]) })
    await expect(checkEnvelopeStructs(await verifyEnvelope(decodeEnvelope(own.bytes)), table)).rejects.toThrow(ForeignClientError)
    expect(table.orgOf(mine.client)).toBe(a.id)
    // an update that does not decode is a corrupt update
    const junk = await signEnvelope(a.key, { doc, signer: a.id, author: '', seq: 1, prev: NO_PREVIOUS, clients: [], update: new Uint8Array([5, 5, 5]) })
    await expect(checkEnvelopeStructs(await verifyEnvelope(decodeEnvelope(junk.bytes)))).rejects.toThrow(CorruptUpdateError)
  })

  it('bounds every field when encoding and decoding', async () => {
    const update = new Uint8Array([0, 0])
    await expect(signed({ update, author: 'x'.repeat(129) })).rejects.toThrow(EnvelopeInvalidError)
    await expect(signed({ update, author: 'a\nb' })).rejects.toThrow(EnvelopeInvalidError)
    await expect(signed({ update, seq: 0 })).rejects.toThrow(EnvelopeInvalidError)
    await expect(signed({ update, seq: 1, prev: new Uint8Array(32).fill(1) })).rejects.toThrow(EnvelopeInvalidError)
    await expect(signed({ update, clients: [{ client: 2, nonce: 0 }, { client: 1, nonce: 0 }] })).rejects.toThrow(EnvelopeInvalidError)
    const many = Array.from({ length: MAX_ENVELOPE_CLIENTS + 1 }, (_, i) => ({ client: i, nonce: 0 }))
    await expect(signed({ update, clients: many })).rejects.toThrow(EnvelopeInvalidError)
    expect(() => decodeEnvelope(new Uint8Array(MAX_ENVELOPE_BYTES + 1))).toThrow(OversizedMessageError)
    expect(() => decodeEnvelope('not bytes' as unknown as Uint8Array)).toThrow(EnvelopeInvalidError)
  })

  it('answers thousands of generated and mutated inputs with a valid envelope or a typed error, nothing else', async () => {
    const random = prng(1914)
    const byte = (): number => Math.floor(random() * 256)
    const w = await writer(a.id, doc)
    w.ydoc.getText('t').insert(0, 'seed text')
    const seeds = [
      await signed({ update: w.updates[0], clients: [{ client: w.binding.client, nonce: w.binding.nonce }] }),
      await signed({ update: new Uint8Array([0, 0]), author: 'someone', seq: 9, prev: new Uint8Array(32).fill(3) })
    ]
    const counts = new Map<string, number>()
    const note = (result: string): void => { counts.set(result, (counts.get(result) ?? 0) + 1) }
    for (let i = 0; i < 3000; i++) {
      // random bytes, some starting like an envelope
      const length = Math.floor(random() * 300)
      const bytes = Uint8Array.from({ length }, byte)
      if (random() < 0.5 && length > 0) bytes[0] = 1
      note(await outcome(bytes))
    }
    for (let i = 0; i < 3000; i++) {
      const bytes = [...seeds[i % seeds.length]]
      for (let n = 1 + Math.floor(random() * 4); n > 0; n--) {
        const at = Math.floor(random() * bytes.length)
        const r = random()
        if (r < 0.6) bytes[at] = byte()
        else if (r < 0.8) bytes.splice(at, 1 + Math.floor(random() * 3))
        else bytes.splice(at, 0, byte())
      }
      const result = await outcome(new Uint8Array(bytes))
      // only a mutation that put back what it took away leaves a valid envelope
      const unchanged = bytes.length === seeds[i % seeds.length].length && bytes.every((b, j) => b === seeds[i % seeds.length][j])
      expect(result === 'ok').toBe(unchanged)
      note(result)
    }
    for (let i = 0; i < 300; i++) {
      // well-formed and signed, with a random update: the struct check answers with a typed error or owners
      const update = Uint8Array.from({ length: Math.floor(random() * 40) }, byte)
      const env = await verifyEnvelope(decodeEnvelope(await signed({ update, seq: 1 + i })))
      try {
        await checkEnvelopeStructs(env)
        note('structs ok')
      } catch (err) {
        expect(['CorruptUpdateError', 'ForeignClientError']).toContain((err as Error).name)
        note((err as Error).name)
      }
    }
    expect(counts.get('EnvelopeInvalidError')).toBeGreaterThan(1000)
    expect(counts.get('EnvelopeSignatureError')).toBeGreaterThan(100)
    expect(counts.get('CorruptUpdateError')).toBeGreaterThan(100)
  })
})

function varUint (n: number): number[] {
  const out: number[] = []
  while (n > 127) {
    out.push(0x80 | (n % 128))
    n = Math.floor(n / 128)
  }
  out.push(n)
  return out
}
