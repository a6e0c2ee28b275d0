/**
 * @packageDocumentation
 * The local API's contract, shared by the node that serves it (packages/node), the CLI and the
 * web app that call it: the request and response types of every route, one validator per
 * request body or query (each returns the typed request or throws a CommonplaceError with code
 * ERR_INVALID_INPUT), and the HTTP status of each error code. Types and validators only: no I/O.
 *
 * @example
 * ```ts
 * import { createDocRequest, describeError } from '@commonplace/api'
 * import type { DocSummary } from '@commonplace/api'
 *
 * try {
 *   const request = createDocRequest(JSON.parse(body))   // CreateDocRequest, checked
 * } catch (err) {
 *   const { status, code, message } = describeError(err)  // 400, ERR_INVALID_INPUT, "…"
 * }
 * ```
 */
export type * from './api-types.ts'
export type * from './practice-api-types.ts'
export type * from './history-api-types.ts'
export type * from './search-types.ts'
export * from './people-types.ts'
export * from './constants.ts'
export { STATUS_BY_CODE, describeError } from './status.ts'
export type { ApiErrorBody } from './status.ts'
export { parseDuration } from './duration.ts'
export { object, optionalString, string, stringList } from './validate.ts'
export { connectRequest, createDocRequest, editDocRequest, shareRequest } from './requests/documents.ts'
export { addContactRequest, readNoticesRequest } from './requests/directory.ts'
export { attachRequest, createNetworkRequest, createTopicRequest, inviteRequest, joinRequest } from './requests/networks.ts'
export {
  adaptRequest, decideProposalRequest, diffusionQuery, editAdaptationRequest, previewQuery, proposalsQuery, proposeRequest,
  setAdoptionRequest, upstreamDecisionRequest
} from './requests/practice.ts'
export { activityQuery, addCommentRequest, commentStateRequest, diffQuery, replyRequest, restoreRequest, takeVersionRequest } from './requests/history.ts'
export {
  acceptInvitationRequest, invitePersonRequest, peopleSettingsRequest, setRoleRequest, setupRequest, signInRequest
} from './requests/people.ts'
export { searchQuery } from './requests/search.ts'
export { addPasskeyRequest, passkeySignInOptionsRequest, passkeySignInRequest, MAX_PASSKEY_NAME_CHARS } from './requests/passkeys.ts'
