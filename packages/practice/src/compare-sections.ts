import { lineDiff } from './line-diff.ts'
import type { LineDiff } from './line-diff.ts'

/** A section as the comparison reads it: a stable id, a heading and its body as Markdown. */
export interface SectionText {
  id: string
  heading: string
  markdown: string
}

export type SectionStatus = 'unchanged' | 'changed' | 'added' | 'removed'

/** One section compared between two versions. */
export interface SectionChange {
  id: string
  /** The heading after (before, for `removed`). */
  heading: string
  /** Set when the heading was renamed. */
  headingBefore?: string
  status: SectionStatus
  before?: string
  after?: string
  /** The line diff of the bodies, for `changed`. */
  diff?: LineDiff
}

/**
 * Compare two versions of a record section by section. Sections match by id, then (for those
 * left) by heading, case-insensitive, in order. The result follows `after`'s order, with each
 * removed section after the last kept section that preceded it in `before`. Only changed sections
 * are line-diffed, each within the bound of `lineDiff`, so the work is linear in the texts.
 * Shared by upstream changes, proposals and (issue 17) versions.
 */
export function compareSections (before: readonly SectionText[], after: readonly SectionText[]): SectionChange[] {
  const match = matchSections(before, after)
  const matchedBefore = new Set(match.values())
  const removedAfter = removedPositions(before, match, matchedBefore)
  const out: SectionChange[] = removedAfter.get(-1) ?? []
  after.forEach((section, index) => {
    const old = match.get(index)
    out.push(old === undefined ? { id: section.id, heading: section.heading, status: 'added', after: section.markdown } : changeOf(before[old], section))
    out.push(...(removedAfter.get(index) ?? []))
  })
  return out
}

/** Whether any section differs. */
export function hasChanges (changes: readonly SectionChange[]): boolean {
  return changes.some(change => change.status !== 'unchanged')
}

function changeOf (old: SectionText, now: SectionText): SectionChange {
  const renamed = old.heading !== now.heading ? { headingBefore: old.heading } : {}
  if (old.markdown === now.markdown) {
    return { id: now.id, heading: now.heading, ...renamed, status: renamed.headingBefore !== undefined ? 'changed' : 'unchanged', before: old.markdown, after: now.markdown }
  }
  return { id: now.id, heading: now.heading, ...renamed, status: 'changed', before: old.markdown, after: now.markdown, diff: lineDiff(old.markdown, now.markdown) }
}

/** Index in `after` → index in `before`. */
function matchSections (before: readonly SectionText[], after: readonly SectionText[]): Map<number, number> {
  const byId = new Map<string, number>()
  before.forEach((section, i) => { if (!byId.has(section.id)) byId.set(section.id, i) })
  const match = new Map<number, number>()
  const used = new Set<number>()
  after.forEach((section, i) => {
    const old = byId.get(section.id)
    if (old !== undefined && !used.has(old)) { match.set(i, old); used.add(old) }
  })
  const byHeading = new Map<string, number[]>()
  // filled from the end, so that `pop()` takes the first unmatched section of a heading
  for (let i = before.length - 1; i >= 0; i--) {
    if (used.has(i)) continue
    const key = before[i].heading.trim().toLowerCase()
    const list = byHeading.get(key)
    if (list === undefined) byHeading.set(key, [i])
    else list.push(i)
  }
  after.forEach((section, i) => {
    if (match.has(i)) return
    const candidates = byHeading.get(section.heading.trim().toLowerCase())
    const old = candidates?.pop()
    if (old !== undefined) match.set(i, old)
  })
  return match
}

/** Removed sections grouped by the index in `after` they follow (-1: before everything). */
function removedPositions (before: readonly SectionText[], match: Map<number, number>, matched: Set<number>): Map<number, SectionChange[]> {
  const afterOf = new Map<number, number>()
  for (const [afterIndex, beforeIndex] of match) afterOf.set(beforeIndex, afterIndex)
  const groups = new Map<number, SectionChange[]>()
  let anchor = -1
  before.forEach((section, i) => {
    const kept = afterOf.get(i)
    if (kept !== undefined) { anchor = kept; return }
    if (matched.has(i)) return
    const change: SectionChange = { id: section.id, heading: section.heading, status: 'removed', before: section.markdown }
    const group = groups.get(anchor)
    if (group === undefined) groups.set(anchor, [change])
    else group.push(change)
  })
  return groups
}
