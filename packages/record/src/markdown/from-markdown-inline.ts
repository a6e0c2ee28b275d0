import type { Token, Tokens } from 'marked'
import { MarkName } from '../constants.ts'
import { decodeEntities } from './entities.ts'
import { mergeRuns, safeHref } from './inline.ts'
import type { InlineItem, MarkAttrs, Marks } from './inline.ts'

const HTML_BREAK = /^<br\s*\/?>$/i
const SOFT_BREAK = /[ \t]*\n[ \t]*/g

/**
 * The inline content of a Markdown block (a paragraph's, heading's or cell's tokens) as runs
 * of marked text and hard breaks. Soft line breaks become spaces; `code` excludes other marks
 * (as TipTap's Code mark does); images become links to the image; raw HTML stays as text.
 */
export function inlineFromTokens (tokens: Token[]): InlineItem[] {
  const out: InlineItem[] = []
  collect(tokens, {}, out)
  return mergeRuns(out)
}

/** The plain text of inline tokens (a heading used as a title or section name). */
export function plainTextFromTokens (tokens: Token[]): string {
  return inlineFromTokens(tokens).map(item => item.kind === 'text' ? item.text : ' ').join('').trim()
}

function collect (tokens: Token[], marks: Marks, out: InlineItem[]): void {
  for (const token of tokens) collectToken(token, marks, out)
}

function collectToken (token: Token, marks: Marks, out: InlineItem[]): void {
  switch (token.type) {
    case 'text':
      if (token.tokens != null && token.tokens.length > 0) collect(token.tokens, marks, out)
      else pushText(out, decodeEntities((token as Tokens.Text).text).replace(SOFT_BREAK, ' '), marks)
      return
    case 'escape':
      return pushText(out, (token as Tokens.Escape).text, marks)
    case 'strong':
      return collect((token as Tokens.Strong).tokens, withMark(marks, MarkName.bold), out)
    case 'em':
      return collect((token as Tokens.Em).tokens, withMark(marks, MarkName.italic), out)
    case 'del':
      return collect((token as Tokens.Del).tokens, withMark(marks, MarkName.strike), out)
    case 'codespan':
      return pushText(out, (token as Tokens.Codespan).text.replace(/\n/g, ' '), { code: {} })
    case 'link':
      return collect((token as Tokens.Link).tokens, withLink(marks, (token as Tokens.Link).href), out)
    case 'image':
      return pushText(out, (token as Tokens.Image).text, withLink(marks, (token as Tokens.Image).href))
    case 'br':
      out.push({ kind: 'break' })
      return
    case 'html':
      return collectHtml((token as Tokens.HTML).text, marks, out)
    case 'checkbox':
      return
    default:
      pushText(out, typeof (token as Tokens.Generic).text === 'string' ? (token as Tokens.Generic).text : token.raw, marks)
  }
}

function collectHtml (html: string, marks: Marks, out: InlineItem[]): void {
  if (HTML_BREAK.test(html.trim())) out.push({ kind: 'break' })
  else pushText(out, html, marks)
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
