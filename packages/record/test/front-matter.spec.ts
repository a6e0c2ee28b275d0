import { describe, it, expect } from 'vitest'
import { renderFrontMatter, splitFrontMatter } from '../src/front-matter.ts'

describe('front matter', () => {
  it('writes plain scalars where YAML reads them back as the same string, JSON strings elsewhere', () => {
    expect(renderFrontMatter([
      ['title', 'Handling abnormal blood results: who acts, by when'],
      ['kind', 'protocol'],
      ['sector', 'primary care'],
      ['german', 'Größe prüfen'],
      ['word', 'no'],
      ['number', '2024'],
      ['hash', 'a #b'],
      ['skipped', undefined],
      ['tags', ['pathology', 'true', 'a, b']],
      ['derivedFrom', { doc: 'x', version: '1' }]
    ])).toBe([
      '---',
      'title: "Handling abnormal blood results: who acts, by when"',
      'kind: protocol',
      'sector: primary care',
      'german: Größe prüfen',
      'word: "no"',
      'number: "2024"',
      'hash: "a #b"',
      'tags: [pathology, "true", "a, b"]',
      'derivedFrom: {"doc":"x","version":"1"}',
      '---'
    ].join('\n'))
  })

  it('reads what it writes', () => {
    const fields = { title: 'Baugrube sichern: Checkliste', tags: ['Tiefbau', 'yes', 'a, b'], derivedFrom: { doc: 'x', version: '1' }, reviewBy: '2026-03-31' }
    const text = renderFrontMatter(Object.entries(fields)) + '\n\n# Body'
    expect(splitFrontMatter(text)).toEqual({ fields, body: '\n# Body' })
  })

  it('reads block lists, single quotes, comments, flow lists of plain words and CRLF line ends', () => {
    const text = "---\r\ntags:\r\n  - Tiefbau\r\n  - 'Aus''bildung'\r\nkind: checklist # a comment\r\nlicence: ~\r\nmore: [a, b ,c]\r\n---\r\nBody"
    expect(splitFrontMatter(text)).toEqual({
      fields: { tags: ['Tiefbau', "Aus'bildung"], kind: 'checklist', licence: null, more: ['a', 'b', 'c'] },
      body: 'Body'
    })
  })

  it('leaves text without a complete block alone', () => {
    expect(splitFrontMatter('# Title\n---\n')).toEqual({ fields: {}, body: '# Title\n---\n' })
    expect(splitFrontMatter('---\ntitle: x\n')).toEqual({ fields: {}, body: '---\ntitle: x\n' })
  })
})
