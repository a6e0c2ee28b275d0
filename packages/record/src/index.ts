/**
 * @packageDocumentation
 * How a good-practice record lives in a `Y.Doc`, and Markdown in and out.
 *
 * `doc.getMap('meta')` holds the metadata; `doc.getArray('sections')` the ordered sections,
 * each a `Y.Map` `{ id, heading, locked, body }` whose `body` is a `Y.XmlFragment` shaped as
 * y-prosemirror stores a TipTap document, so one editor per section can bind to it directly.
 * Every write is one transaction; nothing outside the document is touched. See README.md.
 *
 * @example
 * ```ts
 * import * as Y from 'yjs'
 * import { initRecord, appendToSection, readRecord, recordToMarkdown, SECTION_TEMPLATES } from '@commonplace/record'
 *
 * const doc = new Y.Doc()
 * initRecord(doc, {
 *   title: 'Handling abnormal blood results: who acts, by when',
 *   owner: riverside, // an OrgId
 *   kind: 'protocol',
 *   sections: SECTION_TEMPLATES.goodPractice.map(heading => ({ heading }))
 * })
 * appendToSection(doc, 'practice', '- [ ] Duty doctor reviews **red** results by 11:00')
 * readRecord(doc).sections[2].markdown // '- [ ] Duty doctor reviews **red** results by 11:00'
 * const markdown = recordToMarkdown(doc) // front matter, # Title, ## sections
 * ```
 */
export * from './constants.ts'
export type * from './types.ts'
export {
  initRecord, setTitle, setMeta, appendSection, appendToSection, setSectionLocked, setSectionBody, appendSectionWithId, removeSection,
  findSection, listSections, readRecord, readRecordMeta, recordTitle, recordKind
} from './record.ts'
export { shortText } from './validate.ts'
export { markdownToBlocks, appendMarkdown } from './markdown/from-markdown.ts'
export type { BlockNode, NodeAttrs } from './markdown/from-markdown.ts'
export { fragmentToMarkdown } from './markdown/to-markdown.ts'
export { recordToMarkdown, markdownToRecordInit } from './document.ts'
