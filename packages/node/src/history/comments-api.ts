/**
 * Comments on records (docs/history.md): the operations behind the comment routes. A comment is an
 * entry of the record's comments document, written by this node's client, so the envelope that
 * carries it names this organisation; every node counts it only when that holds.
 */
import { randomBytes } from 'node:crypto'
import { toString as u8ToString } from 'uint8arrays'
import {
  AnchorNotFoundError, CommentForbiddenError, NotFoundError, TooManyError, parseDocId
} from '@commonplace/core'
import type { AccessList, DocId, OrgId } from '@commonplace/core'
import { findSection } from '@commonplace/record'
import { COMMENTS_MAP, COMMENT_LIMITS, checkCommentText, createAnchor, readThreads } from '@commonplace/practice'
import type { CommentEntry, Entry, Refusal, StateEntry, ThreadView as PureThread } from '@commonplace/practice'
import type * as Y from 'yjs'
import type { AddCommentRequest, CommentView, HistoryApi, ThreadView } from '@commonplace/api'
import type { PracticeContext } from '../practice/context.ts'
import { iso, nameOf, requireRecord } from '../practice/context.ts'
import { companionHeader, ensureCompanion } from './companion.ts'
import type { PersonNamer } from './people-names.ts'

/** Names nobody: a node without people. */
export const noNames: PersonNamer = () => undefined

export type CommentsApi = Pick<HistoryApi, 'comments' | 'addComment' | 'replyComment' | 'setCommentState'>

export interface CommentsInit {
  /** Told of each entry a peer wrote that does not count. */
  onRefused?: (doc: DocId, key: string, why: Refusal) => void
  /** Told of each comment this organisation writes (activity counts). */
  onWritten?: (record: DocId) => void
}

/** A thread's public id: the record's id and the comment's, so a reply finds its document. */
export function threadId (record: DocId, comment: string): string {
  return `${record}.${comment}`
}

export function createCommentsApi (ctx: PracticeContext, init: CommentsInit = {}): CommentsApi & { threadsOf: (record: DocId) => Promise<ThreadView[]> } {
  const { store } = ctx
  const self = ctx.identity.orgId

  const companionOf = async (record: DocId): Promise<DocId> => {
    const acl = store.access(record) as AccessList
    return (await companionHeader(record, acl.header.owner)).id
  }

  const threadsOf = async (record: DocId): Promise<ThreadView[]> => {
    const companion = await companionOf(record)
    if (!store.has(companion)) return []
    const attribution = store.attribution(companion)
    const threads = store.read(companion, comments => store.read(record, doc => readThreads({
      comments,
      record: doc,
      attribution,
      mayComment: org => ctx.gate.mayComment(record, org),
      onRefused: (key, why) => init.onRefused?.(companion, key, why)
    })))
    const headings = store.read(record, doc => new Map(threads.map(t => [t.section, findSection(doc, t.section)?.heading])))
    const named = await ctx.personNames?.(record) ?? noNames
    return threads.map(t => view(record, t, headings.get(t.section), named))
  }

  /** Who wrote or changed: the organisation, and the person (by name where this node may show it). */
  const by = (c: { org: string, person?: string }, named: PersonNamer): { org: OrgId, orgName?: string, person?: string, personName?: string } => {
    const personName = named(c.org, c.person)
    return { org: c.org as OrgId, ...nameOf(ctx, c.org), ...(c.person != null ? { person: c.person } : {}), ...(personName != null ? { personName } : {}) }
  }

  const view = (record: DocId, t: PureThread, heading: string | undefined, named: PersonNamer): ThreadView => {
    const { replies, at: _at, stateBy, stateAt: _stateAt, stateChanges, ...rest } = t
    return {
      ...rest,
      ...commentView(t, named),
      id: threadId(record, t.id),
      doc: record,
      ...(heading != null ? { heading } : {}),
      ...(stateBy != null ? { stateBy: stateBy as OrgId } : {}),
      stateChanges: stateChanges.map(c => ({ ...by(c, named), state: c.state, at: iso(c.at) })),
      replies: replies.map(r => commentView(r, named))
    }
  }

  const commentView = (c: { id: string, org: string, person?: string, text: string, at: number }, named: PersonNamer): CommentView => ({
    id: c.id, ...by(c, named), text: c.text, at: iso(c.at)
  })

  /** The record's comments document, ready for this organisation to write; the owner creates it (as `author`). */
  const writable = async (record: DocId, author: string | undefined): Promise<DocId> => {
    const acl = store.access(record) as AccessList
    if (!ctx.gate.mayComment(record)) {
      throw new CommentForbiddenError(`This organisation has ${ctx.gate.access(record) ?? 'no'} access to ${record}: commenting needs comment or edit`)
    }
    if (acl.header.owner === self) return await ensureCompanion(ctx, record, author)
    const companion = await companionOf(record)
    if (!store.has(companion)) throw new NotFoundError(`The comments of ${record} have not reached this node yet (its owner's node sends them)`)
    return companion
  }

  /** Write an entry, signed with the person who made it (absent: the organisation). */
  const write = (companion: DocId, entry: Entry, author: string | undefined): void => {
    store.edit(companion, doc => { doc.getMap<unknown>(COMMENTS_MAP).set(`${entry.org}/${entry.id}`, entry) }, author)
    store.flush()
  }

  const findThread = async (id: string): Promise<{ record: DocId, thread: ThreadView }> => {
    const dot = typeof id === 'string' ? id.indexOf('.') : -1
    if (dot < 0) throw new NotFoundError(`No comment ${String(id)}: a comment id is DOC.ID, as comment list shows it`)
    const record = requireRecord(ctx, parseDocId(id.slice(0, dot)))
    const thread = (await threadsOf(record)).find(t => t.id === id)
    if (thread == null) throw new NotFoundError(`No comment thread ${id} here`)
    return { record, thread }
  }

  return {
    threadsOf,
    async comments (id) {
      return await threadsOf(requireRecord(ctx, id))
    },

    async addComment (id, request: AddCommentRequest, options) {
      const record = requireRecord(ctx, id)
      checkCommentText(request.text, request.quote)
      const companion = await writable(record, options?.author)
      const place = store.read(record, doc => {
        if (request.quote != null && request.quote !== '') return createAnchor(doc, request.section, request.quote)
        const section = findSection(doc, request.section)
        if (section == null) return undefined
        return { section: section.id }
      })
      if (place == null) throw new AnchorNotFoundError(`The document has no section "${request.section}"`)
      if ((await threadsOf(record)).length >= COMMENT_LIMITS.threads) throw new TooManyError(`A document has at most ${COMMENT_LIMITS.threads} comment threads`)
      const entry: CommentEntry = {
        type: 'comment', id: newId(), org: self, text: request.text, at: ctx.now(), ...place,
        ...(request.quote != null && request.quote !== '' ? { quote: request.quote } : {})
      }
      write(companion, entry, options?.author)
      init.onWritten?.(record)
      return (await threadsOf(record)).find(t => t.id === threadId(record, entry.id)) as ThreadView
    },

    async replyComment (id, request, options) {
      const { record, thread } = await findThread(id)
      checkCommentText(request?.text)
      const companion = await writable(record, options?.author)
      if (thread.replies.length >= COMMENT_LIMITS.replies) throw new TooManyError(`A thread has at most ${COMMENT_LIMITS.replies} replies`)
      const local = id.slice(id.indexOf('.') + 1)
      write(companion, { type: 'comment', id: newId(), org: self, section: thread.section, text: request.text, at: ctx.now(), replyTo: local }, options?.author)
      init.onWritten?.(record)
      return (await findThread(id)).thread
    },

    async setCommentState (id, state, options) {
      const { record } = await findThread(id)
      const companion = await writable(record, options?.author)
      const local = id.slice(id.indexOf('.') + 1)
      // later than the thread's latest state change, so this one wins on every node
      const latest = store.read(companion, doc => latestStateAt(doc, local))
      write(companion, { type: 'state', id: newId(), org: self, thread: local, state, at: Math.max(ctx.now(), latest + 1) }, options?.author)
      return (await findThread(id)).thread
    }
  }
}

/** The latest `at` of a state change of a thread (any organisation's; 0 when none). */
function latestStateAt (doc: Y.Doc, thread: string): number {
  let latest = 0
  for (const value of doc.getMap<unknown>(COMMENTS_MAP).values()) {
    const v = value as Partial<StateEntry> | null
    if (v?.type === 'state' && v.thread === thread && typeof v.at === 'number') latest = Math.max(latest, v.at)
  }
  return latest
}

/** A fresh comment id: 10 random bytes, base32. */
function newId (): string {
  return u8ToString(randomBytes(10), 'base32')
}
