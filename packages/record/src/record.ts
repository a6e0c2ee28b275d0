import type * as Y from 'yjs'
import { InvalidInputError, NotFoundError, parseSectionId, randomSectionId } from '@commonplace/core'
import type { SectionId } from '@commonplace/core'
import { RECORD_DEFAULTS, RecordKind } from './constants.ts'
import { validateInit } from './init.ts'
import { markdownToBlocks } from './markdown/from-markdown.ts'
import type { BlockNode } from './markdown/from-markdown.ts'
import { fragmentToMarkdown } from './markdown/to-markdown.ts'
import { applyMetaWrites, isEmptyWrite, metaMap, readMeta, setTags, validatePatch } from './meta.ts'
import { findEntry, insertSection, sectionEntries, sectionsArray } from './sections.ts'
import type { SectionEntry } from './sections.ts'
import type { MetaPatch, RecordInit, RecordMeta, RecordView, SectionRef } from './types.ts'
import { markdownText, shortText, timestamp } from './validate.ts'

/**
 * Write a new record into an empty document: metadata (defaults for what `init` leaves out,
 * `created` = `updated` = `now`) and its sections, in one transaction.
 * @throws InvalidInputError on bad input or when the document already holds a record
 */
export function initRecord (doc: Y.Doc, init: RecordInit): void {
  const valid = validateInit(init)
  const meta = metaMap(doc)
  const sections = sectionsArray(doc)
  if (meta.size > 0 || sections.length > 0) throw new InvalidInputError('The document already holds a record')
  doc.transact(() => {
    for (const [key, value] of Object.entries(valid.meta)) meta.set(key, value)
    setTags(meta, valid.tags)
    for (const section of valid.sections) insertSection(sections, { ...section, id: section.id ?? randomSectionId() })
  })
}

/** Change the title. @throws InvalidInputError */
export function setTitle (doc: Y.Doc, title: string, now?: number): void {
  setMeta(doc, { title }, now)
}

/**
 * Change metadata fields (see `MetaPatch`); `updated` becomes `now`. An empty patch writes nothing.
 * @throws InvalidInputError on an unknown or read-only field or a value outside the constants
 */
export function setMeta (doc: Y.Doc, patch: MetaPatch, now?: number): void {
  const writes = validatePatch(patch)
  const time = timestamp(now)
  if (isEmptyWrite(writes)) return
  doc.transact(() => applyMetaWrites(metaMap(doc), writes, time))
}

/**
 * Add a section at the end, its body parsed from Markdown. Returns its new stable id.
 * @throws InvalidInputError
 */
export function appendSection (doc: Y.Doc, heading: string, markdown?: string, now?: number): SectionId {
  const section = { id: randomSectionId(), heading: shortText(heading, 'heading'), locked: false, markdown: markdownText(markdown) }
  const time = timestamp(now)
  doc.transact(() => {
    insertSection(sectionsArray(doc), section)
    metaMap(doc).set('updated', time)
  })
  return section.id
}

/**
 * Append Markdown blocks to the end of a section's body. The section is found by id, else by
 * heading (case-insensitive, first match). Blank Markdown writes nothing. Returns the section's id.
 * The `locked` flag is advice for editors and callers; this function does not check it.
 * @throws NotFoundError when no section matches, InvalidInputError
 */
export function appendToSection (doc: Y.Doc, sectionIdOrHeading: string, markdown: string, now?: number): SectionId {
  const { entry, blocks, time } = sectionWrite(doc, sectionIdOrHeading, markdown, now)
  if (blocks.length === 0) return entry.ref.id
  doc.transact(() => {
    entry.ref.body.insert(entry.ref.body.length, blocks)
    metaMap(doc).set('updated', time)
  })
  return entry.ref.id
}

/**
 * What a write of Markdown into a section needs, checked before anything is written: the section
 * (by id, else heading), the Markdown as blocks and the time.
 * @throws NotFoundError when no section matches, InvalidInputError
 */
function sectionWrite (doc: Y.Doc, sectionIdOrHeading: string, markdown: string, now?: number): { entry: SectionEntry, blocks: BlockNode[], time: number } {
  const text = markdownText(markdown)
  if (text === undefined) throw new InvalidInputError('markdown must be a string')
  const time = timestamp(now)
  const entry = findEntry(doc, sectionIdOrHeading)
  if (entry === undefined) throw new NotFoundError(`No section ${JSON.stringify(sectionIdOrHeading)}`)
  return { entry, blocks: markdownToBlocks(text), time }
}

/**
 * Replace a section's body with Markdown (by id, else heading), in one transaction. Returns its id.
 * @throws NotFoundError when no section matches, InvalidInputError
 */
export function setSectionBody (doc: Y.Doc, sectionIdOrHeading: string, markdown: string, now?: number): SectionId {
  const { entry, blocks, time } = sectionWrite(doc, sectionIdOrHeading, markdown, now)
  doc.transact(() => {
    const body = entry.ref.body
    if (body.length > 0) body.delete(0, body.length)
    if (blocks.length > 0) body.insert(0, blocks)
    metaMap(doc).set('updated', time)
  })
  return entry.ref.id
}

/**
 * Add a section with a given id (a section taken from a source keeps the source's id) at the end.
 * @throws InvalidInputError
 */
export function appendSectionWithId (doc: Y.Doc, id: string, heading: string, markdown?: string, now?: number): SectionId {
  const section = { id: parseSectionId(id), heading: shortText(heading, 'heading'), locked: false, markdown: markdownText(markdown) }
  const time = timestamp(now)
  doc.transact(() => {
    insertSection(sectionsArray(doc), section)
    metaMap(doc).set('updated', time)
  })
  return section.id
}

/** Remove a section (by id, else heading). @throws NotFoundError */
export function removeSection (doc: Y.Doc, sectionIdOrHeading: string, now?: number): void {
  const time = timestamp(now)
  const entry = findEntry(doc, sectionIdOrHeading)
  if (entry === undefined) throw new NotFoundError(`No section ${JSON.stringify(sectionIdOrHeading)}`)
  doc.transact(() => {
    sectionsArray(doc).delete(entry.ref.index, 1)
    metaMap(doc).set('updated', time)
  })
}

/** Lock or unlock a section (by id or heading). @throws NotFoundError, InvalidInputError */
export function setSectionLocked (doc: Y.Doc, sectionIdOrHeading: string, locked: boolean, now?: number): void {
  if (typeof locked !== 'boolean') throw new InvalidInputError('locked must be a boolean')
  const time = timestamp(now)
  const entry = findEntry(doc, sectionIdOrHeading)
  if (entry === undefined) throw new NotFoundError(`No section ${JSON.stringify(sectionIdOrHeading)}`)
  doc.transact(() => {
    entry.map.set('locked', locked)
    metaMap(doc).set('updated', time)
  })
}

/**
 * A section by id, else the first whose heading matches case-insensitively; undefined when none.
 * The handle's `body` is the fragment to bind an editor to.
 */
export function findSection (doc: Y.Doc, idOrHeading: string): SectionRef | undefined {
  return findEntry(doc, idOrHeading)?.ref
}

/** Every well-formed section, in order, as live handles. */
export function listSections (doc: Y.Doc): SectionRef[] {
  return sectionEntries(doc).map(entry => entry.ref)
}

/** The whole record as plain JSON values, each section body as Markdown. */
export function readRecord (doc: Y.Doc): RecordView {
  return {
    meta: readMeta(metaMap(doc)),
    sections: listSections(doc).map(({ id, heading, locked, body }) => ({ id, heading, locked, markdown: fragmentToMarkdown(body) }))
  }
}

/** The metadata alone (no section is rendered), as plain JSON values. */
export function readRecordMeta (doc: Y.Doc): RecordMeta {
  return readMeta(metaMap(doc))
}

/** The title, '' when unset. */
export function recordTitle (doc: Y.Doc): string {
  const title = metaMap(doc).get('title')
  return typeof title === 'string' ? title : ''
}

/** The kind, the default kind when unset or unknown. */
export function recordKind (doc: Y.Doc): RecordKind {
  const kind = metaMap(doc).get('kind')
  return Object.values(RecordKind).includes(kind as RecordKind) ? kind as RecordKind : RECORD_DEFAULTS.kind
}
