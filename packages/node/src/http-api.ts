/**
 * The local HTTP API: JSON routes under /api mapped onto a {@link LocalApi}.
 *
 * Security: every request must carry `Authorization: Bearer <token>` (compared in constant
 * time) and a loopback `Host` header for the bound port (DNS-rebinding defence). No CORS
 * headers are ever sent, so browsers on other origins cannot read responses. Bodies are
 * capped at {@link MAX_BODY_BYTES}.
 */
import { createServer } from 'node:http'
import { createHash, timingSafeEqual } from 'node:crypto'
import { defaultLogger } from '@libp2p/logger'
import { AddressInUseError, CommonplaceError, ForbiddenError, InvalidInputError, NotFoundError, OversizedMessageError, isCommonplaceError } from '@commonplace/core'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import type { ComponentLogger, Logger } from '@libp2p/interface'
import type { CreateDocRequest, EditDocRequest, InviteRequest, LocalApi, NetworkVisibility, NodeEventSource, ShareRequest } from './api-types.ts'
import { serveEventStream } from './event-stream.ts'

/** Largest request body accepted (bytes). */
export const MAX_BODY_BYTES = 1024 * 1024

export interface HttpApiInit {
  api: LocalApi
  /** The bearer token every request must present. */
  token: string
  /** Default 127.0.0.1. */
  host?: string
  /** Default 0 (any free port). */
  port?: number
  /** Node events served at `GET /api/events` (Server-Sent Events); no such route without it. */
  events?: NodeEventSource
  /** The web app's entry points (packages/node/src/web); without it, only the bearer-token API. */
  web?: HttpWebHook
  /**
   * Awaited after a request that may change something (any method but GET and HEAD) is handled
   * and before it is answered: nothing is acknowledged before it is on disk.
   */
  durable?: (signal: AbortSignal) => Promise<void>
  logger?: ComponentLogger
}

/**
 * Where the web app plugs into the local HTTP server (see docs/web.md). Every request has passed
 * the Host check first. A browser authenticates with the session cookie instead of the bearer
 * token; such a request must then come from this node's own origin (Origin header) unless it
 * is a GET or HEAD, and a WebSocket upgrade always must.
 */
export interface HttpWebHook {
  /** Answer a request outside /api (the app's files, the login link); false to let the API answer. */
  serve(req: IncomingMessage, res: ServerResponse): Promise<boolean>
  /** Whether the request carries a valid browser session. */
  hasSession(req: IncomingMessage): boolean
  /** JSON routes the web part adds to the API (e.g. /api/search), behind the same checks. */
  readonly routes: ApiRoute[]
  /** A WebSocket upgrade that passed the Host, Origin and session checks. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void
}

export interface HttpApiServer {
  /** Listen; rejects with code ERR_ADDRESS_IN_USE when the address is taken. */
  start(): Promise<{ url: string }>
  /** Stop listening and close open connections. Idempotent. */
  stop(): Promise<void>
  /** `http://host:port` once started; throws ERR_NOT_STARTED before. */
  readonly url: string
  /** The underlying server, e.g. to attach a WebSocket upgrade handler. */
  readonly server: Server
}

type Reply = { status?: number, json: unknown } | { status?: number, markdown: string }

export interface RouteContext {
  /** The path's capture groups, percent-decoded. */
  params: string[]
  query: URLSearchParams
  body(): Promise<unknown>
  signal: AbortSignal
}

/** A JSON route another part of the node adds to the API (the web app's). */
export interface ApiRoute {
  method: string
  /** The path as a regular expression source (anchored); its groups become `params`. */
  path: string
  /** Resolves to the JSON answer; throws a CommonplaceError to refuse. */
  handle(ctx: RouteContext): Promise<unknown>
}

interface Route {
  method: string
  path: RegExp
  handle(ctx: RouteContext): Promise<Reply>
}

const STATUS_BY_CODE: Record<string, number> = {
  ERR_INVALID_ID: 400,
  ERR_INVALID_INPUT: 400,
  ERR_INVALID_STATEMENT: 400,
  ERR_UNAUTHORISED: 401,
  ERR_FORBIDDEN: 403,
  ERR_READ_ONLY: 403,
  ERR_NOT_FOUND: 404,
  ERR_METHOD_NOT_ALLOWED: 405,
  ERR_OVERSIZED_MESSAGE: 413,
  /** `connect` could not reach the peer: the node is fine, the upstream is not. */
  ERR_CONNECTION_FAILED: 502,
  ERR_STORAGE_FULL: 507,
  ERR_INVITATION_EXPIRED: 410,
  ERR_INVITATION_USED: 409,
  ERR_INVITATION_INVALID: 400,
  ERR_INVITATION_WRONG_NETWORK: 400,
  ERR_CARD_INVALID: 400,
  ERR_CARD_SELF: 400,
  ERR_CONTACT_EXISTS: 409,
  /** The other node refused an acceptance: the request was fine, the upstream said no. */
  ERR_INTRODUCTION_REFUSED: 502
}

/** Longest card code accepted in a request (characters). */
export const MAX_CARD_CHARS = 4 * 1024
/** Most notice ids in one `read` request. */
const MAX_NOTICE_IDS = 1000

export function createHttpApi (init: HttpApiInit): HttpApiServer {
  if (typeof init.token !== 'string' || init.token.length === 0) {
    throw new InvalidInputError('The local API needs a non-empty token')
  }
  const log = (init.logger ?? defaultLogger()).forComponent('commonplace:http-api')
  const host = init.host ?? '127.0.0.1'
  const tokenDigest = digest(init.token)
  const routes = [...createRoutes(init.api), ...(init.web?.routes ?? []).map(r => route(r.method, r.path, async ctx => ({ json: await r.handle(ctx) })))]
  let allowedHosts = new Set<string>()
  let url: string | undefined

  const server = createServer((req, res) => {
    handle(req, res).catch(err => { log.error('unexpected failure answering %s %s - %e', req.method, req.url, err) })
  })

  async function handle (req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      checkHost(req, allowedHosts)
      // --- web app entry (docs/web.md): its files and the login link need no credentials
      const web = init.web
      if (web != null && !isApiPath(req) && await web.serve(req, res)) return
      if (web != null && req.headers.authorization == null && web.hasSession(req)) {
        checkOrigin(req, allowedHosts, req.method !== 'GET' && req.method !== 'HEAD')
      } else {
        checkToken(req, tokenDigest)
      }
      // --- end of the web app entry
      if (init.events != null && req.method === 'GET' && new URL(req.url ?? '/', 'http://localhost').pathname === '/api/events') {
        serveEventStream(res, init.events)
        return
      }
      const reply = await dispatch(routes, req, res, init.durable)
      sendReply(res, reply)
      log('%s %s -> %d', req.method, req.url, res.statusCode)
    } catch (err) {
      sendError(res, err, log, req)
    }
  }

  // --- web app entry: WebSocket upgrades (same origin and a session, or the bearer token)
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      if (init.web == null) throw new NotFoundError('No WebSocket here')
      checkHost(req, allowedHosts)
      checkOrigin(req, allowedHosts, true)
      if (!init.web.hasSession(req)) checkToken(req, tokenDigest)
      init.web.upgrade(req, socket, head)
    } catch (err) {
      const { status, message } = describeError(err)
      log('upgrade %s refused: %s', req.url, message)
      socket.end(`HTTP/1.1 ${status} ${status === 404 ? 'Not Found' : 'Forbidden'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
  })

  return {
    get server () { return server },
    get url () {
      if (url == null) throw new CommonplaceError('The local API has not been started', 'ERR_NOT_STARTED')
      return url
    },
    async start () {
      if (url != null) return { url }
      const port = await listen(server, host, init.port ?? 0)
      allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`])
      url = `http://${urlHost(host)}:${port}`
      log('listening on %s', url)
      return { url }
    },
    async stop () {
      if (!server.listening) return
      url = undefined
      await new Promise<void>(resolve => {
        server.close(() => { resolve() })
        server.closeAllConnections()
      })
    }
  }
}

// --- routes ---------------------------------------------------------------------------------

function createRoutes (api: LocalApi): Route[] {
  const doc = '([^/]+)'
  return [
    route('GET', '/api/status', async () => ({ json: await api.status() })),
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
    ...directoryRoutes(api)
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

function route (method: string, path: string, handle: Route['handle']): Route {
  return { method, path: new RegExp(`^${path}$`), handle }
}

async function dispatch (routes: Route[], req: IncomingMessage, res: ServerResponse, durable?: HttpApiInit['durable']): Promise<Reply> {
  const { pathname, searchParams } = new URL(req.url ?? '/', 'http://localhost')
  const matching = routes.filter(r => r.path.test(pathname))
  if (matching.length === 0) throw new NotFoundError(`No such route: ${pathname}`)
  const found = matching.find(r => r.method === req.method)
  if (found == null) {
    res.setHeader('Allow', matching.map(r => r.method).join(', '))
    throw new CommonplaceError(`Method ${req.method} is not allowed on ${pathname}`, 'ERR_METHOD_NOT_ALLOWED')
  }
  const params = (found.path.exec(pathname) ?? []).slice(1).map(decodeParam)
  const signal = clientGone(res)
  const reply = await found.handle({ params, query: searchParams, body: async () => readJson(req), signal })
  if (durable != null && req.method !== 'GET' && req.method !== 'HEAD') await durable(signal)
  return reply
}

function decodeParam (value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    throw new InvalidInputError('Malformed percent-encoding in the path')
  }
}

/** Aborts when the client goes away before the response was sent. */
function clientGone (res: ServerResponse): AbortSignal {
  const controller = new AbortController()
  res.once('close', () => { if (!res.writableFinished) controller.abort() })
  return controller.signal
}

// --- request bodies -------------------------------------------------------------------------

function connectRequest (body: unknown): { multiaddr: string } {
  const value = object(body, ['multiaddr'])
  return { multiaddr: string(value.multiaddr, 'multiaddr') }
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

function object (value: unknown, allowed: string[], name = 'The request body'): Record<string, unknown> {
  if (value == null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidInputError(`${name === 'The request body' ? name : `"${name}"`} must be a JSON object`)
  }
  const unknown = Object.keys(value).filter(key => !allowed.includes(key))
  if (unknown.length > 0) throw new InvalidInputError(`Unknown field(s) ${unknown.map(k => `"${k}"`).join(', ')}`)
  return value as Record<string, unknown>
}

function string (value: unknown, name: string): string {
  if (typeof value !== 'string') throw new InvalidInputError(`"${name}" must be a string`)
  return value
}

async function readJson (req: IncomingMessage): Promise<unknown> {
  const text = (await readBody(req, MAX_BODY_BYTES)).toString('utf8')
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    throw new InvalidInputError('The request body is not valid JSON')
  }
}

/**
 * Collect the body up to `limit` bytes. Past the limit the rest is left to drain (not
 * buffered) so the client can still read the 413 answer.
 */
async function readBody (req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = (): Error => new OversizedMessageError(`The request body exceeds ${limit} bytes`)
  if (Number(req.headers['content-length']) > limit) throw tooLarge()
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let failed = false
    req.on('data', (chunk: Buffer) => {
      if (failed) return
      size += chunk.length
      if (size > limit) {
        failed = true
        chunks.length = 0
        reject(tooLarge())
        return
      }
      chunks.push(chunk)
    })
    req.once('end', () => { if (!failed) resolve(Buffer.concat(chunks)) })
    req.once('error', err => { failed = true; reject(err) })
  })
}

// --- security -------------------------------------------------------------------------------

function checkHost (req: IncomingMessage, allowed: Set<string>): void {
  const host = (req.headers.host ?? '').toLowerCase()
  if (!allowed.has(host)) {
    throw new ForbiddenError('The Host header must name this node on a loopback address')
  }
}

function isApiPath (req: IncomingMessage): boolean {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname
  return path === '/api' || path.startsWith('/api/')
}

/** A browser request must come from this node's own origin (`required`), or name no other one. */
function checkOrigin (req: IncomingMessage, allowedHosts: Set<string>, required: boolean): void {
  const origin = req.headers.origin?.toLowerCase()
  if (origin == null && !required) return
  if (origin == null || !origin.startsWith('http://') || !allowedHosts.has(origin.slice('http://'.length))) {
    throw new ForbiddenError('This request must come from the web app of this node (Origin)')
  }
}

function checkToken (req: IncomingMessage, expected: Buffer): void {
  const match = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '')
  if (match == null || !timingSafeEqual(digest(match[1]), expected)) {
    throw new CommonplaceError('A valid API token is required (Authorization: Bearer <token>)', 'ERR_UNAUTHORISED')
  }
}

/** Hash first so both sides of timingSafeEqual have the same length whatever was sent. */
function digest (token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest()
}

// --- responses ------------------------------------------------------------------------------

function sendReply (res: ServerResponse, reply: Reply): void {
  if ('markdown' in reply) {
    send(res, reply.status ?? 200, reply.markdown, 'text/markdown; charset=utf-8')
  } else {
    send(res, reply.status ?? 200, JSON.stringify(reply.json), 'application/json; charset=utf-8')
  }
}

function sendError (res: ServerResponse, err: unknown, log: Logger, req: IncomingMessage): void {
  const { status, code, message } = describeError(err)
  if (status >= 500) log.error('%s %s failed with %s - %e', req.method, req.url, code, err)
  else log('%s %s refused with %s: %s', req.method, req.url, code, message)
  if (res.headersSent) {
    res.destroy()
    return
  }
  send(res, status, JSON.stringify({ error: { code, message } }), 'application/json; charset=utf-8')
}

/** The HTTP status, code and client-safe message for an error. */
export function describeError (err: unknown): { status: number, code: string, message: string } {
  if (isCommonplaceError(err) && STATUS_BY_CODE[err.code] != null) {
    return { status: STATUS_BY_CODE[err.code], code: err.code, message: err.message }
  }
  if (err instanceof CommonplaceError) {
    return { status: 500, code: err.code, message: err.message }
  }
  return { status: 500, code: 'ERR_INTERNAL', message: 'Internal error (see the node log)' }
}

function send (res: ServerResponse, status: number, body: string, contentType: string): void {
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff'
  })
  res.end(body)
}

// --- listening ------------------------------------------------------------------------------

async function listen (server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off('listening', onListening)
      if (err.code === 'EADDRINUSE') {
        reject(new AddressInUseError(`The local API address ${urlHost(host)}:${port} is already in use`, { cause: err }))
      } else {
        reject(err)
      }
    }
    const onListening = (): void => {
      server.off('error', onError)
      resolve((server.address() as AddressInfo).port)
    }
    server.once('error', onError)
    server.once('listening', onListening)
    server.listen(port, host)
  })
}

function urlHost (host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1'
  if (host === '::') return '[::1]'
  return host.includes(':') ? `[${host}]` : host
}
