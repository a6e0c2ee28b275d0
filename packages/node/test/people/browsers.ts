/**
 * One real node in process with a stand-in web app, and "browsers" (cookie jars) that use its
 * people routes and live connections: the people specs' fixtures.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import { prefixLogger } from '@libp2p/logger'
import * as decoding from 'lib0/decoding'
import { WebSocket } from 'ws'
import type { DocId } from '@commonplace/core'
import { createNode } from '../../src/index.ts'
import type { CommonplaceNode } from '../../src/index.ts'

export const PASSWORD = 'correct horse battery'
const dirs: string[] = []
const running: CommonplaceNode[] = []
const sockets: WebSocket[] = []
const streams: AbortController[] = []

/** Close the sockets, stop the nodes and remove the folders the tests made (in afterEach). */
export async function cleanUp (): Promise<void> {
  for (const ws of sockets.splice(0)) ws.terminate()
  for (const stream of streams.splice(0)) stream.abort()
  await Promise.all(running.splice(0).map(async n => { await n.stop() }))
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
}

/** Start a node on a new data folder, or again on `dataDir` (a restart). */
export async function start (dataDir = mkdtempSync(join(tmpdir(), 'cp-people-'))): Promise<{ node: CommonplaceNode, token: string, dataDir: string }> {
  const root = mkdtempSync(join(tmpdir(), 'cp-people-root-'))
  dirs.push(dataDir, root)
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Commonplace</title>')
  const node = await createNode({ dataDir, listen: ['/ip4/127.0.0.1/tcp/0'], http: { host: '127.0.0.1', port: 0 }, logger: prefixLogger('people'), web: { root }, mdns: false })
  await node.start()
  running.push(node)
  return { node, token: readFileSync(join(dataDir, 'api-token'), 'utf8').trim(), dataDir }
}

/** Stop a node the fixtures started (before a restart on its folder). */
export async function stop (node: CommonplaceNode): Promise<void> {
  running.splice(running.indexOf(node), 1)
  await node.stop()
}

/** A browser: its cookie, kept from the answers' Set-Cookie. */
export class Browser {
  cookie = ''
  readonly node: CommonplaceNode
  /** The page's origin: the node's address, or another of its names (`http://localhost:<port>`), sent as Origin and Host. */
  readonly origin?: string
  constructor (node: CommonplaceNode, origin?: string) {
    this.node = node
    if (origin != null) this.origin = origin
  }

  async request (method: string, path: string, body?: unknown): Promise<{ status: number, json: any }> {
    const origin = this.origin ?? this.node.apiUrl
    const res = await fetch(`${this.node.apiUrl}${path}`, {
      method,
      headers: { origin, host: new URL(origin).host, 'content-type': 'application/json', ...(this.cookie !== '' ? { cookie: this.cookie } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {})
    })
    const set = res.headers.get('set-cookie')
    if (set != null) this.cookie = set.split(';')[0]
    return { status: res.status, json: await res.json() }
  }

  async adminLink (): Promise<string> {
    const res = await fetch(this.node.loginLink()!, { redirect: 'manual' })
    this.cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]
    return res.headers.get('location') ?? ''
  }
}

export async function api (node: CommonplaceNode, token: string, method: string, path: string, body?: unknown): Promise<{ status: number, json: any }> {
  const res = await fetch(`${node.apiUrl}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {})
  })
  return { status: res.status, json: await res.json() }
}

/** Set up the organisation and let an editor and a viewer accept their invitations. */
export async function organisation (): Promise<{ node: CommonplaceNode, token: string, dataDir: string, admin: Browser, editor: Browser, viewer: Browser }> {
  const { node, token, dataDir } = await start()
  const admin = new Browser(node)
  expect(await admin.adminLink()).toBe('/')
  expect((await admin.request('GET', '/api/web/me')).json).toMatchObject({ role: 'admin', needsSetup: true })
  const set = await admin.request('POST', '/api/people/setup', { organisation: 'Riverside Surgery', name: 'Amara Okafor', password: PASSWORD })
  expect(set.status).toBe(200)
  expect(set.json).toMatchObject({ role: 'admin', person: { name: 'Amara Okafor' }, organisation: { name: 'Riverside Surgery' } })
  const browsers: Browser[] = []
  for (const [name, role] of [['Dr Lena Fischer', 'editor'], ['Sam Patel', 'viewer']]) {
    const invited = await admin.request('POST', '/api/people/invitations', { name, role, expires: '7d' })
    expect(invited.status).toBe(200)
    const invitationToken = new URL(invited.json.url).hash.slice('#/join/'.length)
    const browser = new Browser(node)
    expect((await browser.request('GET', `/api/people/invitations/${invitationToken}`)).json).toMatchObject({ name, role, organisation: 'Riverside Surgery' })
    expect((await browser.request('POST', '/api/people/invitations/accept', { token: invitationToken, password: PASSWORD })).json).toMatchObject({ role, person: { name } })
    browsers.push(browser)
  }
  return { node, token, dataDir, admin, editor: browsers[0], viewer: browsers[1] }
}

/** A document's live connection from `browser`, and the messages it receives. */
export async function live (browser: Browser, doc: DocId, clients: number[]): Promise<{ ws: WebSocket, closed: Promise<{ code: number, reason: string }>, denied: Promise<string>, heard: (text: string) => Promise<void>, seen: (text: string) => boolean }> {
  const ws = new WebSocket(`${browser.node.apiUrl.replace('http', 'ws')}/ws/${doc}?clients=${clients.join(',')}`, { headers: { cookie: browser.cookie, origin: browser.node.apiUrl } })
  sockets.push(ws)
  ws.on('error', () => {}) // a refused upgrade is what one test expects
  const denied = new Promise<string>(resolve => {
    ws.on('message', (data: Buffer) => {
      const decoder = decoding.createDecoder(new Uint8Array(data))
      if (decoding.readVarUint(decoder) !== 2) return
      decoding.readVarUint(decoder) // permission denied
      resolve(decoding.readVarString(decoder))
    })
  })
  const closed = new Promise<{ code: number, reason: string }>(resolve => { ws.once('close', (code, reason) => { resolve({ code, reason: reason.toString() }) }) })
  const received: string[] = []
  ws.on('message', (data: Buffer) => { received.push(data.toString('utf8')) })
  /** Resolves once an awareness message (type 1) holding `text` arrived. */
  const heard = async (text: string): Promise<void> => {
    const has = (): boolean => received.some(m => m.charCodeAt(0) === 1 && m.includes(text))
    if (has()) return
    await new Promise<void>(resolve => { const on = (): void => { if (has()) { ws.off('message', on); resolve() } }; ws.on('message', on) })
  }
  await new Promise<void>((resolve, reject) => { ws.once('open', () => { resolve() }); ws.once('unexpected-response', (_req, res) => { reject(new Error(`HTTP ${res.statusCode}`)) }) })
  return { ws, closed, denied, heard, seen: text => received.some(m => m.includes(text)) }
}

/** The browser's event stream (`GET /api/events`), once open (its `ready` event); `ended` resolves when the node ends it. */
export async function eventStream (browser: Browser): Promise<{ ended: Promise<void> }> {
  const controller = new AbortController()
  streams.push(controller)
  const res = await fetch(`${browser.node.apiUrl}/api/events`, { headers: { cookie: browser.cookie }, signal: controller.signal })
  expect(res.status).toBe(200)
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  let text = ''
  while (!text.includes('event: ready')) {
    const { value, done } = await reader.read()
    if (done) throw new Error('The event stream ended before it was ready')
    text += decoder.decode(value)
  }
  const ended = (async () => {
    for (;;) if ((await reader.read()).done) return
  })().catch(() => {}) // aborted by cleanUp, after the test
  return { ended }
}

/** Whether the live connection still answers: a query for awareness (type 3) gets its answer, or the socket closes. */
export async function answers (ws: WebSocket): Promise<boolean> {
  if (ws.readyState !== ws.OPEN) return false
  return await new Promise(resolve => {
    const onMessage = (): void => { done(true) }
    const onClose = (): void => { done(false) }
    const done = (answered: boolean): void => { ws.off('message', onMessage); ws.off('close', onClose); resolve(answered) }
    ws.on('message', onMessage)
    ws.on('close', onClose)
    ws.send(Uint8Array.of(3))
  })
}

/** Resolve once `check()` holds, checking again after every change in the nodes' stores. */
export async function until (nodes: CommonplaceNode[], check: () => Promise<boolean>): Promise<void> {
  await new Promise<void>(resolve => {
    let done = false
    const offs: Array<() => void> = []
    const run = (): void => { void check().then(ok => { if (ok && !done) { done = true; for (const off of offs) off(); resolve() } }) }
    // listen before the first check, so that a change during it is not missed
    offs.push(...nodes.map(n => n.store.onChange(run)))
    run()
  })
}
