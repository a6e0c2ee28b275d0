/**
 * Adapting, restoring a version, taking upstream changes and the other practice edits made from a
 * person's session are signed with the person as the envelope's author (docs/people.md), like the
 * JSON routes' edits; the API token's are the organisation's.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { decodeEnvelope } from '@commonplace/core'
import type { DocId } from '@commonplace/core'
import type { CommonplaceNode } from '../../src/index.ts'
import { api, cleanUp, organisation } from './browsers.ts'
import type { Browser } from './browsers.ts'

afterEach(cleanUp)

/** The authors of the envelopes `node` signs from now on, per document. */
function signedAuthors (node: CommonplaceNode): { of: (doc: DocId) => string[], clear: () => void } {
  const seen = new Map<DocId, string[]>()
  node.store.onChange(change => {
    if (change.origin.kind !== 'local') return
    for (const bytes of change.signed ?? []) {
      if (bytes[0] !== 1) continue // a checkpoint (kind 2) names no author
      const list = seen.get(change.id) ?? []
      list.push(decodeEnvelope(bytes).author)
      seen.set(change.id, list)
    }
  })
  return { of: doc => seen.get(doc) ?? [], clear: () => { seen.clear() } }
}

describe('a person\'s practice and history edits', () => {
  it('are signed with the person as author, and the token holder\'s with the organisation', async () => {
    const { node, token, admin, editor } = await organisation()
    const lena = (await editor.request('GET', '/api/people/me')).json.person.id as string
    const authors = signedAuthors(node)
    const source = (await admin.request('POST', '/api/docs', { title: 'Sepsis screening', sections: [{ heading: 'Steps', text: 'Check vital signs.' }] })).json.id as DocId
    const version = (await admin.request('POST', `/api/docs/${source}/versions`, { label: 'Agreed' })).json.n as number
    expect((await admin.request('PATCH', `/api/docs/${source}`, { append: { section: 'Steps', text: 'Call the GP.' } })).status).toBe(200)
    let variant = '' as DocId

    // each action, the browser (or token) it is made from, and the document it changes
    const actions: Array<{ what: string, by: Browser | 'token', doc: () => DocId, act: (b: Browser) => Promise<{ status: number, json: any }>, author: string }> = [
      { what: 'restore', by: editor, doc: () => source, act: async b => await b.request('POST', `/api/docs/${source}/restore`, { version }), author: lena },
      {
        what: 'adapt',
        by: editor,
        doc: () => variant,
        act: async b => {
          const made = await b.request('POST', `/api/docs/${source}/adapt`, { why: 'Our ward has no GP on site at night.' })
          variant = made.json.id as DocId
          return made
        },
        author: lena
      },
      { what: 'edit the adaptation note', by: editor, doc: () => variant, act: async b => await b.request('PATCH', `/api/docs/${variant}/adaptation`, { note: 'Night cover by the registrar.' }), author: lena },
      { what: 'take upstream', by: editor, doc: () => variant, act: async b => await b.request('POST', `/api/docs/${variant}/upstream/take`, {}), author: lena },
      { what: 'dismiss upstream', by: editor, doc: () => variant, act: async b => await b.request('POST', `/api/docs/${variant}/upstream/dismiss`, {}), author: lena },
      { what: 'restore with the token', by: 'token', doc: () => source, act: async () => await api(node, token, 'POST', `/api/docs/${source}/restore`, { version }), author: '' }
    ]
    for (const action of actions) {
      if (action.what.endsWith('upstream')) {
        // a change at the source for the variant to take
        expect((await admin.request('PATCH', `/api/docs/${source}`, { append: { section: 'Steps', text: 'Start antibiotics within the hour.' } })).status).toBe(200)
      }
      authors.clear()
      const answer = await action.act(action.by === 'token' ? editor : action.by)
      expect(answer.status, `${action.what}: ${JSON.stringify(answer.json)}`).toBeLessThan(300)
      const signed = authors.of(action.doc())
      expect(signed.length, action.what).toBeGreaterThan(0)
      expect(new Set(signed), action.what).toEqual(new Set([action.author]))
    }
  })
})
