/**
 * The local API's route table: each JSON route under /api, the LocalApi call it makes, and the
 * validation of its request body. `createHttpApi` (http-api.ts) serves them behind its checks.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { InvalidInputError, NotFoundError } from '@commonplace/core'
import type { CreateDocRequest, EditDocRequest, InviteRequest, LocalApi, NetworkVisibility, ShareRequest } from './api-types.ts'
import { historyRoutes } from './history-routes.ts'
import type { Caller } from './people/people.ts'
import { practiceRoutes } from './practice-routes.ts'
import { object, route, string } from './request-body.ts'

export { route } from './request-body.ts'

/** What a route answers: JSON, or Markdown text (a document's export). */
export type Reply = { status?: number, json: unknown } | { status?: number, markdown: string } | { status?: number, text: string, contentType: string }

/** The Prometheus text exposition format's media type. */
const PROMETHEUS_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

export interface RouteContext {
  /** The path's capture groups, percent-decoded. */
  params: string[]
  query: URLSearchParams
  body(): Promise<unknown>
  signal: AbortSignal
  /** Who asks (docs/people.md): a person, or the node's administrator (the API token, the admin link). */
  caller: Caller
  /** The client's address (throttling) and user agent (its sessions' list). */
  client: { address: string, agent: string }
  /** Add a Set-Cookie header to the answer (the people routes' sessions). */
  setCookie(value: string): void
}

/** A JSON route another part of the node adds to the API (the web app's). */
export interface ApiRoute {
  method: string
  /** The path as a regular expression source (anchored); its groups become `params`. */
  path: string
  /** Resolves to the JSON answer; throws a CommonplaceError to refuse. */
  handle(ctx: RouteContext): Promise<unknown>
}

/** A route of the table: a method, an anchored path and its handler. */
export interface Route {
  method: string
  path: RegExp
  handle(ctx: RouteContext): Promise<Reply>
}

/** Longest card code accepted in a request (characters). */
export const MAX_CARD_CHARS = 4 * 1024
/** Most notice ids in one `read` request. */
const MAX_NOTICE_IDS = 1000

/** Every route of the local API over `api`. */
export function createRoutes (api: LocalApi): Route[] {
  const doc = '([^/]+)'
  return [
    route('GET', '/api/status', async () => ({ json: await api.status() })),
    route('GET', '/api/metrics', async () => {
      if (api.metrics == null) throw new NotFoundError('This node has no metrics')
      return { text: await api.metrics(), contentType: PROMETHEUS_TYPE }
    }),
    route('POST', '/api/connect', async ({ body, signal }) => {
      const { multiaddr } = connectRequest(await body())
      return { json: await api.connect(multiaddr, { signal }) }
    }),
    route('GET', '/api/peers', async () => ({ json: await api.peers() })),
    route('GET', '/api/docs', async () => ({ json: await api.listDocs() })),
    route('POST', '/api/docs', async ({ body }) => ({ status: 201, json: await api.createDoc(createDocRequest(await body())) })),
    route('GET', `/api/docs/${doc}`, async ({ params }) => ({ json: await api.getDoc(params[0]) })),
    route('PATCH', `/api/docs/${doc}`, async ({ params, body }) => ({ json: await api.editDoc(params[0], editDocRequest(await body())) })),
    route('GET', `/api/docs/${doc}/markdown`, async ({ params }) => ({ markdown: await api.exportMarkdown(params[0]) })),
    route('POST', `/api/docs/${doc}/share`, async ({ params, body }) => ({ json: await api.share(params[0], shareRequest(await body())) })),
    route('DELETE', `/api/docs/${doc}/share/([^/]+)`, async ({ params }) => ({ json: await api.unshare(params[0], params[1]) })),
    ...networkRoutes(api),
    ...directoryRoutes(api),
    ...practiceRoutes(api),
    ...historyRoutes(api)
  ]
}

function directoryRoutes (api: LocalApi): Route[] {
  const org = '/api/contacts/([^/]+)'
  return [
    route('GET', '/api/card', async () => ({ json: await api.card() })),
    route('GET', '/api/contacts', async () => ({ json: await api.contacts() })),
    route('POST', '/api/contacts', async ({ body, signal }) => {
      const value = object(await body(), ['card'])
      const card = string(value.card, 'card')
      if (card.length > MAX_CARD_CHARS) throw new InvalidInputError(`"card" is longer than ${MAX_CARD_CHARS} characters: not a card code`)
      return { status: 201, json: await api.addContact({ card }, { signal }) }
    }),
    route('GET', '/api/introductions', async () => ({ json: await api.introductions() })),
    route('POST', `${org}/accept`, async ({ params, signal }) => ({ json: await api.acceptContact(params[0], { signal }) })),
    route('DELETE', org, async ({ params }) => ({ json: await api.removeContact(params[0]) })),
    route('GET', '/api/notices', async () => ({ json: await api.notices() })),
    route('POST', '/api/notices/read', async ({ body }) => {
      const value = object((await body()) ?? {}, ['ids'])
      if (value.ids === undefined) return { json: await api.readNotices() }
      if (!Array.isArray(value.ids) || value.ids.length > MAX_NOTICE_IDS || !value.ids.every(id => typeof id === 'string' && id.length <= 100)) {
        throw new InvalidInputError(`"ids" must be a list of at most ${MAX_NOTICE_IDS} notice ids`)
      }
      return { json: await api.readNotices(value.ids as string[]) }
    })
  ]
}

function networkRoutes (api: LocalApi): Route[] {
  const net = '/api/networks/([^/]+)'
  return [
    route('GET', '/api/networks', async () => ({ json: await api.listNetworks() })),
    route('POST', '/api/networks', async ({ body }) => {
      const value = object(await body(), ['name', 'visibility'])
      const visibility = value.visibility === undefined ? undefined : string(value.visibility, 'visibility') as NetworkVisibility
      return { status: 201, json: await api.createNetwork({ name: string(value.name, 'name'), ...(visibility != null ? { visibility } : {}) }) }
    }),
    route('POST', '/api/networks/join', async ({ body, signal }) => {
      const value = object(await body(), ['code'])
      return { json: await api.join(string(value.code, 'code'), { signal }) }
    }),
    route('POST', `${net}/invitations`, async ({ params, body }) => {
      const value = object(await body(), ['role', 'expires', 'uses'])
      const request: InviteRequest = {}
      if (value.role !== undefined) request.role = string(value.role, 'role') as InviteRequest['role']
      if (value.expires !== undefined) request.expires = string(value.expires, 'expires')
      if (value.uses !== undefined) {
        if (typeof value.uses !== 'number') throw new InvalidInputError('"uses" must be a number')
        request.uses = value.uses
      }
      return { status: 201, json: await api.invite(params[0], request) }
    }),
    route('GET', `${net}/invitations`, async ({ params }) => ({ json: await api.invitations(params[0]) })),
    route('GET', `${net}/members`, async ({ params }) => ({ json: await api.members(params[0]) })),
    route('DELETE', `${net}/members/([^/]+)`, async ({ params }) => ({ json: await api.removeMember(params[0], params[1]) })),
    route('GET', `${net}/requests`, async ({ params }) => ({ json: await api.requests(params[0]) })),
    route('POST', `${net}/requests/([^/]+)/accept`, async ({ params }) => ({ json: await api.accept(params[0], params[1]) })),
    route('POST', `${net}/leave`, async ({ params }) => ({ json: await api.leave(params[0]) })),
    route('GET', `${net}/topics`, async ({ params }) => ({ json: await api.listTopics(params[0]) })),
    route('POST', `${net}/topics`, async ({ params, body }) => {
      const value = object(await body(), ['title', 'brief'])
      const request = { title: string(value.title, 'title'), ...(value.brief !== undefined ? { brief: string(value.brief, 'brief') } : {}) }
      return { status: 201, json: await api.createTopic(params[0], request) }
    }),
    route('POST', `${net}/topics/([^/]+)/attachments`, async ({ params, body }) => {
      const value = object(await body(), ['doc'])
      return { json: await api.attachToTopic(params[0], params[1], string(value.doc, 'doc')) }
    })
  ]
}

// --- request bodies -------------------------------------------------------------------------

function connectRequest (body: unknown): { multiaddr: string } {
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

function createDocRequest (body: unknown): CreateDocRequest {
  const value = object(body, ['title', 'kind', 'sections', 'markdown'])
  // `title` may be left out when `markdown` brings one (CreateDocRequest types it as required).
  const request = {} as CreateDocRequest
  if (value.title !== undefined) request.title = string(value.title, 'title')
  else if (value.markdown === undefined) throw new InvalidInputError('"title" is required unless "markdown" is given')
  if (value.kind !== undefined) request.kind = string(value.kind, 'kind')
  if (value.sections !== undefined) request.sections = sections(value.sections, 'sections')
  if (value.markdown !== undefined) request.markdown = string(value.markdown, 'markdown')
  return request
}

function editDocRequest (body: unknown): EditDocRequest {
  const value = object(body, ['title', 'appendSections', 'append'])
  const request: EditDocRequest = {}
  if (value.title !== undefined) request.title = string(value.title, 'title')
  if (value.appendSections !== undefined) request.appendSections = sections(value.appendSections, 'appendSections')
  if (value.append !== undefined) {
    const append = object(value.append, ['section', 'text'], 'append')
    request.append = { section: string(append.section, 'append.section'), text: string(append.text, 'append.text') }
  }
  return request
}

function shareRequest (body: unknown): ShareRequest {
  const value = object(body, ['with', 'role'])
  return { with: string(value.with, 'with'), role: string(value.role, 'role') as ShareRequest['role'] }
}

function sections (value: unknown, name: string): Array<{ heading: string, text: string }> {
  if (!Array.isArray(value)) throw new InvalidInputError(`"${name}" must be an array`)
  return value.map((item, i) => {
    const section = object(item, ['heading', 'text'], `${name}[${i}]`)
    return { heading: string(section.heading, `${name}[${i}].heading`), text: string(section.text, `${name}[${i}].text`) }
  })
}
