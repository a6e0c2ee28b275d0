/**
 * The cost of signed changes (docs/authorship.md, Cost), the unsigned store of today side by side:
 * per envelope, signing and verifying alone; per edit, a one-character local edit written and
 * signed at A, and the same change checked and applied at B (`applySigned`) against `applyUpdate`;
 * and the same edit in a record's section with and without the per-section "last changed"
 * records (docs/people.md), to show what they add to the edit path.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { memoryStore } from '@commonplace/storage'
import * as Y from 'yjs'
import { createDocumentStore, createSigner, verifyBy } from '@commonplace/docstore'
import { changedSections } from '@commonplace/node'
import { deriveDocId, envelopeSigningBytes, randomNonce } from '@commonplace/core'
import type { DocId, DocumentStore, OrgId } from '@commonplace/core'
import { WorkloadId } from '../../types.ts'
import type { BenchConfig, Metrics, Scenario } from '../../types.ts'

const SYSTEM = 'commonplace'
const VERSION = 'commonplace 0.1.0 (Ed25519 through node:crypto)'

export function signingScenarios (config: BenchConfig): Scenario[] {
  const n = config.quick ? 300 : 3000
  return [
    { workload: WorkloadId.signing, variant: 'per envelope, 100 B and 10 KB updates', system: SYSTEM, version: VERSION, run: async () => await perEnvelope(n) },
    { workload: WorkloadId.signing, variant: 'per edit, signed', system: SYSTEM, version: VERSION, run: async () => await perEdit(n, true) },
    { workload: WorkloadId.signing, variant: 'per edit, unsigned (today)', system: SYSTEM, version: VERSION, run: async () => await perEdit(n, false) },
    { workload: WorkloadId.signing, variant: 'per section edit, signed, no last-changed records', system: SYSTEM, version: VERSION, run: async () => await perEdit(n, true, 'plain') },
    { workload: WorkloadId.signing, variant: 'per section edit, signed, with last-changed records', system: SYSTEM, version: VERSION, run: async () => await perEdit(n, true, 'records') }
  ]
}

async function org (): Promise<{ id: OrgId, key: Awaited<ReturnType<typeof generateKeyPair>> }> {
  const key = await generateKeyPair('Ed25519')
  return { id: peerIdFromPrivateKey(key).toString() as OrgId, key }
}

/** The updates an envelope is timed with, and the bytes its other fields add (about 190). */
export const ENVELOPE_SIZES = [['100B', 100], ['10KB', 10_000]] as const
export const ENVELOPE_FIELDS_BYTES = 190

/** Microseconds per call of `fn`, over `n` calls. */
function timed (n: number, fn: (i: number) => void): number {
  const start = performance.now()
  for (let i = 0; i < n; i++) fn(i)
  return (performance.now() - start) * 1000 / n
}

/** Microseconds per call of an async `fn`, over `n` calls made one after another. */
export async function timedAsync (n: number, fn: (i: number) => Promise<void>): Promise<number> {
  const start = performance.now()
  for (let i = 0; i < n; i++) await fn(i)
  return (performance.now() - start) * 1000 / n
}

async function perEnvelope (n: number): Promise<Metrics> {
  const a = await org()
  const signer = createSigner(a.id, a.key)
  const out: Metrics = {}
  for (const [name, size] of ENVELOPE_SIZES) {
    const body = envelopeSigningBytes(crypto.getRandomValues(new Uint8Array(size + ENVELOPE_FIELDS_BYTES)))
    const sigs: Uint8Array[] = []
    out[`sign${name}Us`] = timed(n, () => { sigs.push(signer.sign(body)) })
    out[`verify${name}Us`] = timed(n, i => { if (!verifyBy(a.id, body, sigs[i])) throw new Error('does not verify') })
  }
  return out
}

/** The text an edit writes in: a bare Y.Text, or the body of a record's section (`sections`: with or without its records). */
function textOf (d: Y.Doc, sections?: 'plain' | 'records'): Y.Text {
  if (sections == null) return d.getText('t')
  return (d.getArray('sections').get(0) as Y.Map<unknown>).get('body') as Y.Text
}

async function perEdit (n: number, signed: boolean, sections?: 'plain' | 'records'): Promise<Metrics> {
  const a = await org()
  const b = await org()
  const parts = sections === 'records' ? { changedParts: changedSections } : {}
  const A = createDocumentStore({ storage: memoryStore() }, signed ? { signer: { org: a.id, key: a.key }, ...parts } : {})
  const B = createDocumentStore({ storage: memoryStore() }, signed ? { signer: { org: b.id, key: b.key }, ...parts } : {})
  const nonce = randomNonce()
  const header = { id: await deriveDocId(a.id, nonce) as DocId, owner: a.id, nonce }
  const items: Uint8Array[] = []
  A.onChange(c => { items.push(...(signed ? c.signed ?? [] : c.update != null ? [c.update] : [])) })
  A.create(header, d => {
    if (sections == null) { d.getText('t').insert(0, 'start'); return }
    const section = new Y.Map<unknown>()
    section.set('id', 'aaaaaaaaaaaa')
    section.set('body', new Y.Text('start'))
    d.getArray('sections').push([section])
  })
  A.flush()
  B.mergeAccess(header, [], { kind: 'peer', peer: a.id })
  deliver(B, header.id, items.splice(0), signed, a.id)
  const editUs = timed(n, i => {
    A.edit(header.id, d => { textOf(d, sections).insert(i % 5, 'x') })
    A.flush()
  })
  const received = items.splice(0)
  const applyUs = timed(received.length, i => { deliver(B, header.id, [received[i]], signed, a.id) })
  B.flush()
  if (B.read(header.id, d => textOf(d, sections).toString()) !== A.read(header.id, d => textOf(d, sections).toString())) throw new Error('B differs from A')
  if (sections === 'records' && A.lastChanges(header.id).aaaaaaaaaaaa?.org !== a.id) throw new Error('A kept no record of its edit')
  if (sections === 'records' && B.lastChanges(header.id).aaaaaaaaaaaa?.org !== a.id) throw new Error('B kept no record of A\'s edit')
  A.close()
  B.close()
  return { editUs, applyUs, items: received.length }
}

function deliver (store: DocumentStore, id: DocId, items: Uint8Array[], signed: boolean, from: OrgId): void {
  for (const item of items) {
    if (signed) store.applySigned(id, item, { kind: 'peer', peer: from })
    else store.applyUpdate(id, item, { kind: 'peer', peer: from })
  }
}
