/** Where inline text is written: a paragraph line, a heading, or a table cell. */
export type InlineContext = 'block' | 'heading' | 'cell'

const ALWAYS = /[\\`*_[\]~]/g
const TAG_START = /<(?=[A-Za-z/!?])/g
const ENTITY_START = /&(?=#?[A-Za-z0-9]+;)/g
/** GitHub-flavoured autolinks: bare URLs and e-mail addresses would turn into links. */
const BARE_URL = /(https?|ftp)(:)(?=\/\/)/gi
const BARE_WWW = /(www)(\.)/gi
const BARE_EMAIL = /([A-Za-z0-9._+-])@(?=[A-Za-z0-9])/g
const LINE_START_CHAR = /^[#>+=-]/
const LINE_START_NUMBER = /^(\d{1,9})([.)])/

/**
 * Escape plain text so that `marked` reads it back as the same text: emphasis, code, link and
 * strike characters always; `<` before a tag, `&` before an entity; what GFM would autolink
 * (`http://`, `www.`, `name@host`); `|` in table cells; and at
 * the start of a line whatever would open a block (heading, quote, list, setext underline).
 */
export function escapeText (text: string, context: InlineContext, atLineStart: boolean): string {
  let out = text.replace(ALWAYS, '\\$&').replace(TAG_START, '\\<').replace(ENTITY_START, '\\&')
    .replace(BARE_URL, '$1\\$2').replace(BARE_WWW, '$1\\$2').replace(BARE_EMAIL, '$1\\@')
  if (context === 'cell') out = out.replace(/\|/g, '\\|')
  if (atLineStart) out = escapeLineStart(out.replace(/^[ \t]+/, ''), context)
  return out
}

function escapeLineStart (text: string, context: InlineContext): string {
  if (context !== 'block') return text
  if (LINE_START_CHAR.test(text)) return '\\' + text
  return text.replace(LINE_START_NUMBER, '$1\\$2')
}

/** A code span that holds `text` exactly, whatever backticks and spaces it contains. */
export function codeSpan (text: string): string {
  const fence = '`'.repeat(longestRun(text, '`') + 1)
  const pad = text.startsWith('`') || text.endsWith('`') || (/^ .* $/s.test(text) && text.trim() !== '') ? ' ' : ''
  return fence + pad + text + pad + fence
}

/** A link destination: `<…>` around targets with spaces, parentheses and backslashes escaped. */
export function linkDestination (href: string): string {
  const escaped = href.replace(/[\\()]/g, '\\$&')
  return /\s/.test(href) ? `<${escaped.replace(/[<>]/g, encodeURIComponent)}>` : escaped
}

/** The longest run of `char` in `text`. */
export function longestRun (text: string, char: string): number {
  let longest = 0
  let current = 0
  for (const c of text) {
    current = c === char ? current + 1 : 0
    longest = Math.max(longest, current)
  }
  return longest
}

/*
 * Trailing runs, matched only from the start of a run: `/\n+$/` would retry from every
 * character of every run of newlines in the text, which takes time quadratic in the run.
 */
/** Newlines at the end of a text. */
export const TRAILING_NEWLINES = /(?<!\n)\n+$/
/** Spaces and tabs at the end of a text. */
export const TRAILING_BLANKS = /(?<![ \t])[ \t]+$/
