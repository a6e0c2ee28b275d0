/**
 * The local HTTP API: JSON routes under /api mapped onto a {@link LocalApi}.
 *
 * Security: every request must carry `Authorization: Bearer <token>` (compared in constant
 * time) or a person's session (docs/people.md; its role is checked against people/roles.ts), and
 * a `Host` header naming this node: loopback with the port, or the public URL's host
 * (DNS-rebinding defence; http-guard.ts). No CORS
 * headers are ever sent, so browsers on other origins cannot read responses. Bodies are
 * capped at {@link MAX_BODY_BYTES}, the request line and headers at {@link MAX_HEADER_BYTES}
 * and the URL at {@link MAX_URL_CHARS}; every refusal has the JSON shape
 * `{"error":{"code","message"}}`, also those Node's HTTP parser makes (431, 400).
 */
import { createServer } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { defaultLogger } from '@libp2p/logger'
import { AddressInUseError, CommonplaceError, InvalidInputError, NotFoundError, OversizedMessageError, SignedOutError } from '@commonplace/core'
import { describeError } from '@commonplace/api'
import type { ApiErrorBody, LocalApi, NodeEventSource } from '@commonplace/api'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import type { ComponentLogger, Logger } from '@libp2p/interface'
import { createRoutes } from './api-routes.ts'
import type { ApiRoute, Reply, Route, RouteContext } from './api-routes.ts'
import { serveEventStream } from './event-stream.ts'
import { checkHost, checkOrigin, checkToken, digest, guardFor, isLoopback, urlHost } from './http-guard.ts'
import type { Guard, Listener } from './http-guard.ts'
import { NODE_ADMIN } from './people/people.ts'
import type { Caller } from './people/people.ts'
import { authorize, requiredRole } from './people/roles.ts'

export type { ApiRoute, RouteContext } from './api-routes.ts'

/** Largest request body accepted (bytes). */
export const MAX_BODY_BYTES = 1024 * 1024
/** Largest request line plus headers (bytes): Node's parser refuses more, answered 431 here. */
export const MAX_HEADER_BYTES = 16 * 1024
/** Longest URL accepted (characters); a longer one within the header limit is answered 414. */
export const MAX_URL_CHARS = 8 * 1024

export interface HttpApiInit {
  api: LocalApi
  /** The bearer token every request must present. */
  token: string
  /** Default 127.0.0.1. */
  host?: string
  /** Default 0 (any free port). */
  port?: number
  /**
   * The address people's browsers use (`https://commonplace.riverside.example`): its host is accepted
   * in the Host and Origin checks, and links are made under it. Needed to serve beyond loopback.
   */
  publicUrl?: string
  /** Serve HTTPS with this certificate and key (PEM); the API token's holder then gets a loopback HTTP listener of its own. */
  tls?: { cert: string, key: string }
  /** Node events served at `GET /api/events` (Server-Sent Events); no such route without it. */
  events?: NodeEventSource
  /** The web app's entry points (packages/node/src/web); without it, only the bearer-token API. */
  web?: HttpWebHook
  /**
   * Called before a request that may change something (any method but GET and HEAD) is handled;
   * what it returns is awaited after it is handled and before it is answered: nothing is
   * acknowledged before it is on disk, and a write that failed meanwhile is reported to it.
   */
  durable?: () => (signal: AbortSignal) => Promise<void>
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
  /**
   * The request's browser session: undefined when it carries no session cookie, `{}` when the
   * cookie names no valid session (signed out, expired, its person removed or their role changed).
   */
  session(req: IncomingMessage): { caller?: Caller } | undefined
  /** JSON routes the web part adds to the API (e.g. /api/search), behind the same checks. */
  readonly routes: ApiRoute[]
  /** A WebSocket upgrade that passed the Host, Origin and session checks, made by `caller`. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, caller: Caller): void
  /**
   * Call `end` when the caller's browser session ends (signed out, here or everywhere, role
   * changed, removed); returns the function that stops watching. Nothing for a caller without one.
   */
  watchSession(caller: Caller, end: (reason: string) => void): () => void
}

export interface HttpApiServer {
  /** Listen; rejects with code ERR_ADDRESS_IN_USE when the address is taken. */
  start(): Promise<{ url: string }>
  /** Stop listening and close open connections. Idempotent. */
  stop(): Promise<void>
  /** Where the API token's holder reaches the API, `http://host:port`, once started; throws ERR_NOT_STARTED before. */
  readonly url: string
  /** Where browsers reach the node: the public URL, else the listening address; throws ERR_NOT_STARTED before. */
  readonly publicUrl: string
  /** The underlying server, e.g. to attach a WebSocket upgrade handler. */
  readonly server: Server
}

export function createHttpApi (init: HttpApiInit): HttpApiServer {
  if (typeof init.token !== 'string' || init.token.length === 0) {
    throw new InvalidInputError('The local API needs a non-empty token')
  }
  const log = (init.logger ?? defaultLogger()).forComponent('commonplace:http-api')
  const host = init.host ?? '127.0.0.1'
  if (!isLoopback(host) && init.publicUrl == null) {
    throw new InvalidInputError(`Serving beyond loopback (${host}) needs the public URL people's browsers use (--public-url)`)
  }
  if (init.publicUrl != null && !/^https?:\/\/[^/]+\/?$/.test(init.publicUrl)) {
    throw new InvalidInputError(`The public URL must be http(s)://host[:port], without a path: ${init.publicUrl}`)
  }
  const tokenDigest = digest(init.token)
  const routes: Route[] = [
    ...createRoutes(init.api),
    ...(init.web?.routes ?? []).map(r => ({ method: r.method, path: new RegExp(`^${r.path}$`), input: r.input, handle: async (ctx: RouteContext<unknown>) => ({ json: await r.handle(ctx) }) }))
  ]
  let guard: Guard = { hosts: new Set(), origins: new Set() }
  let url: string | undefined
  let publicUrl: string | undefined

  const answer = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch(err => { log.error('unexpected failure answering %s %s - %e', req.method, req.url, err) })
  }
  const server = init.tls != null
    ? createHttpsServer({ maxHeaderSize: MAX_HEADER_BYTES, cert: init.tls.cert, key: init.tls.key }, answer)
    : createServer({ maxHeaderSize: MAX_HEADER_BYTES }, answer)
  // the CLI reaches the API over loopback HTTP, without trusting the certificate or a LAN address
  const local = init.tls != null || !isLoopback(host) ? createServer({ maxHeaderSize: MAX_HEADER_BYTES }, answer) : undefined
  for (const s of [server, local]) s?.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => { refuseMalformed(err, socket, log) })

  async function handle (req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if ((req.url ?? '').length > MAX_URL_CHARS) {
        send(res, 414, errorBody('ERR_OVERSIZED_MESSAGE', `The URL is longer than ${MAX_URL_CHARS} characters`), JSON_TYPE)
        return
      }
      checkHost(req, guard)
      // --- web app entry (docs/web.md): its files and the login link need no credentials
      const web = init.web
      if (web != null && !isApiPath(req) && await web.serve(req, res)) return
      const path = new URL(req.url ?? '/', 'http://localhost').pathname
      let caller: Caller | undefined = NODE_ADMIN
      if (web != null && req.headers.authorization == null) {
        checkOrigin(req, guard, req.method !== 'GET' && req.method !== 'HEAD')
        const session = web.session(req)
        // no cookie at all: the bearer token's answer, unless the route is public (sign-in)
        if (session == null && requiredRole(req.method ?? 'GET', path) !== 'public') checkToken(req, tokenDigest)
        caller = session?.caller
      } else {
        checkToken(req, tokenDigest)
      }
      authorize(caller, req.method ?? 'GET', path)
      // --- end of the web app entry
      if (init.events != null && req.method === 'GET' && new URL(req.url ?? '/', 'http://localhost').pathname === '/api/events') {
        // a browser's stream ends with its session
        if (web != null && caller != null) res.once('close', web.watchSession(caller, () => { res.end() }))
        serveEventStream(res, init.events)
        return
      }
      const reply = await dispatch(routes, req, res, caller ?? NODE_ADMIN, guard.origins, init.durable)
      sendReply(res, reply)
      log('%s %s -> %d', req.method, req.url, res.statusCode)
    } catch (err) {
      sendError(res, err, log, req)
    }
  }

  // --- web app entry: WebSocket upgrades (same origin and a session, or the bearer token)
  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    try {
      if (init.web == null) throw new NotFoundError('No WebSocket here')
      checkHost(req, guard)
      checkOrigin(req, guard, true)
      const session = init.web.session(req)
      if (session == null) checkToken(req, tokenDigest)
      else if (session.caller == null) throw new SignedOutError()
      init.web.upgrade(req, socket, head, session?.caller ?? NODE_ADMIN)
    } catch (err) {
      const { status, message } = describeError(err)
      log('upgrade %s refused: %s', req.url, message)
      socket.end(`HTTP/1.1 ${status} ${status === 404 ? 'Not Found' : 'Forbidden'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
  }
  for (const s of [server, local]) s?.on('upgrade', upgrade)

  return {
    get server () { return server },
    get url () {
      if (url == null) throw new CommonplaceError('The local API has not been started', 'ERR_NOT_STARTED')
      return url
    },
    get publicUrl () {
      if (publicUrl == null) throw new CommonplaceError('The local API has not been started', 'ERR_NOT_STARTED')
      return publicUrl
    },
    async start () {
      if (url != null) return { url }
      const scheme = init.tls != null ? 'https' : 'http'
      const port = await listen(server, host, init.port ?? 0)
      const listeners: Listener[] = [{ scheme, host, port }]
      if (local != null) {
        try {
          listeners.push({ scheme: 'http', host: '127.0.0.1', port: await listen(local, '127.0.0.1', 0) })
        } catch (err) {
          await close(server)
          throw err
        }
      }
      guard = guardFor(listeners, init.publicUrl)
      const own = `${scheme}://${urlHost(host)}:${port}`
      url = local != null ? `http://127.0.0.1:${listeners[1].port}` : own
      publicUrl = init.publicUrl?.replace(/\/$/, '') ?? own
      log('listening on %s (browsers: %s)', url, publicUrl)
      return { url }
    },
    async stop () {
      if (!server.listening) return
      url = undefined
      publicUrl = undefined
      await Promise.all([close(server), local != null ? close(local) : undefined])
    }
  }
}

async function dispatch (routes: Route[], req: IncomingMessage, res: ServerResponse, caller: Caller, origins: Set<string>, durable?: HttpApiInit['durable']): Promise<Reply> {
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
  const settle = req.method !== 'GET' && req.method !== 'HEAD' ? durable?.() : undefined
  // only one of the node's own origins is passed on (passkeys are bound to it)
  const origin = req.headers.origin?.toLowerCase()
  const client = { address: req.socket.remoteAddress ?? '', agent: req.headers['user-agent'] ?? '', ...(origin != null && origins.has(origin) ? { origin } : {}) }
  const setCookie = (value: string): void => { res.appendHeader('Set-Cookie', value) }
  // the request is validated here, once: the handler gets what the route's validator returned
  const input = found.input == null ? undefined : 'body' in found.input ? found.input.body(await readJson(req)) : found.input.query(searchParams)
  const reply = await found.handle({ params, input, signal, caller, client, setCookie })
  await settle?.(signal)
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

function isApiPath (req: IncomingMessage): boolean {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname
  return path === '/api' || path.startsWith('/api/')
}

// --- responses ------------------------------------------------------------------------------

const JSON_TYPE = 'application/json; charset=utf-8'

function sendReply (res: ServerResponse, reply: Reply): void {
  if ('markdown' in reply) {
    send(res, reply.status ?? 200, reply.markdown, 'text/markdown; charset=utf-8')
  } else if ('text' in reply) {
    send(res, reply.status ?? 200, reply.text, reply.contentType)
  } else {
    send(res, reply.status ?? 200, JSON.stringify(reply.json), JSON_TYPE)
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
  // a refusal sets no session, whatever the route did before it threw
  res.removeHeader('Set-Cookie')
  const retryAfter = (err as { retryAfter?: unknown })?.retryAfter
  if (typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter))
  send(res, status, errorBody(code, message), JSON_TYPE)
}

/** The API's error shape. */
function errorBody (code: string, message: string): string {
  const body: ApiErrorBody = { error: { code, message } }
  return JSON.stringify(body)
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

/**
 * Answer what Node's HTTP parser refused before any handler ran (headers over
 * `MAX_HEADER_BYTES`, a malformed request) in the API's JSON error shape, then close.
 */
function refuseMalformed (err: NodeJS.ErrnoException, socket: Duplex, log: Logger): void {
  log('refused a malformed request: %s', err.code ?? err.message)
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy()
    return
  }
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW'
  const [status, reason] = tooLarge ? [431, 'Request Header Fields Too Large'] : [400, 'Bad Request']
  const body = tooLarge
    ? errorBody('ERR_OVERSIZED_MESSAGE', `The request line and headers exceed ${MAX_HEADER_BYTES} bytes`)
    : errorBody('ERR_INVALID_INPUT', 'Malformed HTTP request')
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: ${JSON_TYPE}\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n` +
    `Connection: close\r\n\r\n${body}`)
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

async function close (server: Server): Promise<void> {
  if (!server.listening) return
  await new Promise<void>(resolve => {
    server.close(() => { resolve() })
    server.closeAllConnections()
  })
}
