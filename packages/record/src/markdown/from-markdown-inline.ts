import { MarkName } from '../constants.ts'
import { mergeRuns, safeHref } from './inline.ts'
import type { InlineItem, MarkAttrs, Marks } from './inline.ts'
import type { Token } from './parse.ts'

const HTML_BREAK = /^<br\s*\/?>$/i
/** What GitHub autolinks in bare text: URLs with a scheme, `www.` names and e-mail addresses. */
const GFM_AUTOLINK = /^(?:https?:\/\/|ftp:\/\/|www\.|mailto:)|@/i
const MARK_OF: Record<string, MarkName> = { em_open: MarkName.italic, strong_open: MarkName.bold, s_open: MarkName.strike }

/**
 * The inline content of a Markdown block (the children of a paragraph's, heading's or cell's
 * `inline` token) as runs of marked text and hard breaks. Soft line breaks become spaces;
 * `code` excludes other marks (as TipTap's Code mark does); images become links to the image;
 * raw HTML stays as text. One pass over the flat token list, with a stack of open marks.
 */
export function inlineFromTokens (tokens: Token[]): InlineItem[] {
  const out: InlineItem[] = []
  const stack: Marks[] = [{}]
  tokens.forEach((token, i) => {
    const marks = stack[stack.length - 1]
    if (token.nesting === -1) {
      if (stack.length > 1) stack.pop()
    } else if (token.nesting === 1) {
      stack.push(opened(token, tokens[i + 1], marks))
    } else {
      collectLeaf(token, marks, out)
    }
  })
  return mergeRuns(out)
}

/** The plain text of inline tokens (a heading used as a title or section name). */
export function plainTextFromTokens (tokens: Token[]): string {
  return inlineFromTokens(tokens).map(item => item.kind === 'text' ? item.text : ' ').join('').trim()
}

function opened (token: Token, next: Token | undefined, marks: Marks): Marks {
  if (token.type === 'link_open') {
    // markdown-it's linkify also links bare domain names; GitHub (and the writer's escaping) does not.
    if (token.markup === 'linkify' && !GFM_AUTOLINK.test(next?.content ?? '')) return marks
    return withLink(marks, token.attrGet('href') ?? '')
  }
  const mark = MARK_OF[token.type]
  return mark === undefined ? marks : withMark(marks, mark)
}

function collectLeaf (token: Token, marks: Marks, out: InlineItem[]): void {
  switch (token.type) {
    case 'softbreak':
      return pushText(out, ' ', marks)
    case 'hardbreak':
      out.push({ kind: 'break' })
      return
    case 'code_inline':
      return pushText(out, token.content.replace(/\n/g, ' '), { code: {} })
    case 'image':
      return pushText(out, token.content, withLink(marks, token.attrGet('src') ?? ''))
    case 'html_inline':
      if (HTML_BREAK.test(token.content.trim())) out.push({ kind: 'break' })
      else pushText(out, token.content, marks)
      return
    default: // text, and anything unknown: its text
      pushText(out, token.content, marks)
  }
}

function pushText (out: InlineItem[], text: string, marks: Marks): void {
  out.push({ kind: 'text', text, marks: marks.code !== undefined ? { code: {} } : marks })
}

function withMark (marks: Marks, name: MarkName, attrs: MarkAttrs = {}): Marks {
  return { ...marks, [name]: attrs }
}

function withLink (marks: Marks, href: string): Marks {
  const safe = safeHref(href)
  return safe === undefined ? marks : withMark(marks, MarkName.link, { href: safe })
}
