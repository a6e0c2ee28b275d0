/**
 * Validators of the practice layer's requests (docs/practice.md): shapes and bounded lists. What
 * depends on the document (an unknown adoption state, a text too long) the practice API refuses
 * with its own codes.
 */
import { InvalidInputError } from '@commonplace/core'
import type {
  AdaptRequest, AdaptationReason, DecideProposalRequest, DiffusionOptions, EditAdaptationRequest, ProposeRequest,
  SetAdoptionRequest, UpstreamDecisionRequest
} from '../practice-api-types.ts'
import { MAX_LIST } from '../constants.ts'
import { object, optionalString, string, stringList } from '../validate.ts'

/** `POST /api/docs/:id/adapt`. */
export function adaptRequest (body: unknown): AdaptRequest {
  const value = object(body, ['why', 'reasons', 'title'])
  return { why: string(value.why, 'why'), ...reasons(value.reasons), ...optionalString(value.title, 'title') }
}

/** `PATCH /api/docs/:id/adaptation`. */
export function editAdaptationRequest (body: unknown): EditAdaptationRequest {
  const value = object(body, ['note', 'reasons'])
  return { ...optionalString(value.note, 'note'), ...reasons(value.reasons) }
}

/** `POST /api/docs/:id/upstream/take` and `/dismiss`: some sections, or (no body) every changed one. */
export function upstreamDecisionRequest (body: unknown): UpstreamDecisionRequest {
  const value = object(body ?? {}, ['sections'])
  return value.sections === undefined ? {} : { sections: stringList(value.sections, 'sections', MAX_LIST) }
}

/** `POST /api/docs/:id/proposals`. */
export function proposeRequest (body: unknown): ProposeRequest {
  const value = object(body, ['message', 'sections'])
  return {
    message: string(value.message, 'message'),
    ...(value.sections !== undefined ? { sections: stringList(value.sections, 'sections', MAX_LIST) } : {})
  }
}

/** `GET /api/docs/:id/proposals/preview[?section=…]`. */
export function previewQuery (query: URLSearchParams): UpstreamDecisionRequest {
  const sections = query.getAll('section')
  if (sections.length > MAX_LIST) throw new InvalidInputError(`At most ${MAX_LIST} "section" parameters`)
  return sections.length > 0 ? { sections } : {}
}

/** `GET /api/proposals[?doc=…]`. */
export function proposalsQuery (query: URLSearchParams): { doc?: string } {
  const doc = query.get('doc')
  return doc === null ? {} : { doc }
}

/** `POST /api/proposals/:id/accept` and `/decline`: an optional reply. */
export function decideProposalRequest (body: unknown): DecideProposalRequest {
  const value = object(body ?? {}, ['reply'])
  return optionalString(value.reply, 'reply')
}

/** `POST /api/adoption`. */
export function setAdoptionRequest (body: unknown): SetAdoptionRequest {
  const value = object(body, ['doc', 'state', 'note', 'variant', 'reason', 'networks', 'at'])
  return {
    doc: string(value.doc, 'doc'),
    // an unknown state is the practice API's ERR_ADOPTION_STATE_UNKNOWN, a refusal of its own
    state: string(value.state, 'state') as SetAdoptionRequest['state'],
    ...optionalString(value.note, 'note'),
    ...optionalString(value.variant, 'variant'),
    ...optionalString(value.reason, 'reason'),
    ...optionalString(value.at, 'at'),
    ...(value.networks !== undefined ? { networks: stringList(value.networks, 'networks', MAX_LIST) } : {})
  }
}

/** `GET /api/networks/:id/diffusion[?quietWeeks&limit&offset&months&find]`. */
export function diffusionQuery (query: URLSearchParams): DiffusionOptions {
  const options: DiffusionOptions = {}
  for (const name of ['quietWeeks', 'limit', 'offset', 'months'] as const) {
    const value = query.get(name)
    if (value === null) continue
    if (!/^\d{1,7}$/.test(value)) throw new InvalidInputError(`"${name}" must be a whole number`)
    options[name] = Number(value)
  }
  const find = query.get('find')
  if (find !== null) options.find = find
  return options
}

/** Reasons are checked against the list by the practice API (its own refusal); here only the shape. */
function reasons (value: unknown): { reasons?: AdaptationReason[] } {
  return value === undefined ? {} : { reasons: stringList(value, 'reasons', MAX_LIST) as AdaptationReason[] }
}
