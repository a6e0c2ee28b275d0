/**
 * What signed changes cost on disk: the automerge-paper trace typed into a signing document store
 * (the owner's), one envelope per transaction or per burst of transactions, then the bytes stored
 * per kind of key (docs/authorship.md, Storage and compaction). Run:
 * `node_modules/.bin/node bench/src/signed-disk.ts [transactions per envelope] [limit]`
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { memoryStore } from '@commonplace/storage'
import { createDocumentStore } from '@commonplace/docstore'
import { deriveDocId, randomNonce } from '@commonplace/core'
import type { OrgId } from '@commonplace/core'
import { loadTrace, limitTrace } from './trace.ts'

const perEnvelope = Number(process.argv[2] ?? 1)
const limit = Number(process.argv[3] ?? Infinity)
const key = await generateKeyPair('Ed25519')
const org = peerIdFromPrivateKey(key).toString() as OrgId
const kv = memoryStore()
const store = createDocumentStore({ storage: kv }, { signer: { org, key } })
const nonce = randomNonce()
const id = await deriveDocId(org, nonce)
store.create({ id, owner: org, nonce })
const { txns } = limitTrace(loadTrace('automerge-paper'), limit)
let envelopes = 0
store.onChange(c => { envelopes += c.signed?.length ?? 0 })
const start = performance.now()
for (let i = 0; i < txns.length; i++) {
  store.edit(id, d => {
    const text = d.getText('body')
    for (const [pos, del, ins] of txns[i].patches) {
      if (del > 0) text.delete(pos, del)
      if (ins !== '') text.insert(pos, ins)
    }
  })
  if (i % perEnvelope === perEnvelope - 1) store.flush()
}
store.flush()
const ms = performance.now() - start
const bytes = new Map<string, number>()
for (const [k, v] of kv.range({ gte: '' })) {
  const kind = k.slice(0, k.indexOf('/') + 1)
  bytes.set(kind, (bytes.get(kind) ?? 0) + k.length + v.byteLength)
}
const state = store.diff(id).byteLength
const total = [...bytes.values()].reduce((a, b) => a + b, 0)
console.log(JSON.stringify({ transactions: txns.length, perEnvelope, signedItems: envelopes, ms: Math.round(ms), stateBytes: state, totalBytes: total, byPrefix: Object.fromEntries(bytes) }))
store.close()
