/**
 * Workload "people" (docs/people.md): a person signing in at the node, password hashing included;
 * and many people of one organisation on one document, each a simulated browser speaking the web
 * app's sync protocol over its own session: how long an edit by one takes to reach all the others,
 * and the node's memory per connected person.
 */
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { WebSocket } from 'ws'
import type { CommonplaceNode } from '@commonplace/node'
import { latencyMetrics, median } from './measure.ts'
import { benchNode } from './systems/commonplace/fixtures.ts'
import { WorkloadId } from './types.ts'
import type { BenchConfig, Metrics, RunContext, Scenario } from './types.ts'

const VERSION = 'commonplace 0.1.0 people (scrypt N=2^15, ws)'
const PASSWORD = 'correct horse battery'
/** Sign-ins timed (after one untimed). */
const SIGN_INS = 10

export function peopleScenarios (config: BenchConfig): Scenario[] {
  const people = config.quick ? 10 : 50
  const edits = config.quick ? 20 : 100
  const scenario = (variant: string, run: (ctx: RunContext) => Promise<Metrics>): Scenario =>
    ({ workload: WorkloadId.people, variant, system: 'commonplace', version: VERSION, run })
  return [
    scenario('sign in with name and password', signIn),
    scenario(`${people} people on one document, ${edits} edits`, async ctx => await fanOut(ctx, people, edits))
  ]
}

/** A browser of one person: its session cookie. */
interface Session { cookie: string }

async function call (node: CommonplaceNode, session: Session | undefined, method: string, path: string, body?: unknown): Promise<{ json: any, cookie?: string }> {
  const res = await fetch(`${node.apiUrl}${path}`, {
    method,
    headers: { origin: node.apiUrl, 'content-type': 'application/json', ...(session != null ? { cookie: session.cookie } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {})
  })
  const json = await res.json()
  if (!res.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json)}`)
  return { json, cookie: res.headers.get('set-cookie')?.split(';')[0] }
}

/** A node whose organisation is set up, and its first admin's session. */
async function organisation (ctx: RunContext): Promise<{ node: CommonplaceNode, admin: Session }> {
  const node = await benchNode(ctx.tmpDir(), 'Riverside Surgery')
  const link = await fetch(node.loginLink()!, { redirect: 'manual' })
  const holder = { cookie: (link.headers.get('set-cookie') ?? '').split(';')[0] }
  const { cookie } = await call(node, holder, 'POST', '/api/people/setup', { name: 'Amara Okafor', password: PASSWORD })
  return { node, admin: { cookie: cookie! } }
}

/** `POST /api/people/sign-in`, answered: scrypt, the session written, the cookie. */
async function signIn (ctx: RunContext): Promise<Metrics> {
  const { node } = await organisation(ctx)
  try {
    const times: number[] = []
    for (let i = 0; i <= SIGN_INS; i++) {
      const start = performance.now()
      await call(node, undefined, 'POST', '/api/people/sign-in', { login: 'Amara Okafor', password: PASSWORD })
      if (i > 0) times.push(performance.now() - start)
    }
    return { ms: median(times), maxMs: Math.max(...times) }
  } finally {
    await node.stop()
  }
}

/** One simulated page: its socket, its own Yjs client, and when each edit's update reached it. */
interface Page { ws: WebSocket, doc: Y.Doc, arrivals: number[] }

async function openPage (node: CommonplaceNode, session: Session, docId: string): Promise<Page> {
  const { json } = await call(node, session, 'POST', `/api/web/docs/${docId}/clients`)
  const doc = new Y.Doc()
  doc.clientID = json.client as number
  const ws = new WebSocket(`${node.apiUrl.replace('http', 'ws')}/ws/${docId}?clients=${doc.clientID}`, { headers: { cookie: session.cookie, origin: node.apiUrl } })
  const page: Page = { ws, doc, arrivals: [] }
  ws.on('message', (data: Buffer) => {
    // sync (0), update (2): an edit the node broadcast
    if (data[0] === 0 && data[1] === 2) page.arrivals.push(performance.now())
  })
  await new Promise<void>((resolve, reject) => { ws.once('open', () => { resolve() }); ws.once('error', reject) })
  return page
}

/** Each edit by one page (in turn), timed until every other page has it. */
async function fanOut (ctx: RunContext, count: number, edits: number): Promise<Metrics> {
  const { node, admin } = await organisation(ctx)
  const pages: Page[] = []
  try {
    const docId = (await call(node, admin, 'POST', '/api/docs', { title: 'Hand hygiene' })).json.id as string
    const sessions: Session[] = []
    for (let i = 0; i < count; i++) {
      const invited = await call(node, admin, 'POST', '/api/people/invitations', { name: `Person ${i}`, role: 'editor' })
      const token = new URL(invited.json.url as string).hash.slice('#/join/'.length)
      sessions.push({ cookie: (await call(node, undefined, 'POST', '/api/people/invitations/accept', { token, password: PASSWORD })).cookie! })
    }
    const gc = (globalThis as { gc?: () => void }).gc
    gc?.()
    const before = process.memoryUsage().heapUsed
    for (const session of sessions) pages.push(await openPage(node, session, docId))
    gc?.()
    const perPerson = (process.memoryUsage().heapUsed - before) / count
    const times: number[] = []
    for (let i = 0; i < edits; i++) {
      const editor = pages[i % count]
      const others = pages.filter(p => p !== editor)
      const seen = others.map(p => p.arrivals.length)
      const before = Y.encodeStateVector(editor.doc)
      editor.doc.getText('bench').insert(0, 'x')
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, 0)
      encoding.writeVarUint(encoder, 2)
      encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(editor.doc, before))
      const start = performance.now()
      editor.ws.send(encoding.toUint8Array(encoder))
      await new Promise<void>(resolve => {
        const check = (): void => { if (others.every((p, j) => p.arrivals.length > seen[j])) resolve(); else setImmediate(check) }
        check()
      })
      for (const [j, p] of others.entries()) times.push(p.arrivals[seen[j]] - start)
    }
    return { ...latencyMetrics(times), heapPerPersonKB: perPerson / 1024, people: count }
  } finally {
    for (const p of pages) p.ws.terminate()
    await node.stop()
  }
}
