import type * as Y from 'yjs'
import { InvalidInputError } from '@commonplace/core'
import type { OrgId } from '@commonplace/core'
import { PREAMBLE_HEADING } from './constants.ts'
import { renderFrontMatter, splitFrontMatter } from './front-matter.ts'
import { validateInit } from './init.ts'
import { plainTextFromTokens } from './markdown/from-markdown-inline.ts'
import { parseMarkdown } from './markdown/parse.ts'
import type { ParsedMarkdown, Reference } from './markdown/parse.ts'
import { linkDestination } from './markdown/escape.ts'
import { headingMarkdown } from './markdown/to-markdown.ts'
import { readRecord } from './record.ts'
import type { RecordInit, RecordMeta, SectionInit, ToMarkdownOptions } from './types.ts'

/** Front-matter keys `markdownToRecordInit` takes over (owner, dates and `derivedFrom` are not). */
const IMPORTED_FIELDS = ['title', 'summary', 'kind', 'language', 'sector', 'maturity', 'status', 'evidenceLevel', 'licence', 'reviewBy', 'tags'] as const

/**
 * The whole record as one Markdown document: a front-matter metadata block, `# Title`, then
 * each section as `## Heading` followed by its body.
 */
export function recordToMarkdown (doc: Y.Doc, options: ToMarkdownOptions = {}): string {
  const { meta, sections } = readRecord(doc)
  const parts: string[] = []
  if (options.frontMatter !== false) parts.push(renderFrontMatter(frontMatterEntries(meta)))
  parts.push(headingMarkdown(1, plain(meta.title)) || '#')
  for (const section of sections) {
    parts.push(headingMarkdown(2, plain(section.heading)) || '##')
    if (section.markdown !== '') parts.push(section.markdown)
  }
  return parts.join('\n\n') + '\n'
}

function frontMatterEntries (meta: RecordMeta): Array<[string, unknown]> {
  return [
    ['title', meta.title],
    ['summary', meta.summary],
    ['kind', meta.kind],
    ['language', meta.language],
    ['sector', meta.sector],
    ['maturity', meta.maturity],
    ['status', meta.status],
    ['evidenceLevel', meta.evidenceLevel],
    ['licence', meta.licence],
    ['owner', meta.owner],
    ['reviewBy', meta.reviewBy],
    ['created', isoTime(meta.created)],
    ['updated', isoTime(meta.updated)],
    ['tags', meta.tags],
    ['derivedFrom', meta.derivedFrom]
  ]
}

/**
 * Read a Markdown document (as `recordToMarkdown` writes it, or any Markdown) into a record's
 * init for `owner`. The title is the first `# heading` (else front matter `title`); every
 * `#`/`##` heading after it starts a section; text before the first section becomes a section
 * named "Summary"; `###` and deeper stay in the section body. Front matter gives the other
 * metadata (owner, dates and `derivedFrom` are not taken over).
 * @throws InvalidInputError when there is no title or a value is invalid
 * @throws InputTooDeepError when quotes and lists nest deeper than `MAX_MARKDOWN_NESTING`
 */
export function markdownToRecordInit (markdown: string, owner: OrgId | string): RecordInit {
  if (typeof markdown !== 'string') throw new InvalidInputError('markdown must be a string')
  const { fields, body } = splitFrontMatter(markdown)
  const { title, sections } = splitSections(parseMarkdown(body))
  const init: RecordInit = { ...importedFields(fields), owner, sections } as RecordInit
  if (title !== undefined && title !== '') init.title = title
  if (typeof init.title !== 'string') throw new InvalidInputError('No title: expected a "# Title" line or a front-matter title')
  validateInit(init)
  return init
}

interface Chunk {
  heading?: string
  /** Line ranges `[start, end)` of the source that belong to the section. */
  ranges: Array<[number, number]>
}

/**
 * A link reference label in brackets (up to 999 characters, as CommonMark allows). Labels with
 * escaped brackets are not matched: a scan from each `[` then stops at the next bracket, which
 * keeps the matching linear.
 */
const LABEL = /\[([^[\]]{1,999})\]/g
const DEFINITION = /^ {0,3}\[([^[\]]{1,999})\]:/gm

/**
 * Cut the body at its top-level `#` and `##` headings. Each section keeps its Markdown as
 * written: the source lines between its heading and the next (markdown-it's token `map`).
 */
function splitSections ({ tokens, source, references }: ParsedMarkdown): { title?: string, sections: SectionInit[] } {
  const lines = source.split('\n')
  let title: string | undefined
  const chunks: Chunk[] = [{ ranges: [] }]
  let cursor = 0
  tokens.forEach((token, i) => {
    const depth = token.type === 'heading_open' && token.level === 0 ? Number(token.tag.slice(1)) : 0
    if ((depth !== 1 && depth !== 2) || token.map == null) return
    chunks[chunks.length - 1].ranges.push([cursor, token.map[0]])
    cursor = token.map[1]
    const text = plainTextFromTokens(tokens[i + 1]?.children ?? [])
    if (depth === 1 && title === undefined && chunks.length === 1) title = text
    else chunks.push({ heading: text, ranges: [] })
  })
  chunks[chunks.length - 1].ranges.push([cursor, lines.length])
  const sections = chunks.map(chunk => {
    const markdown = chunk.ranges.map(([start, end]) => lines.slice(start, end).join('\n')).join('\n').trim()
    return { heading: chunk.heading ?? PREAMBLE_HEADING, markdown: withDefinitions(markdown, references) }
  })
  if (sections[0].markdown === '') sections.shift()
  return { title, sections }
}

/**
 * Link reference definitions hold for the whole document: give each section the ones it uses
 * and lacks. Labels are looked up in a map, so the work stays linear in the text.
 */
function withDefinitions (markdown: string, references: Record<string, Reference>): string {
  if (!markdown.includes('[')) return markdown
  const defined = new Set([...markdown.matchAll(DEFINITION)].map(match => normaliseLabel(match[1])))
  const missing = new Set<string>()
  for (const match of markdown.matchAll(LABEL)) {
    const label = normaliseLabel(match[1])
    if (!defined.has(label) && Object.hasOwn(references, label)) missing.add(label)
  }
  if (missing.size === 0) return markdown
  return `${markdown}\n\n${[...missing].map(label => definition(label, references[label])).join('\n')}`
}

/** A label as CommonMark compares them: trimmed, inner whitespace collapsed, case folded. */
function normaliseLabel (label: string): string {
  return label.trim().replace(/\s+/g, ' ').toLowerCase().toUpperCase()
}

function definition (label: string, reference: Reference): string {
  const title = reference.title === '' ? '' : ` "${reference.title.replace(/["\\]/g, '\\$&')}"`
  return `[${label}]: ${linkDestination(reference.href) || '<>'}${title}`
}

function importedFields (fields: Record<string, unknown>): Partial<RecordInit> {
  const result: Record<string, unknown> = {}
  for (const key of IMPORTED_FIELDS) {
    let value = fields[key]
    if (key === 'tags' && typeof value === 'string') value = value.split(',').map(tag => tag.trim()).filter(tag => tag !== '')
    if (value == null || value === '' || (key !== 'tags' && Array.isArray(value) && value.length === 0)) continue
    result[key] = value
  }
  return result
}

function plain (text: string): Array<{ kind: 'text', text: string, marks: Record<string, never> }> {
  return [{ kind: 'text', text, marks: {} }]
}

function isoTime (ms: number): string {
  return new Date(ms).toISOString()
}
