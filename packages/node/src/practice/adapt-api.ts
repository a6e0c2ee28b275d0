/**
 * Adapting with lineage, families, adaptation records and upstream changes (docs/practice.md).
 */
import { InvalidInputError, NotAVariantError, NotFoundError, SourceUnavailableError, TextTooLongError } from '@commonplace/core'
import type { DocId } from '@commonplace/core'
import {
  MAX_NOTE_CHARS, alignBase, compareSections, familyOf, readAdaptation, updateAdaptation, validateAdaptation, validateReasons, writeAdaptation
} from '@commonplace/practice'
import type { SectionChange, SectionText } from '@commonplace/practice'
import { appendSectionWithId, findSection, initRecord, readRecord, removeSection, setSectionBody } from '@commonplace/record'
import type { DerivedFrom, RecordView } from '@commonplace/record'
import type * as Y from 'yjs'
import type { AdaptationView, PracticeApi, UpstreamDecisionRequest, UpstreamView } from '@commonplace/api'
import type { PracticeContext } from './context.ts'
import { iso, nameOf, newDocId, ownerOf, requireRead, requireRecord, requireWrite, versionOf } from './context.ts'
import type { PracticeIndex } from './practice-index.ts'
import { derivedFromView, familyNodeView, sectionChangeView } from './views.ts'

export type AdaptApi = Pick<PracticeApi, 'adapt' | 'family' | 'adaptation' | 'editAdaptation' | 'upstream' | 'takeUpstream' | 'dismissUpstream'>

/**
 * Whether the variant already reads as the source does for this change: a proposal of ours the
 * owner accepted, or the same edit made on both sides. Such a change is not "the source changed
 * since you adapted it", whenever the base moves.
 */
function alreadyHas (variant: readonly SectionText[], change: SectionChange): boolean {
  const ours = variant.find(s => s.id === change.id)
  if (change.status === 'removed') return ours === undefined
  return ours !== undefined && ours.heading === change.heading && ours.markdown === change.after
}

export function createAdaptApi (ctx: PracticeContext, index: PracticeIndex, counted: (what: 'adaptations', doc: DocId) => void): AdaptApi {
  const { store } = ctx
  const self = ctx.identity.orgId

  /** The variant's record, its source and adaptation. @throws NotAVariantError */
  const variantOf = (id: string): { doc: DocId, record: RecordView, from: DerivedFrom, base: SectionText[] } => {
    const doc = requireRecord(ctx, id)
    const { record, adaptation } = store.read(doc, ydoc => ({ record: readRecord(ydoc), adaptation: readAdaptation(ydoc) }))
    if (record.meta.derivedFrom === undefined || adaptation === undefined) throw new NotAVariantError(`${doc} is not adapted from another document here (it has no adaptation record)`)
    return { doc, record, from: record.meta.derivedFrom, base: adaptation.base }
  }

  /** The source's sections now. @throws SourceUnavailableError, ForbiddenError */
  const sourceSections = (from: DerivedFrom): SectionText[] => {
    if (!store.has(from.doc)) throw new SourceUnavailableError(`The source ${from.doc} is not held here (not shared with this organisation, or not arrived yet)`)
    requireRead(ctx, from.doc)
    return store.read(from.doc, ydoc => readRecord(ydoc).sections)
  }

  const upstreamOf = (id: string): { view: UpstreamView, changes: SectionChange[], source: SectionText[], doc: DocId } => {
    const { doc, from, base, record } = variantOf(id)
    const source = sourceSections(from)
    const changes = compareSections(base, source).filter(c => c.status !== 'unchanged' && !alreadyHas(record.sections, c))
    return { doc, source, changes, view: { variant: doc, source: derivedFromView(ctx, from), changed: changes.length > 0, sections: changes.map(sectionChangeView) } }
  }

  const chosen = (changes: SectionChange[], request: UpstreamDecisionRequest): SectionChange[] => {
    const wanted = request?.sections
    if (wanted === undefined) return changes
    if (!Array.isArray(wanted) || wanted.length > 256 || !wanted.every(w => typeof w === 'string')) throw new InvalidInputError('"sections" must be a list of section ids or headings')
    return wanted.map(w => {
      const key = w.trim().toLowerCase()
      const found = changes.find(c => c.id === w || c.heading.toLowerCase() === key || c.headingBefore?.toLowerCase() === key)
      if (found === undefined) throw new NotFoundError(`No upstream change in a section ${JSON.stringify(w)}`)
      return found
    })
  }

  const takeInto = (ydoc: Y.Doc, change: SectionChange, now: number): void => {
    const present = findSection(ydoc, change.id)?.id === change.id
    if (change.status === 'removed') { if (present) removeSection(ydoc, change.id, now); return }
    if (present) setSectionBody(ydoc, change.id, change.after ?? '', now)
    else appendSectionWithId(ydoc, change.id, change.heading, change.after, now)
  }

  const adaptationView = (doc: DocId): AdaptationView => {
    const { record, adaptation } = store.read(doc, ydoc => ({ record: readRecord(ydoc), adaptation: readAdaptation(ydoc) }))
    if (record.meta.derivedFrom === undefined || adaptation === undefined) throw new NotAVariantError(`${doc} is not adapted from another document`)
    return {
      doc,
      derivedFrom: derivedFromView(ctx, record.meta.derivedFrom),
      note: adaptation.note,
      reasons: adaptation.reasons,
      by: adaptation.by as AdaptationView['by'],
      ...(nameOf(ctx, adaptation.by).orgName !== undefined ? { byName: nameOf(ctx, adaptation.by).orgName } : {}),
      at: iso(adaptation.at),
      updatedAt: iso(adaptation.updatedAt),
      changes: compareSections(adaptation.base, record.sections).filter(c => c.status !== 'unchanged').map(sectionChangeView)
    }
  }

  return {
    async adapt (id, request, options) {
      const source = requireRecord(ctx, id)
      const { note, reasons } = validateAdaptation(request?.why, request?.reasons)
      if (request.title !== undefined && typeof request.title !== 'string') throw new InvalidInputError('"title" must be a string')
      const record = store.read(source, ydoc => readRecord(ydoc))
      if (record.meta.title === '' && record.sections.length === 0) throw new SourceUnavailableError(`The content of ${source} has not arrived here yet`)
      const derivedFrom = { doc: source, version: versionOf(ctx, source), org: ownerOf(ctx, source) }
      const { id: variant, nonce } = await newDocId(ctx)
      const now = ctx.now()
      const { meta } = record
      store.create({ id: variant, owner: self, nonce }, ydoc => {
        initRecord(ydoc, {
          title: request.title ?? meta.title,
          owner: self,
          kind: meta.kind,
          licence: meta.licence,
          tags: meta.tags,
          ...(meta.summary !== undefined ? { summary: meta.summary } : {}),
          ...(meta.language !== undefined ? { language: meta.language } : {}),
          ...(meta.sector !== undefined ? { sector: meta.sector } : {}),
          derivedFrom,
          sections: record.sections.map(s => ({ id: s.id, heading: s.heading, markdown: s.markdown, locked: s.locked })),
          now
        })
        writeAdaptation(ydoc, { note, reasons, by: self, at: now, base: record.sections })
      }, options?.author)
      counted('adaptations', variant)
      return { id: variant, title: request.title ?? meta.title, derivedFrom: derivedFromView(ctx, derivedFrom) }
    },

    async family (id) {
      const doc = requireRecord(ctx, id)
      const family = familyOf(index.lineage(), doc)
      return { doc, root: familyNodeView(ctx, family.root), path: family.path as DocId[] }
    },

    async adaptation (id) {
      return adaptationView(requireRecord(ctx, id))
    },

    async editAdaptation (id, request, options) {
      const doc = requireRecord(ctx, id)
      requireWrite(ctx, doc)
      adaptationView(doc)
      const patch: { note?: string, reasons?: ReturnType<typeof validateReasons> } = {}
      if (request?.note !== undefined) {
        if (typeof request.note !== 'string') throw new InvalidInputError('"note" must be a string')
        if (request.note.length > MAX_NOTE_CHARS) throw new TextTooLongError(`The note is longer than ${MAX_NOTE_CHARS} characters`)
        patch.note = request.note
      }
      if (request?.reasons !== undefined) patch.reasons = validateReasons(request.reasons)
      store.edit(doc, ydoc => { updateAdaptation(ydoc, patch, ctx.now()) }, options?.author)
      return adaptationView(doc)
    },

    async upstream (id) {
      return upstreamOf(id).view
    },

    async takeUpstream (id, request, options) {
      const { doc, changes, source } = upstreamOf(id)
      requireWrite(ctx, doc)
      const take = chosen(changes, request)
      const now = ctx.now()
      store.edit(doc, ydoc => {
        ydoc.transact(() => {
          for (const change of take) takeInto(ydoc, change, now)
          alignBase(ydoc, source, new Set(take.map(c => c.id)), now)
        })
      }, options?.author)
      return upstreamOf(doc).view
    },

    async dismissUpstream (id, request, options) {
      const { doc, changes, source } = upstreamOf(id)
      requireWrite(ctx, doc)
      const dismiss = chosen(changes, request)
      store.edit(doc, ydoc => { alignBase(ydoc, source, new Set(dismiss.map(c => c.id)), ctx.now()) }, options?.author)
      return upstreamOf(doc).view
    }
  }
}
