import { describe, it, expect } from 'vitest'
import * as Y from 'yjs'
import { appendMarkdown, markdownToBlocks } from '../../src/index.ts'
import { fragmentOf, tree } from '../fixtures.ts'
import type { Tree } from '../fixtures.ts'

function parse (markdown: string): Tree[] {
  return tree(fragmentOf(markdownToBlocks(markdown)))
}

const p = (...children: Tree[]): Tree => ({ name: 'paragraph', attrs: {}, children })
const text = (...delta: unknown[]): Tree => ({ delta })

describe('markdownToBlocks: the shape y-prosemirror binds to', () => {
  it('writes marks as formatting attributes keyed by mark name, {} when they have no attributes', () => {
    expect(parse('Results by **10:00**, *duty doctor* acts, `RESULT-ACTIONED`, see [guide](https://example.nhs.uk/pathology).')).toEqual([
      p(text(
        { insert: 'Results by ' },
        { insert: '10:00', attributes: { bold: {} } },
        { insert: ', ' },
        { insert: 'duty doctor', attributes: { italic: {} } },
        { insert: ' acts, ' },
        { insert: 'RESULT-ACTIONED', attributes: { code: {} } },
        { insert: ', see ' },
        { insert: 'guide', attributes: { link: { href: 'https://example.nhs.uk/pathology' } } },
        { insert: '.' }
      ))
    ])
  })

  it('nests marks, keeps German text and decodes character references', () => {
    expect(parse('***Böschung*** ~~prüfen~~ &amp; Größe &auml; &#228; \\*kein\\*')).toEqual([
      p(text(
        { insert: 'Böschung', attributes: { bold: {}, italic: {} } },
        { insert: ' ' },
        { insert: 'prüfen', attributes: { strike: {} } },
        { insert: ' & Größe ä ä *kein*' }
      ))
    ])
  })

  it('lets code exclude other marks, as TipTap does, and drops unsafe links', () => {
    expect(parse('**`a`** [b](javascript:alert(1)) [c](mailto:praxis@example.org)')).toEqual([
      p(text(
        { insert: 'a', attributes: { code: {} } },
        { insert: ' b ' },
        { insert: 'c', attributes: { link: { href: 'mailto:praxis@example.org' } } }
      ))
    ])
  })

  it('splits a textblock at hard breaks into XmlText, hardBreak, XmlText; soft breaks become spaces', () => {
    expect(parse('first\nsame line  \nsecond\\\nthird')).toEqual([
      p(text({ insert: 'first same line' }), { name: 'hardBreak', attrs: {}, children: [] }, text({ insert: 'second' }),
        { name: 'hardBreak', attrs: {}, children: [] }, text({ insert: 'third' }))
    ])
  })

  it('makes headings heading nodes with a numeric level of 3 to 6', () => {
    expect(parse('# One\n\n## Two\n\n### Three\n\n#### Four').map(node => 'attrs' in node ? node.attrs : null))
      .toEqual([{ level: 3 }, { level: 3 }, { level: 3 }, { level: 4 }])
    expect(parse('### Verbau')).toEqual([{ name: 'heading', attrs: { level: 3 }, children: [text({ insert: 'Verbau' })] }])
  })

  it('makes bullet and ordered lists of listItems that start with a paragraph', () => {
    expect(parse('- Einsturz\n  - Böschung\n\n3. drei\n4. vier')).toEqual([
      {
        name: 'bulletList',
        attrs: {},
        children: [{
          name: 'listItem',
          attrs: {},
          children: [p(text({ insert: 'Einsturz' })), {
            name: 'bulletList', attrs: {}, children: [{ name: 'listItem', attrs: {}, children: [p(text({ insert: 'Böschung' }))] }]
          }]
        }]
      },
      {
        name: 'orderedList',
        attrs: { start: 3 },
        children: [
          { name: 'listItem', attrs: {}, children: [p(text({ insert: 'drei' }))] },
          { name: 'listItem', attrs: {}, children: [p(text({ insert: 'vier' }))] }
        ]
      }
    ])
    const [list] = parse('-\n  - nested only')
    expect(list).toMatchObject({ children: [{ name: 'listItem', children: [p(), { name: 'bulletList' }] }] })
  })

  it('makes task items taskItems with a boolean checked attribute, in a taskList of their own', () => {
    expect(parse('- [x] Leitungsauskunft liegt vor\n- [ ] Verbau gestellt\n- Hinweis')).toEqual([
      {
        name: 'taskList',
        attrs: {},
        children: [
          { name: 'taskItem', attrs: { checked: true }, children: [p(text({ insert: 'Leitungsauskunft liegt vor' }))] },
          { name: 'taskItem', attrs: { checked: false }, children: [p(text({ insert: 'Verbau gestellt' }))] }
        ]
      },
      { name: 'bulletList', attrs: {}, children: [{ name: 'listItem', attrs: {}, children: [p(text({ insert: 'Hinweis' }))] }] }
    ])
  })

  it('makes blockquotes, code blocks with a language, rules and tables', () => {
    expect(parse('> Mondays: *two* duty doctors\n\n```sql\nSELECT 1;\n```\n\n---\n\n| Role | By |\n| --- | --- |\n| Nurse | 16:00 |')).toEqual([
      { name: 'blockquote', attrs: {}, children: [p(text({ insert: 'Mondays: ' }, { insert: 'two', attributes: { italic: {} } }, { insert: ' duty doctors' }))] },
      { name: 'codeBlock', attrs: { language: 'sql' }, children: [text({ insert: 'SELECT 1;' })] },
      { name: 'horizontalRule', attrs: {}, children: [] },
      {
        name: 'table',
        attrs: {},
        children: [
          { name: 'tableRow', attrs: {}, children: ['Role', 'By'].map(t => ({ name: 'tableHeader', attrs: { colspan: 1, rowspan: 1 }, children: [p(text({ insert: t }))] })) },
          { name: 'tableRow', attrs: {}, children: ['Nurse', '16:00'].map(t => ({ name: 'tableCell', attrs: { colspan: 1, rowspan: 1 }, children: [p(text({ insert: t }))] })) }
        ]
      }
    ])
    expect(parse('```\n<b>&amp;</b>\n```')).toEqual([{ name: 'codeBlock', attrs: {}, children: [text({ insert: '<b>&amp;</b>' })] }])
  })

  it('keeps raw HTML as text and returns nothing for blank input', () => {
    expect(parse('<div>\nhi\n</div>')).toEqual([p(
      text({ insert: '<div>' }), { name: 'hardBreak', attrs: {}, children: [] }, text({ insert: 'hi' }),
      { name: 'hardBreak', attrs: {}, children: [] }, text({ insert: '</div>' })
    )])
    expect(markdownToBlocks('')).toEqual([])
    expect(markdownToBlocks('  \n\n ')).toEqual([])
  })
})

describe('appendMarkdown', () => {
  it('appends after existing blocks in one update', () => {
    const doc = new Y.Doc()
    const body = doc.getXmlFragment('body')
    appendMarkdown(body, 'Erster Absatz.')
    let updates = 0
    doc.on('update', () => { updates++ })
    appendMarkdown(body, '- [ ] Zweiter\n\nDritter')
    expect(updates).toBe(1)
    expect(tree(body).map(node => 'name' in node ? node.name : 'text')).toEqual(['paragraph', 'taskList', 'paragraph'])
  })

  it('fills a fragment that is not in a document yet', () => {
    const section = new Y.Map<unknown>()
    const body = new Y.XmlFragment()
    appendMarkdown(body, '**fett**')
    section.set('body', body)
    const doc = new Y.Doc()
    doc.getArray('sections').push([section])
    expect(tree(body)).toEqual([p(text({ insert: 'fett', attributes: { bold: {} } }))])
  })
})
