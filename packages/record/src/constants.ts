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

/**
 * What belongs in each section of the templates, by heading: editors show it as a hint in an
 * empty section. It is never written into a document.
 */
export const SECTION_PROMPTS: Readonly<Record<string, string>> = {
  Problem: 'What went wrong or was hard, for whom, and how often.',
  Context: 'Where this happens: the kind of organisation, its size, the people and systems involved.',
  Practice: 'What is done, step by step, and who does each step (roles, not names).',
  Resources: 'What it takes: time, staff, tools, forms, money.',
  Evidence: 'What shows that it works: audits, figures, feedback, published sources.',
  Outcomes: 'What changed, including what did not work or was dropped.',
  Transferability: 'What is core and must stay; what another organisation may adapt.',
  'Local arrangements': 'What is particular to this organisation: local contacts, systems, agreements.',
  References: 'Guidelines, papers and documents this draws on, with links.',
  Task: 'The work this sheet covers, where, and who carries it out.',
  Hazards: 'What can go wrong or hurt someone during the task.',
  Measures: 'What is done against each hazard, before and during the work.',
  'Tools and materials': 'Equipment, materials and protective gear needed, with amounts.',
  'Quality check': 'How the result is checked, by whom, and what counts as done.'
}

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

/**
 * Deepest nesting of quotes and lists Markdown may have (`> - > - …` counts one per quote and
 * per list). It bounds the parser's and the writer's recursion and the indentation a line
 * carries; deeper input is refused with `InputTooDeepError`.
 */
export const MAX_MARKDOWN_NESTING = 64
