/**
 * Everything a person does from their session is signed with the person as the envelope's author
 * (docs/people.md): adapting, restoring a version, taking upstream changes, comments, shared
 * versions, adoption states and proposals, like the JSON routes' edits; the API token's are the
 * organisation's.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { decodeEnvelope } from '@commonplace/core'
import type { DocId } from '@commonplace/core'
import { CarrierKind } from '@commonplace/practice'
import type { CommonplaceNode } from '../../src/index.ts'
import { companionHeader } from '../../src/history/companion.ts'
import { api, cleanUp, organisation, start, until } from './browsers.ts'
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

interface Action {
  what: string
  /** The browser it is made from, or the API token. */
  by: Browser | 'token'
  /** The document the action signs a change of. */
  doc: () => DocId | Promise<DocId>
  act: (b: Browser) => Promise<{ status: number, json: any }>
  /** The author every envelope of `doc` signed during the action names. */
  author: string
}

/** Run each action and check the authors of what it signed. */
async function check (node: CommonplaceNode, token: string, actions: Action[], before?: (action: Action) => Promise<void>): Promise<void> {
  const authors = signedAuthors(node)
  for (const action of actions) {
    await before?.(action)
    authors.clear()
    const answer = action.by === 'token'
      ? await action.act({ request: async (method: string, path: string, body?: unknown) => await api(node, token, method, path, body) } as unknown as Browser)
      : await action.act(action.by)
    expect(answer.status, `${action.what}: ${JSON.stringify(answer.json)}`).toBeLessThan(300)
    const signed = authors.of(await action.doc())
    expect(signed.length, action.what).toBeGreaterThan(0)
    expect(new Set(signed), action.what).toEqual(new Set([action.author]))
  }
}

/** This organisation's private adoption log (it has no network). */
function privateLog (node: CommonplaceNode): DocId {
  return node.store.list().find(info => info.kind === CarrierKind.adoptionLog && info.owner === node.orgId)?.id as DocId
}

describe('a person\'s practice and history edits', () => {
  it('are signed with the person as author, and the token holder\'s with the organisation', async () => {
    const { node, token, admin, editor, viewer } = await organisation()
    const lena = (await editor.request('GET', '/api/people/me')).json.person.id as string
    const sam = (await viewer.request('GET', '/api/people/me')).json.person.id as string
    const source = (await admin.request('POST', '/api/docs', { title: 'Sepsis screening', sections: [{ heading: 'Steps', text: 'Check vital signs.' }] })).json.id as DocId
    const version = (await admin.request('POST', `/api/docs/${source}/versions`, { label: 'Agreed' })).json.n as number
    expect((await admin.request('PATCH', `/api/docs/${source}`, { append: { section: 'Steps', text: 'Call the GP.' } })).status).toBe(200)
    const comments = async (): Promise<DocId> => (await companionHeader(source, node.orgId)).id
    let variant = '' as DocId
    let thread = ''

    await check(node, token, [
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
      { what: 'a shared version', by: editor, doc: comments, act: async b => await b.request('POST', `/api/docs/${source}/versions`, { label: 'Reviewed by the ward' }), author: lena },
      {
        what: 'comment',
        by: editor,
        doc: comments,
        act: async b => {
          const made = await b.request('POST', `/api/docs/${source}/comments`, { section: 'Steps', text: 'Which GP at night?' })
          thread = made.json.id as string
          return made
        },
        author: lena
      },
      // a viewer may comment where the organisation may
      { what: 'a viewer\'s reply', by: viewer, doc: comments, act: async b => await b.request('POST', `/api/comments/${thread}/replies`, { text: 'The registrar.' }), author: sam },
      { what: 'resolve', by: editor, doc: comments, act: async b => await b.request('POST', `/api/comments/${thread}/state`, { state: 'resolved' }), author: lena },
      { what: 'adoption state', by: editor, doc: () => privateLog(node), act: async b => await b.request('POST', '/api/adoption', { doc: source, state: 'trialling', note: 'On ward 3.' }), author: lena },
      { what: 'comment with the token', by: 'token', doc: comments, act: async b => await b.request('POST', `/api/docs/${source}/comments`, { section: 'Steps', text: 'Noted.' }), author: '' },
      { what: 'adoption state with the token', by: 'token', doc: () => privateLog(node), act: async b => await b.request('POST', '/api/adoption', { doc: source, state: 'adopted' }), author: '' },
      { what: 'restore with the token', by: 'token', doc: () => source, act: async b => await b.request('POST', `/api/docs/${source}/restore`, { version }), author: '' }
    ], async action => {
      if (!action.what.endsWith('upstream')) return
      // a change at the source for the variant to take
      expect((await admin.request('PATCH', `/api/docs/${source}`, { append: { section: 'Steps', text: 'Start antibiotics within the hour.' } })).status).toBe(200)
    })
  })

  it('proposing to and declining a proposal from another organisation are signed with the person', async () => {
    const { node: a, token: aToken, admin, editor } = await organisation()
    const { node: b, token: bToken } = await start()
    const lena = (await editor.request('GET', '/api/people/me')).json.person.id as string
    const amara = (await admin.request('GET', '/api/people/me')).json.person.id as string
    // one source each, shared with the other; each organisation adapts the other's and changes it
    const ours = (await admin.request('POST', '/api/docs', { title: 'Falls prevention', sections: [{ heading: 'Steps', text: 'Check footwear.' }] })).json.id as DocId
    expect((await admin.request('POST', `/api/docs/${ours}/share`, { with: b.orgId, role: 'read' })).status).toBe(200)
    const theirs = (await api(b, bToken, 'POST', '/api/docs', { title: 'Discharge letters', sections: [{ heading: 'Steps', text: 'Send within a day.' }] })).json.id as DocId
    expect((await api(b, bToken, 'POST', `/api/docs/${theirs}/share`, { with: a.orgId, role: 'read' })).status).toBe(200)
    await b.api.connect(a.listenAddresses()[0])
    await until([a, b], async () => a.store.has(theirs) && b.store.has(ours))
    const bVariant = (await api(b, bToken, 'POST', `/api/docs/${ours}/adapt`, { why: 'Our patients wear socks.' })).json.id as DocId
    expect((await api(b, bToken, 'PATCH', `/api/docs/${bVariant}`, { append: { section: 'Steps', text: 'Non-slip socks.' } })).status).toBe(200)
    const incoming = (await api(b, bToken, 'POST', `/api/docs/${bVariant}/proposals`, { message: 'Socks help.' })).json.id as DocId
    await until([a], async () => (await api(a, aToken, 'GET', '/api/proposals')).json.some((p: { id: string }) => p.id === incoming))
    const aVariant = (await editor.request('POST', `/api/docs/${theirs}/adapt`, { why: 'The pharmacist checks each letter.' })).json.id as DocId
    expect((await editor.request('PATCH', `/api/docs/${aVariant}`, { append: { section: 'Steps', text: 'Copy to the pharmacist.' } })).status).toBe(200)
    let outgoing = '' as DocId

    await check(a, aToken, [
      {
        what: 'propose',
        by: editor,
        doc: () => outgoing,
        act: async br => {
          const made = await br.request('POST', `/api/docs/${aVariant}/proposals`, { message: 'Pharmacists want a copy.' })
          outgoing = made.json.id as DocId
          return made
        },
        author: lena
      },
      { what: 'decline', by: admin, doc: () => incoming, act: async br => await br.request('POST', `/api/proposals/${incoming}/decline`, { reply: 'We use alarms.' }), author: amara }
    ])
  })
})
