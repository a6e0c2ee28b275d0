/**
 * Labelled versions shared with a record's readers (docs/history.md), between real nodes in one
 * process: a label written at one organisation is listed, diffed and restored at another; an
 * organisation without read access never receives it; a peer's forged or oversized entry is not
 * listed and is counted as refused.
 */
import { join } from 'node:path'
import { describe, it, expect, afterEach } from 'vitest'
import { sqliteStore } from '@commonplace/storage'
import { VERSIONS_MAP } from '@commonplace/practice'
import type { DocId } from '@commonplace/core'
import type { CommonplaceNode } from '../src/index.ts'
import { companionHeader } from '../src/history/companion.ts'
import { LOG_BUILD_ROWS, LOG_BUILT_KEY } from '../src/history/versions.ts'
import { apiRequest } from './api-request.ts'
import { befriend, dataDirOf, startNode, stopAll, stopNode, until } from './directory-nodes.ts'

afterEach(stopAll)

const SECTIONS = [
  { heading: 'Problem', text: 'Abnormal results sit in the inbox over the weekend.' },
  { heading: 'Practice', text: 'The duty doctor reviews every abnormal result by 4 pm.' }
]

const sharedOf = async (node: CommonplaceNode, doc: string, label: string): Promise<Awaited<ReturnType<CommonplaceNode['api']['versions']>>[number] | undefined> =>
  (await node.api.versions(doc).catch(() => [])).find(v => v.label === label && v.org != null)

const refused = async (node: CommonplaceNode): Promise<number> => {
  const text = (await apiRequest(node, dataDirOf(node), 'GET', '/api/metrics')).json as string
  const line = text.split('\n').find(l => l.startsWith('commonplace_refused_inputs_total{protocol="comments",reason="ERR_INVALID_STATEMENT"}'))
  return line === undefined ? 0 : Number(line.split(' ').pop())
}

describe('labelled versions replicate under the record\'s grants (nodes in one process)', () => {
  it('a label written at Riverside is listed, diffed and restored at Hillview; a reader sees it; an organisation without access never receives it', async () => {
    const river = await startNode('Riverside Surgery')
    const hill = await startNode('Hillview Medical Practice')
    const canal = await startNode('Canal Street Health Centre')
    const dale = await startNode('Dale Road Clinic')
    for (const other of [hill, canal, dale]) await befriend(river, other)
    const doc = await river.api.createDoc({ title: 'Handling abnormal blood results', sections: SECTIONS })
    const other = await river.api.createDoc({ title: 'Fridge temperatures', sections: SECTIONS })
    await river.api.share(doc.id, { with: hill.orgId, role: 'edit' })
    await river.api.share(doc.id, { with: canal.orgId, role: 'read' })
    await river.api.share(other.id, { with: dale.orgId, role: 'read' })

    const labelled = await river.api.takeVersion(doc.id, { label: 'Agreed at the March meeting' })
    expect(labelled.id).toMatch(/^[a-z2-7]{16}$/)
    expect((await river.api.versions(doc.id)).find(v => v.n === labelled.n)).toMatchObject({ id: labelled.id, label: 'Agreed at the March meeting' })
    await river.api.editDoc(doc.id, { append: { section: 'Practice', text: 'Two duty doctors on Mondays.' } })

    for (const node of [hill, canal]) {
      await until([node], async () => (await sharedOf(node, doc.id, 'Agreed at the March meeting')) != null, `${node.name} lists Riverside's version`)
      expect(await sharedOf(node, doc.id, 'Agreed at the March meeting')).toMatchObject({
        id: labelled.id, n: labelled.n, reason: 'label', org: river.orgId, orgName: 'Riverside Surgery', at: labelled.at
      })
    }
    // the activity feed names it once it arrived: by whom, which document, the label, the version to open
    const labelItem = {
      kind: 'version', doc: doc.id, org: river.orgId, orgName: 'Riverside Surgery', label: 'Agreed at the March meeting',
      text: 'Riverside Surgery labelled a version of "Handling abnormal blood results": Agreed at the March meeting'
    }
    expect((await river.api.activity({})).filter(i => i.kind === 'version')).toEqual([expect.objectContaining({ ...labelItem, version: labelled.n, at: labelled.at })])
    expect((await hill.api.activity({})).filter(i => i.kind === 'version')).toEqual([expect.objectContaining({ ...labelItem, version: labelled.id, at: labelled.at })])
    await until([hill], async () => (await hill.api.getDoc(doc.id)).sections[1].markdown.includes('Two duty doctors'), 'Hillview holds the edit')
    const diff = await hill.api.diff(doc.id, labelled.id as string)
    expect(diff.changes.filter(c => c.status === 'changed').map(c => c.heading)).toEqual(['Practice'])
    expect((await canal.api.diff(doc.id, labelled.id as string)).from).toBe(labelled.id)

    // Hillview (edit) restores Practice from Riverside's version; the restore is Hillview's own shared version
    const restored = await hill.api.restore(doc.id, { version: labelled.id as string, section: 'Practice' })
    expect(restored).toMatchObject({ reason: 'restore' })
    expect(restored.id).toBeDefined()
    expect((await hill.api.getDoc(doc.id)).sections[1].markdown).not.toContain('Two duty doctors')
    await until([river], async () => (await river.api.versions(doc.id)).some(v => v.org === hill.orgId && v.reason === 'restore'), 'Riverside lists Hillview\'s restore')
    const restoreItem = { kind: 'restored', doc: doc.id, org: hill.orgId, text: `Hillview Medical Practice restored "Handling abnormal blood results" from version ${labelled.id as string} (Practice)` }
    expect((await river.api.activity({})).find(i => i.kind === 'restored')).toMatchObject({ ...restoreItem, version: restored.id })
    expect((await hill.api.activity({})).find(i => i.kind === 'restored')).toMatchObject({ ...restoreItem, version: restored.n })
    expect((await hill.api.activity({ since: restored.at })).map(i => i.kind)).not.toContain('version')
    await expect(canal.api.restore(doc.id, { version: labelled.id as string })).rejects.toMatchObject({ code: 'ERR_READ_ONLY' })

    // a reader's label stays on its node
    const local = await canal.api.takeVersion(doc.id, { label: 'Canal read this' })
    expect(local.id).toBeUndefined()
    expect((await canal.api.activity({})).find(i => i.label === 'Canal read this')).toMatchObject({ kind: 'version', org: canal.orgId, version: local.n })

    // Dale Road holds another of Riverside's records, not this one nor its comments document
    await until([dale], () => dale.store.has(other.id), 'Dale Road holds the record shared with it')
    const companion = (await companionHeader(doc.id, river.orgId)).id
    expect(dale.store.has(doc.id)).toBe(false)
    expect(dale.store.has(companion)).toBe(false)
    await expect(dale.api.versions(doc.id)).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' })
    expect((await dale.api.activity({})).filter(i => i.doc === doc.id)).toEqual([])

    await expect(hill.api.diff(doc.id, 'abcdefghijklmnop')).rejects.toMatchObject({ code: 'ERR_VERSION_UNKNOWN' })
    expect((await river.api.versions(doc.id)).some(v => v.label === 'Canal read this')).toBe(false)
  })

  it('an adaptation\'s version travels with the variant to its readers', async () => {
    const river = await startNode('Riverside Surgery')
    const hill = await startNode('Hillview Medical Practice')
    await befriend(river, hill)
    const source = await river.api.createDoc({ title: 'Handling abnormal blood results', sections: SECTIONS })
    await river.api.share(source.id, { with: hill.orgId, role: 'read' })
    await until([hill], () => hill.store.has(source.id), 'Hillview holds the source')
    const variant = await hill.api.adapt(source.id, { why: 'Two duty doctors on Mondays' })
    await hill.api.share(variant.id, { with: river.orgId, role: 'read' })
    await until([river], async () => (await river.api.versions(variant.id).catch(() => [])).some(v => v.org === hill.orgId && v.reason === 'adaptation'), 'Riverside lists the adaptation version')
  })

  it('does not list an entry written as another organisation, nor one past the bounds, and counts each as refused; the feed keeps one from the future out', async () => {
    const river = await startNode('Riverside Surgery')
    const hill = await startNode('Hillview Medical Practice')
    await befriend(river, hill)
    const doc = await river.api.createDoc({ title: 'Handling abnormal blood results', sections: SECTIONS })
    await river.api.share(doc.id, { with: hill.orgId, role: 'comment' })
    const companion = (await companionHeader(doc.id, river.orgId)).id as DocId
    await until([hill], () => hill.store.has(companion), 'Hillview holds the comments document')
    const sections = SECTIONS.map((s, i) => ({ id: `sectionaaaa${'ab'[i]}`, heading: s.heading, markdown: s.text }))
    const entry = (org: string, id: string, extra: object = {}): object => ({ type: 'version', id, org, n: 1, at: Date.now(), reason: 'label', label: 'x', title: 'T', sections, ...extra })
    hill.store.edit(companion, doc => {
      const map = doc.getMap<unknown>(VERSIONS_MAP)
      // as Riverside, by Hillview's client
      map.set(`${river.orgId}/aaaaaaaaaaaaaaaa`, entry(river.orgId, 'aaaaaaaaaaaaaaaa', { label: 'forged' }))
      // past the text bound
      map.set(`${hill.orgId}/bbbbbbbbbbbbbbbb`, entry(hill.orgId, 'bbbbbbbbbbbbbbbb', { label: 'huge', sections: [{ id: 'sectionaaaaa', heading: 'H', markdown: 'x'.repeat(300_000) }] }))
      // dated a day ahead: listed in the history, kept out of the feed until its time
      map.set(`${hill.orgId}/dddddddddddddddd`, entry(hill.orgId, 'dddddddddddddddd', { label: 'tomorrow', at: Date.now() + 86_400_000 }))
      // a good one, so that the others' arrival is known
      map.set(`${hill.orgId}/cccccccccccccccc`, entry(hill.orgId, 'cccccccccccccccc', { label: 'fine' }))
    })
    hill.store.flush()
    await until([river], async () => (await river.api.versions(doc.id)).some(v => v.label === 'fine'), 'Riverside lists the good entry')
    const labels = (await river.api.versions(doc.id)).map(v => v.label)
    expect(labels).not.toContain('forged')
    expect(labels).not.toContain('huge')
    expect(labels).toContain('tomorrow')
    expect((await river.api.activity({})).filter(i => i.kind === 'version').map(i => i.label)).toEqual(['fine'])
    expect(await refused(river)).toBeGreaterThanOrEqual(2)
  })

  it('lists the versions of a store written before the activity log, once built at a start', async () => {
    const node = await startNode('Riverside Surgery')
    const dataDir = dataDirOf(node)
    const docs = [
      await node.api.createDoc({ title: 'Handling abnormal blood results', sections: SECTIONS }),
      await node.api.createDoc({ title: 'Fridge temperatures', sections: SECTIONS })
    ]
    // more than one step of the build, beside each record's automatic first version
    for (let i = 0; i < LOG_BUILD_ROWS + 6; i++) await node.api.takeVersion(docs[i % 2].id, { label: `label ${i}` })
    await stopNode(node)
    // the store as written before the log: its version rows, no log row, no marker
    const storage = sqliteStore({ path: join(dataDir, 'commonplace.db') })
    const logged = storage.range({ gte: 'hl/', lt: 'hl0' })
    expect(logged).toHaveLength(LOG_BUILD_ROWS + 6)
    expect(storage.range({ gte: 'hv/', lt: 'hv0' }).length).toBeGreaterThan(LOG_BUILD_ROWS + 6)
    storage.write([...logged.map(([key]) => ({ type: 'del' as const, key })), { type: 'del', key: LOG_BUILT_KEY }])
    storage.close()

    const again = await startNode('Riverside Surgery', dataDir)
    const labels = (await again.api.activity({ limit: 500 })).filter(i => i.kind === 'version').map(i => i.label)
    expect(labels).toHaveLength(LOG_BUILD_ROWS + 6)
    expect(new Set(labels)).toEqual(new Set(Array.from({ length: LOG_BUILD_ROWS + 6 }, (_, i) => `label ${i}`)))
    await stopNode(again)
    const rebuilt = sqliteStore({ path: join(dataDir, 'commonplace.db') })
    try {
      expect(rebuilt.range({ gte: 'hl/', lt: 'hl0' }).map(([key, value]) => [key, Buffer.from(value).toString()])).toEqual(logged.map(([key, value]) => [key, Buffer.from(value).toString()]))
      expect(rebuilt.get(LOG_BUILT_KEY)).toBeDefined()
    } finally {
      rebuilt.close()
    }
  })
})
