import type * as Y from 'yjs'
import type { Token, Tokens } from 'marked'
import { InvalidInputError } from '@commonplace/core'
import type { OrgId } from '@commonplace/core'
import { PREAMBLE_HEADING } from './constants.ts'
import { renderFrontMatter, splitFrontMatter } from './front-matter.ts'
import { validateInit } from './init.ts'
import { lex } from './markdown/from-markdown.ts'
import { plainTextFromTokens } from './markdown/from-markdown-inline.ts'
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
 */
export function markdownToRecordInit (markdown: string, owner: OrgId | string): RecordInit {
  if (typeof markdown !== 'string') throw new InvalidInputError('markdown must be a string')
  const { fields, body } = splitFrontMatter(markdown)
  const { title, sections } = splitSections(lex(body))
  const init: RecordInit = { ...importedFields(fields), owner, sections } as RecordInit
  if (title !== undefined && title !== '') init.title = title
  if (typeof init.title !== 'string') throw new InvalidInputError('No title: expected a "# Title" line or a front-matter title')
  validateInit(init)
  return init
}

interface Chunk {
  heading?: string
  raws: string[]
}

function splitSections (tokens: Token[]): { title?: string, sections: SectionInit[] } {
  let title: string | undefined
  const chunks: Chunk[] = [{ raws: [] }]
  const definitions: string[] = []
  for (const token of tokens) {
    const depth = token.type === 'heading' ? (token as Tokens.Heading).depth : 0
    if (depth === 1 && title === undefined && chunks.length === 1) {
      title = plainTextFromTokens((token as Tokens.Heading).tokens)
    } else if (depth === 1 || depth === 2) {
      chunks.push({ heading: plainTextFromTokens((token as Tokens.Heading).tokens), raws: [] })
    } else {
      if (token.type === 'def') definitions.push(token.raw.trim())
      chunks[chunks.length - 1].raws.push(token.raw)
    }
  }
  const sections = chunks.map(chunk => ({ heading: chunk.heading ?? PREAMBLE_HEADING, markdown: withDefinitions(chunk.raws.join('').trim(), definitions) }))
  if (sections[0].markdown === '') sections.shift()
  return { title, sections }
}

/** Link reference definitions hold for the whole document: give each section the ones it lacks. */
function withDefinitions (markdown: string, definitions: string[]): string {
  if (definitions.length === 0 || !markdown.includes('[')) return markdown
  const missing = definitions.filter(definition => !markdown.includes(definition))
  return missing.length === 0 ? markdown : `${markdown}\n\n${missing.join('\n')}`
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
