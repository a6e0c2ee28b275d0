/**
 * Who changed a document, in the activity feed's `changed` items (docs/history.md): real nodes of
 * two organisations over libp2p in this process, people signed in through the local API. A local
 * person's edit is named by the person, a peer's by its organisation, the others counted.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { DocId } from '@commonplace/core'
import type { ActivityItem } from '@commonplace/api'
import type { CommonplaceNode } from '../../src/index.ts'
import { Browser, api, cleanUp, organisation, start, stop } from './browsers.ts'

afterEach(cleanUp)

/** Resolve once `check()` holds, checking again after every change in the node's store. */
async function until (node: CommonplaceNode, check: () => boolean): Promise<void> {
  await new Promise<void>(resolve => {
    const off = node.store.onChange(() => { if (check()) { off(); resolve() } })
    if (check()) { off(); resolve() }
  })
}

/** The clock past `at`, so that the next change is later than the last one (the records keep ms). */
function after (at: number): void {
  while (Date.now() <= at) { /* the next millisecond is at most one away */ }
}

async function changed (browser: Browser, doc: DocId, since?: string): Promise<ActivityItem | undefined> {
  const feed = (await browser.request('GET', `/api/activity${since != null ? `?since=${encodeURIComponent(since)}` : ''}`)).json as ActivityItem[]
  return feed.find(i => i.kind === 'changed' && i.doc === doc)
}

async function nameAt (node: CommonplaceNode, peer: CommonplaceNode): Promise<string> {
  const name = (await node.api.peers()).find(p => p.orgId === peer.orgId)?.name
  expect(name).toBeTruthy()
  return name as string
}

describe('the activity feed says who changed a document', () => {
  it('names this organisation\'s people and a peer\'s organisation, counts the rest, within `since`, across a restart', async () => {
    const { node: a, token, dataDir, admin, editor } = await organisation()
    const { node: b, token: bToken } = await start()
    const lena = (await editor.request('GET', '/api/people/me')).json.person.id as string
    const amara = (await admin.request('GET', '/api/people/me')).json.person.id as string
    const doc = (await editor.request('POST', '/api/docs', { title: 'Hand hygiene', sections: [{ heading: 'Steps', text: 'Wash hands.' }] })).json.id as DocId
    after(Date.now())
    expect((await admin.request('PATCH', `/api/docs/${doc}`, { append: { section: 'Steps', text: 'Dry them.' } })).status).toBe(200)
    after(Date.now())
    const since = new Date(Date.now()).toISOString()
    // the CLI's token writes as the organisation itself, no person
    expect((await api(a, token, 'PATCH', `/api/docs/${doc}`, { append: { section: 'Steps', text: 'Use alcohol rub.' } })).status).toBe(200)
    after(Date.now())

    expect((await admin.request('POST', `/api/docs/${doc}/share`, { with: b.orgId, role: 'edit' })).status).toBe(200)
    await b.api.connect(a.listenAddresses()[0])
    await until(b, () => b.store.has(doc))
    expect((await api(b, bToken, 'PATCH', `/api/docs/${doc}`, { append: { section: 'Steps', text: 'Forty seconds.' } })).status).toBe(200)
    await until(a, () => a.store.changers(doc).some(c => c.org === b.orgId))
    const bName = await nameAt(a, b)

    const all = await changed(editor, doc)
    expect(all?.changedBy?.map(c => ({ ...c, at: undefined }))).toEqual([
      { by: bName, org: b.orgId, at: undefined },
      { by: 'Riverside Surgery', org: a.orgId, at: undefined },
      { by: 'Amara Okafor', org: a.orgId, person: amara, personName: 'Amara Okafor', at: undefined }
    ])
    expect(all).toMatchObject({ otherChangers: 1, text: `"Hand hygiene" changed by ${bName}, Riverside Surgery (Amara Okafor) and 1 other` })
    // since: only the changes from then on
    const recent = await changed(editor, doc, since)
    expect(recent?.changedBy?.map(c => c.by)).toEqual([bName, 'Riverside Surgery'])
    expect(recent?.otherChangers).toBeUndefined()
    expect(recent?.text).toBe(`"Hand hygiene" changed by ${bName} and Riverside Surgery`)

    // at the peer: its own change and, after it held the document, Lena's, by her organisation only
    after(Date.now())
    expect((await editor.request('PATCH', `/api/docs/${doc}`, { append: { section: 'Steps', text: 'Then gloves.' } })).status).toBe(200)
    await until(b, () => b.store.changers(doc).some(c => c.person === lena))
    const atB = (await b.api.activity({})).find(i => i.kind === 'changed' && i.doc === doc)
    expect(atB?.changedBy).toEqual([
      { by: await nameAt(b, a), org: a.orgId, person: lena, at: expect.any(String) },
      { by: expect.any(String), org: b.orgId, at: expect.any(String) }
    ])
    expect(atB?.text).not.toContain('Lena')

    // the records are on disk with the changes
    const before = await changed(editor, doc)
    expect(before?.changedBy?.[0]).toMatchObject({ by: 'Dr Lena Fischer', person: lena })
    await stop(a)
    const { node: again } = await start(dataDir)
    const laptop = new Browser(again)
    await laptop.adminLink()
    expect(await changed(laptop, doc)).toEqual(before)
  })
})
