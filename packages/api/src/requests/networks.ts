/** Validators of the learning networks' requests (docs/networks.md). */
import { InvalidInputError } from '@commonplace/core'
import type { AttachRequest, CreateNetworkRequest, CreateTopicRequest, InviteRequest, JoinRequest } from '../api-types.ts'
import { MAX_INVITATION_USES, MAX_NETWORK_NAME_CHARS } from '../constants.ts'
import { object, optionalString, string } from '../validate.ts'

/** `POST /api/networks`: a name (trimmed, not empty) and an optional visibility. */
export function createNetworkRequest (body: unknown): CreateNetworkRequest {
  const value = object(body, ['name', 'visibility'])
  const name = typeof value.name === 'string' ? value.name.trim() : ''
  if (name === '' || name.length > MAX_NETWORK_NAME_CHARS) throw new InvalidInputError(`A network needs a name (at most ${MAX_NETWORK_NAME_CHARS} characters)`)
  if (value.visibility === undefined) return { name }
  if (value.visibility !== 'invite' && value.visibility !== 'approval') throw new InvalidInputError('visibility must be invite or approval')
  return { name, visibility: value.visibility }
}

/** `POST /api/networks/join`. */
export function joinRequest (body: unknown): JoinRequest {
  const value = object(body, ['code'])
  return { code: string(value.code, 'code') }
}

/** `POST /api/networks/:id/invitations`: role, lifetime (a duration) and uses, each optional. */
export function inviteRequest (body: unknown): InviteRequest {
  const value = object(body, ['role', 'expires', 'uses'])
  const request: InviteRequest = {}
  if (value.role !== undefined) {
    if (value.role !== 'member' && value.role !== 'facilitator') throw new InvalidInputError('role must be member or facilitator')
    request.role = value.role
  }
  if (value.expires !== undefined) request.expires = string(value.expires, 'expires')
  if (value.uses !== undefined) {
    if (typeof value.uses !== 'number') throw new InvalidInputError('"uses" must be a number')
    if (!Number.isSafeInteger(value.uses) || value.uses < 1 || value.uses > MAX_INVITATION_USES) {
      throw new InvalidInputError(`uses must be a whole number from 1 to ${MAX_INVITATION_USES}`)
    }
    request.uses = value.uses
  }
  return request
}

/** `POST /api/networks/:id/topics`: a title that is not blank. */
export function createTopicRequest (body: unknown): CreateTopicRequest {
  const value = object(body, ['title', 'brief'])
  const title = string(value.title, 'title')
  if (title.trim() === '') throw new InvalidInputError('A topic needs a title')
  return { title, ...optionalString(value.brief, 'brief') }
}

/** `POST /api/networks/:id/topics/:topic/attachments`. */
export function attachRequest (body: unknown): AttachRequest {
  const value = object(body, ['doc'])
  return { doc: string(value.doc, 'doc') }
}
