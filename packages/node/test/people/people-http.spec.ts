/**
 * People through the node's HTTP API and live connection (docs/people.md), one real node in
 * process: the admin link's holder sets the organisation up, invites an editor and a viewer who
 * accept in their own "browsers" (cookie jars); roles are enforced on routes and on the WebSocket
 * (a viewer's forged write is refused and changes nothing; an editor's edit names them as author);
 * a role change closes the person's open connection at once and their next request is refused.
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as awarenessProtocol from 'y-protocols/awareness'
import type { DocId } from '@commonplace/core'
import type { CommonplaceNode } from '../../src/index.ts'
import { Browser, PASSWORD, api, cleanUp, live, organisation, start } from './browsers.ts'

afterEach(cleanUp)

/** An awareness message setting the cursor's user name to `name` (what a page sends). */
function cursor (awareness: awarenessProtocol.Awareness, name: string): Uint8Array {
  awareness.setLocalStateField('user', { name, color: '#b3261e' })
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 1)
  encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID]))
  return encoding.toUint8Array(encoder)
}

function retitle (node: CommonplaceNode, doc: DocId, title: string, client: number): Uint8Array {
  const copy = new Y.Doc({ guid: doc })
  Y.applyUpdate(copy, node.store.diff(doc))
  copy.clientID = client
  const before = Y.encodeStateVector(copy)
  copy.getMap('meta').set('title', title)
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 0)
  encoding.writeVarUint(encoder, 2)
  encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(copy, before))
  return encoding.toUint8Array(encoder)
}

const titleOf = (node: CommonplaceNode, doc: DocId): unknown => node.store.read(doc, d => d.getMap('meta').get('title'))

describe('people over the local API', () => {
  it('enforces each role on the routes', async () => {
    const { admin, editor, viewer } = await organisation()
    expect((await viewer.request('GET', '/api/docs')).status).toBe(200)
    const refused = await viewer.request('POST', '/api/docs', { title: 'Hand hygiene' })
    expect(refused).toMatchObject({ status: 403, json: { error: { code: 'ERR_ROLE_FORBIDDEN' } } })
    const created = await editor.request('POST', '/api/docs', { title: 'Hand hygiene' })
    expect(created.status).toBe(201)
    expect((await editor.request('POST', `/api/docs/${created.json.id as string}/share`, { with: '12D3KooWRBy97UB99e3J6hiPesre1MZeuNQvfan4gBziswrRJsNK', role: 'read' })).json.error.code).toBe('ERR_ROLE_FORBIDDEN')
    expect((await editor.request('GET', '/api/people')).json.error.code).toBe('ERR_ROLE_FORBIDDEN')
    expect((await admin.request('GET', '/api/people')).json.map((p: { name: string, role: string }) => `${p.name} ${p.role}`))
      .toEqual(['Amara Okafor admin', 'Dr Lena Fischer editor', 'Sam Patel viewer'])
    expect((await new Browser(admin.node).request('GET', '/api/docs')).json.error.code).toBe('ERR_UNAUTHORISED')
    expect((await admin.request('GET', '/api/web/me')).json).toMatchObject({ name: 'Riverside Surgery', role: 'admin', person: { name: 'Amara Okafor' } })
  })

  it('signs in with name and password, answers wrong ones alike, and signs out', async () => {
    const { node } = await organisation()
    const laptop = new Browser(node)
    const wrong = await laptop.request('POST', '/api/people/sign-in', { login: 'Sam Patel', password: 'not the password' })
    const unknown = await laptop.request('POST', '/api/people/sign-in', { login: 'Nobody', password: 'not the password' })
    expect(wrong).toEqual(unknown)
    expect(wrong).toMatchObject({ status: 401, json: { error: { code: 'ERR_SIGN_IN_FAILED' } } })
    expect(laptop.cookie).toBe('')
    expect((await laptop.request('POST', '/api/people/sign-in', { login: 'sam patel', password: PASSWORD })).json).toMatchObject({ role: 'viewer' })
    expect((await laptop.request('GET', '/api/docs')).status).toBe(200)
    const kept = laptop.cookie
    await laptop.request('POST', '/api/people/sign-out')
    laptop.cookie = kept
    expect((await laptop.request('GET', '/api/docs')).json.error.code).toBe('ERR_SIGNED_OUT')
  })

  it('refuses a viewer\'s forged write on the live connection and records an editor\'s edit as theirs', async () => {
    const { node, editor, viewer } = await organisation()
    const doc = (await editor.request('POST', '/api/docs', { title: 'Hand hygiene' })).json.id as DocId
    const viewerClient = (await viewer.request('POST', `/api/web/docs/${doc}/clients`)).json.client as number
    const viewerLive = await live(viewer, doc, [viewerClient])
    viewerLive.ws.send(retitle(node, doc, 'Forged by a viewer', viewerClient))
    expect(await viewerLive.denied).toBe('read-only')
    expect(titleOf(node, doc)).toBe('Hand hygiene')

    const editorClient = (await editor.request('POST', `/api/web/docs/${doc}/clients`)).json.client as number
    const editorLive = await live(editor, doc, [editorClient])
    const changed = new Promise<void>(resolve => { const off = node.store.onChange(c => { if (c.id === doc) { off(); resolve() } }) })
    editorLive.ws.send(retitle(node, doc, 'Hand hygiene, 2026', editorClient))
    await changed
    expect(titleOf(node, doc)).toBe('Hand hygiene, 2026')
    const lena = (await editor.request('GET', '/api/people/me')).json.person.id as string
    expect(node.store.attribution(doc).of(editorClient, 0)).toEqual({ org: node.orgId, person: lena })
  })

  it('records a person\'s edits through the JSON routes as theirs, and the token holder\'s as the organisation\'s', async () => {
    const { node, token, editor } = await organisation()
    const lena = (await editor.request('GET', '/api/people/me')).json.person.id as string
    const doc = (await editor.request('POST', '/api/docs', { title: 'Hand hygiene', sections: [{ heading: 'Steps', text: 'Wash hands.' }] })).json.id as DocId
    expect((await editor.request('PATCH', `/api/docs/${doc}`, { append: { section: 'Steps', text: 'Dry them.' } })).status).toBe(200)
    // past OFF_LOOP_MIN_CHARS the edit is built in the Markdown worker and appended prepared
    expect((await editor.request('PATCH', `/api/docs/${doc}`, { appendSections: [{ heading: 'Evidence', text: 'Audit. '.repeat(3000) }] })).status).toBe(200)
    expect((await api(node, token, 'PATCH', `/api/docs/${doc}`, { append: { section: 'Steps', text: 'Checked.' } })).status).toBe(200)

    const sections = (await editor.request('GET', `/api/docs/${doc}`)).json.sections as Array<{ heading: string, authors: Array<{ org: string, person?: string, personName?: string, chars: number }> }>
    const authors = (heading: string): Array<{ org: string, person?: string, personName?: string }> =>
      sections.find(s => s.heading === heading)!.authors.map(({ org, person, personName }) => ({ org, ...(person != null ? { person } : {}), ...(personName != null ? { personName } : {}) }))
    expect(authors('Steps')).toEqual([{ org: node.orgId, person: lena, personName: 'Dr Lena Fischer' }, { org: node.orgId }])
    expect(authors('Evidence')).toEqual([{ org: node.orgId, person: lena, personName: 'Dr Lena Fischer' }])
  })

  it('closes a person\'s live connection at once when the admin changes their role or removes them', async () => {
    const { node, token, admin, editor } = await organisation()
    const doc = (await editor.request('POST', '/api/docs', { title: 'Hand hygiene' })).json.id as DocId
    const client = (await editor.request('POST', `/api/web/docs/${doc}/clients`)).json.client as number
    const open = await live(editor, doc, [client])
    const lena = (await editor.request('GET', '/api/people/me')).json.person.id as string
    expect((await admin.request('PATCH', `/api/people/${lena}`, { role: 'viewer' })).json).toMatchObject({ role: 'viewer' })
    expect(await open.closed).toEqual({ code: 4401, reason: 'signed out: role changed' })
    expect((await editor.request('GET', '/api/docs')).json.error.code).toBe('ERR_SIGNED_OUT')

    expect((await editor.request('POST', '/api/people/sign-in', { login: 'Dr Lena Fischer', password: PASSWORD })).json.role).toBe('viewer')
    const again = await live(editor, doc, [client])
    // the CLI acts as the node's administrator
    expect((await api(node, token, 'DELETE', `/api/people/${lena}`)).status).toBe(200)
    expect(await again.closed).toEqual({ code: 4401, reason: 'signed out: removed' })
    await expect(live(editor, doc, [client])).rejects.toThrow('HTTP 401')
  })

  it('keeps the last admin and mints admin links without a restart', async () => {
    const { node, token, admin } = await organisation()
    const amara = (await admin.request('GET', '/api/people/me')).json.person.id as string
    expect((await admin.request('PATCH', `/api/people/${amara}`, { role: 'viewer' })).json.error.code).toBe('ERR_LAST_ADMIN')
    expect((await api(node, token, 'DELETE', `/api/people/${amara}`)).json.error.code).toBe('ERR_LAST_ADMIN')
    const { url } = (await api(node, token, 'POST', '/api/web/login-links')).json as { url: string }
    const res = await fetch(url, { redirect: 'manual' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/')
  })

  it('names the person on their cursor, and shows another organisation their name only once the setting is on', async () => {
    const { node: a, admin } = await organisation()
    const { node: b } = await start()
    const doc = (await admin.request('POST', '/api/docs', { title: 'Hand hygiene' })).json.id as DocId
    expect((await admin.request('POST', `/api/docs/${doc}/share`, { with: b.orgId, role: 'read' })).status).toBe(200)
    await b.api.connect(a.listenAddresses()[0])
    await new Promise<void>(resolve => { if (b.store.has(doc)) resolve(); else { const off = b.store.onChange(() => { if (b.store.has(doc)) { off(); resolve() } }) } })

    const other = new Browser(b)
    await other.adminLink()
    const far = await live(other, doc, [])
    const near = await live(admin, doc, [])
    const page = new awarenessProtocol.Awareness(new Y.Doc())
    // the page claims another name: the node sets it from the session
    near.ws.send(cursor(page, 'Chief Executive'))
    await near.heard('Amara Okafor · Riverside Surgery')
    await far.heard('"name":"Riverside Surgery"')
    expect(far.seen('Amara')).toBe(false)

    expect((await admin.request('PATCH', '/api/people/settings', { showPeopleNames: true })).json).toEqual({ showPeopleNames: true })
    near.ws.send(cursor(page, 'Chief Executive again'))
    await far.heard('Amara Okafor · Riverside Surgery')
    page.destroy()
  })
})
