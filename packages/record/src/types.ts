import type * as Y from 'yjs'
import type { DocId, OrgId, SectionId } from '@commonplace/core'
import type { Licence, Maturity, RecordKind, Status } from './constants.ts'

/** The record this variant was adapted from: which document, which version, whose. */
export interface DerivedFrom {
  doc: DocId
  /** An opaque version label of the source (a snapshot digest, an approval number…). */
  version: string
  org: OrgId
}

/** A record's metadata as plain JSON values. Optional fields are absent when unset. */
export interface RecordMeta {
  title: string
  summary?: string
  kind: RecordKind
  /** A BCP 47 language tag, e.g. `en-GB`, `de`. */
  language?: string
  sector?: string
  maturity: Maturity
  status: Status
  evidenceLevel?: string
  licence: Licence
  owner: OrgId
  /** ISO calendar date (`YYYY-MM-DD`) by which the record must be reviewed. */
  reviewBy?: string
  /** Milliseconds since the epoch. */
  created: number
  /** Milliseconds since the epoch of the last change made through this package. */
  updated: number
  /** A set: no duplicates, in the order they were added. */
  tags: string[]
  derivedFrom?: DerivedFrom
}

/** A section to create: a heading and an optional Markdown body. */
export interface SectionInit {
  /** The section's stable id; a fresh one when left out (a variant keeps its source's ids). */
  id?: string
  heading: string
  markdown?: string
  locked?: boolean
}

/** What a new record starts with. */
export interface RecordInit {
  title: string
  owner: OrgId | string
  kind?: RecordKind
  summary?: string
  language?: string
  sector?: string
  maturity?: Maturity
  status?: Status
  evidenceLevel?: string
  licence?: Licence
  reviewBy?: string
  tags?: string[]
  derivedFrom?: DerivedFrom
  sections?: SectionInit[]
  /** Milliseconds since the epoch; `Date.now()` when left out. */
  now?: number
}

/**
 * A change to the metadata. Left-out keys stay as they are; `null` removes an optional field.
 * `owner` and `created` never change; `updated` is set on every write.
 */
export interface MetaPatch {
  title?: string
  summary?: string | null
  kind?: RecordKind
  language?: string | null
  sector?: string | null
  maturity?: Maturity
  status?: Status
  evidenceLevel?: string | null
  licence?: Licence
  reviewBy?: string | null
  /** Replaces the tag set (tags other peers add concurrently are kept). */
  tags?: string[]
  derivedFrom?: DerivedFrom | null
}

/** A section as plain JSON values, its body as Markdown. */
export interface SectionView {
  id: SectionId
  heading: string
  locked: boolean
  markdown: string
}

/** A whole record as plain JSON values. */
export interface RecordView {
  meta: RecordMeta
  sections: SectionView[]
}

/** A live handle on a section: its position and the fragment an editor binds to. */
export interface SectionRef {
  index: number
  id: SectionId
  heading: string
  locked: boolean
  /** Bind this to one editor (y-prosemirror `ySyncPlugin(body)`, TipTap `Collaboration.configure({ fragment: body })`). */
  body: Y.XmlFragment
}

/** Options of `recordToMarkdown`. */
export interface ToMarkdownOptions {
  /** Write the `---` metadata block first (default true). */
  frontMatter?: boolean
}
