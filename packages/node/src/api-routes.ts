/**
 * The local API's route table: each JSON route under /api, the LocalApi call it makes, and the
 * validator (from @commonplace/api) its request body or query goes through. `createHttpApi`
 * (http-api.ts) serves them behind its checks and runs the validator before the handler, which
 * receives the validated request as `input`.
 */
import { NotFoundError } from '@commonplace/core'
import {
  addContactRequest, attachRequest, connectRequest, createDocRequest, createNetworkRequest, createTopicRequest, editDocRequest,
  inviteRequest, joinRequest, readNoticesRequest, shareRequest
} from '@commonplace/api'
import type { LocalApi, WriteOptions } from '@commonplace/api'
import { historyRoutes } from './history-routes.ts'
import type { Caller } from './people/people.ts'
import { practiceRoutes } from './practice-routes.ts'

/** What a route answers: JSON, or Markdown text (a document's export). */
export type Reply = { status?: number, json: unknown } | { status?: number, markdown: string } | { status?: number, text: string, contentType: string }

/** The Prometheus text exposition format's media type. */
const PROMETHEUS_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

/** Where a route's request comes from and the validator that checks it: the JSON body, or the query. */
export type RouteInput<I> = { body: (value: unknown) => I } | { query: (query: URLSearchParams) => I }

export interface RouteContext<I = undefined> {
  /** The path's capture groups, percent-decoded. */
  params: string[]
  /** The request as the route's validator returned it (undefined for a route without one). */
  input: I
  signal: AbortSignal
  /** Who asks (docs/people.md): a person, or the node's administrator (the API token, the admin link). */
  caller: Caller
  /** The client's address (throttling), user agent (its sessions' list) and, for a browser, the node's origin its page came from. */
  client: { address: string, agent: string, origin?: string }
  /** Add a Set-Cookie header to the answer (the people routes' sessions). */
  setCookie(value: string): void
}

/** A JSON route another part of the node adds to the API (the web app's). */
export interface ApiRoute<I = any> {
  method: string
  /** The path as a regular expression source (anchored); its groups become `params`. */
  path: string
  /** The validator of its body or query; none: the route reads neither. */
  input?: RouteInput<I>
  /** Resolves to the JSON answer; throws a CommonplaceError to refuse. */
  handle(ctx: RouteContext<I>): Promise<unknown>
}

/** An {@link ApiRoute} whose handler's `input` has the type its validator returns. */
export function apiRoute<I = undefined> (r: ApiRoute<I>): ApiRoute {
  return r
}

/** A route of the table: a method, an anchored path, the validator of its request and its handler. */
export interface Route {
  method: string
  path: RegExp
  input?: RouteInput<unknown>
  handle(ctx: RouteContext<unknown>): Promise<Reply>
}

/** A route whose `path` (a regular expression source) must match the whole path; `input` validates its request. */
export function route (method: string, path: string, handle: (ctx: RouteContext) => Promise<Reply>): Route
export function route<I> (method: string, path: string, input: RouteInput<I>, handle: (ctx: RouteContext<I>) => Promise<Reply>): Route
export function route<I> (method: string, path: string, ...rest: [(ctx: RouteContext) => Promise<Reply>] | [RouteInput<I>, (ctx: RouteContext<I>) => Promise<Reply>]): Route {
  const [input, handle] = rest.length === 1 ? [undefined, rest[0]] : rest
  return { method, path: new RegExp(`^${path}$`), ...(input != null ? { input } : {}), handle: handle as Route['handle'] }
}

/** Every route of the local API over `api`. */
export function createRoutes (api: LocalApi): Route[] {
  const doc = '([^/]+)'
  return [
    route('GET', '/api/status', async () => ({ json: await api.status() })),
    route('GET', '/api/metrics', async () => {
      if (api.metrics == null) throw new NotFoundError('This node has no metrics')
      return { text: await api.metrics(), contentType: PROMETHEUS_TYPE }
    }),
    route('POST', '/api/connect', { body: connectRequest }, async ({ input, signal }) => ({ json: await api.connect(input.multiaddr, { signal }) })),
    route('GET', '/api/peers', async () => ({ json: await api.peers() })),
    route('GET', '/api/docs', async () => ({ json: await api.listDocs() })),
    route('POST', '/api/docs', { body: createDocRequest }, async ({ input, caller }) => ({ status: 201, json: await api.createDoc(input, writer(caller)) })),
    route('GET', `/api/docs/${doc}`, async ({ params }) => ({ json: await api.getDoc(params[0]) })),
    route('PATCH', `/api/docs/${doc}`, { body: editDocRequest }, async ({ params, input, caller }) => ({ json: await api.editDoc(params[0], input, writer(caller)) })),
    route('GET', `/api/docs/${doc}/markdown`, async ({ params }) => ({ markdown: await api.exportMarkdown(params[0]) })),
    route('POST', `/api/docs/${doc}/share`, { body: shareRequest }, async ({ params, input }) => ({ json: await api.share(params[0], input) })),
    route('DELETE', `/api/docs/${doc}/share/([^/]+)`, async ({ params }) => ({ json: await api.unshare(params[0], params[1]) })),
    ...networkRoutes(api),
    ...directoryRoutes(api),
    ...practiceRoutes(api),
    ...historyRoutes(api)
  ]
}

/** A person's change is recorded as theirs; the node's administrator's (token, admin link) as the organisation's. */
export function writer (caller: Caller): WriteOptions {
  return caller.person != null ? { author: caller.person.id } : {}
}

function directoryRoutes (api: LocalApi): Route[] {
  const org = '/api/contacts/([^/]+)'
  return [
    route('GET', '/api/card', async () => ({ json: await api.card() })),
    route('GET', '/api/contacts', async () => ({ json: await api.contacts() })),
    route('POST', '/api/contacts', { body: addContactRequest }, async ({ input, signal }) => ({ status: 201, json: await api.addContact(input, { signal }) })),
    route('GET', '/api/introductions', async () => ({ json: await api.introductions() })),
    route('POST', `${org}/accept`, async ({ params, signal }) => ({ json: await api.acceptContact(params[0], { signal }) })),
    route('DELETE', org, async ({ params }) => ({ json: await api.removeContact(params[0]) })),
    route('GET', '/api/notices', async () => ({ json: await api.notices() })),
    route('POST', '/api/notices/read', { body: readNoticesRequest }, async ({ input }) => ({ json: input.ids != null ? await api.readNotices(input.ids) : await api.readNotices() }))
  ]
}

function networkRoutes (api: LocalApi): Route[] {
  const net = '/api/networks/([^/]+)'
  return [
    route('GET', '/api/networks', async () => ({ json: await api.listNetworks() })),
    route('POST', '/api/networks', { body: createNetworkRequest }, async ({ input }) => ({ status: 201, json: await api.createNetwork(input) })),
    route('POST', '/api/networks/join', { body: joinRequest }, async ({ input, signal }) => ({ json: await api.join(input.code, { signal }) })),
    route('POST', `${net}/invitations`, { body: inviteRequest }, async ({ params, input }) => ({ status: 201, json: await api.invite(params[0], input) })),
    route('GET', `${net}/invitations`, async ({ params }) => ({ json: await api.invitations(params[0]) })),
    route('GET', `${net}/members`, async ({ params }) => ({ json: await api.members(params[0]) })),
    route('DELETE', `${net}/members/([^/]+)`, async ({ params }) => ({ json: await api.removeMember(params[0], params[1]) })),
    route('GET', `${net}/requests`, async ({ params }) => ({ json: await api.requests(params[0]) })),
    route('POST', `${net}/requests/([^/]+)/accept`, async ({ params }) => ({ json: await api.accept(params[0], params[1]) })),
    route('POST', `${net}/leave`, async ({ params }) => ({ json: await api.leave(params[0]) })),
    route('GET', `${net}/topics`, async ({ params }) => ({ json: await api.listTopics(params[0]) })),
    route('POST', `${net}/topics`, { body: createTopicRequest }, async ({ params, input }) => ({ status: 201, json: await api.createTopic(params[0], input) })),
    route('POST', `${net}/topics/([^/]+)/attachments`, { body: attachRequest }, async ({ params, input }) => ({ json: await api.attachToTopic(params[0], params[1], input.doc) }))
  ]
}
