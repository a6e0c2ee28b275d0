import * as Y from 'yjs'
import { MAX_BODY_HEADING_LEVEL, MAX_MARKDOWN_NESTING, MIN_BODY_HEADING_LEVEL, NodeName } from '../constants.ts'
import { longestRun, TRAILING_NEWLINES } from './escape.ts'
import { inlineItemsOf, itemsOfText, plainText, renderInline } from './to-markdown-inline.ts'
import type { InlineItem } from './inline.ts'

type Child = Y.XmlElement | Y.XmlText | Y.XmlHook
const LISTS = new Set<string>([NodeName.bulletList, NodeName.orderedList, NodeName.taskList])

/**
 * A section body (or any fragment) as Markdown: the inverse of `markdownToBlocks` for the nodes
 * it writes. Unknown nodes keep their text; empty paragraphs are left out. Quotes and lists
 * nested deeper than `MAX_MARKDOWN_NESTING` (only a peer's document can hold them: Markdown
 * input is refused first) keep their text as one paragraph, which bounds the recursion here.
 */
export function fragmentToMarkdown (fragment: Y.XmlFragment): string {
  return renderBlocks(fragment.toArray(), 0)
}

function renderBlocks (nodes: Child[], depth: number): string {
  return renderChildren(nodes, depth).map(block => block.text).join('\n\n')
}

/**
 * Render sibling blocks, leaving out empty ones. A list right after a list of the same family
 * takes the other marker (`*` for `-`, `)` for `.`): Markdown would otherwise join them.
 */
function renderChildren (nodes: Child[], depth: number): Array<{ node: Child, text: string }> {
  const out: Array<{ node: Child, text: string }> = []
  let previous: { family: string, alternate: boolean } | undefined
  for (const node of nodes) {
    const family = listFamily(node)
    const alternate = family !== undefined && previous?.family === family && !previous.alternate
    const text = family !== undefined ? renderList(node as Y.XmlElement, alternate, depth) : renderBlock(node, depth)
    if (text === '') continue
    out.push({ node, text })
    previous = family === undefined ? undefined : { family, alternate }
  }
  return out
}

function listFamily (node: Child): string | undefined {
  if (!(node instanceof Y.XmlElement) || !LISTS.has(node.nodeName)) return undefined
  return node.nodeName === NodeName.orderedList ? 'ordered' : 'bullet'
}

function renderBlock (node: Child, depth: number): string {
  if (node instanceof Y.XmlText) return renderInline(itemsOfText(node), 'block')
  if (!(node instanceof Y.XmlElement)) return ''
  if (depth >= MAX_MARKDOWN_NESTING && node.nodeName !== NodeName.table) return renderInline(inlineItemsOf(node), 'block')
  switch (node.nodeName) {
    case NodeName.paragraph:
      return renderInline(inlineItemsOf(node), 'block')
    case NodeName.heading:
      return renderHeading(node)
    case NodeName.bulletList:
    case NodeName.orderedList:
    case NodeName.taskList:
      return renderList(node, false, depth)
    case NodeName.blockquote:
      return prefixLines(renderBlocks(node.toArray(), depth + 1), '> ', '>')
    case NodeName.codeBlock:
      return renderCode(node)
    case NodeName.horizontalRule:
      return '---'
    case NodeName.table:
      return renderTable(node)
    default:
      return renderUnknown(node, depth)
  }
}

function renderHeading (node: Y.XmlElement): string {
  const level = Number(attribute(node, 'level'))
  return headingMarkdown(Number.isInteger(level) ? level : MIN_BODY_HEADING_LEVEL, inlineItemsOf(node), true)
}

/**
 * An ATX heading line (`### text`), or '' when the text is empty. Body headings (`clamp`) keep
 * to levels 3 to 6. A `#` at the end of the text is escaped: it would read as a closing sequence.
 */
export function headingMarkdown (level: number, items: InlineItem[], clamp = false): string {
  const depth = clamp ? Math.min(MAX_BODY_HEADING_LEVEL, Math.max(MIN_BODY_HEADING_LEVEL, level)) : level
  const text = renderInline(items, 'heading').replace(/(^|[^\\])#$/, '$1\\#')
  return text === '' ? '' : `${'#'.repeat(depth)} ${text}`
}

function renderCode (node: Y.XmlElement): string {
  const code = node.toArray().map(child => child instanceof Y.XmlText ? plainText(child) : '').join('').replace(TRAILING_NEWLINES, '')
  const fence = '`'.repeat(Math.max(3, longestRun(code, '`') + 1))
  const language = String(attribute(node, 'language') ?? '').replace(/[\s`]/g, '')
  return code === '' ? `${fence}${language}\n${fence}` : `${fence}${language}\n${code}\n${fence}`
}

function renderList (node: Y.XmlElement, alternate: boolean, depth: number): string {
  if (depth >= MAX_MARKDOWN_NESTING) return renderInline(inlineItemsOf(node), 'block')
  const start = Number(attribute(node, 'start') ?? 1)
  let number = Number.isSafeInteger(start) && start >= 0 ? start : 1
  const items = node.toArray().filter((child): child is Y.XmlElement => child instanceof Y.XmlElement)
  return items.map(item => {
    const marker = node.nodeName === NodeName.orderedList ? `${number++}${alternate ? ')' : '.'} ` : alternate ? '* ' : '- '
    const box = item.nodeName === NodeName.taskItem ? (attribute(item, 'checked') === true ? '[x] ' : '[ ] ') : ''
    return renderItem(marker, box, item, depth + 1)
  }).join('\n')
}

/** A list item: the marker, then the item's blocks indented under it. */
function renderItem (marker: string, box: string, item: Y.XmlElement, depth: number): string {
  const blocks = renderChildren(item.toArray(), depth)
  let body = blocks.map((block, i) => (i === 0 ? '' : tightList(block.node) ? '\n' : '\n\n') + block.text).join('')
  // Only a paragraph shares the marker's line; anything else starts on the next one.
  if (blocks.length > 0 && !isParagraph(blocks[0].node)) body = '\n' + body
  const indent = ' '.repeat(marker.length)
  const [first, ...rest] = body.split('\n')
  return [(marker + box + first).trimEnd(), ...rest.map(line => line === '' ? '' : indent + line)].join('\n')
}

function renderTable (node: Y.XmlElement): string {
  const rows = node.toArray()
    .filter((row): row is Y.XmlElement => row instanceof Y.XmlElement)
    .map(row => row.toArray().filter(cell => cell instanceof Y.XmlElement).map(cell => renderInline(cellItems(cell, 0), 'cell')))
    .filter(cells => cells.length > 0)
  if (rows.length === 0) return ''
  const width = rows.reduce((widest, cells) => Math.max(widest, cells.length), 0)
  const line = (cells: string[]): string => `| ${Array.from({ length: width }, (_, i) => cells[i] ?? '').join(' | ')} |`
  return [line(rows[0]), line(Array(width).fill('---')), ...rows.slice(1).map(line)].join('\n')
}

/** All inline content of a cell's blocks, one break between blocks (below the nesting limit). */
function cellItems (node: Y.XmlElement, depth: number): InlineItem[] {
  const blocks = node.toArray()
  if (depth >= MAX_MARKDOWN_NESTING || blocks.some(child => child instanceof Y.XmlText)) return inlineItemsOf(node)
  return blocks.flatMap((child, i): InlineItem[] => {
    const items = child instanceof Y.XmlElement ? cellItems(child, depth + 1) : []
    return i === 0 ? items : [{ kind: 'break' }, ...items]
  })
}

function renderUnknown (node: Y.XmlElement, depth: number): string {
  const children = node.toArray()
  const hasBlocks = children.some(child => child instanceof Y.XmlElement && child.nodeName !== NodeName.hardBreak)
  return hasBlocks ? renderBlocks(children, depth + 1) : renderInline(inlineItemsOf(node), 'block')
}

function prefixLines (text: string, prefix: string, blankPrefix: string): string {
  return text === '' ? '' : text.split('\n').map(line => line === '' ? blankPrefix : prefix + line).join('\n')
}

/**
 * A nested list that may follow the paragraph before it without a blank line: an ordered list
 * can interrupt a paragraph only when it starts at 1.
 */
function tightList (node: Child): boolean {
  if (!(node instanceof Y.XmlElement) || !LISTS.has(node.nodeName)) return false
  return node.nodeName !== NodeName.orderedList || [undefined, 1].includes(attribute(node, 'start') as number | undefined)
}

function isParagraph (node: Child): boolean {
  return node instanceof Y.XmlElement && node.nodeName === NodeName.paragraph
}

/** An attribute as stored: y-prosemirror keeps numbers and booleans, not only strings. */
function attribute (node: Y.XmlElement, name: string): unknown {
  return (node.getAttributes() as Record<string, unknown>)[name]
}
