import type { MarkName } from '../constants.ts'

/** Mark attributes as y-prosemirror stores them: `{}` for marks without attributes. */
export type MarkAttrs = Record<string, string>

/** The marks on a run of text, keyed by mark name (exactly the `Y.XmlText` formatting attributes). */
export type Marks = Partial<Record<MarkName, MarkAttrs>>

/** A run of text with one set of marks. */
export interface TextRun {
  kind: 'text'
  text: string
  marks: Marks
}

/** A hard line break (TipTap `hardBreak` node). */
export interface HardBreak {
  kind: 'break'
}

/** Inline content of a textblock: what lies between the Markdown and the Yjs forms. */
export type InlineItem = TextRun | HardBreak

const SAFE_SCHEMES = new Set(['http', 'https', 'mailto', 'tel'])

/** True when two mark sets are the same (link targets compared too). */
export function sameMarks (a: Marks, b: Marks): boolean {
  const keys = Object.keys(a) as MarkName[]
  if (keys.length !== Object.keys(b).length) return false
  return keys.every(key => b[key] !== undefined && a[key]?.href === b[key]?.href)
}

/** The marks two sets share (a link only when both point to the same place). */
export function commonMarks (a: Marks, b: Marks): Marks {
  const result: Marks = {}
  for (const key of Object.keys(a) as MarkName[]) {
    if (b[key] !== undefined && a[key]?.href === b[key]?.href) result[key] = a[key]
  }
  return result
}

/** Join neighbouring runs with the same marks; drop empty runs. */
export function mergeRuns (items: InlineItem[]): InlineItem[] {
  const out: InlineItem[] = []
  for (const item of items) {
    if (item.kind === 'text' && item.text === '') continue
    const last = out.at(-1)
    if (item.kind === 'text' && last?.kind === 'text' && sameMarks(last.marks, item.marks)) {
      out[out.length - 1] = { ...last, text: last.text + item.text }
    } else {
      out.push(item)
    }
  }
  return out
}

/**
 * A link target that is safe to keep: relative, or with an http(s), mailto or tel scheme.
 * Anything else (`javascript:`, `data:`…) returns undefined and the text stays unlinked.
 */
export function safeHref (href: string): string | undefined {
  const trimmed = href.trim()
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)
  if (scheme != null && !SAFE_SCHEMES.has(scheme[1].toLowerCase())) return undefined
  return trimmed
}
