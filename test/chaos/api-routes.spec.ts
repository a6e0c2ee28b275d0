/**
 * Generated input against every route of the local API, over real HTTP to one real node (temp
 * data folder, port 0, the web app's routes on): generated path parameters and JSON bodies (wrong
 * types, unknown fields, deep nesting, long strings within the body limit, text that is not JSON).
 * Every answer is a success or a JSON error whose code is not ERR_INTERNAL with a status under 500
 * (502 only for a failed dial), and documents the request does not name keep their content.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import fc from 'fast-check'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { prefixLogger } from '@libp2p/logger'
import type { DocId } from '@commonplace/core'
import { createNode, createRoutes, FILES } from '@commonplace/node'
import type { CommonplaceNode } from '@commonplace/node'
import type { LocalApi } from '@commonplace/api'
import { check, jsonValue, runs } from './generated.ts'

/** The web app's routes (packages/node/src/web/web-app.ts), served on the same API. */
const WEB_ROUTES = [
  { method: 'GET', path: '/api/search' },
  { method: 'GET', path: '/api/web/docs/([^/]+)/state' },
  { method: 'POST', path: '/api/web/login-links' },
  { method: 'GET', path: '/api/web/me' },
  // people (packages/node/src/people/routes.ts)
  { method: 'POST', path: '/api/people/setup' },
  { method: 'POST', path: '/api/people/sign-in' },
  { method: 'POST', path: '/api/people/sign-out' },
  { method: 'POST', path: '/api/people/sign-out-everywhere' },
  { method: 'GET', path: '/api/people/me' },
  { method: 'GET', path: '/api/people/me/sessions' },
  { method: 'DELETE', path: '/api/people/me/sessions/([^/]+)' },
  { method: 'GET', path: '/api/people' },
  { method: 'POST', path: '/api/people/invitations' },
  { method: 'GET', path: '/api/people/invitations/([^/]+)' },
  { method: 'POST', path: '/api/people/invitations/accept' },
  { method: 'GET', path: '/api/people/settings' },
  { method: 'PATCH', path: '/api/people/settings' },
  { method: 'PATCH', path: '/api/people/([^/]+)' },
  { method: 'DELETE', path: '/api/people/([^/]+)' }
]
/** Codes a route that dials another node may answer with 502: the upstream failed, not the node. */
const DIAL_CODES = ['ERR_CONNECTION_FAILED', 'ERR_INTRODUCTION_REFUSED']
/** Every field name any route reads, so generated bodies hit the validators' branches. */
const FIELDS = ['title', 'kind', 'sections', 'markdown', 'appendSections', 'append', 'section', 'text', 'heading', 'with', 'role',
  'multiaddr', 'card', 'ids', 'name', 'visibility', 'code', 'expires', 'uses', 'brief', 'doc',
  'login', 'password', 'organisation', 'email', 'token', 'showPeopleNames']
const HTTP_TIMEOUT_MS = 15_000

/** Every route as method and path pattern, read off the route table itself so a new route is covered. */
const ROUTES = [
  ...createRoutes(new Proxy({}, { get: () => async () => ({}) }) as LocalApi).map(r => ({ method: r.method, path: r.path.source.slice(1, -1).replace(/\\\//g, '/') })),
  ...WEB_ROUTES
]

let node: CommonplaceNode
let dataDir: string
let token: string
let docs: DocId[]
/** How often each status was answered, to show the cases reached both sides of the validators. */
const statuses = new Map<number, number>()

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'cp-chaos-api-'))
  node = await createNode({
    dataDir, name: 'Riverside Surgery', listen: ['/ip4/127.0.0.1/tcp/0'], http: { host: '127.0.0.1', port: 0 }, mdns: false, logger: prefixLogger('chaos')
  })
  await node.start()
  token = readFileSync(join(dataDir, FILES.token), 'utf8').trim()
  docs = []
  for (const title of ['Sturzprophylaxe', 'Händehygiene']) {
    const res = await request('POST', '/api/docs', JSON.stringify({ title, sections: [{ heading: 'Maßnahmen', text: 'Schritt eins.' }] }))
    docs.push((res.json as { id: DocId }).id)
  }
})

afterAll(async () => {
  await node?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

async function request (method: string, path: string, body?: string): Promise<{ status: number, json: unknown, type: string }> {
  const res = await fetch(`${node.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body } : {}),
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS)
  })
  const type = res.headers.get('content-type') ?? ''
  const text = await res.text()
  return { status: res.status, json: type.includes('json') ? JSON.parse(text) : text, type }
}

/** A path parameter: a held document's id, an id-like string, junk, or a long one. */
const param = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(0, 1).map(i => docs[i] as string) },
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.constantFrom('..', '%', '12D3KooWJZJP5ANcTRd4R5CB9hez6v4oWMKWFnV6tZ39Y8Jv4jjP', 'aaaaaaaaaaaaaaaaaaaaaaaaaa', '\u0000') },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 10_000 }).map(n => 'p'.repeat(n)) }
)

/** A JSON body: an object of known and unknown fields, any JSON, a long string, or text that is not JSON. */
const body = fc.oneof(
  { weight: 3, arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('read', 'edit', 'open', 'practice', '# Titel\n\n## Abschnitt\n\nText')), { maxKeys: 2 }).map(v => JSON.stringify(v)) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('title', 'markdown', 'name'), fc.string({ minLength: 1, maxLength: 60 })).map(([k, v]) => JSON.stringify({ [k]: v })) },
  { weight: 4, arbitrary: fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 8 })), fc.oneof(jsonValue, fc.string()), { maxKeys: 4 }).map(v => JSON.stringify(v)) },
  { weight: 1, arbitrary: jsonValue.map(v => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...FIELDS), fc.integer({ min: 1000, max: 200_000 })).map(([k, n]) => JSON.stringify({ [k]: 'ä'.repeat(n) })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 64 }) }
)

/** The route's path with its groups filled in (percent-encoded), and a query string sometimes. */
function concretePath (pattern: string, params: string[], query: string): string {
  let i = 0
  const path = pattern.replace(/\(\[\^\/\]\+\)/g, () => encodeURIComponent(params[i++] ?? 'x'))
  return query === '' ? path : `${path}?q=${encodeURIComponent(query)}&kind=${encodeURIComponent(query)}`
}

function snapshot (): Map<DocId, string> {
  return new Map(node.store.list().map(info => [info.id, Buffer.from(node.store.digest(info.id)).toString('hex')]))
}

describe('generated requests to every local API route', () => {
  it('covers the route table', () => {
    expect(ROUTES.length).toBeGreaterThan(25)
  })

  for (const { method, path } of ROUTES) {
    it(`${method} ${path}: a success or a typed JSON error, other documents untouched`, async () => {
      const input = fc.record({ params: fc.array(param, { minLength: 2, maxLength: 2 }), body, query: fc.oneof(fc.constant(''), fc.string({ maxLength: 600 }), fc.constantFrom('Sturz', 'Händehygiene', 'practice')) })
      const n = await check(fc.asyncProperty(input, async ({ params, body, query }) => {
        const before = snapshot()
        const url = concretePath(path, params, query)
        const res = await request(method, url, method === 'GET' || method === 'DELETE' ? undefined : body)
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
        if (process.env.CHAOS_VERBOSE === "1") console.log(method, url.slice(0, 80), String(body).slice(0, 80), res.status, JSON.stringify(res.json).slice(0, 120))
        if (res.status >= 400) {
          const error = (res.json as { error?: { code?: unknown } })?.error
          expect(typeof error?.code, `${method} ${url} answered ${res.status} ${JSON.stringify(res.json).slice(0, 300)}`).toBe('string')
          expect(error?.code).not.toBe('ERR_INTERNAL')
          if (res.status >= 500) expect(DIAL_CODES).toContain(error?.code)
        }
        const named = `${url} ${body}`
        const after = snapshot()
        for (const [id, digest] of before) {
          if (!named.includes(id)) expect(after.get(id), `${method} ${url} changed ${id}`).toBe(digest)
        }
      }), runs(6, 1000))
      expect(n).toBe(runs(6, 1000))
    })
  }

  it('reached both successes and refusals', () => {
    if (process.env.CHAOS_VERBOSE === '1') console.log('statuses', Object.fromEntries(statuses))
    expect([...statuses.keys()].some(s => s < 300)).toBe(true)
    expect([...statuses.keys()].some(s => s >= 400)).toBe(true)
  })
})
