import * as Y from 'yjs'
import { MarkName, NodeName } from '../constants.ts'
import { codeSpan, escapeText, linkDestination, TRAILING_BLANKS } from './escape.ts'
import type { InlineContext } from './escape.ts'
import { commonMarks, mergeRuns } from './inline.ts'
import type { InlineItem, Marks, TextRun } from './inline.ts'

/** Marks opened in this order (a link outside emphasis); `code` is written as a code span on its own. */
const ORDER = [MarkName.link, MarkName.bold, MarkName.italic, MarkName.strike] as const
type OrderedMark = typeof ORDER[number]
const DELIMITER: Record<OrderedMark, string> = { link: '[', bold: '**', italic: '*', strike: '~~' }
/** Used when an opening would touch a closing `*`: `**a*b****c*` does not parse, `**a*b***_c_` does. */
const ALTERNATE: Record<OrderedMark, string> = { link: '[', bold: '__', italic: '_', strike: '~~' }

interface OpenMark {
  name: OrderedMark
  href?: string
  delimiter?: string
}

/**
 * The inline content of a textblock element: its `Y.XmlText` runs and `hardBreak` nodes, and
 * those of elements nested in it (walked with a stack: a peer may nest them arbitrarily deep).
 */
export function inlineItemsOf (node: Y.XmlElement | Y.XmlFragment): InlineItem[] {
  const items: InlineItem[] = []
  const stack = node.toArray().reverse()
  for (let child = stack.pop(); child !== undefined; child = stack.pop()) {
    if (child instanceof Y.XmlText) {
      for (const item of itemsOfText(child)) items.push(item)
    } else if (child instanceof Y.XmlElement && child.nodeName === NodeName.hardBreak) {
      items.push({ kind: 'break' })
    } else if (child instanceof Y.XmlElement) {
      const children = child.toArray()
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i])
    }
  }
  return mergeRuns(items)
}

/** The runs of a `Y.XmlText`; newlines in the text count as hard breaks. */
export function itemsOfText (text: Y.XmlText): InlineItem[] {
  const items: InlineItem[] = []
  for (const op of text.toDelta() as Array<{ insert: unknown, attributes?: Record<string, unknown> }>) {
    if (typeof op.insert !== 'string') continue
    const marks = marksOf(op.attributes ?? {})
    op.insert.split('\n').forEach((line, i) => {
      if (i > 0) items.push({ kind: 'break' })
      items.push({ kind: 'text', text: line, marks })
    })
  }
  return items
}

/** The plain text of a `Y.XmlText` (its `toString()` would render the marks as tags). */
export function plainText (text: Y.XmlText): string {
  return (text.toDelta() as Array<{ insert: unknown }>).map(op => typeof op.insert === 'string' ? op.insert : '').join('')
}

/** Known marks from formatting attributes; others (underline, highlight…) are dropped. */
function marksOf (attributes: Record<string, unknown>): Marks {
  if (attributes.code != null) return { code: {} }
  const marks: Marks = {}
  for (const name of [MarkName.bold, MarkName.italic, MarkName.strike]) {
    if (attributes[name] != null) marks[name] = {}
  }
  const href = (attributes.link as { href?: unknown } | null | undefined)?.href
  if (typeof href === 'string') marks.link = { href }
  return marks
}

/**
 * Inline content as Markdown. In a paragraph, hard breaks become `\` + newline (leading and
 * trailing ones are dropped: Markdown cannot hold them); in headings and cells, spaces.
 */
export function renderInline (items: InlineItem[], context: InlineContext): string {
  const lines: TextRun[][] = [[]]
  for (const item of mergeRuns(items)) {
    if (item.kind === 'break') lines.push([])
    else lines.at(-1)?.push(item)
  }
  const rendered = lines.map(runs => renderLine(expelWhitespace(runs), context))
  let first = 0
  let end = rendered.length
  while (first < end && rendered[first] === '') first++
  while (end > first && rendered[end - 1] === '') end--
  return rendered.slice(first, end).join(context === 'block' ? '\\\n' : ' ')
}

function renderLine (runs: TextRun[], context: InlineContext): string {
  let out = ''
  const open: OpenMark[] = []
  for (const run of runs) {
    if (run.marks.code !== undefined) {
      const span = codeSpan(run.text)
      out = closeMarks(out, open, 0) + (context === 'cell' ? span.replace(/\|/g, '\\|') : span)
      continue
    }
    // Keep open what is still wanted, as far as the stack allows; close the rest, open what is missing.
    const wanted = wantedMarks(run.marks)
    let kept = 0
    while (kept < open.length && wanted.some(mark => sameOpen(mark, open[kept]))) kept++
    out = closeMarks(out, open, kept)
    let text = run.text
    const opening = wanted.filter(mark => !open.some(o => sameOpen(o, mark)))
    if (opening.length > 0) {
      // `** bold**` is not bold: whitespace goes before the opening delimiter.
      const lead = /^\s*/.exec(text)?.[0] ?? ''
      if (out !== '') out += lead
      text = text.slice(lead.length)
      const delimiters = out.endsWith('*') && !out.endsWith('\\*') ? ALTERNATE : DELIMITER
      for (const mark of opening) {
        mark.delimiter = delimiters[mark.name]
        out += mark.delimiter
        open.push(mark)
      }
    }
    out += escapeText(text, context, out === '')
  }
  return closeMarks(out, open, 0).replace(TRAILING_BLANKS, '')
}

function wantedMarks (marks: Marks): OpenMark[] {
  return ORDER.filter(name => marks[name] !== undefined)
    .map(name => name === MarkName.link ? { name, href: marks.link?.href ?? '' } : { name })
}

function sameOpen (a: OpenMark, b: OpenMark): boolean {
  return a.name === b.name && a.href === b.href
}

/**
 * Close open marks from index `from` on, innermost first; they leave the stack. Whitespace at
 * the end of `out` moves after the closing delimiters (`**bold **` is not bold).
 */
function closeMarks (out: string, open: OpenMark[], from: number): string {
  const closing = open.splice(from).reverse()
    .map(mark => mark.name === MarkName.link ? `](${linkDestination(mark.href ?? '')})` : mark.delimiter)
    .join('')
  if (closing === '') return out
  // Scanned by hand: `/\s*$/` would retry from every whitespace run of `out`, for every run.
  let cut = out.length
  while (cut > 0 && /\s/.test(out[cut - 1])) cut--
  return out.slice(0, cut) + closing + out.slice(cut)
}

/**
 * Whitespace-only runs keep only the marks both neighbours share, so that no delimiter pair
 * ends up around nothing but whitespace.
 */
function expelWhitespace (runs: TextRun[]): TextRun[] {
  const out = runs.map((run, i): TextRun => {
    if (run.marks.code !== undefined || run.text.trim() !== '') return run
    const shared = commonMarks(runs[i - 1]?.marks ?? {}, runs[i + 1]?.marks ?? {})
    return { ...run, marks: commonMarks(run.marks, shared.code !== undefined ? {} : shared) }
  })
  return mergeRuns(out).filter((item): item is TextRun => item.kind === 'text')
}
