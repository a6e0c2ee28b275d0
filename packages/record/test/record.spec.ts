import { describe, it, expect } from 'vitest'
import * as Y from 'yjs'
import { InvalidInputError, MAX_SHORT_TEXT, NotFoundError, parseSectionId } from '@commonplace/core'
import type { DocId } from '@commonplace/core'
import {
  appendSection, appendToSection, findSection, initRecord, listSections, readRecord, recordKind,
  recordTitle, SECTION_TEMPLATES, setMeta, setSectionLocked, setTitle
} from '../src/index.ts'
import { bloodResultsInit, CANAL_STREET, exchange, HILLVIEW, NORDHEIDE, replica, RIVERSIDE, T0 } from './fixtures.ts'

describe('initRecord and readRecord', () => {
  it('writes the metadata and sections and reads them back as plain values', () => {
    const doc = new Y.Doc()
    initRecord(doc, bloodResultsInit())
    const { meta, sections } = readRecord(doc)
    expect(meta).toEqual({
      title: 'Handling abnormal blood results: who acts, by when',
      summary: 'Who acts on abnormal blood results and by when, so that none wait over a weekend.',
      kind: 'protocol',
      language: 'en-GB',
      sector: 'primary care',
      maturity: 'stable',
      status: 'approved',
      licence: 'CC-BY-4.0',
      owner: RIVERSIDE,
      created: T0,
      updated: T0,
      tags: ['pathology', 'results', 'safety']
    })
    expect(sections.map(s => s.heading)).toEqual(['Problem', 'Practice', 'Local arrangements'])
    expect(sections[0].markdown).toBe('Abnormal results waited in a shared inbox over weekends.')
    expect(sections[2].markdown).toBe('> Mondays: two duty doctors share the inbox.')
    for (const section of sections) {
      expect(parseSectionId(section.id)).toBe(section.id)
      expect(section.locked).toBe(false)
    }
    expect(new Set(sections.map(s => s.id)).size).toBe(3)
    expect(JSON.parse(JSON.stringify(readRecord(doc)))).toEqual(readRecord(doc))
  })

  it('stores the schema the README describes', () => {
    const doc = new Y.Doc()
    initRecord(doc, { ...bloodResultsInit(), reviewBy: '2026-03-31' })
    const meta = doc.getMap('meta')
    expect(meta.get('tags')).toBeInstanceOf(Y.Array)
    expect((meta.get('tags') as Y.Array<string>).toArray()).toEqual(['pathology', 'results', 'safety'])
    expect(meta.get('owner')).toBe(RIVERSIDE)
    expect(meta.get('reviewBy')).toBe('2026-03-31')
    expect(meta.get('created')).toBe(T0)
    const section = doc.getArray('sections').get(0) as Y.Map<unknown>
    expect(section).toBeInstanceOf(Y.Map)
    expect([...section.keys()].sort()).toEqual(['body', 'heading', 'id', 'locked'])
    expect(section.get('body')).toBeInstanceOf(Y.XmlFragment)
    expect(section.get('locked')).toBe(false)
  })

  it('fills in defaults and makes all its writes in one transaction', () => {
    const doc = new Y.Doc()
    let updates = 0
    doc.on('update', () => { updates++ })
    initRecord(doc, {
      title: 'Baugrube sichern – Checkliste für Auszubildende',
      owner: NORDHEIDE,
      sections: SECTION_TEMPLATES.construction.map(heading => ({ heading })),
      now: T0
    })
    expect(updates).toBe(1)
    const { meta, sections } = readRecord(doc)
    expect(meta).toMatchObject({ kind: 'practice', maturity: 'draft', status: 'draft', licence: 'network-only', tags: [] })
    expect(meta.summary).toBeUndefined()
    expect(sections.map(s => s.heading)).toEqual(['Task', 'Hazards', 'Measures', 'Tools and materials', 'Quality check'])
    expect(sections.every(s => s.markdown === '')).toBe(true)
  })

  it('reads an empty document without throwing', () => {
    const doc = new Y.Doc()
    expect(readRecord(doc)).toEqual({
      meta: { title: '', kind: 'practice', maturity: 'draft', status: 'draft', licence: 'network-only', owner: '', created: 0, updated: 0, tags: [] },
      sections: []
    })
    expect(recordTitle(doc)).toBe('')
    expect(recordKind(doc)).toBe('practice')
  })

  it('refuses invalid input with InvalidInputError and writes nothing', () => {
    const bad: unknown[] = [
      { ...bloodResultsInit(), title: '' },
      { ...bloodResultsInit(), title: '   ' },
      { ...bloodResultsInit(), title: 'x'.repeat(MAX_SHORT_TEXT + 1) },
      { ...bloodResultsInit(), title: 'two\nlines' },
      { ...bloodResultsInit(), title: 42 },
      { ...bloodResultsInit(), owner: 'Riverside Surgery' },
      { ...bloodResultsInit(), kind: 'essay' },
      { ...bloodResultsInit(), maturity: 'final' },
      { ...bloodResultsInit(), status: 'published' },
      { ...bloodResultsInit(), licence: 'MIT' },
      { ...bloodResultsInit(), language: 'English (UK)' },
      { ...bloodResultsInit(), reviewBy: '2026-02-30' },
      { ...bloodResultsInit(), tags: ['ok', ''] },
      { ...bloodResultsInit(), tags: 'pathology' },
      { ...bloodResultsInit(), now: -1 },
      { ...bloodResultsInit(), sections: [{ heading: '' }] },
      { ...bloodResultsInit(), sections: [{ heading: 'Problem', markdown: 42 }] },
      { ...bloodResultsInit(), sections: [{ heading: 'Problem', text: 'body under the wrong key' }] },
      { ...bloodResultsInit(), sections: [{ heading: 'Problem', locked: 'yes' }] },
      { ...bloodResultsInit(), sections: 'Problem' },
      { ...bloodResultsInit(), colour: 'blue' },
      { ...bloodResultsInit(), created: 5 },
      null
    ]
    for (const init of bad) {
      const doc = new Y.Doc()
      expect(() => initRecord(doc, init as never), JSON.stringify(init)).toThrow(InvalidInputError)
      expect(Y.encodeStateAsUpdate(doc)).toEqual(Y.encodeStateAsUpdate(new Y.Doc()))
    }
  })

  it('refuses to initialise a document twice', () => {
    const doc = new Y.Doc()
    initRecord(doc, bloodResultsInit())
    expect(() => initRecord(doc, bloodResultsInit())).toThrow(InvalidInputError)
    expect(readRecord(doc).sections).toHaveLength(3)
  })
})

describe('metadata', () => {
  it('sets the title and bumps updated; accessors read it cheaply', () => {
    const doc = new Y.Doc()
    initRecord(doc, bloodResultsInit())
    setTitle(doc, '  Abnormal blood results: who acts, by when  ', T0 + 1)
    expect(recordTitle(doc)).toBe('Abnormal blood results: who acts, by when')
    expect(recordKind(doc)).toBe('protocol')
    expect(readRecord(doc).meta.updated).toBe(T0 + 1)
    expect(() => setTitle(doc, '')).toThrow(InvalidInputError)
  })

  it('patches fields, removes optional ones with null and validates against the constants', () => {
    const doc = new Y.Doc()
    initRecord(doc, bloodResultsInit())
    const source = { doc: 'abcdefghijklmnopqrstuvwxyz' as DocId, version: 'approved-3', org: RIVERSIDE }
    setMeta(doc, { status: 'superseded', maturity: 'agreed', summary: null, reviewBy: '2026-03-31', derivedFrom: source, evidenceLevel: 'audit' }, T0 + 5)
    const { meta } = readRecord(doc)
    expect(meta).toMatchObject({ status: 'superseded', maturity: 'agreed', reviewBy: '2026-03-31', derivedFrom: source, evidenceLevel: 'audit', updated: T0 + 5 })
    expect('summary' in meta).toBe(false)
    for (const patch of [{ status: 'archived' }, { kind: null }, { owner: HILLVIEW }, { updated: 1 }, { derivedFrom: { ...source, doc: 'nope' } }, { tags: [1] }]) {
      expect(() => setMeta(doc, patch as never), JSON.stringify(patch)).toThrow(InvalidInputError)
    }
    expect(readRecord(doc).meta).toEqual(meta)
  })

  it('writes nothing for an empty patch', () => {
    const doc = new Y.Doc()
    initRecord(doc, bloodResultsInit())
    const before = Y.encodeStateAsUpdate(doc)
    setMeta(doc, {})
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before)
  })
})

describe('sections', () => {
  it('appends a section with a Markdown body in one update and returns its id', () => {
    const doc = new Y.Doc()
    initRecord(doc, bloodResultsInit())
    let updates = 0
    doc.on('update', () => { updates++ })
    const id = appendSection(doc, 'Outcomes', 'No result waited **over a weekend** in 2024.', T0 + 9)
    appendToSection(doc, id, '- Audit: 0 of 120 missed', T0 + 9)
    setMeta(doc, { maturity: 'stable', tags: ['audit'] }, T0 + 9)
    expect(updates).toBe(3)
    const { sections, meta } = readRecord(doc)
    expect(sections.at(-1)).toEqual({ id, heading: 'Outcomes', locked: false, markdown: 'No result waited **over a weekend** in 2024.\n\n- Audit: 0 of 120 missed' })
    expect(meta.updated).toBe(T0 + 9)
    expect(() => appendSection(doc, '')).toThrow(InvalidInputError)
    expect(() => appendSection(doc, 'x'.repeat(MAX_SHORT_TEXT + 1))).toThrow(InvalidInputError)
  })

  it('appends blocks to a section found by id or by heading, case-insensitively', () => {
    const doc = new Y.Doc()
    initRecord(doc, bloodResultsInit())
    const problem = findSection(doc, 'Problem')
    expect(problem).toBeDefined()
    expect(appendToSection(doc, problem!.id, 'Two results were missed in 2023.')).toBe(problem!.id)
    appendToSection(doc, '  local ARRANGEMENTS ', '- Tuesday: one duty doctor')
    const { sections } = readRecord(doc)
    expect(sections[0].markdown).toBe('Abnormal results waited in a shared inbox over weekends.\n\nTwo results were missed in 2023.')
    expect(sections[2].markdown).toBe('> Mondays: two duty doctors share the inbox.\n\n- Tuesday: one duty doctor')
  })

  it('works as the package example says', () => {
    const doc = new Y.Doc()
    initRecord(doc, {
      title: 'Handling abnormal blood results: who acts, by when',
      owner: RIVERSIDE,
      kind: 'protocol',
      sections: SECTION_TEMPLATES.goodPractice.map(heading => ({ heading }))
    })
    appendToSection(doc, 'practice', '- [ ] Duty doctor reviews **red** results by 11:00')
    expect(readRecord(doc).sections[2]).toMatchObject({ heading: 'Practice', markdown: '- [ ] Duty doctor reviews **red** results by 11:00' })
    expect(readRecord(doc).sections.map(s => s.heading)).toEqual([...SECTION_TEMPLATES.goodPractice])
  })

  it('finds the first section when headings repeat, and throws NotFoundError for unknown sections', () => {
    const doc = new Y.Doc()
    initRecord(doc, { title: 'Vaccine fridge cold-chain breach: first-hour checklist', owner: CANAL_STREET, sections: [{ heading: 'Notes' }, { heading: 'notes' }] })
    const [first, second] = listSections(doc)
    expect(findSection(doc, 'NOTES')?.id).toBe(first.id)
    expect(findSection(doc, second.id)?.index).toBe(1)
    expect(findSection(doc, 'Evidence')).toBeUndefined()
    expect(() => appendToSection(doc, 'Evidence', 'text')).toThrow(NotFoundError)
    expect(() => appendToSection(doc, 'Notes', 42 as never)).toThrow(InvalidInputError)
  })

  it('locks and unlocks sections', () => {
    const doc = new Y.Doc()
    initRecord(doc, {
      title: 'Vaccine fridge cold-chain breach: first-hour checklist',
      owner: CANAL_STREET,
      sections: [{ heading: 'National guidance', markdown: 'Do not use vaccines until advised.', locked: true }, { heading: 'Local arrangements' }]
    })
    expect(readRecord(doc).sections.map(s => s.locked)).toEqual([true, false])
    setSectionLocked(doc, 'local arrangements', true)
    setSectionLocked(doc, 'National guidance', false)
    expect(readRecord(doc).sections.map(s => s.locked)).toEqual([false, true])
    expect(() => setSectionLocked(doc, 'Unknown', true)).toThrow(NotFoundError)
  })

  it('ignores malformed sections another peer wrote', () => {
    const doc = new Y.Doc()
    initRecord(doc, bloodResultsInit())
    doc.transact(() => {
      const sections = doc.getArray('sections')
      sections.push(['not a map'])
      const noBody = new Y.Map<unknown>()
      noBody.set('id', 'aaaaaaaaaaaa')
      sections.push([noBody])
      doc.getMap('meta').set('kind', 'spam')
      doc.getMap('meta').set('title', 42)
    })
    expect(readRecord(doc).sections).toHaveLength(3)
    expect(recordKind(doc)).toBe('practice')
    expect(recordTitle(doc)).toBe('')
  })
})

describe('concurrent edits', () => {
  it('two peers appending sections at once converge on both sections', () => {
    const riverside = new Y.Doc()
    initRecord(riverside, bloodResultsInit())
    const hillview = replica(riverside)
    const a = appendSection(riverside, 'Evidence', 'Audit of 120 results: all actioned the same day.')
    const b = appendSection(hillview, 'Outcomes', 'Mondays now have **two** duty doctors.')
    appendToSection(hillview, 'Problem', 'Hillview saw the same.')
    exchange(riverside, hillview)
    const left = readRecord(riverside)
    expect(readRecord(hillview)).toEqual(left)
    expect(left.sections).toHaveLength(5)
    expect(left.sections.map(s => s.id)).toEqual(expect.arrayContaining([a, b]))
    expect(findSection(riverside, b)?.heading).toBe('Outcomes')
    expect(left.sections[0].markdown).toContain('Hillview saw the same.')
  })

  it('keeps tags both peers add concurrently', () => {
    const riverside = new Y.Doc()
    initRecord(riverside, bloodResultsInit())
    const hillview = replica(riverside)
    setMeta(riverside, { tags: ['pathology', 'results', 'safety', 'weekend'] })
    setMeta(hillview, { tags: ['results', 'safety', 'duty doctor'] })
    exchange(riverside, hillview)
    const tags = readRecord(riverside).meta.tags
    expect(readRecord(hillview).meta.tags).toEqual(tags)
    expect([...tags].sort()).toEqual(['duty doctor', 'results', 'safety', 'weekend'])
  })
})
