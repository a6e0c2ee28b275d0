import { describe, it, expect } from 'vitest'
import * as Y from 'yjs'
import { InvalidInputError } from '@commonplace/core'
import type { DocId } from '@commonplace/core'
import {
  appendSection, findSection, initRecord, markdownToBlocks, markdownToRecordInit, readRecord, recordToMarkdown, setMeta
} from '../src/index.ts'
import { BAUGRUBE_MARKDOWN, bloodResultsInit, CANAL_STREET, fragmentOf, HILLVIEW, NORDHEIDE, RIVERSIDE, T0, tree } from './fixtures.ts'

describe('recordToMarkdown', () => {
  it('writes front matter, the title and each section', () => {
    const doc = new Y.Doc()
    initRecord(doc, {
      title: 'Vaccine fridge cold-chain breach: first-hour checklist',
      owner: CANAL_STREET,
      kind: 'checklist',
      licence: 'OGL-3.0',
      tags: ['vaccines', 'cold chain'],
      now: T0,
      sections: [
        { heading: 'National guidance', markdown: 'Quarantine the vaccines; do **not** discard them.', locked: true },
        { heading: 'Local arrangements', markdown: '- [ ] Phone the *duty manager*\n- [x] Note the min/max temperature' },
        { heading: 'References' }
      ]
    })
    expect(recordToMarkdown(doc)).toBe(`---
title: "Vaccine fridge cold-chain breach: first-hour checklist"
kind: checklist
maturity: draft
status: draft
licence: OGL-3.0
owner: ${CANAL_STREET}
created: 2025-03-01T09:00:00.000Z
updated: 2025-03-01T09:00:00.000Z
tags: [vaccines, cold chain]
---

# Vaccine fridge cold-chain breach: first-hour checklist

## National guidance

Quarantine the vaccines; do **not** discard them.

## Local arrangements

- [ ] Phone the *duty manager*
- [x] Note the min/max temperature

## References
`)
    expect(recordToMarkdown(doc, { frontMatter: false })).toMatch(/^# Vaccine fridge cold-chain breach: first-hour checklist\n\n## National guidance\n/)
  })

  it('writes every metadata field that is set, quoting what YAML would misread', () => {
    const doc = new Y.Doc()
    initRecord(doc, { ...bloodResultsInit(HILLVIEW), reviewBy: '2026-03-31', evidenceLevel: 'local audit', tags: ['yes', '2024', 'pathology'] })
    setMeta(doc, { derivedFrom: { doc: 'abcdefghijklmnopqrstuvwxyz' as DocId, version: 'approved-3', org: RIVERSIDE } }, T0)
    const markdown = recordToMarkdown(doc)
    expect(markdown).toContain('\nsummary: "Who acts on abnormal blood results and by when, so that none wait over a weekend."\n')
    expect(markdown).toContain('\nlanguage: en-GB\nsector: primary care\n')
    expect(markdown).toContain('\nevidenceLevel: local audit\n')
    expect(markdown).toContain('\nreviewBy: 2026-03-31\n')
    expect(markdown).toContain('\ntags: ["yes", "2024", pathology]\n')
    expect(markdown).toContain(`\nderivedFrom: {"doc":"abcdefghijklmnopqrstuvwxyz","version":"approved-3","org":"${RIVERSIDE}"}\n`)
  })
})

describe('markdownToRecordInit', () => {
  it('reads front matter, the title, sections and the text before the first section', () => {
    const init = markdownToRecordInit(BAUGRUBE_MARKDOWN, NORDHEIDE)
    expect(init).toMatchObject({
      title: 'Baugrube sichern – Checkliste für Auszubildende',
      owner: NORDHEIDE,
      kind: 'checklist',
      maturity: 'stable',
      status: 'approved',
      licence: 'CC-BY-SA-4.0',
      language: 'de',
      tags: ['Tiefbau', 'Ausbildung']
    })
    expect(init.sections?.map(s => s.heading)).toEqual(['Summary', 'Aufgabe', 'Gefährdungen', 'Maßnahmen', 'Qualitätsprüfung'])
    expect(init.sections?.[0].markdown).toBe('Für Auszubildende im **ersten** Lehrjahr.')
    expect(init.sections?.[3].markdown).toBe('- [x] Leitungsauskunft liegt vor\n- [ ] Böschungswinkel ≤ 45° oder Verbau gestellt\n- [ ] Absturzsicherung ab 2,00 m Tiefe\n\n### Verbau\n\nGrabenverbaugeräte nur nach *Herstellerangaben* einsetzen.')
  })

  it('builds a record whose checklist and sub-heading are taskItems and a heading node', () => {
    const doc = new Y.Doc()
    initRecord(doc, markdownToRecordInit(BAUGRUBE_MARKDOWN, NORDHEIDE))
    const body = tree(findSection(doc, 'maßnahmen')!.body)
    expect(body.map(node => 'name' in node ? [node.name, node.attrs] : null)).toEqual([['taskList', {}], ['heading', { level: 3 }], ['paragraph', {}]])
    expect(body[0]).toMatchObject({ children: [{ attrs: { checked: true } }, { attrs: { checked: false } }, { attrs: { checked: false } }] })
  })

  it('takes the title from front matter when there is no "# Title", and plain Markdown without either is refused', () => {
    expect(markdownToRecordInit('---\ntitle: Betonieren bei Frost\n---\n\n## Aufgabe\n\nBeton unter +5 °C schützen.', NORDHEIDE).title).toBe('Betonieren bei Frost')
    expect(() => markdownToRecordInit('## Aufgabe\n\nText', NORDHEIDE)).toThrow(InvalidInputError)
    expect(() => markdownToRecordInit('', NORDHEIDE)).toThrow(InvalidInputError)
  })

  it('refuses invalid metadata and owners', () => {
    expect(() => markdownToRecordInit('---\nkind: essay\n---\n# T', NORDHEIDE)).toThrow(InvalidInputError)
    expect(() => markdownToRecordInit('---\nreviewBy: next year\n---\n# T', NORDHEIDE)).toThrow(InvalidInputError)
    expect(() => markdownToRecordInit('# T', 'Ausbildungszentrum Nordheide')).toThrow(InvalidInputError)
    expect(() => markdownToRecordInit(42 as never, NORDHEIDE)).toThrow(InvalidInputError)
  })

  it('ignores the exported owner, dates and derivedFrom: the importer owns the new record', () => {
    const doc = new Y.Doc()
    initRecord(doc, bloodResultsInit())
    setMeta(doc, { derivedFrom: { doc: 'abcdefghijklmnopqrstuvwxyz' as DocId, version: '1', org: CANAL_STREET } })
    const init = markdownToRecordInit(recordToMarkdown(doc), HILLVIEW)
    expect(init.owner).toBe(HILLVIEW)
    expect(init).not.toHaveProperty('derivedFrom')
    expect(init).not.toHaveProperty('created')
    expect(init.now).toBeUndefined()
  })

  it('treats # and ## after the title as sections, and ### as body headings', () => {
    const init = markdownToRecordInit('# Title\n\n# One\n\nA\n\n## Two\n\n### Deeper\n\nB', RIVERSIDE)
    expect(init.sections).toEqual([{ heading: 'One', markdown: 'A' }, { heading: 'Two', markdown: '### Deeper\n\nB' }])
  })

  it('keeps reference-style links working in every section', () => {
    const init = markdownToRecordInit('# T\n\n## A\n\nSee [the guide][g].\n\n## B\n\nAlso [the guide][g].\n\n[g]: https://example.nhs.uk/guide', RIVERSIDE)
    for (const section of init.sections ?? []) {
      expect(tree(fragmentOf(markdownToBlocks(section.markdown ?? '')))[0]).toMatchObject({
        children: [{ delta: expect.arrayContaining([{ insert: 'the guide', attributes: { link: { href: 'https://example.nhs.uk/guide' } } }]) }]
      })
    }
  })
})

describe('round trip', () => {
  it('rebuilds the same title, metadata and sections from the exported Markdown', () => {
    const doc = new Y.Doc()
    initRecord(doc, { ...bloodResultsInit(), reviewBy: '2026-03-31', evidenceLevel: 'audit' })
    appendSection(doc, 'Outcomes', '1. No missed results\n2. Fewer calls\n\n```\nRESULT-ACTIONED\n```\n\n---\n\n- [ ] Re-audit in **March**')
    const original = readRecord(doc)

    const copy = new Y.Doc()
    initRecord(copy, markdownToRecordInit(recordToMarkdown(doc), RIVERSIDE))
    const rebuilt = readRecord(copy)

    expect(rebuilt.meta.title).toBe(original.meta.title)
    expect({ ...rebuilt.meta, created: 0, updated: 0 }).toEqual({ ...original.meta, created: 0, updated: 0 })
    expect(rebuilt.sections.map(({ heading, markdown }) => ({ heading, markdown })))
      .toEqual(original.sections.map(({ heading, markdown }) => ({ heading, markdown })))
    expect(recordToMarkdown(copy, { frontMatter: false })).toBe(recordToMarkdown(doc, { frontMatter: false }))
  })

  it('round-trips German text, umlauts and characters Markdown would misread', () => {
    const doc = new Y.Doc()
    initRecord(doc, {
      title: 'Baugrube sichern – Checkliste für Auszubildende #2',
      owner: NORDHEIDE,
      kind: 'checklist',
      sections: [
        { heading: 'Gefährdungen *vorab*', markdown: '\\# keine Überschrift, 2\\*3 = 6, Größe & Maß <1,25 m>' },
        { heading: 'Summary', markdown: 'Steht vorne.' }
      ]
    })
    const markdown = recordToMarkdown(doc)
    const copy = new Y.Doc()
    initRecord(copy, markdownToRecordInit(markdown, NORDHEIDE))
    expect(readRecord(copy).meta.title).toBe('Baugrube sichern – Checkliste für Auszubildende #2')
    expect(readRecord(copy).sections.map(s => [s.heading, s.markdown])).toEqual(readRecord(doc).sections.map(s => [s.heading, s.markdown]))
    expect(tree(findSection(copy, 'Gefährdungen *vorab*')!.body)).toEqual(tree(findSection(doc, 'Gefährdungen *vorab*')!.body))
  })
})
