/**
 * Labelled versions shared with the record's readers (docs/history.md): each written as an entry of
 * the record's comments document, so it travels under the record's grants exactly as comments do,
 * and read back only when its organisation wrote it and may comment.
 */
import { randomBytes } from 'node:crypto'
import { toString as u8ToString } from 'uint8arrays'
import type * as Y from 'yjs'
import type { AccessList, DocId } from '@commonplace/core'
import { readRecord } from '@commonplace/record'
import { SHARED_VERSION_LIMITS, VERSIONS_MAP, fitsSharedVersion, readSharedVersions } from '@commonplace/practice'
import type { Refusal, SectionText, SharedVersion, VersionEntry } from '@commonplace/practice'
import type { PracticeContext } from '../practice/context.ts'
import { companionHeader, ensureCompanion } from './companion.ts'
import { AUTOMATIC_REASONS } from './versions.ts'
import type { VersionMeta } from './versions.ts'

/** A version's text: what a shared version carries and what diff and restore read. */
export interface VersionText {
  title: string
  sections: SectionText[]
}

export interface SharedVersions {
  /**
   * Write a version just taken of a record into its comments document, signed with `author` (the
   * person who took it; absent: the organisation); its id, or undefined when it stays local.
   */
  share(record: DocId, version: VersionMeta, author?: string): Promise<string | undefined>
  /** The shared versions of a record that count here, oldest first. */
  list(record: DocId): Promise<SharedVersion[]>
}

/** A record's text now. */
export function textOf (ctx: PracticeContext, record: DocId): VersionText {
  return ctx.store.read(record, textOfDoc)
}

/** A record's title and sections as Markdown (each read once). */
export function textOfDoc (doc: Y.Doc): VersionText {
  const view = readRecord(doc)
  return { title: view.meta.title, sections: view.sections.map(s => ({ id: s.id, heading: s.heading, markdown: s.markdown })) }
}

export function createSharedVersions (ctx: PracticeContext, onRefused?: (doc: DocId, key: string, why: Refusal) => void): SharedVersions {
  const { store } = ctx
  const self = ctx.identity.orgId
  const companionOf = async (record: DocId): Promise<DocId> => (await companionHeader(record, (store.access(record) as AccessList).header.owner)).id

  /** The comments document this node may write a version into now, if any. */
  const writable = async (record: DocId, author: string | undefined): Promise<DocId | undefined> => {
    if (!ctx.gate.mayComment(record)) return undefined
    if ((store.access(record) as AccessList).header.owner === self) return await ensureCompanion(ctx, record, author)
    const companion = await companionOf(record)
    return store.has(companion) ? companion : undefined
  }

  return {
    async share (record, version, author) {
      // automatic versions stay on this node: every holder takes its own (docs/history.md)
      if (AUTOMATIC_REASONS.has(version.reason)) return undefined
      const text = textOf(ctx, record)
      if (!fitsSharedVersion(text.title, text.sections)) return undefined
      const companion = await writable(record, author)
      if (companion === undefined) return undefined
      if (store.read(companion, doc => doc.getMap(VERSIONS_MAP).size) >= SHARED_VERSION_LIMITS.entries) return undefined
      const entry: VersionEntry = {
        type: 'version', id: u8ToString(randomBytes(10), 'base32'), org: self, n: version.n, at: version.at, reason: version.reason,
        ...(version.label != null ? { label: version.label.slice(0, SHARED_VERSION_LIMITS.label) } : {}), ...text
      }
      store.edit(companion, doc => { doc.getMap<unknown>(VERSIONS_MAP).set(`${self}/${entry.id}`, entry) }, author)
      store.flush()
      return entry.id
    },

    async list (record) {
      const companion = await companionOf(record)
      if (!store.has(companion)) return []
      const attribution = store.attribution(companion)
      return store.read(companion, comments => readSharedVersions({
        comments,
        attribution,
        mayComment: org => ctx.gate.mayComment(record, org),
        onRefused: (key, why) => onRefused?.(companion, key, why)
      }))
    }
  }
}
