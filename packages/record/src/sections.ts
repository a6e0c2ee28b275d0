import * as Y from 'yjs'
import { InvalidInputError } from '@commonplace/core'
import type { SectionId } from '@commonplace/core'
import { appendMarkdown } from './markdown/from-markdown.ts'
import type { SectionRef } from './types.ts'

/** The ordered `Y.Array` of section maps. */
export function sectionsArray (doc: Y.Doc): Y.Array<unknown> {
  return doc.getArray('sections')
}

/** A validated section to create. */
export interface NewSection {
  id: SectionId
  heading: string
  locked: boolean
  markdown?: string
}

/** Push a section map `{ id, heading, locked, body }` and fill its body. Call inside a transaction. */
export function insertSection (sections: Y.Array<unknown>, section: NewSection): void {
  const map = new Y.Map<unknown>()
  const body = new Y.XmlFragment()
  map.set('id', section.id)
  map.set('heading', section.heading)
  map.set('locked', section.locked)
  map.set('body', body)
  sections.push([map])
  if (section.markdown !== undefined) appendMarkdown(body, section.markdown)
}

/** A section's handle together with its map, for writes. */
export interface SectionEntry {
  ref: SectionRef
  map: Y.Map<unknown>
}

/**
 * The well-formed sections, in order. Entries other peers wrote without a string id or an
 * XmlFragment body are skipped; a heading of the wrong type reads as ''.
 */
export function sectionEntries (doc: Y.Doc): SectionEntry[] {
  const entries: SectionEntry[] = []
  sectionsArray(doc).forEach((value, index) => {
    if (!(value instanceof Y.Map)) return
    const map = value as Y.Map<unknown>
    const id = map.get('id')
    const body = map.get('body')
    if (typeof id !== 'string' || !(body instanceof Y.XmlFragment)) return
    const heading = map.get('heading')
    entries.push({ map, ref: { index, id: id as SectionId, heading: typeof heading === 'string' ? heading : '', locked: map.get('locked') === true, body } })
  })
  return entries
}

/** The section with this id, else the first whose heading matches case-insensitively. */
export function findEntry (doc: Y.Doc, idOrHeading: string): SectionEntry | undefined {
  if (typeof idOrHeading !== 'string') throw new InvalidInputError('A section id or heading must be a string')
  const entries = sectionEntries(doc)
  const wanted = normalise(idOrHeading)
  return entries.find(entry => entry.ref.id === idOrHeading) ??
    entries.find(entry => normalise(entry.ref.heading) === wanted)
}

function normalise (heading: string): string {
  return heading.trim().toLowerCase()
}
