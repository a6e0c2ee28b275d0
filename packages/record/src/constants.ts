/** What kind of good-practice record a document is. */
export const RecordKind = {
  practice: 'practice',
  protocol: 'protocol',
  procedure: 'procedure',
  checklist: 'checklist',
  caseStudy: 'case-study',
  lessonLearned: 'lesson-learned',
  topicSeed: 'topic-seed',
  template: 'template'
} as const
export type RecordKind = typeof RecordKind[keyof typeof RecordKind]

/** How settled a practice is: idea → draft → agreed → stable. */
export const Maturity = {
  idea: 'idea',
  draft: 'draft',
  agreed: 'agreed',
  stable: 'stable'
} as const
export type Maturity = typeof Maturity[keyof typeof Maturity]

/** Where a record is in its lifecycle. */
export const Status = {
  draft: 'draft',
  inReview: 'in-review',
  approved: 'approved',
  superseded: 'superseded',
  retired: 'retired'
} as const
export type Status = typeof Status[keyof typeof Status]

/** The licence a record is shared under. `network-only` means: no public licence. */
export const Licence = {
  ccBy4: 'CC-BY-4.0',
  ccBySa4: 'CC-BY-SA-4.0',
  ogl3: 'OGL-3.0',
  networkOnly: 'network-only'
} as const
export type Licence = typeof Licence[keyof typeof Licence]

/** Section sets a network can start its records with. */
export const SECTION_TEMPLATES = {
  goodPractice: [
    'Problem', 'Context', 'Practice', 'Resources', 'Evidence', 'Outcomes',
    'Transferability', 'Local arrangements', 'References'
  ],
  construction: ['Task', 'Hazards', 'Measures', 'Tools and materials', 'Quality check']
} as const satisfies Record<string, readonly string[]>
export type SectionTemplateName = keyof typeof SECTION_TEMPLATES

/** Defaults `initRecord` fills in when the init leaves them out. */
export const RECORD_DEFAULTS = {
  kind: RecordKind.practice,
  maturity: Maturity.draft,
  status: Status.draft,
  licence: Licence.networkOnly
} as const

/** Most tags a record keeps. */
export const MAX_TAGS = 50

/** The heading `markdownToRecordInit` gives text found before the first `##` section. */
export const PREAMBLE_HEADING = 'Summary'

/**
 * ProseMirror node names, as the TipTap extensions name them; section bodies hold
 * `Y.XmlElement`s with exactly these names, the way y-prosemirror stores them.
 */
export const NodeName = {
  paragraph: 'paragraph',
  heading: 'heading',
  bulletList: 'bulletList',
  orderedList: 'orderedList',
  listItem: 'listItem',
  taskList: 'taskList',
  taskItem: 'taskItem',
  blockquote: 'blockquote',
  codeBlock: 'codeBlock',
  horizontalRule: 'horizontalRule',
  hardBreak: 'hardBreak',
  table: 'table',
  tableRow: 'tableRow',
  tableHeader: 'tableHeader',
  tableCell: 'tableCell'
} as const
export type NodeName = typeof NodeName[keyof typeof NodeName]

/** ProseMirror mark names (TipTap); y-prosemirror stores marks as `Y.XmlText` formatting attributes. */
export const MarkName = {
  link: 'link',
  bold: 'bold',
  italic: 'italic',
  strike: 'strike',
  code: 'code'
} as const
export type MarkName = typeof MarkName[keyof typeof MarkName]

/** Heading levels allowed inside a section body: 1 and 2 are the record's title and section headings. */
export const MIN_BODY_HEADING_LEVEL = 3
export const MAX_BODY_HEADING_LEVEL = 6
