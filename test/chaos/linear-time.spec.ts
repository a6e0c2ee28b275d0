/**
 * Every input class a person or a peer can send is handled in time linear in its size
 * (docs/reliability.md, "Event-loop bound"): each case doubles the input three times within the
 * class's limit and compares the times (linear.ts). Markdown import itself is covered case by
 * case, with the classic pathological inputs, in packages/record/test/markdown/linear-time.spec.ts.
 */
import { describe, it, beforeAll, afterAll } from 'vitest'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as Y from 'yjs'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { prefixLogger } from '@libp2p/logger'
import { MAX_SHORT_TEXT, deriveNetworkId, randomNonce, signStatement } from '@commonplace/core'
import type { DocId, GenesisStatement, MemberStatement, OrgId } from '@commonplace/core'
import { MAX_TAGS, initRecord, setMeta, setTitle } from '@commonplace/record'
import { createDocumentStore } from '@commonplace/docstore'
import { memoryStore } from '@commonplace/storage'
import { decodeFrame, encodeFrame } from '@commonplace/sync'
import { computeRoster, decodeCode } from '@commonplace/network'
import { createNode, FILES } from '@commonplace/node'
import type { CommonplaceNode } from '@commonplace/node'
import { expectLinear } from './linear.ts'

const OWNER = '12D3KooWNhgnBjTuHEk6LRcFGtBM2EwU1j25QyKoWbVjvpUp3Gej' as OrgId
/** A paragraph of ordinary marked-up text (about 200 characters). */
const PARAGRAPH = 'Results arrive in the **workflow inbox** by 10:00; the *duty doctor* files each one, see [the protocol](https://example.nhs.uk/p) and `READ` codes.\n\n- [ ] Re-audit in March\n\n'

function recordDoc (): Y.Doc {
  const doc = new Y.Doc()
  initRecord(doc, { title: 'Blood results', owner: OWNER, sections: [{ heading: 'Practice', markdown: 'Start.' }] })
  return doc
}

describe('requests to the local API take time linear in their text', () => {
  let node: CommonplaceNode
  let dataDir: string
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cp-linear-'))
    node = await createNode({ dataDir, name: 'Riverside Surgery', listen: ['/ip4/127.0.0.1/tcp/0'], http: { host: '127.0.0.1', port: 0 }, mdns: false, logger: prefixLogger('linear') })
    await node.start()
  })
  afterAll(async () => {
    await node.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('creates a document from Markdown', async () => {
    await expectLinear(8, n => `# Blood results\n\n## Practice\n\n${PARAGRAPH.repeat(n)}`, async markdown => await node.api.createDoc({ markdown }))
  })

  it('answers search queries (up to the longest accepted) over the documents held', async () => {
    for (let i = 0; i < 20; i++) await node.api.createDoc({ title: `Blood results ${i}`, sections: [{ heading: 'Practice', text: PARAGRAPH.repeat(5) }] })
    const token = readFileSync(join(dataDir, FILES.token), 'utf8').trim()
    const query = (n: number): string => Array.from({ length: n }, (_, i) => ['results', 'duty', 'protocol', `w${i}`][i % 4]).join(' ').slice(0, n)
    await expectLinear(60, query, async q => {
      const res = await fetch(`${node.apiUrl}/api/search?q=${encodeURIComponent(q)}`, { headers: { authorization: `Bearer ${token}` } })
      if (res.status !== 200) throw new Error(`search answered ${res.status}: ${await res.text()}`)
      await res.json()
    })
  })

  it('appends sections and text to a section', async () => {
    // a document of its own for each size: what an edit costs may grow with the document it edits
    const make = async (n: number): Promise<{ id: string, text: string }> =>
      ({ id: (await node.api.createDoc({ title: 'Blood results', sections: [{ heading: 'Practice', text: 'Start.' }] })).id, text: PARAGRAPH.repeat(n) })
    // on the node's thread (below OFF_LOOP_MIN_CHARS at 8n), then in the Markdown worker (above it at n)
    await expectLinear(4, make, async ({ id, text }) => await node.api.editDoc(id, { appendSections: [{ heading: 'More', text }], append: { section: 'Practice', text } }))
    await expectLinear(80, make, async ({ id, text }) => await node.api.editDoc(id, { append: { section: 'Practice', text } }))
  })
})

describe('record fields take time linear in their size', () => {
  it('titles, up to the longest allowed', async () => {
    await expectLinear(MAX_SHORT_TEXT / 8, n => ({ doc: recordDoc(), title: 'Blutergebnisse prüfen '.repeat(n).slice(0, n) }), ({ doc, title }) => { setTitle(doc, title) })
  })

  it('tags, up to as many as allowed', async () => {
    await expectLinear(MAX_TAGS / 8, n => ({ doc: recordDoc(), tags: Array.from({ length: n }, (_, i) => `tag-${i}-${'x'.repeat(40)}`) }), ({ doc, tags }) => { setMeta(doc, { tags }) })
  })
})

describe('peer input takes time linear in its size', () => {
  it('sync frames of many signed items decode in linear time', async () => {
    // the bytes of an item are opaque to the frame codec (the store checks them): any will do
    const item = Y.encodeStateAsUpdate(recordDoc())
    const doc = 'a'.repeat(26) as DocId
    await expectLinear(250, n => encodeFrame(Array.from({ length: n }, () => ({ type: 'envelopes' as const, doc, items: [item], more: false }))), frame => decodeFrame(frame))
  })

  it('a Yjs update is applied to a stored document in linear time', async () => {
    const make = (n: number): Uint8Array => {
      const doc = recordDoc()
      const text = new Y.XmlText()
      doc.transact(() => {
        doc.getXmlFragment('scratch').insert(0, [text])
        for (let i = 0; i < n; i++) text.insert(text.length, 'ab ', i % 2 === 0 ? { bold: {} } : {})
      })
      return Y.encodeStateAsUpdate(doc)
    }
    let k = 0
    await expectLinear(250, make, update => {
      const store = createDocumentStore({ storage: memoryStore() })
      const id = `upd${String(k++).padStart(23, '0')}` as DocId
      store.create({ id, owner: OWNER, nonce: randomNonce() })
      store.applyUpdate(id, update, { kind: 'peer', peer: OWNER })
    })
  })

  it('a learning network\'s roster is computed in linear time in its statements', async () => {
    const key = await generateKeyPair('Ed25519')
    const creator = peerIdFromPrivateKey(key).toString() as OrgId
    const nonce = randomNonce()
    const genesis = await signStatement<GenesisStatement>(key, { type: 'genesis', network: await deriveNetworkId(creator, nonce), name: 'Northside PCN', visibility: 'invite', creator, nonce, createdAt: 1_000 })
    const members: MemberStatement[] = []
    for (let i = 0; i < 256; i++) {
      const who = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString() as OrgId
      members.push(await signStatement<MemberStatement>(key, { type: 'member', network: genesis.network, member: who, role: 'member', seq: i + 1, issuer: creator, issuedAt: 3_000 + i }))
    }
    await expectLinear(32, n => [genesis, ...members.slice(0, n)], statements => computeRoster(statements, 10_000))
  })

  it('invitation codes are read, or refused, in linear time up to the longest accepted', async () => {
    await expectLinear(2048, n => 'cpn1' + 'q2w3e4r5t6y7u8i9'.repeat(n / 16), async code => await decodeCode(code).catch(() => undefined))
  })
})
