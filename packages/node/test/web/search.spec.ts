/**
 * Search: word forms meet through the stemmer, snippets are plain text cut between words with
 * the matches marked, and the index answers over a real document store.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { deriveDocId, randomNonce } from '@commonplace/core'
import type { OrgId } from '@commonplace/core'
import { createDocumentGate, createDocumentStore } from '@commonplace/docstore'
import { memoryStore } from '@commonplace/storage'
import { initRecord, listSections } from '@commonplace/record'
import { plainText, queryStems, snippet, stem } from '../../src/web/search-text.ts'
import { searchIndex } from '../../src/web/search.ts'

async function newOrg (): Promise<OrgId> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString() as OrgId
}

describe('stem', () => {
  it('meets plural, -ed and -ing forms with their word', () => {
    const pairs: Array<[string, string]> = [
      ['doctors', 'doctor'], ['checklists', 'checklist'], ['adapted', 'adapt'], ['adapting', 'adapt'],
      ['policies', 'policy'], ['breaches', 'breach'], ['reviewed', 'review'], ['measures', 'measure'],
      ['planned', 'plan'], ['running', 'run'], ['studied', 'study'], ['Results', 'result']
    ]
    for (const [form, word] of pairs) expect(stem(form), form).toBe(stem(word))
  })

  it('keeps short words and words that only look plural', () => {
    expect(stem('red')).toBe('red')
    expect(stem('need')).toBe('need')
    expect(stem('status')).toBe('status')
    expect(stem('analysis')).toBe('analysis')
    expect(stem('glass')).toBe('glass')
  })

  it('folds case and accents', () => {
    expect(stem('Prüfung')).toBe(stem('prufung'))
    expect(stem('ÉQUIPE')).toBe(stem('equipe'))
  })

  it('reads the words of a query, once each', () => {
    expect(queryStems('  Doctors, doctor; ## **checklists**  ')).toEqual(['doctor', 'checklist'])
    expect(queryStems('## - [ ]')).toEqual([])
  })
})

describe('snippet', () => {
  const text = 'Problem: abnormal results sat in the inbox over the weekend. · Practice: the duty doctor reviews red results by 11:00 and a second doctor checks on Mondays, so that nothing waits until the next week.'

  it('is the text around the first match, cut between words, with every match marked', () => {
    const found = snippet(text, queryStems('doctors'))!
    expect(found.text.startsWith('…')).toBe(true)
    expect(found.text.endsWith('…')).toBe(true)
    const marked = found.marks.map(([s, e]) => found.text.slice(s, e))
    expect(marked).toEqual(['doctor', 'doctor'])
    // cut between words: the first and last words are whole words of the text
    const inner = found.text.slice(1, -1)
    expect(text.includes(inner)).toBe(true)
    expect(text[text.indexOf(inner) - 1]).toBe(' ')
  })

  it('is undefined when nothing matches', () => {
    expect(snippet(text, queryStems('fridge'))).toBeUndefined()
  })
})

describe('plainText', () => {
  it('is the text of the blocks, without Markdown syntax', async () => {
    const doc = new Y.Doc()
    initRecord(doc, {
      title: 'Vaccine fridge cold-chain breach',
      owner: await newOrg(),
      sections: [{
        heading: 'Practice',
        markdown: '### First hour\n\n- [ ] Move the vaccines to the **back-up** fridge\n- [x] Record the [temperatures](https://example.org/log)\n\n| Who | When |\n| --- | --- |\n| Nurse | 10 min |\n\n1. Call the *pharmacy*'
      }]
    })
    const text = plainText(listSections(doc)[0].body)
    expect(text).toBe('First hour · Move the vaccines to the back-up fridge · Record the temperatures · Who · When · Nurse · 10 min · Call the pharmacy')
    expect(text).not.toMatch(/[#*[\]|]/)
  })
  it('reads a body nested far deeper than the call stack goes (a peer may send one)', () => {
    const doc = new Y.Doc()
    const body = doc.getXmlFragment('deep')
    doc.transact(() => {
      let parent: Y.XmlFragment | Y.XmlElement = body
      for (let depth = 0; depth < 20_000; depth++) {
        const quote = new Y.XmlElement('blockquote')
        parent.insert(0, [quote])
        parent = quote
      }
      const paragraph = new Y.XmlElement('paragraph')
      paragraph.insert(0, [new Y.XmlText('the deepest words')])
      parent.insert(0, [paragraph])
    })
    expect(plainText(body)).toBe('the deepest words')
  })
})

describe('searchIndex', () => {
  it('finds a document by another form of its words and answers a plain snippet', async () => {
    const owner = await newOrg()
    const store = createDocumentStore({ storage: memoryStore() })
    const nonce = randomNonce()
    const header = { id: await deriveDocId(owner, nonce), owner, nonce }
    store.create(header, doc => {
      initRecord(doc, {
        title: 'Handling abnormal blood results',
        owner,
        sections: [{ heading: 'Practice', markdown: '- [ ] The duty **doctor** reviews red results by 11:00' }]
      })
    })
    store.flush()
    const index = searchIndex(store, createDocumentGate({ store }, { self: owner }))
    const [hit] = index.search({ q: 'doctors reviewing' })
    expect(hit?.id).toBe(header.id)
    expect(hit.snippet).toContain('The duty doctor reviews red results by 11:00')
    expect(hit.snippet).not.toMatch(/[#*[\]]/)
    expect(hit.marks!.map(([s, e]) => hit.snippet!.slice(s, e))).toEqual(['doctor', 'reviews'])
    expect(index.search({ q: 'checklists' })).toEqual([])
  })
})
