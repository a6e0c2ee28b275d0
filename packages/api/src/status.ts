/**
 * The HTTP status of each error code the local API answers with. The codes themselves belong to
 * the error classes (packages/core/src/errors.ts), which know nothing of HTTP; the statuses are
 * the API's contract, so they live here, where the node's HTTP layer answers with them and a
 * client can read what a status means.
 */
import { CommonplaceError, isCommonplaceError } from '@commonplace/core'

/** Error code → HTTP status; a code not listed is answered 500. */
export const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  ERR_INVALID_ID: 400,
  ERR_INVALID_INPUT: 400,
  ERR_INVALID_STATEMENT: 400,
  ERR_INPUT_TOO_DEEP: 400,
  ERR_UNAUTHORISED: 401,
  ERR_FORBIDDEN: 403,
  ERR_READ_ONLY: 403,
  ERR_NOT_FOUND: 404,
  ERR_METHOD_NOT_ALLOWED: 405,
  ERR_OVERSIZED_MESSAGE: 413,
  /** `connect` could not reach the peer: the node is fine, the upstream is not. */
  ERR_CONNECTION_FAILED: 502,
  ERR_STORAGE_FULL: 507,
  // a quarantined document: unavailable until a peer's signed items restore it
  ERR_STORAGE_CORRUPT: 503,
  ERR_INVITATION_EXPIRED: 410,
  ERR_INVITATION_USED: 409,
  ERR_INVITATION_INVALID: 400,
  ERR_INVITATION_WRONG_NETWORK: 400,
  ERR_CARD_INVALID: 400,
  ERR_CARD_SELF: 400,
  ERR_CONTACT_EXISTS: 409,
  /** The other node refused an acceptance: the request was fine, the upstream said no. */
  ERR_INTRODUCTION_REFUSED: 502,
  // adapt and adopt (docs/practice.md): the request is well formed, the document's state says no
  ERR_NOT_A_VARIANT: 409,
  ERR_SOURCE_UNAVAILABLE: 409,
  ERR_NOTHING_TO_PROPOSE: 409,
  ERR_PROPOSAL_CLOSED: 409,
  ERR_NOT_SHARED: 409,
  ERR_ADOPTION_STATE_UNKNOWN: 400,
  ERR_TEXT_TOO_LONG: 400,
  ERR_TOO_MANY: 400,
  // conversation and history (docs/history.md)
  ERR_COMMENT_FORBIDDEN: 403,
  ERR_ANCHOR_NOT_FOUND: 400,
  ERR_VERSION_UNKNOWN: 404,
  // people (docs/people.md)
  ERR_SIGN_IN_FAILED: 401,
  ERR_SIGNED_OUT: 401,
  ERR_ROLE_FORBIDDEN: 403,
  ERR_LAST_ADMIN: 409,
  ERR_TOO_MANY_ATTEMPTS: 429,
  ERR_PASSKEY_INVALID: 400,
  ERR_PASSKEY_SIGN_IN_FAILED: 401
}

/** The API's error answer: `{"error":{"code","message"}}`. */
export interface ApiErrorBody { error: { code: string, message: string } }

/** The HTTP status, code and client-safe message for an error (an unexpected one says only "see the node log"). */
export function describeError (err: unknown): { status: number, code: string, message: string } {
  if (isCommonplaceError(err) && STATUS_BY_CODE[err.code] != null) {
    return { status: STATUS_BY_CODE[err.code], code: err.code, message: err.message }
  }
  if (err instanceof CommonplaceError) {
    return { status: 500, code: err.code, message: err.message }
  }
  return { status: 500, code: 'ERR_INTERNAL', message: 'Internal error (see the node log)' }
}
