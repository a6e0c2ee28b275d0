import { describe, it, expect, beforeEach, afterEach } from 'vitest'
import { request as httpRequest, createServer } from 'node:http'
import { connect as netConnect } from 'node:net'
import { AddressInUseError, CommonplaceError, ConnectionFailedError, ForbiddenError, InputTooDeepError, InvalidIdError, NotFoundError, ReadOnlyError, StorageFullError } from '@commonplace/core'
import { createHttpApi, MAX_BODY_BYTES, MAX_HEADER_BYTES, MAX_URL_CHARS } from '../src/http-api.ts'
import type { HttpApiServer } from '../src/http-api.ts'
import type { CardView, ContactView, DocSummary, DocView, LocalApi, NoticeView, NetworkSummary, NodeEvent, NodeEventSource, NodeStatus, PeerInfo, TopicView } from '@commonplace/api'
import type { AddressInfo } from 'node:net'
import type { PracticeApi } from '@commonplace/api'
import type { HistoryApi } from '@commonplace/api'
import type { DocId, NetworkId, OrgId } from '@commonplace/core'

const TOKEN = 'test-token-0123456789abcdef'
const ORG = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN' as OrgId
const DOC = 'abcdefghijklmnopqrstuvwxyz' as DocId

const summary: DocSummary = { id: DOC, title: 'Handwashing', owner: ORG, kind: 'practice', updatedAt: '2025-01-01T00:00:00.000Z', access: 'owner' }
const view: DocView = { ...summary, meta: {}, sections: [{ id: 'aaaaaaaaaaaa', heading: 'Why', markdown: 'Because.', authors: [{ org: ORG, chars: 11 }] }], grants: [] }
const peer: PeerInfo = { orgId: ORG, name: 'Other', addresses: ['/ip4/127.0.0.1/tcp/7421'] }
const status: NodeStatus = { orgId: ORG, name: 'Us', listenAddresses: [], apiUrl: 'http://127.0.0.1:1', peers: [], documentCount: 1 }

const network: NetworkSummary = { id: 'net_aaaaaaaaaaaaaaaaaaaaaaaaaa' as NetworkId, name: 'Northside PCN', visibility: 'invite', role: 'facilitator', createdBy: ORG, memberCount: 1 }
const topic: TopicView = { id: summary.id, network: network.id, title: 'Repeat prescribing', brief: '', createdBy: ORG, attachments: [] }

const card: CardView = { code: 'cpc1.abc', orgId: ORG, name: 'Us', addresses: ['/ip4/127.0.0.1/tcp/7421'] }
const contact: ContactView = { orgId: ORG, name: 'Other', status: 'awaiting', networks: [], addresses: [], online: false }
const notice: NoticeView = { id: '1/a', kind: 'introduction', at: '2025-01-01T00:00:00.000Z', org: ORG, orgName: 'Other', text: 'Other added you', read: false }

interface Call { method: string, args: unknown[] }

/** A LocalApi that records its calls and answers canned values (or throws `failWith`). */
function fakeApi (): LocalApi & { calls: Call[], failWith?: unknown } {
  const calls: Call[] = []
  const fake = {
    calls,
    failWith: undefined as unknown
  }
  const answer = <T>(method: string, value: T) => async (...args: unknown[]): Promise<T> => {
    calls.push({ method, args })
    if (fake.failWith !== undefined) throw fake.failWith
    return value
  }
  return Object.assign(fake, {
    status: answer('status', status),
    connect: answer('connect', peer),
    peers: answer('peers', [peer]),
    listDocs: answer('listDocs', [summary]),
    createDoc: answer('createDoc', summary),
    getDoc: answer('getDoc', view),
    exportMarkdown: answer('exportMarkdown', '# Handwashing\n'),
    editDoc: answer('editDoc', summary),
    share: answer('share', view),
    unshare: answer('unshare', view),
    createNetwork: answer('createNetwork', network),
    listNetworks: answer('listNetworks', [network]),
    invitations: answer('invitations', []),
    invite: answer('invite', { id: 'inv1', code: 'cp1.x', network: network.id, role: 'member' as const, expiresAt: '2030-01-01T00:00:00.000Z', uses: 1 }),
    join: answer('join', { network, status: 'joined' as const }),
    members: answer('members', []),
    requests: answer('requests', []),
    accept: answer('accept', []),
    removeMember: answer('removeMember', []),
    leave: answer('leave', network),
    createTopic: answer('createTopic', topic),
    listTopics: answer('listTopics', [topic]),
    attachToTopic: answer('attachToTopic', topic),
    card: answer('card', card),
    contacts: answer('contacts', [contact]),
    addContact: answer('addContact', contact),
    introductions: answer('introductions', []),
    acceptContact: answer('acceptContact', contact),
    removeContact: answer('removeContact', []),
    notices: answer('notices', [notice]),
    readNotices: answer('readNotices', [{ ...notice, read: true }]),
    ...practiceFakes(answer)
  })
}

/** The practice operations, answering empty values (their routes have their own spec with a real node). */
function practiceFakes (answer: <T>(method: string, value: T) => (...args: unknown[]) => Promise<T>): PracticeApi & HistoryApi {
  const names = [
    'adapt', 'family', 'adaptation', 'editAdaptation', 'upstream', 'takeUpstream', 'dismissUpstream', 'propose', 'proposals', 'proposal', 'acceptProposal', 'declineProposal', 'setAdoption', 'adoption', 'diffusion',
    // and the history operations (their routes have their own spec with real nodes too)
    'comments', 'addComment', 'replyComment', 'setCommentState', 'versions', 'takeVersion', 'diff', 'restore', 'activity'
  ] as const
  return Object.fromEntries(names.map(name => [name, answer(name, {})])) as unknown as PracticeApi & HistoryApi
}

interface Answer { status: number, headers: Record<string, string | string[] | undefined>, text: string, json: any }

async function call (url: string, method: string, path: string, options: { body?: string | Buffer, headers?: Record<string, string>, chunked?: boolean } = {}): Promise<Answer> {
  const { port } = new URL(url)
  const headers: Record<string, string> = { host: `127.0.0.1:${port}`, authorization: `Bearer ${TOKEN}`, ...options.headers }
  if (options.body != null && options.chunked !== true) headers['content-length'] = String(Buffer.byteLength(options.body))
  if (options.body != null) headers['content-type'] ??= 'application/json'
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, res => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let json: unknown
        try { json = JSON.parse(text) } catch { json = undefined }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json })
      })
    })
    req.on('error', reject)
    if (options.body != null) req.write(options.body)
    req.end()
  })
}

/** Send raw bytes and collect everything the server answers until it closes. */
async function rawExchange (url: string, bytes: string): Promise<string> {
  const { port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = netConnect(Number(port), '127.0.0.1', () => { socket.write(bytes) })
    const chunks: Buffer[] = []
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('end', () => { resolve(Buffer.concat(chunks).toString('utf8')) })
    socket.on('error', reject)
  })
}

describe('createHttpApi', () => {
  let api: ReturnType<typeof fakeApi>
  let server: HttpApiServer
  let url: string

  beforeEach(async () => {
    api = fakeApi()
    server = createHttpApi({ api, token: TOKEN, port: 0 })
    url = (await server.start()).url
  })

  afterEach(async () => {
    await server.stop()
  })

  it('listens on 127.0.0.1 on a free port and reports its url', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(server.url).toBe(url)
    expect(server.server.listening).toBe(true)
  })

  describe('authorisation', () => {
    it('refuses a request without a token', async () => {
      const res = await call(url, 'GET', '/api/status', { headers: { authorization: '' } })
      expect(res.status).toBe(401)
      expect(res.json.error.code).toBe('ERR_UNAUTHORISED')
      expect(typeof res.json.error.message).toBe('string')
      expect(api.calls).toEqual([])
    })

    it('refuses a wrong token, a token of another length and another scheme', async () => {
      for (const authorization of [`Bearer ${TOKEN.slice(0, -1)}x`, `Bearer ${TOKEN}x`, `Basic ${TOKEN}`, TOKEN]) {
        const res = await call(url, 'GET', '/api/status', { headers: { authorization } })
        expect(res.status, authorization).toBe(401)
      }
      expect(api.calls).toEqual([])
    })

    it('refuses before reading the body or reaching the api', async () => {
      const res = await call(url, 'POST', '/api/docs', { headers: { authorization: 'Bearer nope' }, body: '{"title":"x"}' })
      expect(res.status).toBe(401)
      expect(api.calls).toEqual([])
    })

    it('refuses a foreign Host header (DNS rebinding) even with the token', async () => {
      const port = new URL(url).port
      for (const host of ['evil.example:' + port, '127.0.0.1:1', `127.0.0.1.nip.io:${port}`, '127.0.0.1']) {
        const res = await call(url, 'GET', '/api/status', { headers: { host } })
        expect(res.status, host).toBe(403)
        expect(res.json.error.code).toBe('ERR_FORBIDDEN')
      }
      expect(api.calls).toEqual([])
    })

    it('accepts localhost and [::1] Host headers for its port', async () => {
      const port = new URL(url).port
      for (const host of [`localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
        expect((await call(url, 'GET', '/api/status', { headers: { host } })).status, host).toBe(200)
      }
    })

    it('sends no CORS headers, not even to a preflight', async () => {
      const res = await call(url, 'OPTIONS', '/api/status', { headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET', authorization: '' } })
      expect(res.status).toBe(401)
      const ok = await call(url, 'GET', '/api/status', { headers: { origin: 'https://evil.example' } })
      expect(ok.status).toBe(200)
      for (const r of [res, ok]) {
        expect(Object.keys(r.headers).filter(h => h.startsWith('access-control-'))).toEqual([])
      }
    })
  })

  describe('bodies', () => {
    it('answers 413 to a body over 1 MiB declared by Content-Length', async () => {
      const body = JSON.stringify({ title: 'x'.repeat(MAX_BODY_BYTES) })
      const res = await call(url, 'POST', '/api/docs', { body })
      expect(res.status).toBe(413)
      expect(res.json.error.code).toBe('ERR_OVERSIZED_MESSAGE')
      expect(api.calls).toEqual([])
    })

    it('answers 413 to a chunked body that grows over 1 MiB', async () => {
      const body = JSON.stringify({ title: 'x'.repeat(MAX_BODY_BYTES + 10) })
      const res = await call(url, 'POST', '/api/docs', { body, chunked: true })
      expect(res.status).toBe(413)
      expect(res.json.error.code).toBe('ERR_OVERSIZED_MESSAGE')
      expect(api.calls).toEqual([])
    })

    it('accepts a body just under the limit', async () => {
      const markdown = 'x'.repeat(MAX_BODY_BYTES - 20)
      const res = await call(url, 'POST', '/api/docs', { body: JSON.stringify({ markdown }) })
      expect(res.status).toBe(201)
      expect(api.calls[0].args).toEqual([{ markdown }, {}])
    })

    it('answers 414 in the JSON error shape to a URL over the limit, before the token check', async () => {
      const res = await call(url, 'GET', `/api/docs/${'a'.repeat(MAX_URL_CHARS)}`, { headers: { authorization: 'none' } })
      expect(res.status).toBe(414)
      expect(res.json).toEqual({ error: { code: 'ERR_OVERSIZED_MESSAGE', message: `The URL is longer than ${MAX_URL_CHARS} characters` } })
      expect(api.calls).toEqual([])
    })

    it('answers 431 in the JSON error shape to headers over the limit, and 400 to a malformed request', async () => {
      const big = await call(url, 'GET', '/api/status', { headers: { 'x-padding': 'a'.repeat(MAX_HEADER_BYTES) } })
      expect(big.status).toBe(431)
      expect(big.headers['content-type']).toBe('application/json; charset=utf-8')
      expect(big.json.error).toMatchObject({ code: 'ERR_OVERSIZED_MESSAGE' })
      const garbage = await rawExchange(url, 'NONSENSE\r\n\r\n')
      expect(garbage).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/)
      expect(JSON.parse(garbage.slice(garbage.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: { code: 'ERR_INVALID_INPUT' } })
      expect(api.calls).toEqual([])
    })

    it('answers 400 ERR_INVALID_INPUT to invalid JSON, an empty body or a wrong shape', async () => {
      const cases = [
        ['POST', '/api/docs', '{"title":'],
        ['POST', '/api/docs', ''],
        ['POST', '/api/docs', '[]'],
        ['POST', '/api/docs', '{"title":42}'],
        ['POST', '/api/docs', '{"kind":"x"}'],
        ['POST', '/api/docs', '{"title":"t","sections":[{"heading":"h"}]}'],
        ['POST', '/api/docs', '{"title":"t","surprise":1}'],
        ['POST', '/api/connect', '{}'],
        ['PATCH', `/api/docs/${DOC}`, '{"append":{"section":"Why"}}'],
        ['POST', `/api/docs/${DOC}/share`, '{"with":"x"}']
      ]
      for (const [method, path, body] of cases) {
        const res = await call(url, method, path, { body })
        expect(res.status, `${method} ${path} ${body}`).toBe(400)
        expect(res.json.error.code).toBe('ERR_INVALID_INPUT')
      }
      expect(api.calls).toEqual([])
    })
  })

  describe('routes', () => {
    it('GET /api/status', async () => {
      const res = await call(url, 'GET', '/api/status')
      expect(res.status).toBe(200)
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8')
      expect(res.json).toEqual(status)
      expect(api.calls).toEqual([{ method: 'status', args: [] }])
    })

    it('POST /api/connect passes the multiaddr and an AbortSignal', async () => {
      const res = await call(url, 'POST', '/api/connect', { body: JSON.stringify({ multiaddr: '/ip4/10.0.0.1/tcp/7421' }) })
      expect(res.status).toBe(200)
      expect(res.json).toEqual(peer)
      expect(api.calls[0].method).toBe('connect')
      expect(api.calls[0].args[0]).toBe('/ip4/10.0.0.1/tcp/7421')
      expect((api.calls[0].args[1] as { signal: AbortSignal }).signal).toBeInstanceOf(AbortSignal)
    })

    it('refuses a malformed multiaddr with 400 ERR_INVALID_INPUT before dialling', async () => {
      for (const multiaddr of ['ip4/10.0.0.1', '/ip4/10.0.0/tcp/7421', '/ip4/10.0.0.1/tcp/7421/p2p/not-a-peer-id', '']) {
        const res = await call(url, 'POST', '/api/connect', { body: JSON.stringify({ multiaddr }) })
        expect(res.status, multiaddr).toBe(400)
        expect(res.json.error.code).toBe('ERR_INVALID_INPUT')
      }
      expect(api.calls).toEqual([])
    })

    it('aborts the connect signal when the client goes away', async () => {
      let seen: AbortSignal | undefined
      api.connect = async (_multiaddr, options) => {
        seen = options?.signal
        return new Promise((_resolve, reject) => { options?.signal?.addEventListener('abort', () => { reject(new Error('aborted')) }) })
      }
      const { port } = new URL(url)
      const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/api/connect', headers: { host: `127.0.0.1:${port}`, authorization: `Bearer ${TOKEN}` } })
      req.on('error', () => {})
      req.end(JSON.stringify({ multiaddr: '/ip4/10.0.0.1/tcp/7421' }))
      await expect.poll(() => seen).toBeDefined()
      req.destroy()
      await expect.poll(() => seen?.aborted).toBe(true)
    })

    it('GET /api/peers and GET /api/docs', async () => {
      expect((await call(url, 'GET', '/api/peers')).json).toEqual([peer])
      expect((await call(url, 'GET', '/api/docs')).json).toEqual([summary])
      expect(api.calls.map(c => c.method)).toEqual(['peers', 'listDocs'])
    })

    it('POST /api/docs creates with the parsed request and answers 201', async () => {
      const request = { title: 'Handwashing', kind: 'practice', sections: [{ heading: 'Why', text: 'Because.' }], markdown: '# X' }
      const res = await call(url, 'POST', '/api/docs', { body: JSON.stringify(request) })
      expect(res.status).toBe(201)
      expect(res.json).toEqual(summary)
      // the token's holder writes as the organisation: no author
      expect(api.calls).toEqual([{ method: 'createDoc', args: [request, {}] }])
    })

    it('GET /api/docs/:id and GET /api/docs/:id/markdown', async () => {
      expect((await call(url, 'GET', `/api/docs/${DOC}`)).json).toEqual(view)
      const md = await call(url, 'GET', `/api/docs/${DOC}/markdown`)
      expect(md.status).toBe(200)
      expect(md.headers['content-type']).toBe('text/markdown; charset=utf-8')
      expect(md.text).toBe('# Handwashing\n')
      expect(api.calls).toEqual([{ method: 'getDoc', args: [DOC] }, { method: 'exportMarkdown', args: [DOC] }])
    })

    it('PATCH /api/docs/:id edits with the parsed request', async () => {
      const request = { title: 'New', appendSections: [{ heading: 'How', text: 'Soap.' }], append: { section: 'Why', text: 'More.' } }
      const res = await call(url, 'PATCH', `/api/docs/${DOC}`, { body: JSON.stringify(request) })
      expect(res.status).toBe(200)
      expect(res.json).toEqual(summary)
      expect(api.calls).toEqual([{ method: 'editDoc', args: [DOC, request, {}] }])
    })

    it('POST /api/docs/:id/share and DELETE /api/docs/:id/share/:org', async () => {
      const share = await call(url, 'POST', `/api/docs/${DOC}/share`, { body: JSON.stringify({ with: ORG, role: 'edit' }) })
      expect(share.status).toBe(200)
      expect(share.json).toEqual(view)
      const unshare = await call(url, 'DELETE', `/api/docs/${DOC}/share/${ORG}`)
      expect(unshare.status).toBe(200)
      expect(api.calls).toEqual([
        { method: 'share', args: [DOC, { with: ORG, role: 'edit' }] },
        { method: 'unshare', args: [DOC, ORG] }
      ])
    })

    it('decodes path parameters and passes them to the api for validation', async () => {
      await call(url, 'GET', '/api/docs/a%20b')
      expect(api.calls).toEqual([{ method: 'getDoc', args: ['a b'] }])
      const bad = await call(url, 'GET', '/api/docs/%E0%A4%A')
      expect(bad.status).toBe(400)
    })

    it('ignores a query string', async () => {
      expect((await call(url, 'GET', '/api/status?x=1')).status).toBe(200)
    })

    it('answers 404 to an unknown route and 405 to a wrong method', async () => {
      for (const path of ['/', '/api', '/api/nothing', `/api/docs/${DOC}/other`, '/status']) {
        const res = await call(url, 'GET', path)
        expect(res.status, path).toBe(404)
        expect(res.json.error.code).toBe('ERR_NOT_FOUND')
      }
      const res = await call(url, 'DELETE', '/api/docs')
      expect(res.status).toBe(405)
      expect(res.headers.allow).toBe('GET, POST')
      expect(api.calls).toEqual([])
    })
  })

  describe('error mapping', () => {
    const cases: Array<[unknown, number, string]> = [
      [new InvalidIdError('Invalid document id: "x"'), 400, 'ERR_INVALID_ID'],
      [new CommonplaceError('bad', 'ERR_INVALID_INPUT'), 400, 'ERR_INVALID_INPUT'],
      [new CommonplaceError('bad grant', 'ERR_INVALID_STATEMENT'), 400, 'ERR_INVALID_STATEMENT'],
      [new InputTooDeepError('Markdown nests quotes and lists deeper than 64 levels'), 400, 'ERR_INPUT_TOO_DEEP'],
      [new NotFoundError('No such document'), 404, 'ERR_NOT_FOUND'],
      [new ForbiddenError(), 403, 'ERR_FORBIDDEN'],
      [new ReadOnlyError(), 403, 'ERR_READ_ONLY'],
      [new StorageFullError(), 507, 'ERR_STORAGE_FULL'],
      [new ConnectionFailedError('Could not connect to /ip4/10.0.0.1/tcp/1'), 502, 'ERR_CONNECTION_FAILED'],
      [new CommonplaceError('dial failed', 'ERR_DIAL_FAILED'), 500, 'ERR_DIAL_FAILED']
    ]

    for (const [err, statusCode, code] of cases) {
      it(`maps ${code} to ${statusCode}`, async () => {
        api.failWith = err
        const res = await call(url, 'GET', `/api/docs/${DOC}`)
        expect(res.status).toBe(statusCode)
        expect(res.json).toEqual({ error: { code, message: (err as Error).message } })
      })
    }

    it('hides the details of a non-Commonplace error behind ERR_INTERNAL and logs them', async () => {
      const logged: unknown[][] = []
      const log = Object.assign(() => {}, { error: (...args: unknown[]) => { logged.push(args) }, trace: () => {}, newScope: () => log, enabled: false })
      await server.stop()
      server = createHttpApi({ api, token: TOKEN, logger: { forComponent: () => log } })
      url = (await server.start()).url
      const secret = new TypeError('Cannot read properties of undefined (reading "secret")')
      api.failWith = secret
      const res = await call(url, 'GET', '/api/status')
      expect(res.status).toBe(500)
      expect(res.json.error.code).toBe('ERR_INTERNAL')
      expect(res.text).not.toContain('secret')
      expect(res.text).not.toContain('at ')
      expect(logged.some(args => args.includes(secret))).toBe(true)
    })

    it('does not trust a non-Commonplace error that merely carries an unknown ERR_ code', async () => {
      api.failWith = Object.assign(new Error('internal path /home/x'), { code: 'ERR_SOMETHING' })
      const res = await call(url, 'GET', '/api/status')
      expect(res.status).toBe(500)
      expect(res.json.error.code).toBe('ERR_INTERNAL')
    })
  })
})

describe('createHttpApi lifecycle', () => {
  it('rejects with ERR_ADDRESS_IN_USE naming the address when the port is taken', async () => {
    const blocker = createServer()
    await new Promise<void>(resolve => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as AddressInfo).port
    try {
      const server = createHttpApi({ api: fakeApi(), token: TOKEN, port })
      const err = await server.start().catch((e: unknown) => e)
      expect(err).toBeInstanceOf(AddressInUseError)
      expect((err as CommonplaceError).code).toBe('ERR_ADDRESS_IN_USE')
      expect((err as Error).message).toContain(`127.0.0.1:${port}`)
    } finally {
      await new Promise(resolve => blocker.close(resolve))
    }
  })

  it('refuses an empty token', () => {
    expect(() => createHttpApi({ api: fakeApi(), token: '' })).toThrow(/token/)
  })

  it('has no url before start, and stop is idempotent and closes keep-alive connections', async () => {
    const server = createHttpApi({ api: fakeApi(), token: TOKEN })
    expect(() => server.url).toThrow(expect.objectContaining({ code: 'ERR_NOT_STARTED' }))
    await server.stop()
    const { url } = await server.start()
    expect((await server.start()).url).toBe(url)
    const res = await fetch(`${url}/api/status`, { headers: { authorization: `Bearer ${TOKEN}` } })
    expect(res.status).toBe(200)
    await server.stop()
    await server.stop()
    expect(server.server.listening).toBe(false)
    await expect(fetch(`${url}/api/status`)).rejects.toThrow()
  })
})

describe('createHttpApi event stream', () => {
  it('serves node events as Server-Sent Events after a ready event, and only with the token', async () => {
    const listeners = new Set<(e: NodeEvent) => void>()
    let unsubscribed!: () => void
    const gone = new Promise<void>(resolve => { unsubscribed = resolve })
    const events: NodeEventSource = (listener) => {
      listeners.add(listener)
      return () => { listeners.delete(listener); unsubscribed() }
    }
    const server = createHttpApi({ api: fakeApi(), token: TOKEN, events })
    const { url } = await server.start()
    try {
      const refused = await fetch(`${url}/api/events`)
      expect(refused.status).toBe(401)
      const controller = new AbortController()
      const res = await fetch(`${url}/api/events`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: controller.signal })
      expect(res.headers.get('content-type')).toContain('text/event-stream')
      const reader = res.body!.getReader()
      const decoder = new TextDecoder()
      let text = ''
      const readUntil = async (needle: string): Promise<void> => {
        while (!text.includes(needle)) text += decoder.decode((await reader.read()).value)
      }
      await readUntil('event: ready')
      expect(listeners.size).toBe(1)
      for (const l of listeners) l({ type: 'peer', orgId: 'org' as never, state: 'connected' })
      await readUntil('event: peer')
      expect(text).toContain('data: {"type":"peer","orgId":"org","state":"connected"}')
      controller.abort()
      await gone
      expect(listeners.size).toBe(0)
    } finally {
      await server.stop()
    }
  })

  it('answers a request that may change something only once the durable hook resolved, and a GET at once', async () => {
    const held: Array<() => void> = []
    const durable = () => async (): Promise<void> => { await new Promise<void>(resolve => { held.push(resolve) }) }
    const server = createHttpApi({ api: fakeApi(), token: TOKEN, durable })
    const { url } = await server.start()
    try {
      expect((await call(url, 'GET', '/api/docs')).status).toBe(200)
      expect(held).toHaveLength(0)
      let answered: Answer | undefined
      const creating = call(url, 'POST', '/api/docs', { body: JSON.stringify({ title: 'Handhygiene' }) }).then(res => { answered = res })
      await expect.poll(() => held.length).toBe(1)
      expect(answered).toBeUndefined()
      held[0]()
      await creating
      expect(answered?.status).toBe(201)
    } finally {
      await server.stop()
    }
  })
})
