/**
 * The web app's side of the node: the built app's files, the login link (one-time token →
 * session cookie), the WebSocket each open document syncs over (y-websocket protocol), its
 * browsers' awareness to and from peers (the awareness service), and the few JSON routes only the
 * browser needs. Plugged into the
 * local HTTP server as its {@link HttpWebHook}.
 */
import { WebSocketServer } from 'ws'
import * as Y from 'yjs'
import { CommonplaceError, NotFoundError, parseDocId } from '@commonplace/core'
import { searchQuery } from '@commonplace/api'
import type { WebMe } from '@commonplace/api'
import type { DocumentStore, OrgId } from '@commonplace/core'
import type { DocumentGate } from '@commonplace/docstore'
import type { ComponentLogger, PeerId } from '@libp2p/interface'
import type { IncomingMessage } from 'node:http'
import { apiRoute } from '../api-routes.ts'
import type { HttpWebHook } from '../http-api.ts'
import type { CommonplaceLibp2p } from '../libp2p.ts'
import type { AwarenessMessage } from '../awareness-service.ts'
import { LOGIN_PATH, MAX_WS_MESSAGE_BYTES, TAB_CLIENTS_PATH, WS_PATH_PREFIX } from './constants.ts'
import { createLoginTokens, sessionCookie, sessionToken } from './session.ts'
import { createSessionWatch } from './session-watch.ts'
import type { People } from '../people/people.ts'
import { peopleRoutes } from '../people/routes.ts'
import { staticFiles } from './static-files.ts'
import { createDocRooms } from './doc-rooms.ts'
import type { DocRooms } from './doc-rooms.ts'
import { searchIndex } from './search.ts'
import { withUserName } from './awareness-names.ts'

export interface WebAppInit {
  store: DocumentStore
  libp2p: CommonplaceLibp2p
  self: OrgId
  /** The organisation's name now (the first admin may set it). */
  name: () => string
  /** The organisation's people: sessions, roles (docs/people.md). */
  people: People
  /** Who may read and write which document. */
  gate: DocumentGate
  /**
   * The built app's folder (the CLI hands it apps/web/dist). Without it the node serves the API,
   * the login link and the live connections, and answers a page for anything else that says so.
   */
  root?: string
  logger: ComponentLogger
}

export interface WebApp extends HttpWebHook {
  /** Tell the web app where the local API listens (after it started). */
  bind(url: string): void
  /** A fresh login link (its token works once, for 15 minutes). */
  loginLink(): string
  stop(): Promise<void>
}

/** Listen to the awareness service and to people signed out, and return the HTTP hook. */
export async function createWebApp (init: WebAppInit): Promise<WebApp> {
  const log = init.logger.forComponent('commonplace:web')
  const loginTokens = createLoginTokens()
  const { people } = init
  const files = staticFiles(init.root)
  const search = searchIndex(init.store, init.gate)
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE_BYTES })
  const awareness = init.libp2p.services.awareness
  const rooms: DocRooms = createDocRooms({
    store: init.store,
    self: init.self,
    gate: init.gate,
    log,
    cursorName: caller => caller.person != null ? `${caller.person.name} · ${init.name()}` : init.name(),
    // other organisations see the organisation's name only, unless it chose to show its people's
    onLocalAwareness: (doc, update) => { awareness.send(doc, people.settings().showPeopleNames ? update : withUserName(update, init.name())) }
  })
  const onPeerAwareness = ({ detail: { doc, peer, update } }: CustomEvent<AwarenessMessage>): void => {
    const reply = rooms.peerAwareness(doc, peer, update)
    if (reply != null) awareness.send(doc, reply, [peer])
  }
  const onDisconnect = ({ detail }: CustomEvent<PeerId>): void => { rooms.peerGone(detail.toString() as OrgId) }
  awareness.addEventListener('awareness:message', onPeerAwareness)
  init.libp2p.addEventListener('peer:disconnect', onDisconnect)
  // a session's end takes effect at once: its open pages lose their live connections and event stream
  const sessions = createSessionWatch()
  const offSignedOut = people.onSignedOut(({ sessions: ended, reason }) => { sessions.end(ended, `signed out: ${reason}`) })
  let origin = ''
  let port = 0
  const cookie = (token: string): string => sessionCookie(port, token, origin.startsWith('https:'))

  const loginLink = (): string => {
    if (origin === '') throw new CommonplaceError('The local API has not been started', 'ERR_NOT_STARTED')
    return `${origin}${LOGIN_PATH}?token=${loginTokens.mint()}`
  }

  return {
    bind (url) {
      origin = url
      port = Number(new URL(url).port)
    },

    loginLink,

    session (req) {
      const token = sessionToken(req, port)
      if (token == null || token === '') return undefined
      const caller = people.caller(token)
      return caller == null ? {} : { caller }
    },

    async serve (req, res) {
      const url = new URL(req.url ?? '/', 'http://localhost')
      if (url.pathname === LOGIN_PATH) {
        if (!loginTokens.redeem(url.searchParams.get('token') ?? '')) {
          res.writeHead(403, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' })
          res.end(LINK_SPENT)
          return true
        }
        // on an organisation without people yet, the page offers the link's holder to become its first admin
        const session = people.adminSession(req.headers['user-agent'] ?? '')
        res.writeHead(303, { 'Set-Cookie': cookie(session.token), Location: '/', 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' })
        res.end()
        return true
      }
      return await files.serve(url.pathname, req.method ?? 'GET', res, req.headers)
    },

    routes: [
      apiRoute({ method: 'GET', path: '/api/search', input: { query: searchQuery }, handle: async ({ input }) => search.search(input) }),
      {
        // what the node holds on disk of this document: the page compares it with its own state
        method: 'GET',
        path: '/api/web/docs/([^/]+)/state',
        async handle ({ params, signal }) {
          const id = parseDocId(params[0])
          if (!init.store.has(id)) throw new NotFoundError(`No document ${id} here`)
          // memory holds what is staged too; whenDurable writes it and waits for the disk
          const stateVector = init.store.read(id, doc => Y.encodeStateVector(doc))
          await init.store.whenDurable({ signal })
          return { stateVector: Buffer.from(stateVector).toString('base64') }
        }
      },
      {
        // a Yjs client id for a tab to write this document with, kept by the tab (docs/web.md, "Signed edits")
        method: 'POST',
        path: TAB_CLIENTS_PATH,
        async handle ({ params, signal }) {
          const id = parseDocId(params[0])
          if (!init.store.has(id) || !init.gate.mayRead(id)) throw new NotFoundError(`No document ${id} here`)
          const { client } = init.store.issueClient(id)
          // the binding is what lets the node sign the tab's edits, after a restart too
          await init.store.whenDurable({ signal })
          return { client }
        }
      },
      // a fresh one-time link for a local client holding the API token (e.g. to open another browser)
      { method: 'POST', path: '/api/web/login-links', handle: async () => ({ url: loginLink() }) },
      {
        method: 'GET',
        path: '/api/web/me',
        handle: async ({ caller }): Promise<WebMe> => ({
          orgId: init.self,
          name: init.name(),
          role: caller.role,
          ...(caller.person != null ? { person: { id: caller.person.id, name: caller.person.name } } : { needsSetup: people.needsSetup() })
        })
      },
      ...peopleRoutes({ people, organisation: { id: init.self, name: init.name }, origin: () => origin, cookie })
    ],

    upgrade (req, socket, head, caller) {
      const url = new URL(req.url ?? '/', 'http://localhost')
      const path = url.pathname
      if (!path.startsWith(WS_PATH_PREFIX)) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
        return
      }
      wss.handleUpgrade(req as IncomingMessage, socket, head, ws => {
        if (caller.session != null) ws.once('close', sessions.watch(caller.session, reason => { ws.close(4401, reason) }))
        rooms.attach(ws, path.slice(WS_PATH_PREFIX.length), url.searchParams.get('clients'), caller)
      })
    },

    watchSession: (caller, end) => caller.session != null ? sessions.watch(caller.session, end) : () => {},

    async stop () {
      offSignedOut()
      awareness.removeEventListener('awareness:message', onPeerAwareness)
      init.libp2p.removeEventListener('peer:disconnect', onDisconnect)
      rooms.close()
      wss.close()
    }
  }
}

const LINK_SPENT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Commonplace: login link not valid</title>
<h1>This login link has been used or has expired</h1>
<p>Each login link works once, for 15 minutes. If you already logged in from this browser, <a href="/">open the app</a>.
Otherwise run <code>commonplace login</code> on the node's computer and open the new link it prints, or <a href="/#/sign-in">sign in</a> with your name and password.</p></html>`
