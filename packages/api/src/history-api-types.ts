/**
 * Types of the conversation and history operations of the local API (docs/history.md): comments,
 * versions and the activity feed. Every time is ISO 8601. Routes are listed on each member of
 * `HistoryApi`.
 */
import type { DocId, OrgId } from '@commonplace/core'
import type { LastChangeView, WriteOptions } from './api-types.ts'
import type { SectionChangeView } from './practice-api-types.ts'

/** A comment or a reply: who wrote it, as the signed envelope that carried it says. */
export interface CommentView {
  id: string
  org: OrgId
  orgName?: string
  /** The person inside the organisation, when the node knows one. */
  person?: string
  /** The person's name, where this node may show it: its own people's, another organisation's when that organisation shows them (docs/people.md). */
  personName?: string
  text: string
  at: string
}

/** A thread: its first comment, where it is anchored, its state and its replies. */
export interface ThreadView extends CommentView {
  doc: DocId
  /** The section's id. */
  section: string
  /** The section's heading now (absent when the section is gone). */
  heading?: string
  /** The passage as quoted when the comment was written. */
  quote?: string
  /** The anchored passage as it reads now (absent when detached or on the whole section). */
  passage?: string
  /** The passage was deleted, or its section removed; the thread stays. */
  detached: boolean
  state: 'open' | 'resolved'
  stateBy?: OrgId
  /** Every resolve and reopen, oldest first. */
  stateChanges?: StateChangeView[]
  replies: CommentView[]
}

/** A thread resolved or reopened: by which organisation (and person, when known), and when. */
export interface StateChangeView {
  org: OrgId
  orgName?: string
  person?: string
  /** The person's name, where this node may show it: its own people's, another organisation's when that organisation shows them (docs/people.md). */
  personName?: string
  state: 'open' | 'resolved'
  at: string
}

export interface AddCommentRequest {
  /** A section's heading (case-insensitive) or id. */
  section: string
  /** A passage of that section (within one paragraph) to anchor to; the whole section without it. */
  quote?: string
  text: string
}

/** One version of a document kept by this node. */
export interface VersionView {
  doc: DocId
  /** 1, 2, 3… in the order taken. */
  n: number
  at: string
  label?: string
  /** `label` (on demand), `daily`, `changes` (`NodeInit.autoVersions.everyChanges`), `adaptation`, `proposal-accepted`, `upstream-taken`, `restore`, `first`. */
  reason: string
  /** Bytes this version keeps on disk. */
  bytes: number
  /**
   * Its id in the record's comments document when it is shared with the record's readers
   * (docs/history.md); diff and restore take it in place of `n` at every node that holds it.
   */
  id?: string
  /** Who took it: present on another organisation's shared version (absent: this node). */
  org?: OrgId
  orgName?: string
  person?: string
  /** The person's name, where this node may show it: its own people's, another organisation's when that organisation shows them (docs/people.md). */
  personName?: string
}

/** A version as diff and restore name it: this node's number, or a shared version's id. */
export type VersionRef = number | string

export interface DiffView {
  doc: DocId
  from: VersionRef
  /** Absent: the document as it is now. */
  to?: VersionRef
  changes: SectionChangeView[]
}

export interface RestoreRequest {
  version: VersionRef
  /** Only this section (heading or id); the whole text (title and sections) without it. */
  section?: string
}

/** `POST /api/comments/:id/replies`. */
export interface ReplyRequest { text: string }
/** `POST /api/comments/:id/state`. */
export interface CommentStateRequest { state: 'open' | 'resolved' }
/** `POST /api/docs/:id/versions`. */
export interface TakeVersionRequest { label: string }
/** `GET /api/docs/:id/diff?from=N[&to=M]`. */
export interface DiffQuery { from: VersionRef, to?: VersionRef }
/** `GET /api/activity[?since=ISO][&limit=N]`. */
export interface ActivityQuery { since?: string, limit?: number }

export type ActivityKind =
  | 'changed' | 'comment' | 'reply' | 'resolved' | 'reopened' | 'variant' | 'proposal' | 'proposal-decided' | 'upstream' | 'upstream-taken'
  | 'adoption' | 'version' | 'restored'

/** One line of the activity feed. */
export interface ActivityItem {
  kind: ActivityKind
  at: string
  doc: DocId
  title: string
  /** Who did it, when known. */
  org?: OrgId
  orgName?: string
  /** The person inside the organisation, when the node knows one. */
  person?: string
  /** The person's name, where this node may show it: its own people's, another organisation's when that organisation shows them (docs/people.md). */
  personName?: string
  /** A version's label (`version`, `restored`, `upstream-taken`). */
  label?: string
  /** The version in the document's History (`version`, `restored`, `upstream-taken`): this node's number, or the id another organisation shared it under. */
  version?: VersionRef
  /**
   * Who changed the document since the feed's `since` (`changed`), newest first, at most three:
   * per organisation, and per person for this organisation's own people
   * (their name in `personName`, and then `by`). Absent when no changer is known here.
   */
  changedBy?: LastChangeView[]
  /** How many more changers (`changed`) there were in that period than `changedBy` names. */
  otherChangers?: number
  /** A sentence saying what happened. */
  text: string
}

/** The conversation and history operations of the local API. */
export interface HistoryApi {
  /** `GET /api/docs/:id/comments`: the threads, oldest first. Readers see them too. */
  comments(id: string): Promise<ThreadView[]>
  /** `POST /api/docs/:id/comments` (201). ERR_COMMENT_FORBIDDEN, ERR_ANCHOR_NOT_FOUND, ERR_TEXT_TOO_LONG, ERR_TOO_MANY. */
  addComment(id: string, request: AddCommentRequest, options?: WriteOptions): Promise<ThreadView>
  /** `POST /api/comments/:id/replies` (201). ERR_NOT_FOUND, ERR_COMMENT_FORBIDDEN, ERR_TOO_MANY. */
  replyComment(thread: string, request: { text: string }, options?: WriteOptions): Promise<ThreadView>
  /** `POST /api/comments/:id/state` with `{ state: 'resolved' | 'open' }`. */
  setCommentState(thread: string, state: 'open' | 'resolved', options?: WriteOptions): Promise<ThreadView>
  /** `GET /api/docs/:id/versions`: oldest first, this node's and other organisations' shared ones. */
  versions(id: string): Promise<VersionView[]>
  /** `POST /api/docs/:id/versions` (201): a version now, with a label. */
  takeVersion(id: string, request: { label: string }, options?: WriteOptions): Promise<VersionView>
  /** `GET /api/docs/:id/diff?from=N[&to=M]`. ERR_VERSION_UNKNOWN. */
  diff(id: string, from: VersionRef, to?: VersionRef): Promise<DiffView>
  /** `POST /api/docs/:id/restore`: a new edit. ERR_VERSION_UNKNOWN, ERR_READ_ONLY, ERR_ANCHOR_NOT_FOUND (no such section then). */
  restore(id: string, request: RestoreRequest, options?: WriteOptions): Promise<VersionView>
  /** `GET /api/activity[?since=ISO][&limit=N]`: newest first. */
  activity(options?: { since?: string, limit?: number }): Promise<ActivityItem[]>
}
