import { describe, it, expect } from 'vitest'
import * as Y from 'yjs'
import { fragmentToMarkdown, markdownToBlocks } from '../../src/index.ts'
import { fragmentOf, tree } from '../fixtures.ts'

/** Text pieces Markdown would misread if they were not escaped. */
const PIECES = [
  'a', 'Böschung', ' ', '.', '(x)', '*', '_', '#', '1.', '2)', '-', '+', '>', '=', '`', '```', '~~~', '[', ']', '[ ]',
  '!', 'K+ > 6', '<b>', '<!--', '&amp;', '&#228;', '\\', '~', '|', 'http://x.org', 'www.x.de', 'a@b.de', '---', '***', '    '
]

/** A small deterministic random generator, so that a failure can be replayed. */
function generator (seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648
    return state / 2147483648
  }
}

function bodies (seed: number): () => Y.XmlElement[] {
  const random = generator(seed)
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]
  const count = (max: number): number => 1 + Math.floor(random() * max)
  const word = (): string => Array.from({ length: count(4) }, () => pick(PIECES)).join('').trim() || 'x'
  const element = (name: string, attrs: Record<string, unknown>, children: Array<Y.XmlElement | Y.XmlText>): Y.XmlElement => {
    const node = new Y.XmlElement(name)
    for (const [key, value] of Object.entries(attrs)) (node as unknown as Y.XmlElement<Record<string, object>>).setAttribute(key, value as object)
    node.insert(0, children)
    return node
  }
  const text = (value: string): Y.XmlText => {
    const node = new Y.XmlText()
    node.insert(0, value, {})
    return node
  }
  const textblock = (name: string, attrs: Record<string, unknown> = {}, lines = 1): Y.XmlElement =>
    element(name, attrs, Array.from({ length: lines }, () => [new Y.XmlElement('hardBreak'), text(word())]).flat().slice(1))
  const list = (depth: number): Y.XmlElement => {
    const kind = pick(['bulletList', 'orderedList', 'taskList'])
    const items = Array.from({ length: count(3) }, () => element(kind === 'taskList' ? 'taskItem' : 'listItem', kind === 'taskList' ? { checked: random() < 0.5 } : {},
      random() < 0.3 ? [textblock('paragraph', {}, count(2)), block(depth + 1)] : [textblock('paragraph', {}, count(2))]))
    return element(kind, kind === 'orderedList' ? { start: count(3) } : {}, items)
  }
  const table = (): Y.XmlElement => {
    const width = count(3)
    const row = (cell: string): Y.XmlElement => element('tableRow', {}, Array.from({ length: width }, () => element(cell, { colspan: 1, rowspan: 1 }, [textblock('paragraph')])))
    return element('table', {}, [row('tableHeader'), ...Array.from({ length: count(2) }, () => row('tableCell'))])
  }
  const block = (depth: number): Y.XmlElement => {
    const r = random()
    if (depth > 2 || r < 0.35) return textblock('paragraph', {}, count(3))
    if (r < 0.45) return textblock('heading', { level: 3 + Math.floor(random() * 4) })
    if (r < 0.6) return list(depth)
    if (r < 0.7) return element('blockquote', {}, Array.from({ length: count(2) }, () => block(depth + 1)))
    if (r < 0.8) return element('codeBlock', random() < 0.5 ? { language: 'sh' } : {}, [text(`${word()}\n${word()}`)])
    if (r < 0.85) return element('horizontalRule', {}, [])
    return table()
  }
  return () => Array.from({ length: count(4) }, () => block(0))
}

describe('Markdown round trip of random bodies', () => {
  it('reads back every body it writes to the same nodes and the same Markdown', () => {
    const next = bodies(20250301)
    for (let i = 0; i < 300; i++) {
      const fragment = fragmentOf(next())
      const markdown = fragmentToMarkdown(fragment)
      const again = fragmentOf(markdownToBlocks(markdown))
      expect(tree(again), markdown).toEqual(tree(fragment))
      expect(fragmentToMarkdown(again)).toBe(markdown)
    }
  })
})
