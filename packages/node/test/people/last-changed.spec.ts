/**
 * Who last changed each section, and when (docs/people.md, "Who last changed a section"): real
 * nodes of two organisations over libp2p in this process, people signed in through the local API.
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import type { DocId } from '@commonplace/core'
import type { LastChangeView } from '@commonplace/api'
import type { CommonplaceNode } from '../../src/index.ts'
import { Browser, api, cleanUp, live, organisation, start, stop, until } from './browsers.ts'

afterEach(cleanUp)

type Sections = Array<{ heading: string, lastChanged?: LastChangeView }>

async function lastChanged (browser: Browser, doc: DocId): Promise<Record<string, LastChangeView | undefined>> {
  const sections = (await browser.request('GET', `/api/docs/${doc}`)).json.sections as Sections
  return Object.fromEntries(sections.map(s => [s.heading, s.lastChanged]))
}

/** Once `node` holds `doc`. */
async function holds (node: CommonplaceNode, doc: DocId): Promise<void> {
  await until([node], async () => node.store.has(doc))
}

describe('who last changed a section', () => {
  it('names this organisation\'s person, a peer\'s organisation, and keeps both across a restart', async () => {
    const { node: a, dataDir, admin, editor } = await organisation()
    const { node: b, token: bToken } = await start()
    const lena = (await editor.request('GET', '/api/people/me')).json.person.id as string
    const amara = (await admin.request('GET', '/api/people/me')).json.person.id as string
    const before = Date.now()
    const doc = (await editor.request('POST', '/api/docs', {
      title: 'Hand hygiene', sections: [{ heading: 'Steps', text: 'Wash hands.' }, { heading: 'Evidence', text: 'WHO 2009.' }]
    })).json.id as DocId

    const created = await lastChanged(editor, doc)
    expect(created.Steps).toMatchObject({ by: 'Dr Lena Fischer', org: a.orgId, person: lena, personName: 'Dr Lena Fischer' })
    expect(Date.parse(created.Steps!.at)).toBeGreaterThanOrEqual(before)
    expect(created.Evidence).toMatchObject({ by: 'Dr Lena Fischer', person: lena })

    // a person's edit of one section moves that section's line only
    expect((await admin.request('PATCH', `/api/docs/${doc}`, { append: { section: 'Evidence', text: 'Local audit 2026.' } })).status).toBe(200)
    const edited = await lastChanged(editor, doc)
    expect(edited.Evidence).toMatchObject({ by: 'Amara Okafor', org: a.orgId, person: amara, personName: 'Amara Okafor' })
    expect(edited.Steps).toEqual(created.Steps)
    // past OFF_LOOP_MIN_CHARS the edit is built in the Markdown worker, which names the sections it touched
    expect((await editor.request('PATCH', `/api/docs/${doc}`, { appendSections: [{ heading: 'Audit', text: 'Audit. '.repeat(3000) }] })).status).toBe(200)
    expect((await lastChanged(editor, doc)).Audit).toMatchObject({ by: 'Dr Lena Fischer', person: lena })

    // another organisation's change arrives signed: its organisation, never a name for its person
    expect((await admin.request('POST', `/api/docs/${doc}/share`, { with: b.orgId, role: 'edit' })).status).toBe(200)
    await b.api.connect(a.listenAddresses()[0])
    await holds(b, doc)
    expect((await api(b, bToken, 'PATCH', `/api/docs/${doc}`, { append: { section: 'Steps', text: 'Dry them.' } })).status).toBe(200)
    await until([a], async () => a.store.lastChanges(doc)[sectionId(a, doc, 'Steps')]?.org === b.orgId)
    const peer = await lastChanged(editor, doc)
    expect(peer.Steps).toEqual({ by: await nameAt(a, b), org: b.orgId, at: peer.Steps!.at })
    expect(Date.parse(peer.Steps!.at)).toBeGreaterThanOrEqual(Date.parse(edited.Evidence!.at))
    expect(peer.Evidence).toEqual(edited.Evidence)

    // the records are on disk with the changes: a restart keeps them
    await stop(a)
    const { node: again } = await start(dataDir)
    const laptop = new Browser(again)
    await laptop.adminLink()
    expect(await lastChanged(laptop, doc)).toEqual(peer)
  })

  it('records a person\'s typing over the live connection against the section typed in', async () => {
    const { node, admin, editor } = await organisation()
    const doc = (await admin.request('POST', '/api/docs', { title: 'Falls', sections: [{ heading: 'Risk', text: 'Check footwear.' }, { heading: 'Review', text: 'Yearly.' }] })).json.id as DocId
    const client = (await editor.request('POST', `/api/web/docs/${doc}/clients`)).json.client as number
    const page = await live(editor, doc, [client])
    page.ws.send(typeInSection(node, doc, client, 1, 'At least '))
    await until([node], async () => node.store.lastChanges(doc)[sectionId(node, doc, 'Review')]?.person != null)
    const seen = await lastChanged(admin, doc)
    expect(seen.Review).toMatchObject({ by: 'Dr Lena Fischer', personName: 'Dr Lena Fischer' })
    expect(seen.Risk).toMatchObject({ by: 'Amara Okafor' })
  })

  it('records a section a peer\'s person adds as that organisation\'s, and drops a removed section\'s record', async () => {
    const { node: a, admin } = await organisation()
    const { node: b, admin: bAdmin } = await organisation()
    const doc = (await admin.request('POST', '/api/docs', { title: 'Sharps', sections: [{ heading: 'Disposal', text: 'Yellow bin.' }] })).json.id as DocId
    expect((await admin.request('POST', `/api/docs/${doc}/share`, { with: b.orgId, role: 'edit' })).status).toBe(200)
    await b.api.connect(a.listenAddresses()[0])
    await holds(b, doc)
    expect((await bAdmin.request('PATCH', `/api/docs/${doc}`, { appendSections: [{ heading: 'Injuries', text: 'Bleed, wash, report.' }] })).status).toBe(200)
    const bPerson = (await bAdmin.request('GET', '/api/people/me')).json.person.id as string
    await until([a], async () => a.store.read(doc, d => d.getArray('sections').length) === 2)
    const seen = await lastChanged(admin, doc)
    expect(seen.Injuries).toEqual({ by: await nameAt(a, b), org: b.orgId, person: bPerson, at: seen.Injuries!.at })
    expect(seen.Disposal).toMatchObject({ by: 'Amara Okafor' })

    const disposal = sectionId(a, doc, 'Disposal')
    expect(a.store.lastChanges(doc)[disposal]).toBeDefined()
    // no route removes a section yet: the store's own edit does, as the live editor's would
    a.store.edit(doc, d => { d.getArray('sections').delete(0, 1) })
    expect(a.store.lastChanges(doc)[disposal]).toBeUndefined()
    await a.store.whenDurable()
    expect(a.store.lastChanges(doc)[disposal]).toBeUndefined()
  })
})

/** A y-websocket update message from a page writing as `client`: `text` at the start of section `index`'s first paragraph. */
function typeInSection (node: CommonplaceNode, doc: DocId, client: number, index: number, text: string): Uint8Array {
  const copy = new Y.Doc({ guid: doc })
  Y.applyUpdate(copy, node.store.diff(doc))
  copy.clientID = client
  const before = Y.encodeStateVector(copy)
  const body = (copy.getArray('sections').get(index) as Y.Map<unknown>).get('body') as Y.XmlFragment
  ;((body.get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(0, text)
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 0)
  encoding.writeVarUint(encoder, 2)
  encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(copy, before))
  return encoding.toUint8Array(encoder)
}

/** The name `node` knows `peer` by (what it called itself when they connected): what `by` shows for the peer's changes. */
async function nameAt (node: CommonplaceNode, peer: CommonplaceNode): Promise<string> {
  const name = (await node.api.peers()).find(p => p.orgId === peer.orgId)?.name
  expect(name).toBeTruthy()
  return name as string
}

/** The id of the section headed `heading`. */
function sectionId (node: CommonplaceNode, doc: DocId, heading: string): string {
  return node.store.read(doc, d => {
    for (const s of d.getArray('sections').toArray()) {
      const map = s as { get: (key: string) => unknown }
      if (map.get('heading') === heading) return map.get('id') as string
    }
    throw new Error(`No section ${heading}`)
  })
}
