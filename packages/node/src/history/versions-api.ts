/**
 * The version operations of the local API (docs/history.md): list, label, diff, restore; and the
 * automatic versions (the first change of a record after a day without one).
 */
import { AnchorNotFoundError, InvalidInputError, TextTooLongError, VersionUnknownError } from '@commonplace/core'
import type { DocId, KeyValueStore } from '@commonplace/core'
import { compareSections } from '@commonplace/practice'
import type { SectionText } from '@commonplace/practice'
import { appendSectionWithId, findSection, listSections, readRecord, removeSection, setSectionBody, setTitle } from '@commonplace/record'
import type * as Y from 'yjs'
import type { DiffView, HistoryApi, RestoreRequest, VersionView } from '@commonplace/api'
import type { PracticeContext } from '../practice/context.ts'
import { iso, requireRecord, requireWrite } from '../practice/context.ts'
import { isRecord } from './companion.ts'
import { AUTO_VERSION_MS, MAX_LABEL_CHARS } from './versions.ts'
import type { VersionMeta, Versions } from './versions.ts'

export type VersionsApi = Pick<HistoryApi, 'versions' | 'takeVersion' | 'diff' | 'restore'>

/** A record's sections as the comparison reads them. */
export function sectionsOf (doc: Y.Doc): SectionText[] {
  return readRecord(doc).sections.map(s => ({ id: s.id, heading: s.heading, markdown: s.markdown }))
}

export function versionView (doc: DocId, v: VersionMeta): VersionView {
  return { doc, n: v.n, at: iso(v.at), ...(v.label != null ? { label: v.label } : {}), reason: v.reason, bytes: v.bytes }
}

export function createVersionsApi (ctx: PracticeContext, versions: Versions, storage: KeyValueStore): VersionsApi {
  const { store } = ctx
  const durable = async (): Promise<void> => { await storage.sync?.() }

  const sectionsAt = (doc: DocId, n: number | undefined): SectionText[] => {
    if (n === undefined) return store.read(doc, sectionsOf)
    const ydoc = versions.rebuild(doc, n)
    try { return sectionsOf(ydoc) } finally { ydoc.destroy() }
  }

  return {
    async versions (id) {
      const doc = requireRecord(ctx, id)
      return versions.list(doc).map(v => versionView(doc, v))
    },

    async takeVersion (id, request) {
      const doc = requireRecord(ctx, id)
      const label = typeof request?.label === 'string' ? request.label.trim() : ''
      if (label === '') throw new InvalidInputError('A version needs a label')
      if (label.length > MAX_LABEL_CHARS) throw new TextTooLongError(`A label is at most ${MAX_LABEL_CHARS} characters`)
      const v = versions.take(doc, 'label', label)
      await durable()
      return versionView(doc, v)
    },

    async diff (id, from, to) {
      const doc = requireRecord(ctx, id)
      for (const n of [from, to]) if (n !== undefined && versions.list(doc).every(v => v.n !== n)) throw new VersionUnknownError(`${doc} has no version ${String(n)} here`)
      return { doc, from, ...(to !== undefined ? { to } : {}), changes: compareSections(sectionsAt(doc, from), sectionsAt(doc, to)) } satisfies DiffView
    },

    async restore (id, request: RestoreRequest) {
      const doc = requireRecord(ctx, id)
      requireWrite(ctx, doc)
      const old = versions.rebuild(doc, request?.version)
      try {
        const then = readRecord(old)
        const section = request.section != null ? findSection(old, request.section) : undefined
        if (request.section != null && section == null) throw new AnchorNotFoundError(`Version ${request.version} of ${doc} has no section "${request.section}"`)
        store.edit(doc, ydoc => {
          const time = ctx.now()
          const wanted = section != null ? then.sections.filter(s => s.id === section.id) : then.sections
          for (const s of wanted) {
            if (findSection(ydoc, s.id)?.id === s.id) setSectionBody(ydoc, s.id, s.markdown, time)
            else appendSectionWithId(ydoc, s.id, s.heading, s.markdown, time)
          }
          if (section != null) return
          const kept = new Set(then.sections.map(s => s.id))
          for (const s of listSections(ydoc)) if (!kept.has(s.id)) removeSection(ydoc, s.id, time)
          if (then.meta.title !== '') setTitle(ydoc, then.meta.title, time)
        })
      } finally {
        old.destroy()
      }
      store.flush()
      const v = versions.take(doc, 'restore', `restored from version ${request.version}${request.section != null ? ` (${request.section})` : ''}`)
      await durable()
      return versionView(doc, v)
    }
  }
}

/** Take a version of a record on its first change after `AUTO_VERSION_MS` without one. Returns the stop function. */
export function autoVersions (ctx: PracticeContext, versions: Versions): () => void {
  // the latest version's time per document seen: one storage read per document, not per change
  const latestAt = new Map<DocId, number>()
  const carriers = new Set<DocId>()
  return ctx.store.onChange(change => {
    if (change.update == null || change.origin.kind === 'storage' || carriers.has(change.id)) return
    const doc = change.id
    const at = latestAt.get(doc) ?? versions.latest(doc)?.at
    if (at !== undefined && ctx.now() - at < AUTO_VERSION_MS) { latestAt.set(doc, at); return }
    if (!isRecord(ctx, doc)) { carriers.add(doc); return }
    latestAt.set(doc, versions.take(doc, at === undefined ? 'first' : 'daily').at)
  })
}
