/** Bounds and names of the practice layer (docs/practice.md, Bounds). */

/** Longest adaptation note, proposal message, reply or adoption note (characters): bounds what a peer makes every member store and show. */
export const MAX_NOTE_CHARS = 4_000
/** Most sections one proposal may carry. */
export const MAX_PROPOSAL_SECTIONS = 64
/** Most characters of text (bases and proposed texts together) in one proposal. */
export const MAX_PROPOSAL_CHARS = 1024 * 1024
/** Most open proposals listed per (source, proposer): a proposer cannot flood an owner's inbox. */
export const MAX_OPEN_PROPOSALS = 32
/** Most adoption changes kept per (organisation, practice). */
export const MAX_ADOPTION_HISTORY = 64
/** Most entries read from one adoption log: bounds the work one member's log can cause. */
export const MAX_LOG_ENTRIES = 40_000
/** Deepest lineage walked (a record may claim any `derivedFrom`). */
export const MAX_LINEAGE_DEPTH = 64
/** Most differing lines a section's line diff looks for before it shows the section as replaced whole. */
export const MAX_DIFF_EDITS = 1_000
/** Default quiet period of the diffusion view (weeks). */
export const DEFAULT_QUIET_WEEKS = 4

/** Why a variant differs from its source. */
export const AdaptationReason = {
  localContext: 'local-context',
  staffing: 'staffing',
  resources: 'resources',
  population: 'population',
  regulation: 'regulation',
  other: 'other'
} as const
export type AdaptationReason = typeof AdaptationReason[keyof typeof AdaptationReason]

/** An organisation's standing with a practice. */
export const AdoptionState = {
  aware: 'aware',
  considering: 'considering',
  trialling: 'trialling',
  adopted: 'adopted',
  adapted: 'adapted',
  discontinued: 'discontinued'
} as const
export type AdoptionState = typeof AdoptionState[keyof typeof AdoptionState]

/** The states the diffusion curve counts. */
export const SPREAD_STATES: ReadonlySet<AdoptionState> = new Set(['trialling', 'adopted', 'adapted'])

/** Domain prefixes of the signed statements: a signature of one kind never verifies as another. */
export const PREFIX = {
  proposal: 'commonplace-proposal/1\n',
  outcome: 'commonplace-proposal-outcome/1\n',
  adoption: 'commonplace-adoption/1\n',
  activity: 'commonplace-activity/1\n'
} as const

/** Names inside the Yjs documents (docs/practice.md, What is what). */
export const YNAMES = {
  /** Y.Map of a variant: note, reasons, by, at, updatedAt, base. */
  adaptation: 'adaptation',
  /** Y.Map marking a carrier document: `{ type: 'proposal' | 'adoption-log', network? }`. */
  marker: '_practice',
  /** Y.Map of a proposal document: statement, outcome. */
  proposal: 'proposal',
  /** Y.Map of an adoption log: `<practice>/<seq>` and `activity/<month>` → statements. */
  log: 'adoption'
} as const

/** Kinds of the carrier documents in the document index (hidden from document lists). */
export const CarrierKind = { proposal: 'proposal', adoptionLog: 'adoption-log', comments: 'comments' } as const
export type CarrierKind = typeof CarrierKind[keyof typeof CarrierKind]

/** Bounds of comments (docs/history.md): what one commenter can make every reader store and show. */
export const COMMENT_LIMITS = {
  /** Characters of a comment's text. */
  text: 4_000,
  /** Characters of a quoted passage. */
  quote: 1_000,
  /** Bytes of an encoded anchor (two relative positions, base64url). */
  anchor: 256,
  /** Threads of one document. */
  threads: 1_000,
  /** Replies of one thread. */
  replies: 200,
  /** Entries read from one comments document. */
  entries: 20_000
} as const

/** Bounds of a labelled version shared in a record's comments document (docs/history.md): what one peer makes every reader store. */
export const SHARED_VERSION_LIMITS = {
  /** Characters of a label. */
  label: 200,
  /** Sections of one version. */
  sections: 200,
  /** Characters of one version's title, headings and section texts together. */
  chars: 256 * 1024,
  /** Shared versions read from one comments document. */
  entries: 200
} as const
