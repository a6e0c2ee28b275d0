/**
 * The local API's practice layer (docs/practice.md): adapting with lineage, families, upstream
 * changes, proposals, adoption states and the diffusion view. Plain JSON values only; every time
 * is ISO 8601. Routes are listed on each member of `PracticeApi`.
 */
import type { DocId, NetworkId, OrgId } from '@commonplace/core'
import type { WriteOptions } from './api-types.ts'

/** Why a variant differs from its source. */
export type AdaptationReason = 'local-context' | 'staffing' | 'resources' | 'population' | 'regulation' | 'other'
export type AdoptionStateName = 'aware' | 'considering' | 'trialling' | 'adopted' | 'adapted' | 'discontinued'

export interface AdaptRequest {
  /** What will be changed and why (the adaptation note); required, ≤ 4,000 characters. */
  why: string
  /** Default `['local-context']`. */
  reasons?: AdaptationReason[]
  /** Default: the source's title. */
  title?: string
}

export interface DerivedFromView {
  doc: DocId
  /** The source's snapshot digest when the variant was made. */
  version: string
  org: OrgId
  orgName?: string
  /** The source's title when this node holds it. */
  title?: string
  /** Whether this node holds the source. */
  held: boolean
}

/** A section compared between two versions (`compareSections`). */
export interface SectionChangeView {
  /** The section id (shared by a source and its variants). */
  id: string
  heading: string
  /** The heading before, when it was renamed. */
  headingBefore?: string
  status: 'unchanged' | 'changed' | 'added' | 'removed'
  /** Markdown before (absent for `added`). */
  before?: string
  /** Markdown after (absent for `removed`). */
  after?: string
  /** Line diff of the Markdown, for `changed` (`replaced`: too different to diff line by line). */
  diff?: LineDiffView
}

export interface LineDiffView {
  lines: Array<{ op: 'same' | 'added' | 'removed', text: string }>
  /** True when the bound on differing lines was reached and the section is shown as replaced whole. */
  replaced: boolean
}

export interface AdaptationView {
  doc: DocId
  derivedFrom: DerivedFromView
  note: string
  reasons: AdaptationReason[]
  by: OrgId
  byName?: string
  at: string
  updatedAt: string
  /** How the variant differs from the source text it was last aligned with (changed, added, removed only). */
  changes: SectionChangeView[]
}

export interface EditAdaptationRequest {
  note?: string
  reasons?: AdaptationReason[]
}

/** One document of a family tree. */
export interface FamilyNode {
  id: DocId
  /** Absent when this node does not hold the document (an ancestor known only from `derivedFrom`). */
  title?: string
  org: OrgId
  orgName?: string
  held: boolean
  /** When it was created (ISO); absent when not held. */
  at?: string
  /** For a variant: its adaptation record's note and reasons. */
  why?: string
  reasons?: AdaptationReason[]
  children: FamilyNode[]
}

export interface FamilyView {
  /** The document asked about. */
  doc: DocId
  /** The root as far as this node sees, with every descendant it holds. */
  root: FamilyNode
  /** From the root down to the document asked about (ids). */
  path: DocId[]
}

export interface UpstreamView {
  variant: DocId
  source: DerivedFromView
  /** True when the source changed since the variant was made from it (or last aligned with it). */
  changed: boolean
  /** Only the sections that differ between the base and the source now. */
  sections: SectionChangeView[]
}

export interface UpstreamDecisionRequest {
  /** Section ids or headings (of the source); every changed section when left out. */
  sections?: string[]
}

export interface ProposeRequest {
  /** To the source's owner; required, ≤ 4,000 characters. */
  message: string
  /** Section ids or headings of the variant; default every section that differs from the source now. */
  sections?: string[]
}

export type ProposalStatus = 'open' | 'accepted' | 'declined'

export interface ProposalView {
  /** The proposal's id (the id of the small document that carries it). */
  id: DocId
  /** `in`: to this organisation (we own the source); `out`: from this organisation. */
  direction: 'in' | 'out'
  source: DocId
  sourceTitle?: string
  sourceOwner: OrgId
  sourceOwnerName?: string
  variant: DocId
  proposer: OrgId
  proposerName?: string
  message: string
  at: string
  status: ProposalStatus
  reply?: string
  decidedAt?: string
  /** The proposed text against the source's current text (or against its text when proposed, when the source is not held). */
  sections: SectionChangeView[]
}

export interface DecideProposalRequest {
  reply?: string
}

export interface SetAdoptionRequest {
  /** The practice (a document this organisation may read). */
  doc: string
  state: AdoptionStateName
  /** ≤ 4,000 characters: outcomes, context. */
  note?: string
  /** For `adapted`: our variant; default our only variant of the practice's family. */
  variant?: string
  /** For `discontinued`: why (required). */
  reason?: string
  /** Networks to share this practice's states with from now on (ids or names); remembered. */
  networks?: string[]
  /**
   * When the change happened, ISO 8601 (a change recorded afterwards); default now. Not in the
   * future, not before this practice's previous change. ERR_INVALID_INPUT.
   */
  at?: string
}

export interface AdoptionChangeView {
  seq: number
  state: AdoptionStateName
  at: string
  note?: string
  variant?: DocId
  reason?: string
}

export interface AdoptionView {
  practice: DocId
  org: OrgId
  /** The latest change; absent when none was recorded. */
  current?: AdoptionChangeView
  history: AdoptionChangeView[]
  /** The networks this practice's states are shared with. */
  networks: NetworkId[]
}

export interface DiffusionCell {
  /** Named in the view's `orgs` (once, not per cell: a matrix has up to tens of thousands of cells). */
  org: OrgId
  family: DocId
  state: AdoptionStateName
  at: string
  /** The document of the family the state is about. */
  practice: DocId
  note?: string
  variant?: DocId
  reason?: string
}

export interface DiffusionView {
  network: NetworkId
  name: string
  /** When the view was computed. */
  at: string
  orgs: Array<{ org: OrgId, name: string, role: 'facilitator' | 'member' }>
  /** Every family by id; with `page`, the page's families only, most spread first. */
  families: Array<{ id: DocId, title: string, owner: OrgId, ownerName?: string, tree: FamilyNode }>
  /** Only cells with a state; the rest of the matrix is "no state shared". With `page`, the page's families' cells only. */
  matrix: DiffusionCell[]
  /**
   * By month (`YYYY-MM`): organisation-family pairs trialling, adopted or adapted at the month's
   * end, in all, per family and per state (in all and per state over every family; `byFamily`
   * with `page` for the page's families only).
   */
  curve: Array<{ month: string, total: number, byFamily: Record<string, number>, byState: { trialling: number, adopted: number, adapted: number } }>
  activity: Array<{ org: OrgId, orgName?: string, month: string, adoptionChanges: number, edits: number, adaptations: number, proposals: number, comments: number }>
  quietWeeks: number
  /** Members with no activity and no adoption change in the last `quietWeeks` weeks. */
  quiet: Array<{ org: OrgId, name: string, lastActive?: string }>
  /** Present when a page of families was asked for: `total` families match `find` (all when none) of `families` in the view. */
  page?: { offset: number, limit: number, total: number, families: number, find?: string }
}

/** What `diffusion` may be asked for. ERR_INVALID_INPUT when out of range. */
export interface DiffusionOptions {
  /** Members quiet for this many weeks, 0 to 520 (default 4). */
  quietWeeks?: number
  /** A page of families, most spread first (1 to 500): the matrix, trees and `byFamily` of those only. */
  limit?: number
  /** Families skipped before the page (with `limit`). */
  offset?: number
  /** Only families whose title contains this text, any case (with `limit`; ≤ 200 characters). */
  find?: string
  /** Activity of the last this many months that have any (1 to 600; default all). */
  months?: number
}

/** The practice operations of the local API. Every failure is a CommonplaceError with a stable code. */
export interface PracticeApi {
  /** `POST /api/docs/:id/adapt` (201). ERR_NOT_FOUND, ERR_FORBIDDEN, ERR_TEXT_TOO_LONG, ERR_INVALID_INPUT. */
  adapt(id: string, request: AdaptRequest, options?: WriteOptions): Promise<{ id: DocId, title: string, derivedFrom: DerivedFromView }>
  /** `GET /api/docs/:id/family`. */
  family(id: string): Promise<FamilyView>
  /** `GET /api/docs/:id/adaptation`. ERR_NOT_A_VARIANT. */
  adaptation(id: string): Promise<AdaptationView>
  /** `PATCH /api/docs/:id/adaptation`. ERR_READ_ONLY, ERR_TEXT_TOO_LONG. */
  editAdaptation(id: string, request: EditAdaptationRequest, options?: WriteOptions): Promise<AdaptationView>
  /** `GET /api/docs/:id/upstream`. ERR_NOT_A_VARIANT, ERR_SOURCE_UNAVAILABLE. */
  upstream(id: string): Promise<UpstreamView>
  /** `POST /api/docs/:id/upstream/take`: the source's text into the variant. ERR_READ_ONLY. */
  takeUpstream(id: string, request: UpstreamDecisionRequest, options?: WriteOptions): Promise<UpstreamView>
  /** `POST /api/docs/:id/upstream/dismiss`: mark changes as seen without taking them. */
  dismissUpstream(id: string, request: UpstreamDecisionRequest, options?: WriteOptions): Promise<UpstreamView>
  /** `POST /api/docs/:id/proposals` (201), `:id` the variant. ERR_NOTHING_TO_PROPOSE, ERR_FORBIDDEN. */
  propose(variant: string, request: ProposeRequest, options?: WriteOptions): Promise<ProposalView>
  /**
   * `GET /api/docs/:id/proposals/preview[?section=ID…]`: exactly the sections `propose` would send
   * (the variant's text against the source's current text), as a diff; `[]` when nothing differs.
   */
  previewProposal(variant: string, request?: { sections?: string[] }): Promise<SectionChangeView[]>
  /** `GET /api/proposals[?doc=ID]`: in and out, newest first; `doc` a source or a variant. */
  proposals(doc?: string): Promise<ProposalView[]>
  /** `GET /api/proposals/:id`. */
  proposal(id: string): Promise<ProposalView>
  /** `POST /api/proposals/:id/accept`. ERR_FORBIDDEN (not the source's owner), ERR_PROPOSAL_CLOSED. */
  acceptProposal(id: string, request: DecideProposalRequest, options?: WriteOptions): Promise<ProposalView>
  /** `POST /api/proposals/:id/decline`. */
  declineProposal(id: string, request: DecideProposalRequest, options?: WriteOptions): Promise<ProposalView>
  /** `POST /api/adoption`. ERR_ADOPTION_STATE_UNKNOWN, ERR_TEXT_TOO_LONG, ERR_NOT_SHARED, ERR_FORBIDDEN (not a member of a network named). */
  setAdoption(request: SetAdoptionRequest, options?: WriteOptions): Promise<AdoptionView>
  /** `GET /api/docs/:id/adoption`: this organisation's states of a practice. */
  adoption(id: string): Promise<AdoptionView>
  /**
   * `GET /api/networks/:id/diffusion[?quietWeeks=N][&limit=N&offset=N&find=TEXT][&months=N]` (members and
   * facilitators alike): the whole view, or one page of its families.
   */
  diffusion(network: string, options?: DiffusionOptions): Promise<DiffusionView>
}
