/**
 * Which sections a change touched (section-changes.ts), as two document stores see it: the one
 * that makes the change, and one that applies it from its envelope without ever having read the
 * document (its top-level types are untyped then).
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { memoryStore } from '@commonplace/storage'
import { createDocumentStore } from '@commonplace/docstore'
import { deriveDocId, randomNonce } from '@commonplace/core'
import type { DocId, DocumentStore, OrgId } from '@commonplace/core'
import { changedSections } from '../src/section-changes.ts'

async function pair (): Promise<{ A: DocumentStore, B: DocumentStore, a: OrgId, id: DocId, send: () => void }> {
  const [ka, kb] = await Promise.all([generateKeyPair('Ed25519'), generateKeyPair('Ed25519')])
  const a = peerIdFromPrivateKey(ka).toString() as OrgId
  const A = createDocumentStore({ storage: memoryStore() }, { signer: { org: a, key: ka }, changedParts: changedSections })
  const B = createDocumentStore({ storage: memoryStore() }, { signer: { org: peerIdFromPrivateKey(kb).toString() as OrgId, key: kb }, changedParts: changedSections })
  const nonce = randomNonce()
  const id = await deriveDocId(a, nonce)
  const items: Uint8Array[] = []
  A.onChange(c => { items.push(...c.signed ?? []) })
  A.create({ id, owner: a, nonce }, d => {
    for (const [sid, text] of [['aaaaaaaaaaaa', 'Wash hands.'], ['bbbbbbbbbbbb', 'WHO 2009.']]) {
      const section = new Y.Map<unknown>()
      const body = new Y.XmlFragment()
      section.set('id', sid)
      section.set('heading', sid === 'aaaaaaaaaaaa' ? 'Steps' : 'Evidence')
      section.set('body', body)
      d.getArray('sections').push([section])
      const p = new Y.XmlElement('paragraph')
      p.insert(0, [new Y.XmlText(text)])
      body.insert(0, [p])
    }
  })
  B.mergeAccess({ id, owner: a, nonce }, [], { kind: 'peer', peer: a })
  const send = (): void => {
    A.flush()
    for (const item of items.splice(0)) expect(B.applySigned(id, item, { kind: 'peer', peer: a })).toBe('applied')
  }
  send()
  return { A, B, a, id, send }
}

/** The records keep ms: past this one, the next change is a later one. */
function nextMs (): void {
  for (const at = Date.now(); Date.now() <= at;) { /* at most one ms */ }
}

const body = (d: Y.Doc, index: number): Y.XmlFragment => (d.getArray('sections').get(index) as Y.Map<unknown>).get('body') as Y.XmlFragment

describe('the sections a change touched', () => {
  it('names the section whose nested text changed, at the maker and at a store that never read the document', async () => {
    const { A, B, a, id, send } = await pair()
    // a first copy names nobody: who wrote what before it is not known here
    expect(B.lastChanges(id)).toEqual({})
    A.edit(id, d => { ((body(d, 1).get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(0, 'See ') }, 'person-1')
    send()
    // the maker also holds its create's records (both sections, by the organisation)
    expect(A.lastChanges(id).aaaaaaaaaaaa).toEqual({ org: a, at: expect.any(Number) })
    expect(Object.keys(B.lastChanges(id))).toEqual(['bbbbbbbbbbbb'])
    for (const store of [A, B]) expect(store.lastChanges(id).bbbbbbbbbbbb).toMatchObject({ org: a, person: 'person-1' })
  })

  it('names a moved section (deleted and inserted again) as changed, and drops a deleted one\'s record', async () => {
    const { A, B, id, send } = await pair()
    A.edit(id, d => { body(d, 0).insert(0, [new Y.XmlElement('paragraph')]) })
    A.edit(id, d => { body(d, 1).insert(0, [new Y.XmlElement('paragraph')]) })
    send()
    expect(Object.keys(B.lastChanges(id)).sort()).toEqual(['aaaaaaaaaaaa', 'bbbbbbbbbbbb'])
    A.edit(id, d => {
      const sections = d.getArray('sections')
      const moved = new Y.Map<unknown>()
      moved.set('id', 'bbbbbbbbbbbb')
      moved.set('body', new Y.XmlFragment())
      sections.delete(0, 2)
      sections.insert(0, [moved])
    }, 'person-2')
    send()
    for (const store of [A, B]) {
      expect(Object.keys(store.lastChanges(id))).toEqual(['bbbbbbbbbbbb'])
      expect(store.lastChanges(id).bbbbbbbbbbbb.person).toBe('person-2')
    }
  })

  it('keeps one changer record per person of its own organisation, and one per other organisation whatever persons its envelopes name', async () => {
    const { A, B, a, id, send } = await pair()
    for (const person of ['person-1', 'person-2', 'person-3']) {
      nextMs()
      A.edit(id, d => { ((body(d, 0).get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(0, `${person} `) }, person)
      send()
    }
    // the maker's own people, newest first, and its create as the organisation itself
    expect(A.changers(id).map(c => c.person)).toEqual(['person-3', 'person-2', 'person-1', undefined])
    // at B one record for A, with A's latest person; the first copy named nobody
    expect(B.changers(id)).toEqual([{ org: a, person: 'person-3', at: expect.any(Number) }])
    // a change staged and not yet written is seen
    A.edit(id, d => { ((body(d, 1).get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(0, 'x') }, 'person-4')
    expect(A.changers(id)[0]).toMatchObject({ org: a, person: 'person-4' })
  })
})
