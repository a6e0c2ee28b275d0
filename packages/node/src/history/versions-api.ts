/**
 * The version operations of the local API (docs/history.md): list, label, diff, restore (from this
 * node's versions or another organisation's shared ones); and the automatic versions (the first
 * change of a record after a day without one).
 */
import { AnchorNotFoundError, InvalidInputError, TextTooLongError, VersionUnknownError } from '@commonplace/core'
import type { DocId, KeyValueStore, OrgId } from '@commonplace/core'
import { compareSections, versionChars } from '@commonplace/practice'
import type { SectionText } from '@commonplace/practice'
import { appendSectionWithId, findSection, listSections, removeSection, setSectionBody, setTitle } from '@commonplace/record'
import type * as Y from 'yjs'
import type { DiffView, HistoryApi, RestoreRequest, VersionRef, VersionView } from '@commonplace/api'
import type { PracticeContext } from '../practice/context.ts'
import { iso, nameOf, requireRecord, requireWrite } from '../practice/context.ts'
import { isRecord } from './companion.ts'
import { noNames } from './comments-api.ts'
import { textOf, textOfDoc } from './shared-versions.ts'
import type { SharedVersions, VersionText } from './shared-versions.ts'
import { AUTO_VERSION_MS, MAX_LABEL_CHARS } from './versions.ts'
import type { VersionMeta, Versions } from './versions.ts'

export type VersionsApi = Pick<HistoryApi, 'versions' | 'takeVersion' | 'diff' | 'restore'>

export function versionView (doc: DocId, v: VersionMeta): VersionView {
  return { doc, n: v.n, at: iso(v.at), ...(v.label != null ? { label: v.label } : {}), reason: v.reason, bytes: v.bytes }
}

export interface VersionsApiInit {
  versions: Versions
  shared: SharedVersions
  storage: KeyValueStore
}

export function createVersionsApi (ctx: PracticeContext, init: VersionsApiInit): VersionsApi & { keep: Keep } {
  const { store } = ctx
  const { versions, shared } = init
  const durable = async (): Promise<void> => { await init.storage.sync?.() }

  const keep: Keep = async (doc, reason, label, author) => {
    const v = versions.take(doc, reason, label)
    // the version is kept here whatever happens to sharing it: an adaptation or a restore is not undone by it
    const id = await shared.share(doc, v, author).catch(err => { ctx.log.error('history: sharing version %d of %s failed - %e', v.n, doc, err); return undefined })
    await durable()
    return { ...versionView(doc, v), ...(id !== undefined ? { id } : {}) }
  }

  /** The text of a version: this node's number, or a shared version's id; now when absent. @throws VersionUnknownError */
  const textAt = async (doc: DocId, ref: VersionRef | undefined): Promise<VersionText> => {
    if (ref === undefined) return textOf(ctx, doc)
    if (typeof ref === 'string') {
      const found = (await shared.list(doc)).find(v => v.id === ref)
      if (found === undefined) throw new VersionUnknownError(`${doc} has no shared version ${ref} here`)
      return { title: found.title, sections: found.sections }
    }
    const ydoc = versions.rebuild(doc, ref)
    try {
      return textOfDoc(ydoc)
    } finally {
      ydoc.destroy()
    }
  }

  return {
    keep,
    async versions (id) {
      const doc = requireRecord(ctx, id)
      return await listVersions(ctx, doc, versions, shared)
    },

    async takeVersion (id, request, options) {
      const doc = requireRecord(ctx, id)
      const label = typeof request?.label === 'string' ? request.label.trim() : ''
      if (label === '') throw new InvalidInputError('A version needs a label')
      if (label.length > MAX_LABEL_CHARS) throw new TextTooLongError(`A label is at most ${MAX_LABEL_CHARS} characters`)
      return await keep(doc, 'label', label, options?.author)
    },

    async diff (id, from, to) {
      const doc = requireRecord(ctx, id)
      const before = await textAt(doc, from)
      const after = await textAt(doc, to)
      return { doc, from, ...(to !== undefined ? { to } : {}), changes: compareSections(before.sections, after.sections) } satisfies DiffView
    },

    async restore (id, request: RestoreRequest, options) {
      const doc = requireRecord(ctx, id)
      requireWrite(ctx, doc)
      if (request?.version === undefined) throw new VersionUnknownError('A restore needs a version')
      const then = await textAt(doc, request.version)
      const section = request.section != null ? pickSection(then.sections, request.section) : undefined
      if (request.section != null && section == null) throw new AnchorNotFoundError(`Version ${request.version} of ${doc} has no section "${request.section}"`)
      store.edit(doc, ydoc => { writeText(ydoc, then, section, ctx.now()) }, options?.author)
      store.flush()
      // the section by its heading then, however the request named it (the web app names it by id)
      return await keep(doc, 'restore', `restored from version ${request.version}${section != null ? ` (${section.heading})` : ''}`, options?.author)
    }
  }
}

/** Take a version now and share it when its reason is shared (docs/history.md), signed with `author` (absent: the organisation). */
export type Keep = (doc: DocId, reason: string, label?: string, author?: string) => Promise<VersionView>

/** This node's versions (each with its shared id when it shared it) and the others' shared versions, oldest first. */
async function listVersions (ctx: PracticeContext, doc: DocId, versions: Versions, shared: SharedVersions): Promise<VersionView[]> {
  const self = ctx.identity.orgId
  const all = await shared.list(doc)
  const mine = new Map(all.filter(v => v.org === self).map(v => [v.n, v.id]))
  const local = versions.list(doc).map(v => ({ ...versionView(doc, v), ...(mine.has(v.n) ? { id: mine.get(v.n) } : {}) }))
  const named = await ctx.personNames?.(doc) ?? noNames
  const others: VersionView[] = all.filter(v => v.org !== self).map(v => {
    const personName = named(v.org, v.person)
    return {
      doc, n: v.n, at: iso(v.at), ...(v.label != null ? { label: v.label } : {}), reason: v.reason, bytes: versionChars(v.title, v.sections),
      id: v.id, org: v.org as OrgId, ...nameOf(ctx, v.org), ...(v.person != null ? { person: v.person } : {}), ...(personName != null ? { personName } : {})
    }
  })
  return [...local, ...others].sort((a, b) => a.at < b.at ? -1 : a.at > b.at ? 1 : 0)
}

/** A section of a version's text by id, or by heading (case-insensitive), as `findSection` finds one. */
function pickSection (sections: readonly SectionText[], wanted: string): SectionText | undefined {
  const heading = wanted.trim().toLowerCase()
  return sections.find(s => s.id === wanted) ?? sections.find(s => s.heading.trim().toLowerCase() === heading)
}

/** Write a version's text into the record: one section's body, or every section and the title. */
function writeText (ydoc: Y.Doc, then: VersionText, section: SectionText | undefined, time: number): void {
  for (const s of section != null ? [section] : then.sections) {
    if (findSection(ydoc, s.id)?.id === s.id) setSectionBody(ydoc, s.id, s.markdown, time)
    else appendSectionWithId(ydoc, s.id, s.heading, s.markdown, time)
  }
  if (section != null) return
  const kept = new Set(then.sections.map(s => s.id))
  for (const s of listSections(ydoc)) if (!kept.has(s.id)) removeSection(ydoc, s.id, time)
  if (then.title !== '') setTitle(ydoc, then.title, time)
}

export interface AutoVersionsInit {
  /** A version at the first change after this long without one (ms; default `AUTO_VERSION_MS`). */
  everyMs?: number
  /** Also a version after this many changes seen since the last (store changes: a turn's local edits, a peer's batch; default: never by count). */
  everyChanges?: number
}

/**
 * Take a version of a record on its first change after `everyMs` without one, or after `everyChanges`
 * changes: at once for the first record in a turn of the event loop, at the turn's end for the
 * others (the text as it is then). Returns the stop function.
 */
export function autoVersions (ctx: PracticeContext, versions: Versions, init: AutoVersionsInit = {}): () => void {
  const everyMs = init.everyMs ?? AUTO_VERSION_MS
  const everyChanges = init.everyChanges ?? Infinity
  // the latest version's time per document seen: one storage read per document, not per change
  const latestAt = new Map<DocId, number>()
  const changes = new Map<DocId, number>()
  const carriers = new Set<DocId>()
  // the first version due in a turn is taken at once; those due after it in the same turn (a
  // catch-up brings many records) at its end, in one write
  let due = new Map<DocId, string>()
  // of those, the ones whose first copy just arrived, with that copy: the version is that update,
  // not the document encoded again, while nothing else changed the document since (its change number)
  let wholes = new Map<DocId, { update: Uint8Array, changeSeq: number }>()
  const stillWhole = (doc: DocId, whole: { update: Uint8Array, changeSeq: number } | undefined): Uint8Array | undefined =>
    whole != null && ctx.store.info(doc)?.changeSeq === whole.changeSeq ? whole.update : undefined
  let tookThisTurn = false
  let stopped = false
  const takeDue = (): void => {
    const wanted = due
    const whole = new Map<DocId, Uint8Array>()
    for (const [doc, w] of wholes) {
      const update = stillWhole(doc, w)
      if (update != null) whole.set(doc, update)
    }
    due = new Map()
    wholes = new Map()
    tookThisTurn = false
    if (stopped || wanted.size === 0) return
    try {
      for (const [doc, taken] of versions.takeEach(wanted, whole)) latestAt.set(doc, taken.at)
    } catch (err) {
      ctx.log.error('history: taking the automatic versions of %d documents failed - %e', wanted.size, err)
    }
  }
  const off = ctx.store.onChange(change => {
    if (change.update == null || change.origin.kind === 'storage' || carriers.has(change.id)) return
    const doc = change.id
    if (due.has(doc)) return
    const at = latestAt.get(doc) ?? versions.latestAt(doc)
    const seen = (changes.get(doc) ?? 0) + 1
    if (at !== undefined && ctx.now() - at < everyMs && seen < everyChanges) { latestAt.set(doc, at); changes.set(doc, seen); return }
    if (!isRecord(ctx, doc)) { carriers.add(doc); return }
    const reason = at === undefined ? 'first' : seen >= everyChanges ? 'changes' : 'daily'
    changes.set(doc, 0)
    // the document held nothing before this change: its whole content is the change's update
    const whole = reason === 'first' && change.firstContent === true ? { update: change.update, changeSeq: change.changeSeq } : undefined
    if (!tookThisTurn) {
      tookThisTurn = true
      setImmediate(takeDue)
      latestAt.set(doc, versions.take(doc, reason, undefined, stillWhole(doc, whole)).at)
      return
    }
    due.set(doc, reason)
    if (whole != null) wholes.set(doc, whole)
  })
  return () => { stopped = true; off() }
}
