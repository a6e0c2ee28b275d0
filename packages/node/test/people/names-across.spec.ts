/**
 * People's names seen from another organisation (docs/people.md, "Who wrote what, seen from other
 * organisations"): real nodes of two organisations over libp2p in this process. With the setting
 * off the other organisation sees the organisation only; on, the person's name in the document's
 * authors, each section's last change, comments and the activity feed; off again, the names go.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { DocId } from '@commonplace/core'
import { PEOPLE_MAP, PEOPLE_NAME_LIMITS, parsePeopleEntry } from '@commonplace/practice'
import type { CommonplaceNode } from '../../src/index.ts'
import { companionHeader } from '../../src/history/companion.ts'
import { api, cleanUp, organisation, start, until } from './browsers.ts'

afterEach(cleanUp)

/** What B shows of who wrote in the document: authors, last changes, comment writers and the feed's sentences. */
async function shown (b: CommonplaceNode, token: string, doc: DocId): Promise<string[]> {
  const view = (await api(b, token, 'GET', `/api/docs/${doc}`)).json as { sections: Array<{ authors: Array<{ personName?: string }>, lastChanged?: { by: string, personName?: string } }> }
  const comments = (await api(b, token, 'GET', `/api/docs/${doc}/comments`)).json as Array<{ personName?: string, orgName?: string }>
  const feed = (await api(b, token, 'GET', '/api/activity')).json as Array<{ kind: string, text: string, personName?: string }>
  return [
    ...view.sections.flatMap(s => s.authors.map(a => `author ${a.personName ?? '-'}`)),
    ...view.sections.map(s => `last changed by ${s.lastChanged?.by ?? '-'} ${s.lastChanged?.personName ?? '-'}`),
    ...comments.map(c => `comment by ${c.orgName ?? '-'} ${c.personName ?? '-'}`),
    ...feed.filter(i => i.kind === 'comment').map(i => `feed: ${i.text}`)
  ]
}

describe('people\'s names at another organisation', () => {
  it('shows the organisation only while the setting is off, the person\'s name once it is on, and stops on the next update when it is off again', async () => {
    const { node: a, admin, editor } = await organisation()
    const { node: b, token } = await start()
    const doc = (await editor.request('POST', '/api/docs', { title: 'Hand hygiene', sections: [{ heading: 'Steps', text: 'Wash hands.' }] })).json.id as DocId
    expect((await admin.request('POST', `/api/docs/${doc}/share`, { with: b.orgId, role: 'edit' })).status).toBe(200)
    expect((await editor.request('POST', `/api/docs/${doc}/comments`, { section: 'Steps', text: 'Twenty seconds?' })).status).toBe(201)
    await b.api.connect(a.listenAddresses()[0])
    const companion = (await companionHeader(doc, a.orgId)).id
    await until([b], async () => b.store.has(doc) && b.store.has(companion) && (await api(b, token, 'GET', `/api/docs/${doc}/comments`)).json.length === 1)
    // B records who last changed a section from the changes it applies after its first copy
    expect((await editor.request('PATCH', `/api/docs/${doc}`, { append: { section: 'Steps', text: 'Use soap.' } })).status).toBe(200)
    await until([b], async () => Object.keys(b.store.lastChanges(doc)).length === 1)
    // the name B knows A by
    const org = (await api(b, token, 'GET', `/api/docs/${doc}/comments`)).json[0].orgName as string

    const off = [
      'author -',
      `last changed by ${org} -`,
      `comment by ${org} -`,
      `feed: ${org} commented on "Hand hygiene": Twenty seconds?`
    ]
    expect(await shown(b, token, doc)).toEqual(off)

    expect((await admin.request('PATCH', '/api/people/settings', { showPeopleNames: true })).status).toBe(200)
    const on = [
      'author Dr Lena Fischer',
      'last changed by Dr Lena Fischer Dr Lena Fischer',
      `comment by ${org} Dr Lena Fischer`,
      `feed: ${org} (Dr Lena Fischer) commented on "Hand hygiene": Twenty seconds?`
    ]
    await until([b], async () => JSON.stringify(await shown(b, token, doc)) === JSON.stringify(on))
    // the names travel signed by the organisation, in the record's comments document, and only the writers' names
    expect(b.store.read(companion, d => d.getMap(PEOPLE_MAP).get(a.orgId))).toMatchObject({ type: 'people', org: a.orgId, names: [[expect.any(String), 'Dr Lena Fischer']] })

    // a person who writes from now on is named too
    expect((await admin.request('PATCH', `/api/docs/${doc}`, { append: { section: 'Steps', text: 'Dry them.' } })).status).toBe(200)
    await until([b], async () => (await shown(b, token, doc)).includes('last changed by Amara Okafor Amara Okafor'))

    // a document written before it is shared: its writers are named once it is
    const later = (await editor.request('POST', '/api/docs', { title: 'Sharps', sections: [{ heading: 'Disposal', text: 'Yellow bin.' }] })).json.id as DocId
    expect((await admin.request('POST', `/api/docs/${later}/share`, { with: b.orgId, role: 'read' })).status).toBe(200)
    await until([b], async () => b.store.has(later) && (await api(b, token, 'GET', `/api/docs/${later}`)).json.sections[0].authors[0]?.personName === 'Dr Lena Fischer')

    expect((await admin.request('PATCH', '/api/people/settings', { showPeopleNames: false })).status).toBe(200)
    await until([b], async () => b.store.read(companion, d => d.getMap(PEOPLE_MAP).get(a.orgId)) === undefined)
    expect(await shown(b, token, doc)).toEqual(['author -', 'author -', ...off.slice(1)])

    // an entry naming A that A did not sign counts nowhere: here B writes one itself
    const lena = (await editor.request('GET', '/api/people/me')).json.person.id as string
    b.store.edit(companion, d => { d.getMap(PEOPLE_MAP).set(a.orgId, { type: 'people', org: a.orgId, names: [[lena, 'Someone else']] }) })
    expect(await shown(b, token, doc)).toEqual(['author -', 'author -', ...off.slice(1)])
  })

  it('reads an entry only within its bounds and under its organisation\'s key', () => {
    const names = (n: number, name = 'Sam Patel'): Array<[string, string]> => Array.from({ length: n }, (_, i) => [`p${i}`, name])
    expect(parsePeopleEntry('org', { type: 'people', org: 'org', names: names(PEOPLE_NAME_LIMITS.names) })?.names.length).toBe(PEOPLE_NAME_LIMITS.names)
    expect(parsePeopleEntry('org', { type: 'people', org: 'org', names: names(PEOPLE_NAME_LIMITS.names + 1) })).toBeUndefined()
    expect(parsePeopleEntry('org', { type: 'people', org: 'org', names: names(1, 'x'.repeat(PEOPLE_NAME_LIMITS.name + 1)) })).toBeUndefined()
    expect(parsePeopleEntry('org', { type: 'people', org: 'org', names: [['p1']] })).toBeUndefined()
    expect(parsePeopleEntry('other', { type: 'people', org: 'org', names: names(1) })).toBeUndefined()
  })
})
