import MarkdownIt from 'markdown-it'
import type { Options, StateCore, Token } from 'markdown-it'
import { InputTooDeepError } from '@commonplace/core'
import { MAX_MARKDOWN_NESTING } from '../constants.ts'

export type { Token }

/** A link reference definition as markdown-it collects it, keyed by its normalised label. */
export interface Reference {
  href: string
  title: string
}

/** Markdown parsed into markdown-it's flat token stream. */
export interface ParsedMarkdown {
  /** Block tokens; each `inline` token holds its inline tokens in `children`. */
  tokens: Token[]
  /** The text parsed, with line endings normalised to `\n` (what token `map` line numbers refer to). */
  source: string
  /** Link reference definitions by normalised (upper-cased) label. */
  references: Record<string, Reference>
}

/** `[ ]`, `[x]` or `[X]` and whitespace, then text: a GFM task item (as GitHub and marked read it). */
const TASK = /^\[([ xX])\][ \t]+(?=\S)/
const CONTAINERS = new Set(['blockquote_open', 'bullet_list_open', 'ordered_list_open'])

/**
 * markdown-it, chosen because it parses in time linear in the input (it is tested against
 * cmark's pathological inputs) and bounds its own recursion with `maxNesting`.
 *
 * `maxNesting` is set so that a document within `MAX_MARKDOWN_NESTING` never reaches it (a
 * list costs two levels: the list and its item), and one that reaches it has already shown
 * more containers than the limit in the tokens before: `parseMarkdown` then refuses it.
 * Links are kept as written and judged later by `safeHref` (markdown-it would percent-encode
 * them and drop `javascript:` links with their brackets still in the text).
 */
const md = new MarkdownIt('default', { html: true, linkify: true })
// `maxNesting` is a markdown-it option its type definitions leave out.
md.set({ maxNesting: 2 * MAX_MARKDOWN_NESTING + 2 } as Options)
md.validateLink = () => true
md.normalizeLink = (url: string) => url
md.normalizeLinkText = (url: string) => url
md.core.ruler.before('inline', 'task_items', taskItems)

/**
 * Parse Markdown (CommonMark with GitHub's tables, strikethrough, autolinks and task items).
 * Time and memory grow linearly with the text.
 * @throws InputTooDeepError when quotes and lists nest deeper than `MAX_MARKDOWN_NESTING`
 */
export function parseMarkdown (markdown: string): ParsedMarkdown {
  const source = markdown.replace(/\r\n?/g, '\n')
  const env: { references?: Record<string, Reference> } = {}
  const tokens = md.parse(source, env)
  checkNesting(tokens)
  return { tokens, source, references: env.references ?? {} }
}

function checkNesting (tokens: Token[]): void {
  let depth = 0
  for (const token of tokens) {
    if (!CONTAINERS.has(token.type.replace('_close', '_open'))) continue
    depth += token.nesting
    if (depth > MAX_MARKDOWN_NESTING) {
      throw new InputTooDeepError(`Markdown nests quotes and lists deeper than ${MAX_MARKDOWN_NESTING} levels`)
    }
  }
}

/**
 * Mark list items that start with a task box (`meta.checked`) and take the box out of their
 * first paragraph, before inline parsing: `[x]` must not be read as a link reference.
 */
function taskItems (state: StateCore): void {
  const tokens = state.tokens
  for (let i = 0; i + 2 < tokens.length; i++) {
    if (tokens[i].type !== 'list_item_open' || tokens[i + 1].type !== 'paragraph_open') continue
    const inline = tokens[i + 2]
    const box = TASK.exec(inline.content)
    if (box == null) continue
    tokens[i].meta = { checked: box[1] !== ' ' }
    inline.content = inline.content.slice(box[0].length)
  }
}

/** True when a `list_item_open` token is a task item; `checked` tells whether it is done. */
export function taskState (token: Token): { checked: boolean } | undefined {
  const meta = token.meta as { checked?: unknown } | null
  return typeof meta?.checked === 'boolean' ? { checked: meta.checked } : undefined
}
