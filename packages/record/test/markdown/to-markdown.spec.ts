import { describe, it, expect } from 'vitest'
import * as Y from 'yjs'
import { fragmentToMarkdown, markdownToBlocks } from '../../src/index.ts'
import { BLOOD_RESULTS_PRACTICE, fragmentOf, tree } from '../fixtures.ts'

type Op = { insert: string, attributes?: Record<string, unknown> }

/** A paragraph as an editor bound with y-prosemirror would write it. */
function paragraph (...ops: Op[]): Y.XmlElement {
  const element = new Y.XmlElement('paragraph')
  const text = new Y.XmlText()
  let index = 0
  for (const op of ops) {
    text.insert(index, op.insert, op.attributes ?? {})
    index += op.insert.length
  }
  element.insert(0, [text])
  return element
}

function element (name: string, attrs: Record<string, unknown>, children: Array<Y.XmlElement | Y.XmlText>): Y.XmlElement {
  const node = new Y.XmlElement(name)
  for (const [key, value] of Object.entries(attrs)) (node as unknown as Y.XmlElement<Record<string, object>>).setAttribute(key, value as object)
  node.insert(0, children)
  return node
}

function render (...blocks: Y.XmlElement[]): string {
  return fragmentToMarkdown(fragmentOf(blocks))
}

/** Markdown → fragment → Markdown. */
function normalise (markdown: string): string {
  return fragmentToMarkdown(fragmentOf(markdownToBlocks(markdown)))
}

describe('fragmentToMarkdown', () => {
  it('writes what an editor produced: marks, links, hard breaks, empty paragraphs', () => {
    const doc = render(
      paragraph({ insert: 'Wear ' }, { insert: 'gloves ', attributes: { bold: {} } }, { insert: 'and ' }, { insert: ' goggles', attributes: { italic: {} } }),
      new Y.XmlElement('paragraph'),
      element('paragraph', {}, [
        (() => { const t = new Y.XmlText(); t.insert(0, 'Call '); t.insert(5, '111', { link: { href: 'tel:111', target: '_blank', rel: 'noopener', class: null } }); return t })(),
        new Y.XmlElement('hardBreak'),
        (() => { const t = new Y.XmlText(); t.insert(0, 'then ', {}); t.insert(5, 'log it', { underline: {} }); return t })(),
        new Y.XmlElement('hardBreak')
      ])
    )
    expect(doc).toBe('Wear **gloves** and  *goggles*\n\nCall [111](tel:111)\\\nthen log it')
    expect(render(paragraph({ insert: 'see ' }, { insert: 'guide ', attributes: { link: { href: 'https://example.org' } } }, { insert: 'now', attributes: { bold: {}, link: { href: 'https://example.org' } } }, { insert: ' later', attributes: { bold: {} } })))
      .toBe('see [guide **now**](https://example.org) **later**')
  })

  it('writes overlapping marks so that they parse back to the same runs', () => {
    const cases: Op[][] = [
      [{ insert: 'a', attributes: { bold: {} } }, { insert: 'b', attributes: { bold: {}, italic: {} } }, { insert: 'c', attributes: { italic: {} } }],
      [{ insert: 'a', attributes: { italic: {} } }, { insert: 'b', attributes: { italic: {}, bold: {} } }, { insert: 'c', attributes: { bold: {} } }, { insert: ' d' }],
      [{ insert: 'Link ', attributes: { link: { href: 'https://example.org' } } }, { insert: 'bold', attributes: { bold: {}, link: { href: 'https://example.org' } } }, { insert: 'after', attributes: { bold: {} } }],
      [{ insert: 'gone', attributes: { strike: {} } }, { insert: 'both', attributes: { strike: {}, bold: {} } }, { insert: ' x' }],
      [{ insert: 'code', attributes: { code: {} } }, { insert: 'bold', attributes: { bold: {} } }, { insert: 'a`b', attributes: { code: {} } }]
    ]
    for (const ops of cases) {
      const fragment = fragmentOf([paragraph(...ops)])
      const markdown = fragmentToMarkdown(fragment)
      expect(tree(fragmentOf(markdownToBlocks(markdown))), markdown).toEqual(tree(fragment))
    }
  })

  it('escapes plain text so that it reads back as the same text', () => {
    const texts = [
      '# not a heading', '- not a list', '+ nor this', '1. not a list', '2) nor this', '> not a quote', '=== not a setext line',
      '2*3*4 and a_b_c', '<b>not a tag</b>', '&amp; stays literal', '[x] not a box', '`not code`', '~~not struck~~',
      'back\\slash', 'K+ > 6.0 and < 3.0', 'Prüfer:in – Größe & Gewicht', '    four leading spaces'
    ]
    for (const text of texts) {
      const markdown = render(paragraph({ insert: text }))
      expect(tree(fragmentOf(markdownToBlocks(markdown))), markdown).toEqual(tree(fragmentOf([paragraph({ insert: text.trimStart() })])))
    }
    expect(render(paragraph({ insert: '# not a heading' }))).toBe('\\# not a heading')
    expect(render(paragraph({ insert: '1. not a list' }))).toBe('1\\. not a list')
  })

  it('writes lists, task lists, quotes, code, rules and tables', () => {
    const markdown = render(
      element('taskList', {}, [
        element('taskItem', { checked: true }, [paragraph({ insert: 'Leitungsauskunft' })]),
        element('taskItem', { checked: false }, [paragraph({ insert: 'Verbau' }), element('bulletList', {}, [element('listItem', {}, [paragraph({ insert: 'Gleitschiene' })])])])
      ]),
      element('orderedList', { start: 9 }, [
        element('listItem', {}, [paragraph({ insert: 'nine' })]),
        element('listItem', {}, [paragraph({ insert: 'ten' }), paragraph({ insert: 'second paragraph' })])
      ]),
      element('blockquote', {}, [paragraph({ insert: 'quoted' }), paragraph({ insert: 'twice' })]),
      element('codeBlock', { language: 'sh' }, [(() => { const t = new Y.XmlText(); t.insert(0, 'echo ```\n'); return t })()]),
      new Y.XmlElement('horizontalRule'),
      element('heading', { level: 1 }, [(() => { const t = new Y.XmlText(); t.insert(0, 'Verbau C#'); return t })()]),
      element('table', {}, [
        element('tableRow', {}, [element('tableHeader', { colspan: 1, rowspan: 1 }, [paragraph({ insert: 'Tiefe' })]), element('tableHeader', { colspan: 1, rowspan: 1 }, [paragraph({ insert: 'a|b' })])]),
        element('tableRow', {}, [element('tableCell', { colspan: 1, rowspan: 1 }, [paragraph({ insert: '1,25 m' })])])
      ])
    )
    expect(markdown).toBe([
      '- [x] Leitungsauskunft',
      '- [ ] Verbau',
      '  - Gleitschiene',
      '',
      '9. nine',
      '10. ten',
      '',
      '    second paragraph',
      '',
      '> quoted',
      '>',
      '> twice',
      '',
      '````sh',
      'echo ```',
      '````',
      '',
      '---',
      '',
      '### Verbau C\\#',
      '',
      '| Tiefe | a\\|b |',
      '| --- | --- |',
      '| 1,25 m |  |'
    ].join('\n'))
    expect(normalise(markdown)).toBe(markdown)
  })

  it('is a fixed point: Markdown it wrote reads back to the same Markdown', () => {
    const samples = [
      BLOOD_RESULTS_PRACTICE,
      '- [ ] Böschung *prüfen*\n- [x] **Verbau** gestellt\n  1. Gleitschiene\n  2. Platten',
      '> ### Hinweis\n>\n> - eins\n> - zwei',
      'Text mit `` `Backticks` `` und <https://bgbau.de> und ![Plan](plan.png)',
      '- \n  - only nested',
      '* star list\n+ plus list',
      'Zeile\\\n\\\nnach zwei Umbrüchen',
      '```\n\nleading blank line\n```'
    ]
    for (const sample of samples) {
      const once = normalise(sample)
      expect(normalise(once), once).toBe(once)
    }
  })

  it('writes an empty body as an empty string', () => {
    expect(fragmentToMarkdown(new Y.Doc().getXmlFragment('body'))).toBe('')
    expect(render(new Y.XmlElement('paragraph'), new Y.XmlElement('bulletList'))).toBe('')
  })
})
