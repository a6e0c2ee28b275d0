/**
 * The text search works on: a record's plain text (no Markdown syntax: it is read from the
 * section bodies' Yjs elements, not from their Markdown), its words reduced to a stem, and
 * snippets around a match. Everything here is linear in the size of the text.
 */
import * as Y from 'yjs'

/** A word of a text: where it is and its stem. */
export interface Word { start: number, end: number, stem: string }

/** Letters and digits (combining marks stay with their letter). */
const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu
/** Endings that look like a plural `s` but are not one (status, analysis, class). */
const NOT_PLURAL = /(?:ss|us|is)$/
/** After these, a plural is `-es` (boxes, breaches, wishes, quizzes). */
const ES_PLURAL = /(?:s|x|z|ch|sh)es$/
const DOUBLE_CONSONANT = /([bdgmnprt])\1$/

/**
 * A light English stemmer: folds case and accents, then strips plural `-s`/`-es`/`-ies`,
 * `-ing`, `-ed` and a final `-e`, so that "doctors", "checklists", "adapted" and "reviewing"
 * meet "doctor", "checklist", "adapt" and "review". It never leaves fewer than three letters,
 * so short words are kept whole. Search compares stems by prefix, which also covers longer
 * forms ("adapt" finds "adaptation") and words still being typed.
 */
export function stem (word: string): string {
  let w = fold(word)
  if (w.length <= 3) return w
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`
  else if (ES_PLURAL.test(w)) w = w.slice(0, -2)
  else if (w.endsWith('s') && !NOT_PLURAL.test(w)) w = w.slice(0, -1)
  const suffix = w.endsWith('ing') ? 3 : w.endsWith('ed') ? 2 : 0
  if (suffix > 0 && w.length - suffix >= 3) {
    w = w.slice(0, -suffix)
    if (w.endsWith('i') && suffix === 2) w = `${w.slice(0, -1)}y` // studied → study
    else if (DOUBLE_CONSONANT.test(w)) w = w.slice(0, -1) // planned → plan
  }
  if (w.endsWith('e') && w.length > 3) w = w.slice(0, -1)
  return w
}

/** Lower case without accents ("Maßnahmen" keeps its ß; "Prüfung" becomes "prufung"). */
function fold (word: string): string {
  return word.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '')
}

/** Every word of `text` with its position and stem. */
export function words (text: string): Word[] {
  const found: Word[] = []
  for (const match of text.matchAll(WORD)) found.push({ start: match.index, end: match.index + match[0].length, stem: stem(match[0]) })
  return found
}

/** The stems of a query, each of which a document must contain (as a prefix of one of its stems). */
export function queryStems (query: string): string[] {
  return [...new Set(words(query).map(w => w.stem))]
}

/**
 * The stems of a text as one string, `" stem stem …"` (each once): a query stem matches when
 * `" " + stem` occurs in it, a prefix match in one linear scan.
 */
export function stemIndex (text: string): string {
  return ` ${[...new Set(words(text).map(w => w.stem))].join(' ')}`
}

/** Whether a text's stem index holds every query stem (as a prefix of one of its stems). */
export function matchesAll (index: string, stems: string[]): boolean {
  return stems.every(s => index.includes(` ${s}`))
}

const SNIPPET_BEFORE = 60
const SNIPPET_AFTER = 110
/** How far the snippet's ends may move to fall between words. */
const SNAP = 20

/** A snippet of plain text and where the query's words are in it, as [start, end) pairs. */
export interface Snippet { text: string, marks: Array<[number, number]> }

/**
 * Plain text around the first word that matches a query stem (`text` has its whitespace
 * collapsed already), cut between words, with every matching word in it marked.
 */
export function snippet (text: string, stems: string[]): Snippet | undefined {
  const all = words(text)
  const matches = (w: Word): boolean => stems.some(s => w.stem.startsWith(s))
  const first = all.find(matches)
  if (first == null) return undefined
  let start = Math.max(0, first.start - SNIPPET_BEFORE)
  let end = Math.min(text.length, first.start + SNIPPET_AFTER)
  if (start > 0) {
    const space = text.indexOf(' ', start)
    if (space !== -1 && space < first.start && space - start <= SNAP) start = space + 1
  }
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end)
    if (space > first.end && end - space <= SNAP) end = space
  }
  const lead = start > 0 ? '…' : ''
  const marks = all.filter(w => w.start >= start && w.end <= end && matches(w))
    .map((w): [number, number] => [w.start - start + lead.length, w.end - start + lead.length])
  return { text: `${lead}${text.slice(start, end)}${end < text.length ? '…' : ''}`, marks }
}

const INLINE = new Set(['hardBreak'])
const END_OF_SENTENCE = /[.!?:;…]$/

/**
 * The plain text of a section body: the text of its blocks (paragraphs, list and checklist
 * items, table cells, headings…), one after another; formatting and Markdown syntax are not
 * text, so they are not in it.
 */
export function plainText (fragment: Y.XmlFragment): string {
  const blocks: string[] = []
  // an explicit stack, not recursion: a peer's document may nest deeper than the call stack goes
  interface Frame { children: Array<Y.XmlElement | Y.XmlText>, next: number, inline: string }
  const frame = (node: Y.XmlFragment | Y.XmlElement): Frame => ({ children: node.toArray() as Array<Y.XmlElement | Y.XmlText>, next: 0, inline: '' })
  const stack: Frame[] = [frame(fragment)]
  let rest = ''
  while (stack.length > 0) {
    const top = stack[stack.length - 1]
    if (top.next < top.children.length) {
      const child = top.children[top.next++]
      if (child instanceof Y.XmlText) top.inline += textOf(child)
      else if (child instanceof Y.XmlElement && INLINE.has(child.nodeName)) top.inline += ' '
      else if (child instanceof Y.XmlElement) stack.push(frame(child))
      continue
    }
    stack.pop()
    // a block's own text comes after the blocks nested in it, as they are finished first
    if (stack.length === 0) rest = top.inline
    else if (top.inline.trim() !== '') blocks.push(top.inline.trim())
  }
  if (rest.trim() !== '') blocks.push(rest.trim())
  // blocks run on as sentences: a block that does not end one is closed with " · "
  return blocks.map((b, i) => i < blocks.length - 1 && !END_OF_SENTENCE.test(b) ? `${b} ·` : b).join(' ')
}

function textOf (text: Y.XmlText): string {
  return (text.toDelta() as Array<{ insert?: unknown }>).map(op => typeof op.insert === 'string' ? op.insert : '').join('')
}
