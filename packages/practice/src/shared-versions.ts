/**
 * Labelled versions shared in a record's comments document (docs/history.md): entries of its
 * `versions` map, each the text of the record at one moment, counted only when the item holding it
 * was written by its organisation and that organisation may comment.
 */
import { parseSectionId } from '@commonplace/core'
import { shortText } from '@commonplace/record'
import type { SectionText } from './compare-sections.ts'
import { SHARED_VERSION_LIMITS } from './constants.ts'
import { verifiedEntries } from './comments.ts'
import type { EntriesInput } from './comments.ts'

/** The comments document's map of shared versions, keyed `<org>/<id>`. */
export const VERSIONS_MAP = 'versions'

/** A labelled version as written: the writer's own number, why, and the text. */
export interface VersionEntry {
  type: 'version'
  id: string
  org: string
  /** The writer's number of this version. */
  n: number
  at: number
  reason: string
  label?: string
  title: string
  sections: SectionText[]
}

/** A shared version as listed: the entry and who wrote it (as the envelope says). */
export interface SharedVersion extends VersionEntry {
  person?: string
}

const ID = /^[a-z2-7]{8,32}$/
const REASON = /^[a-z-]{1,32}$/

/** The characters a version's text takes (title, headings, section texts). */
export function versionChars (title: string, sections: readonly SectionText[]): number {
  return sections.reduce((sum, s) => sum + s.heading.length + s.markdown.length, title.length)
}

/** Whether a version's text fits the bounds of a shared version. */
export function fitsSharedVersion (title: string, sections: readonly SectionText[]): boolean {
  return sections.length <= SHARED_VERSION_LIMITS.sections && versionChars(title, sections) <= SHARED_VERSION_LIMITS.chars
}

/** The version entry a value is, when its shape and bounds hold; undefined otherwise. Linear in its size. */
export function parseVersionEntry (key: string, value: unknown): VersionEntry | undefined {
  if (value == null || typeof value !== 'object') return undefined
  const v = value as Record<string, unknown>
  if (v.type !== 'version' || typeof v.org !== 'string' || typeof v.id !== 'string' || !ID.test(v.id) || key !== `${v.org}/${v.id}`) return undefined
  if (!isCount(v.n) || !isCount(v.at) || typeof v.reason !== 'string' || !REASON.test(v.reason) || typeof v.title !== 'string') return undefined
  if (v.label !== undefined && (typeof v.label !== 'string' || v.label.length > SHARED_VERSION_LIMITS.label)) return undefined
  if (!Array.isArray(v.sections) || v.sections.length > SHARED_VERSION_LIMITS.sections) return undefined
  const sections: SectionText[] = []
  for (const s of v.sections as unknown[]) {
    const section = s as Partial<SectionText> | null
    if (typeof section?.id !== 'string' || typeof section.heading !== 'string' || typeof section.markdown !== 'string') return undefined
    sections.push({ id: section.id, heading: section.heading, markdown: section.markdown })
  }
  if (!fitsSharedVersion(v.title, sections) || !writable(v.title, sections)) return undefined
  return { type: 'version', id: v.id, org: v.org, n: v.n as number, at: v.at as number, reason: v.reason, ...(v.label !== undefined ? { label: v.label as string } : {}), title: v.title, sections }
}

/** Whether a restore could write this text into a record: ids, headings and title as the record takes them. */
function writable (title: string, sections: readonly SectionText[]): boolean {
  try {
    if (title !== '') shortText(title, 'title')
    for (const s of sections) { parseSectionId(s.id); shortText(s.heading, 'heading') }
    return true
  } catch {
    return false
  }
}

function isCount (value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}

/** What deciding which shared versions count needs from the node. */
export type SharedVersionsInput = EntriesInput

/** The shared versions of a record that count, oldest first. At most `SHARED_VERSION_LIMITS.entries` are read. */
export function readSharedVersions (input: SharedVersionsInput): SharedVersion[] {
  const out: SharedVersion[] = []
  for (const { entry, who } of verifiedEntries(input, VERSIONS_MAP, SHARED_VERSION_LIMITS.entries, parseVersionEntry)) {
    out.push({ ...entry, ...(who.person != null ? { person: who.person } : {}) })
  }
  return out.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}
