/**
 * Comments on a record (docs/history.md): entries of a companion document's `comments` map, each
 * counted only when the item holding it was written by its organisation, grouped into threads, with
 * anchors (Yjs relative positions) resolved against the record as it is now.
 */
import * as Y from 'yjs'
import { fromString as u8FromString, toString as u8ToString } from 'uint8arrays'
import { AnchorNotFoundError, TextTooLongError } from '@commonplace/core'
import type { Attribution } from '@commonplace/core'
import { findSection } from '@commonplace/record'
import { COMMENT_LIMITS } from './constants.ts'

/** The companion's map of entries, keyed `<org>/<id>`. */
export const COMMENTS_MAP = 'comments'

/** A comment or a reply, as written. */
export interface CommentEntry {
  type: 'comment'
  id: string
  org: string
  section: string
  text: string
  at: number
  quote?: string
  /** `<start>.<end>`: two encoded relative positions, base64url. */
  anchor?: string
  /** The thread (its first comment's id) a reply belongs to. */
  replyTo?: string
}

/** A thread resolved or reopened. */
export interface StateEntry {
  type: 'state'
  id: string
  org: string
  thread: string
  state: 'open' | 'resolved'
  at: number
}

export type Entry = CommentEntry | StateEntry

/** A comment as shown: who (as the envelope says), where, and whether its passage is still there. */
export interface CommentView {
  id: string
  org: string
  person?: string
  text: string
  at: number
}

export interface ThreadView extends CommentView {
  section: string
  quote?: string
  /** The anchored passage as it reads now (absent when detached or on the whole section). */
  passage?: string
  /** The passage was deleted, or its section removed: the thread stays, marked. */
  detached: boolean
  state: 'open' | 'resolved'
  stateBy?: string
  /** When the latest state change was made (absent: never resolved). */
  stateAt?: number
  /** Every resolve and reopen that counts, oldest first. */
  stateChanges: StateChange[]
  replies: CommentView[]
}

/** A thread resolved or reopened, by whom and when. */
export interface StateChange {
  org: string
  person?: string
  state: 'open' | 'resolved'
  at: number
}

/** Why an entry was not counted (each is a refused peer input). */
export type Refusal = 'shape' | 'author' | 'rights' | 'bounds'

const ID = /^[a-z2-7]{8,32}$/

/** Check a comment's text and quote against the bounds. @throws TextTooLongError */
export function checkCommentText (text: string, quote?: string): void {
  if (text.trim() === '') throw new TextTooLongError('A comment needs some text')
  if (text.length > COMMENT_LIMITS.text) throw new TextTooLongError(`A comment is at most ${COMMENT_LIMITS.text} characters`)
  if (quote !== undefined && quote.length > COMMENT_LIMITS.quote) throw new TextTooLongError(`A quote is at most ${COMMENT_LIMITS.quote} characters`)
}

/** The entry a value is, when its shape and bounds hold; undefined otherwise. */
export function parseEntry (key: string, value: unknown): Entry | undefined {
  if (value == null || typeof value !== 'object') return undefined
  const v = value as Record<string, unknown>
  if (typeof v.org !== 'string' || typeof v.id !== 'string' || !ID.test(v.id) || key !== `${v.org}/${v.id}`) return undefined
  if (typeof v.at !== 'number' || !Number.isSafeInteger(v.at)) return undefined
  if (v.type === 'state') {
    if (typeof v.thread !== 'string' || !ID.test(v.thread) || (v.state !== 'open' && v.state !== 'resolved')) return undefined
    return { type: 'state', id: v.id, org: v.org, thread: v.thread, state: v.state, at: v.at }
  }
  if (v.type !== 'comment' || typeof v.section !== 'string' || v.section.length > 64 || typeof v.text !== 'string') return undefined
  if (v.text.length > COMMENT_LIMITS.text || v.text === '') return undefined
  const quote = optional(v.quote, COMMENT_LIMITS.quote)
  const anchor = optional(v.anchor, COMMENT_LIMITS.anchor)
  const replyTo = optional(v.replyTo, 32)
  if (quote === null || anchor === null || replyTo === null || (replyTo !== undefined && !ID.test(replyTo))) return undefined
  return {
    type: 'comment', id: v.id, org: v.org, section: v.section, text: v.text, at: v.at,
    ...(quote !== undefined ? { quote } : {}), ...(anchor !== undefined ? { anchor } : {}), ...(replyTo !== undefined ? { replyTo } : {})
  }
}

/** undefined when absent, null when present but not a string within `max` characters. */
function optional (value: unknown, max: number): string | undefined | null {
  if (value === undefined) return undefined
  return typeof value === 'string' && value.length <= max ? value : null
}

/** What reading signed entries of a comments document needs from the node. */
export interface EntriesInput {
  /** The comments document. */
  comments: Y.Doc
  /** Who wrote each of its items (the store's attribution from signed envelopes). */
  attribution: Attribution
  /** Whether an organisation may comment on the record now. */
  mayComment: (org: string) => boolean
  /** Told of every entry not counted. */
  onRefused?: (key: string, why: Refusal) => void
}

/**
 * The entries of one map of a comments document that count: at most `limit` read, of a good shape,
 * written by a client bound to the organisation they name, which may comment now. Each other
 * entry is told to `onRefused` with why.
 */
export function * verifiedEntries<T extends { org: string }> (input: EntriesInput, mapName: string, limit: number, parse: (key: string, value: unknown) => T | undefined): Iterable<{ key: string, entry: T, who: { org: string, person?: string } }> {
  const map = input.comments.getMap<unknown>(mapName)
  const items = (map as unknown as { _map: Map<string, Y.Item> })._map
  let read = 0
  for (const [key, item] of items) {
    if (item.deleted) continue
    if (++read > limit) { input.onRefused?.(key, 'bounds'); continue }
    const entry = parse(key, map.get(key))
    if (entry === undefined) { input.onRefused?.(key, 'shape'); continue }
    const who = input.attribution.of(item.id.client, item.id.clock)
    if (who == null || who.org !== entry.org) { input.onRefused?.(key, 'author'); continue }
    if (!input.mayComment(entry.org)) { input.onRefused?.(key, 'rights'); continue }
    yield { key, entry, who }
  }
}

/** What deciding which entries count needs from the node. */
export interface ThreadsInput extends EntriesInput {
  /** The record, to resolve anchors against. */
  record: Y.Doc
}

/**
 * The threads of a record, oldest first, each with its replies oldest first. Linear in the number of
 * entries (at most `COMMENT_LIMITS.entries` are read).
 */
export function readThreads (input: ThreadsInput): ThreadView[] {
  const threads = new Map<string, ThreadView>()
  const replies: Array<[CommentEntry, CommentView]> = []
  const states: Array<StateEntry & { person?: string }> = []
  for (const { key, entry, who } of verifiedEntries(input, COMMENTS_MAP, COMMENT_LIMITS.entries, parseEntry)) {
    if (entry.type === 'state') { states.push({ ...entry, ...(who.person != null ? { person: who.person } : {}) }); continue }
    const view: CommentView = { id: entry.id, org: entry.org, ...(who.person != null ? { person: who.person } : {}), text: entry.text, at: entry.at }
    if (entry.replyTo !== undefined) replies.push([entry, view])
    else if (threads.size >= COMMENT_LIMITS.threads) input.onRefused?.(key, 'bounds')
    else threads.set(entry.id, { ...view, ...placeOf(entry, input.record), state: 'open', stateChanges: [], replies: [] })
  }
  for (const [entry, view] of replies.sort((a, b) => a[1].at - b[1].at || compare(a[1].id, b[1].id))) {
    const thread = threads.get(entry.replyTo as string)
    if (thread === undefined) { input.onRefused?.(`${entry.org}/${entry.id}`, 'shape'); continue }
    if (thread.replies.length >= COMMENT_LIMITS.replies) { input.onRefused?.(`${entry.org}/${entry.id}`, 'bounds'); continue }
    thread.replies.push(view)
  }
  for (const state of states.sort((a, b) => a.at - b.at || compare(`${a.org}/${a.id}`, `${b.org}/${b.id}`))) {
    const thread = threads.get(state.thread)
    if (thread === undefined) continue
    thread.state = state.state; thread.stateBy = state.org; thread.stateAt = state.at
    thread.stateChanges.push({ org: state.org, ...(state.person != null ? { person: state.person } : {}), state: state.state, at: state.at })
  }
  return [...threads.values()].sort((a, b) => a.at - b.at || compare(a.id, b.id))
}

function compare (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Where a thread's anchor is now. */
function placeOf (entry: CommentEntry, record: Y.Doc): Pick<ThreadView, 'section' | 'quote' | 'passage' | 'detached'> {
  const section = findSection(record, entry.section)
  const quote = entry.quote !== undefined ? { quote: entry.quote } : {}
  if (section === undefined) return { section: entry.section, ...quote, detached: true }
  if (entry.anchor === undefined) return { section: section.id, ...quote, detached: false }
  const passage = resolveAnchor(record, entry.anchor)
  return passage === undefined ? { section: section.id, ...quote, detached: true } : { section: section.id, ...quote, passage, detached: false }
}

/**
 * An anchor on the first occurrence of `quote` in one text node of the section's body.
 * @throws AnchorNotFoundError when the section or the quote is not there
 */
export function createAnchor (record: Y.Doc, sectionIdOrHeading: string, quote: string): { section: string, anchor: string } {
  const section = findSection(record, sectionIdOrHeading)
  if (section === undefined) throw new AnchorNotFoundError(`The document has no section "${sectionIdOrHeading}"`)
  if (quote === '') throw new AnchorNotFoundError('An empty quote anchors nothing')
  for (const text of textNodes(section.body)) {
    const at = plainText(text).indexOf(quote)
    if (at < 0) continue
    const start = Y.createRelativePositionFromTypeIndex(text, at, 0)
    const end = Y.createRelativePositionFromTypeIndex(text, at + quote.length, -1)
    return { section: section.id, anchor: `${encode(start)}.${encode(end)}` }
  }
  throw new AnchorNotFoundError(`"${quote.length > 60 ? quote.slice(0, 60) + '…' : quote}" is not in section "${section.heading}" (a quote must lie within one paragraph)`)
}

/** The passage an anchor covers now; undefined when it was deleted (or the anchor is unreadable). */
export function resolveAnchor (record: Y.Doc, anchor: string): string | undefined {
  const [a, b] = anchor.split('.')
  try {
    const start = Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(u8FromString(a, 'base64url')), record)
    const end = Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(u8FromString(b ?? '', 'base64url')), record)
    if (start == null || end == null || start.type !== end.type || !(start.type instanceof Y.XmlText)) return undefined
    if (isDeleted(start.type as Y.AbstractType<unknown>) || end.index <= start.index) return undefined
    return plainText(start.type).slice(start.index, end.index)
  } catch {
    return undefined
  }
}

function isDeleted (type: Y.AbstractType<unknown>): boolean {
  for (let item = type._item; item != null; item = item.parent instanceof Y.AbstractType ? item.parent._item : null) {
    if (item.deleted) return true
  }
  return false
}

function encode (position: Y.RelativePosition): string {
  return u8ToString(Y.encodeRelativePosition(position), 'base64url')
}

/** Every text node under a fragment, in document order. */
function textNodes (fragment: Y.XmlFragment): Y.XmlText[] {
  const out: Y.XmlText[] = []
  const walk = (type: Y.XmlFragment | Y.XmlElement): void => {
    for (const child of type.toArray()) {
      if (child instanceof Y.XmlText) out.push(child)
      else if (child instanceof Y.XmlElement) walk(child)
    }
  }
  walk(fragment)
  return out
}

/** A text node's characters without formatting (its indices are the relative positions' indices). */
function plainText (text: Y.XmlText): string {
  return (text.toDelta() as Array<{ insert: unknown }>).map(op => typeof op.insert === 'string' ? op.insert : ' ').join('')
}

