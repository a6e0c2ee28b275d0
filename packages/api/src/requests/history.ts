/** Validators of the conversation and history requests (docs/history.md). */
import { InvalidInputError } from '@commonplace/core'
import type { ActivityQuery, AddCommentRequest, CommentStateRequest, DiffQuery, ReplyRequest, RestoreRequest, TakeVersionRequest, VersionRef } from '../history-api-types.ts'
import { object, optionalString, string } from '../validate.ts'

/** `POST /api/docs/:id/comments`. */
export function addCommentRequest (body: unknown): AddCommentRequest {
  const value = object(body, ['section', 'quote', 'text'])
  return { section: string(value.section, 'section'), text: string(value.text, 'text'), ...optionalString(value.quote, 'quote') }
}

/** `POST /api/comments/:id/replies`. */
export function replyRequest (body: unknown): ReplyRequest {
  const value = object(body, ['text'])
  return { text: string(value.text, 'text') }
}

/** `POST /api/comments/:id/state`. */
export function commentStateRequest (body: unknown): CommentStateRequest {
  const value = object(body, ['state'])
  if (value.state !== 'open' && value.state !== 'resolved') throw new InvalidInputError('"state" is open or resolved')
  return { state: value.state }
}

/** `POST /api/docs/:id/versions`. */
export function takeVersionRequest (body: unknown): TakeVersionRequest {
  const value = object(body, ['label'])
  return { label: string(value.label, 'label') }
}

/** `GET /api/docs/:id/diff?from=N[&to=M]`. */
export function diffQuery (query: URLSearchParams): DiffQuery {
  const to = query.get('to')
  return { from: versionRef(query.get('from'), 'from'), ...(to === null ? {} : { to: versionRef(to, 'to') }) }
}

/** `POST /api/docs/:id/restore`. */
export function restoreRequest (body: unknown): RestoreRequest {
  const value = object(body, ['version', 'section'])
  // in a body a version number is a JSON number; a string is a shared version's id
  const version = typeof value.version === 'number' ? value.version : sharedVersionId(value.version, 'version')
  return { version, ...optionalString(value.section, 'section') }
}

/** `GET /api/activity[?since=ISO][&limit=N]`. */
export function activityQuery (query: URLSearchParams): ActivityQuery {
  const limit = query.get('limit')
  if (limit !== null && !/^\d{1,4}$/.test(limit)) throw new InvalidInputError('"limit" must be a whole number')
  const since = query.get('since')
  return { ...(since !== null ? { since } : {}), ...(limit !== null ? { limit: Number(limit) } : {}) }
}

/** A version number (this node's), or a shared version's id, from a query. */
function versionRef (value: string | null, name: string): VersionRef {
  if (value !== null && /^\d{1,9}$/.test(value)) return Number(value)
  return sharedVersionId(value, name)
}

/** A shared version's id (base32). */
function sharedVersionId (value: unknown, name: string): string {
  if (typeof value === 'string' && /^[a-z2-7]{8,32}$/.test(value)) return value
  throw new InvalidInputError(`"${name}" must be a version number or a shared version's id`)
}
