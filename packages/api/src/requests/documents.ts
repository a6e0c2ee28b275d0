/**
 * Validators of the documents' and the node's requests (`POST /api/docs`, `PATCH /api/docs/:id`,
 * sharing, `POST /api/connect`): each returns the typed request or throws ERR_INVALID_INPUT.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { InvalidInputError } from '@commonplace/core'
import type { ConnectRequest, CreateDocRequest, EditDocRequest, ShareRequest } from '../api-types.ts'
import { object, string } from '../validate.ts'

/** Roles a share may give. */
const SHARE_ROLES: ReadonlyArray<ShareRequest['role']> = ['read', 'comment', 'edit']

/** `POST /api/connect`: a multiaddr whose `/p2p/` part, if any, is a peer id. */
export function connectRequest (body: unknown): ConnectRequest {
  const value = object(body, ['multiaddr'])
  const address = string(value.multiaddr, 'multiaddr')
  try {
    const components = multiaddr(address).getComponents()
    if (components.length === 0) throw new Error('it names no protocol')
    for (const { name, value } of components) if (name === 'p2p' && value != null) peerIdFromString(value)
  } catch (err) {
    throw new InvalidInputError(`"multiaddr" is not a multiaddr: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
  return { multiaddr: address }
}

/** `POST /api/docs`. */
export function createDocRequest (body: unknown): CreateDocRequest {
  const value = object(body, ['title', 'kind', 'sections', 'markdown'])
  const request: CreateDocRequest = {}
  if (value.title !== undefined) request.title = string(value.title, 'title')
  else if (value.markdown === undefined) throw new InvalidInputError('"title" is required unless "markdown" is given')
  if (value.kind !== undefined) request.kind = string(value.kind, 'kind')
  if (value.sections !== undefined) request.sections = sections(value.sections, 'sections')
  if (value.markdown !== undefined) request.markdown = string(value.markdown, 'markdown')
  return request
}

/** `PATCH /api/docs/:id`: at least one change. */
export function editDocRequest (body: unknown): EditDocRequest {
  const value = object(body, ['title', 'appendSections', 'append'])
  const request: EditDocRequest = {}
  if (value.title !== undefined) request.title = string(value.title, 'title')
  if (value.appendSections !== undefined) request.appendSections = sections(value.appendSections, 'appendSections')
  if (value.append !== undefined) {
    const append = object(value.append, ['section', 'text'], 'append')
    request.append = { section: string(append.section, 'append.section'), text: string(append.text, 'append.text') }
  }
  if (request.title == null && request.appendSections == null && request.append == null) {
    throw new InvalidInputError('Nothing to change: give a title, sections to append or text to append')
  }
  return request
}

/** `POST /api/docs/:id/share`. */
export function shareRequest (body: unknown): ShareRequest {
  const value = object(body, ['with', 'role'])
  const role = value.role as ShareRequest['role']
  if (!SHARE_ROLES.includes(role)) throw new InvalidInputError('role must be read, comment or edit')
  if (typeof value.with !== 'string') throw new InvalidInputError('with must name an organisation or a network')
  return { with: value.with, role }
}

function sections (value: unknown, name: string): Array<{ heading: string, text: string }> {
  if (!Array.isArray(value)) throw new InvalidInputError(`"${name}" must be an array`)
  return value.map((item, i) => {
    const section = object(item, ['heading', 'text'], `${name}[${i}]`)
    return { heading: string(section.heading, `${name}[${i}].heading`), text: string(section.text, `${name}[${i}].text`) }
  })
}
