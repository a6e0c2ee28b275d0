import { describe, it, expect, afterEach } from 'vitest'
import * as Y from 'yjs'
import { findSection, setSectionBody } from '@commonplace/record'
import { befriend, startNode, stopAll, until } from './directory-nodes.ts'

afterEach(stopAll)

const SECTIONS = [
  { heading: 'Problem', text: 'Abnormal results sit in the inbox over the weekend.' },
  { heading: 'Practice', text: 'The duty doctor reviews every abnormal result by 4 pm.' }
]

describe('comments and versions (nodes in one process)', () => {
  it('anchors a comment, replies across organisations, follows edits, resolves, and refuses a reader and a commenter editing', async () => {
    const river = await startNode('Riverside Surgery')
    const hill = await startNode('Hillview Medical Practice')
    const canal = await startNode('Canal Street Health Centre')
    await befriend(river, hill)
    await befriend(river, canal)
    const doc = await river.api.createDoc({ title: 'Handling abnormal blood results', sections: SECTIONS })
    await river.api.share(doc.id, { with: hill.orgId, role: 'comment' })
    await river.api.share(doc.id, { with: canal.orgId, role: 'read' })
    expect((await river.api.getDoc(doc.id)).grants.map(g => g.role).sort()).toEqual(['comment', 'read'])

    const thread = await river.api.addComment(doc.id, { section: 'Practice', quote: 'by 4 pm', text: 'Why 4 pm and not noon?' })
    expect(thread).toMatchObject({ org: river.orgId, quote: 'by 4 pm', passage: 'by 4 pm', detached: false, state: 'open', heading: 'Practice' })
    await until([hill], async () => (await hill.api.comments(doc.id).catch(() => [])).length === 1, 'Hillview sees the thread')
    expect((await hill.api.getDoc(doc.id)).access).toBe('comment')

    // a commenter replies; it may not edit the record
    await until([hill], async () => await hill.api.replyComment(thread.id, { text: 'Our lab reports by 2 pm.' }).then(() => true, () => false), 'Hillview may write the comments')
    await expect(hill.api.editDoc(doc.id, { append: { section: 'Practice', text: 'changed' } })).rejects.toMatchObject({ code: 'ERR_READ_ONLY' })
    await until([river], async () => (await river.api.comments(doc.id))[0]?.replies.length === 1, 'Riverside sees the reply')
    const reply = (await river.api.comments(doc.id))[0].replies[0]
    expect(reply).toMatchObject({ org: hill.orgId, orgName: 'Hillview Medical Practice', text: 'Our lab reports by 2 pm.' })

    // a reader sees the thread and cannot comment
    await until([canal], async () => (await canal.api.comments(doc.id).catch(() => []))[0]?.replies.length === 1, 'Canal sees the thread')
    await expect(canal.api.addComment(doc.id, { section: 'Practice', text: 'Hello' })).rejects.toMatchObject({ code: 'ERR_COMMENT_FORBIDDEN' })
    await expect(canal.api.replyComment(thread.id, { text: 'Hello' })).rejects.toMatchObject({ code: 'ERR_COMMENT_FORBIDDEN' })

    // refusals that change nothing
    await expect(river.api.addComment(doc.id, { section: 'Practice', quote: 'not there', text: 'x' })).rejects.toMatchObject({ code: 'ERR_ANCHOR_NOT_FOUND' })
    await expect(river.api.addComment(doc.id, { section: 'Nope', text: 'x' })).rejects.toMatchObject({ code: 'ERR_ANCHOR_NOT_FOUND' })
    await expect(river.api.addComment(doc.id, { section: 'Practice', text: 'x'.repeat(4_001) })).rejects.toMatchObject({ code: 'ERR_TEXT_TOO_LONG' })
    expect(await river.api.comments(doc.id)).toHaveLength(1)

    // the passage moves with an edit before it and is marked detached once deleted
    await river.api.editDoc(doc.id, { append: { section: 'Practice', text: 'Escalate to the partner on call.' } })
    expect((await river.api.comments(doc.id))[0]).toMatchObject({ passage: 'by 4 pm', detached: false })
    river.store.edit(doc.id, ydoc => { insertText(ydoc, 'Practice', 'The duty doctor ', 'on call ') })
    expect((await river.api.comments(doc.id))[0]).toMatchObject({ passage: 'by 4 pm', detached: false })
    await until([hill], async () => (await hill.api.comments(doc.id))[0]?.passage === 'by 4 pm' && (await hill.api.getDoc(doc.id)).sections[1].markdown.includes('on call'), 'Hillview sees the edit')
    river.store.edit(doc.id, ydoc => { setSectionBody(ydoc, 'Practice', 'The duty doctor reviews every result the same day.') })
    expect((await river.api.comments(doc.id))[0]).toMatchObject({ quote: 'by 4 pm', detached: true })
    expect((await river.api.comments(doc.id))[0].passage).toBeUndefined()

    // resolve at one organisation, reopen at the other
    await river.api.setCommentState(thread.id, 'resolved')
    await until([hill], async () => (await hill.api.comments(doc.id))[0]?.state === 'resolved', 'Hillview sees it resolved')
    await hill.api.setCommentState(thread.id, 'open')
    await until([river], async () => (await river.api.comments(doc.id))[0]?.state === 'open', 'Riverside sees it reopened')

    const feed = await river.api.activity({})
    expect(feed.map(i => i.kind)).toEqual(expect.arrayContaining(['changed', 'comment', 'reply', 'resolved', 'reopened']))
    expect(feed.find(i => i.kind === 'reopened')).toMatchObject({ org: hill.orgId, doc: doc.id, text: 'Hillview Medical Practice reopened a comment on "Handling abnormal blood results": Why 4 pm and not noon?' })
    expect(feed.find(i => i.kind === 'resolved')).toMatchObject({ org: river.orgId })
  })

  it('the activity feed lists an upstream change of a variant until the variant takes it', async () => {
    const river = await startNode('Riverside Surgery')
    const hill = await startNode('Hillview Medical Practice')
    await befriend(river, hill)
    const source = await river.api.createDoc({ title: 'Handling abnormal blood results', sections: SECTIONS })
    await river.api.share(source.id, { with: hill.orgId, role: 'read' })
    await until([hill], () => hill.store.has(source.id), 'Hillview holds the source')
    const variant = await hill.api.adapt(source.id, { why: 'Two duty doctors on Mondays', title: 'Abnormal results at Hillview' })
    expect((await hill.api.activity({})).filter(i => i.kind === 'upstream')).toEqual([])
    await river.api.editDoc(source.id, { append: { section: 'Practice', text: 'Escalate to the partner on call.' } })
    await until([hill], async () => (await hill.api.activity({})).some(i => i.kind === 'upstream'), 'Hillview\'s feed lists the upstream change')
    expect((await hill.api.activity({})).find(i => i.kind === 'upstream')).toMatchObject({
      doc: variant.id, org: river.orgId, text: '"Handling abnormal blood results", the source of "Abnormal results at Hillview", changed in 1 section since the variant last took from it'
    })
    // Riverside may not edit the variant: nothing to take, no item
    expect((await river.api.activity({})).filter(i => i.kind === 'upstream')).toEqual([])
    await hill.api.takeUpstream(variant.id, {})
    const feed = await hill.api.activity({})
    expect(feed.filter(i => i.kind === 'upstream')).toEqual([])
    // taking it is activity itself, linked to the version taken then
    const taken = (await hill.api.versions(variant.id)).find(v => v.reason === 'upstream-taken')
    expect(feed.find(i => i.kind === 'upstream-taken')).toMatchObject({
      doc: variant.id, org: hill.orgId, version: taken?.n, text: 'Hillview Medical Practice took the source\'s changes into "Abnormal results at Hillview"'
    })
  })

  it('a record shared to read only gets its comments document at the owner\'s first comment, and its readers see it', async () => {
    const river = await startNode('Riverside Surgery')
    const canal = await startNode('Canal Street Health Centre')
    await befriend(river, canal)
    const doc = await river.api.createDoc({ title: 'Fridge temperatures', sections: SECTIONS })
    await river.api.share(doc.id, { with: canal.orgId, role: 'read' })
    await until([canal], () => canal.store.has(doc.id), 'Canal holds the record')
    expect(river.store.list()).toHaveLength(1)
    await river.api.addComment(doc.id, { section: 'Problem', text: 'Check the weekend log too.' })
    await until([canal], async () => (await canal.api.comments(doc.id))[0]?.text === 'Check the weekend log too.', 'Canal sees the comment')
    await expect(canal.api.addComment(doc.id, { section: 'Problem', text: 'x' })).rejects.toMatchObject({ code: 'ERR_COMMENT_FORBIDDEN' })
  })

  it('takes versions, diffs them, restores one section as a new edit, and refuses an unknown version', async () => {
    const river = await startNode('Riverside Surgery')
    const doc = await river.api.createDoc({ title: 'Fridge temperatures', sections: SECTIONS })
    await until([river], async () => (await river.api.versions(doc.id)).length === 1, 'the first version')
    const labelled = await river.api.takeVersion(doc.id, { label: 'Agreed at the March meeting' })
    expect(labelled).toMatchObject({ n: 2, label: 'Agreed at the March meeting', reason: 'label' })
    await river.api.editDoc(doc.id, { append: { section: 'Practice', text: 'Two duty doctors on Mondays.' } })
    await river.api.editDoc(doc.id, { append: { section: 'Problem', text: 'Also after 6 pm.' } })

    const diff = await river.api.diff(doc.id, 2)
    expect(diff.changes.filter(c => c.status === 'changed').map(c => c.heading)).toEqual(['Problem', 'Practice'])
    expect(diff.changes[1].diff?.lines.some(l => l.op === 'added' && l.text.includes('Two duty doctors'))).toBe(true)

    const restored = await river.api.restore(doc.id, { version: 2, section: 'Practice' })
    expect(restored.reason).toBe('restore')
    const now = await river.api.getDoc(doc.id)
    expect(now.sections.find(s => s.heading === 'Practice')?.markdown).not.toContain('Two duty doctors')
    expect(now.sections.find(s => s.heading === 'Problem')?.markdown).toContain('Also after 6 pm.')
    // nothing was rewritten: the restore is a later version, the edit is still in the one before it
    expect((await river.api.diff(doc.id, 2, restored.n)).changes.filter(c => c.status === 'changed').map(c => c.heading)).toEqual(['Problem'])

    await expect(river.api.diff(doc.id, 99)).rejects.toMatchObject({ code: 'ERR_VERSION_UNKNOWN' })
    await expect(river.api.restore(doc.id, { version: 99 })).rejects.toMatchObject({ code: 'ERR_VERSION_UNKNOWN' })
    await expect(river.api.restore(doc.id, { version: 2, section: 'Nope' })).rejects.toMatchObject({ code: 'ERR_ANCHOR_NOT_FOUND' })
  })
})

describe('automatic versions', () => {
  it('keeps each record that arrives, as it arrived, as the first version at the node it reached', async () => {
    const river = await startNode('Riverside Surgery')
    const hill = await startNode('Hillview Medical Practice')
    await befriend(river, hill)
    // a catch-up of several records at once: their first versions are taken together, from what arrived
    const docs = await Promise.all(['Fridge temperatures', 'Abnormal results', 'Repeat prescriptions', 'Sharps injuries', 'Home visits'].map(async title =>
      await river.api.createDoc({ title, sections: SECTIONS })))
    await Promise.all(docs.map(async doc => { await river.api.share(doc.id, { with: hill.orgId, role: 'read' }) }))
    await until([hill], async () => (await Promise.all(docs.map(async doc => (await hill.api.versions(doc.id).catch(() => [])).length))).every(n => n === 1), 'Hillview has a first version of each')
    for (const doc of docs) {
      expect((await hill.api.versions(doc.id)).map(v => [v.n, v.reason])).toEqual([[1, 'first']])
      // the version holds the record as it arrived: nothing changed since
      const diff = await hill.api.diff(doc.id, 1)
      expect(diff.changes.every(c => c.status === 'unchanged')).toBe(true)
    }
    // a later change is told apart from what arrived
    await river.api.editDoc(docs[0].id, { append: { section: 'Practice', text: 'Logged twice a day.' } })
    await until([hill], async () => (await hill.api.getDoc(docs[0].id)).sections[1].markdown.includes('twice a day'), 'Hillview has the edit')
    const after = await hill.api.diff(docs[0].id, 1)
    expect(after.changes.filter(c => c.status === 'changed').map(c => c.heading)).toEqual(['Practice'])
  })

  it('takes one after every N changes when the node is started so, and keeps it local', async () => {
    const river = await startNode('Riverside Surgery', undefined, { autoVersions: { everyChanges: 2 } })
    const doc = await river.api.createDoc({ title: 'Fridge temperatures', sections: SECTIONS })
    await until([river], async () => (await river.api.versions(doc.id)).length === 1, 'the first version')
    for (let i = 1; i <= 4; i++) {
      await river.api.editDoc(doc.id, { append: { section: 'Practice', text: `Check ${i}.` } })
      // four requests, four turns (edits made in one turn after its first are announced as one change)
      await new Promise(resolve => setImmediate(resolve))
    }
    await until([river], async () => (await river.api.versions(doc.id)).length === 3, 'a version after every 2 changes')
    const versions = await river.api.versions(doc.id)
    expect(versions.map(v => v.reason)).toEqual(['first', 'changes', 'changes'])
    expect(versions.every(v => v.id === undefined)).toBe(true)
  })
})

/** Insert `text` after the first occurrence of `after` in a section's first paragraph (an edit before the anchor). */
function insertText (doc: Y.Doc, section: string, after: string, text: string): void {
  const paragraph = findSection(doc, section)?.body.get(0) as Y.XmlElement
  const node = paragraph.get(0) as Y.XmlText
  node.insert(node.toString().indexOf(after) + after.length, text)
}
