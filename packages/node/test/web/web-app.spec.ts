/**
 * The node's side of the web app, in process: the login link, the session cookie and the Origin
 * rule, the y-websocket endpoint on the document store (its refusal of a reader's edits and of edits
 * written with a client id the node did not issue to the tab; a tab's edits signed, after a restart
 * too), and awareness between two nodes over /commonplace/awareness/2.0.0.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { prefixLogger } from '@libp2p/logger'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as awarenessProtocol from 'y-protocols/awareness'
import { WebSocket } from 'ws'
import type { DocId, DocumentStore } from '@commonplace/core'
import { createNode } from '../../src/index.ts'
import type { CommonplaceNode } from '../../src/index.ts'

const dirs: string[] = []
const running: CommonplaceNode[] = []
const dataDirs = new Map<CommonplaceNode, string>()
const dataDirOf = (node: CommonplaceNode): string => dataDirs.get(node)!
const sockets: WebSocket[] = []

async function start (name: string, dataDir = mkdtempSync(join(tmpdir(), 'cp-web-'))): Promise<CommonplaceNode> {
  const root = mkdtempSync(join(tmpdir(), 'cp-web-root-'))
  dirs.push(dataDir, root)
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Commonplace</title>')
  const node = await createNode({
    dataDir, name, listen: ['/ip4/127.0.0.1/tcp/0'], http: { host: '127.0.0.1', port: 0 }, logger: prefixLogger(name), web: { root }
  })
  await node.start()
  running.push(node)
  dataDirs.set(node, dataDir)
  return node
}

afterEach(async () => {
  for (const ws of sockets.splice(0)) if (ws.readyState === ws.OPEN) ws.terminate()
  await Promise.all(running.splice(0).map(async n => { await n.stop() }))
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** Spend a login link; the `name=value` of the session cookie. */
async function login (node: CommonplaceNode): Promise<string> {
  const res = await fetch(node.loginLink()!, { redirect: 'manual' })
  expect(res.status).toBe(303)
  return (res.headers.get('set-cookie') ?? '').split(';')[0]
}

async function until (store: DocumentStore, check: () => boolean): Promise<void> {
  if (check()) return
  await new Promise<void>(resolve => {
    const off = store.onChange(() => { queueMicrotask(() => { if (check()) { off(); resolve() } }) })
  })
}

/** A browser's socket on `doc`: every message it receives, and a way to wait for one. */
function socket (node: CommonplaceNode, doc: string, headers: Record<string, string>, clients: number[] = []): { ws: WebSocket, next: (match: (m: Uint8Array) => boolean) => Promise<Uint8Array>, opened: Promise<void> } {
  const ws = new WebSocket(`${node.apiUrl.replace('http', 'ws')}/ws/${doc}?clients=${clients.join(',')}`, { headers })
  sockets.push(ws)
  ws.on('error', () => {}) // a refused upgrade is what some tests expect
  const seen: Uint8Array[] = []
  const waiting: Array<{ match: (m: Uint8Array) => boolean, resolve: (m: Uint8Array) => void }> = []
  ws.on('message', (data: Buffer) => {
    const message = new Uint8Array(data)
    seen.push(message)
    for (const w of waiting.splice(0)) { if (w.match(message)) w.resolve(message); else waiting.push(w) }
  })
  return {
    ws,
    opened: new Promise((resolve, reject) => { ws.once('open', () => { resolve() }); ws.once('unexpected-response', (_req, res) => { reject(new Error(`HTTP ${res.statusCode}`)) }) }),
    next: async (match) => {
      const found = seen.find(match)
      if (found != null) return found
      return await new Promise(resolve => { waiting.push({ match, resolve }) })
    }
  }
}

function updateMessage (update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 0) // sync
  encoding.writeVarUint(encoder, 2) // update
  encoding.writeVarUint8Array(encoder, update)
  return encoding.toUint8Array(encoder)
}

/** A client id the node issues to a tab of `doc` (the page's request, with its cookie). */
async function issue (node: CommonplaceNode, doc: DocId, cookie: string): Promise<number> {
  const res = await fetch(`${node.apiUrl}/api/web/docs/${doc}/clients`, { method: 'POST', headers: { cookie, origin: node.apiUrl } })
  expect(res.status).toBe(200)
  return (await res.json() as { client: number }).client
}

/** An update that retitles the document, made on a copy of what the node holds, written as `client` (random when absent). */
function retitle (node: CommonplaceNode, doc: DocId, title: string, client?: number): Uint8Array {
  const copy = new Y.Doc({ guid: doc })
  Y.applyUpdate(copy, node.store.diff(doc))
  if (client != null) copy.clientID = client
  const before = Y.encodeStateVector(copy)
  copy.getMap('meta').set('title', title)
  return Y.encodeStateAsUpdate(copy, before)
}

const messageType = (m: Uint8Array): number => decoding.readVarUint(decoding.createDecoder(m))

describe('web app on the node', () => {
  it('serves the app with a strict CSP, and a login link works once', async () => {
    const a = await start('Riverside Surgery')
    const page = await fetch(`${a.apiUrl}/`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'")
    expect(await page.text()).toContain('<title>Commonplace</title>')
    const link = a.loginLink()!
    const first = await fetch(link, { redirect: 'manual' })
    expect(first.status).toBe(303)
    expect(first.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/)
    expect((await fetch(link, { redirect: 'manual' })).status).toBe(403)
    expect((await fetch(`${a.apiUrl}/login?token=made-up`, { redirect: 'manual' })).status).toBe(403)
    // a local client with the API token can ask for another link
    const token = readFileSync(join(dataDirOf(a), 'api-token'), 'utf8').trim()
    const minted = await fetch(`${a.apiUrl}/api/web/login-links`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })
    const { url } = await minted.json() as { url: string }
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(303)
  })

  it('a session cookie drives the API only from the node\'s own origin', async () => {
    const a = await start('Riverside Surgery')
    const cookie = await login(a)
    const own = a.apiUrl
    const post = async (headers: Record<string, string>): Promise<number> =>
      (await fetch(`${a.apiUrl}/api/docs`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ title: 'Vaccine fridge cold-chain breach' }) })).status
    expect((await fetch(`${a.apiUrl}/api/docs`, { headers: { cookie } })).status).toBe(200)
    expect(await post({ cookie, origin: own })).toBe(201)
    expect(await post({ cookie })).toBe(403)
    expect(await post({ cookie, origin: 'http://127.0.0.1:1' })).toBe(403)
    expect(await post({ cookie, origin: 'http://evil.example' })).toBe(403)
    const [name, value] = cookie.split('=')
    expect(await post({ cookie: `${name}=${value.slice(0, -2)}xx`, origin: own })).toBe(401)
    expect(await post({ cookie: `commonplace_session_1=${value}`, origin: own })).toBe(401)
    const search = await fetch(`${a.apiUrl}/api/search?q=fridge`, { headers: { cookie } })
    expect((await search.json() as Array<{ title: string }>).map(h => h.title)).toEqual(['Vaccine fridge cold-chain breach'])
  })

  it('opens a document\'s WebSocket only for the node\'s origin with a session, and applies a browser edit as this organisation\'s', async () => {
    const a = await start('Riverside Surgery')
    const cookie = await login(a)
    const doc = (await a.api.createDoc({ title: 'Care navigation scripts for reception' })).id
    await expect(socket(a, doc, { cookie, origin: 'http://127.0.0.1:1' }).opened).rejects.toThrow('HTTP 403')
    await expect(socket(a, doc, { origin: a.apiUrl }).opened).rejects.toThrow('HTTP 401')
    const client = await issue(a, doc, cookie)
    const browser = socket(a, doc, { cookie, origin: a.apiUrl }, [client])
    await browser.opened
    await browser.next(m => messageType(m) === 0)
    const changes: Array<{ origin: string, signed: number }> = []
    a.store.onChange(change => { changes.push({ origin: change.origin.kind, signed: change.signed?.length ?? 0 }) })
    browser.ws.send(updateMessage(retitle(a, doc, 'Care navigation scripts (reception)', client)))
    await until(a.store, () => (titleOf(a, doc)) === 'Care navigation scripts (reception)')
    // the tab's edit is the organisation's, signed into one envelope like the node's own edits
    expect(changes).toContainEqual({ origin: 'local', signed: 1 })
  })

  it('refuses a browser update written with a client id the node did not issue to the tab, and changes nothing', async () => {
    const a = await start('Riverside Surgery')
    const cookie = await login(a)
    const doc = (await a.api.createDoc({ title: 'Two-week-wait referrals' })).id
    const client = await issue(a, doc, cookie)
    // a tab naming an id the node never issued gets no right to write with it
    const browser = socket(a, doc, { cookie, origin: a.apiUrl }, [client, 12345])
    await browser.opened
    await browser.next(m => messageType(m) === 0)
    const changes: string[] = []
    a.store.onChange(change => { changes.push(change.origin.kind) })
    for (const forged of [12345, Math.floor(Math.random() * 2 ** 32)]) {
      browser.ws.send(updateMessage(retitle(a, doc, 'Forged title', forged)))
      const denied = await browser.next(m => messageType(m) === 2 && new TextDecoder().decode(m).includes('ERR_FOREIGN_CLIENT'))
      expect(denied.byteLength).toBeGreaterThan(0)
    }
    // the socket stays for what is valid: the tab's own edit still lands, and nothing of the forged ones
    browser.ws.send(updateMessage(retitle(a, doc, 'Two-week-wait referrals (2WW)', client)))
    await until(a.store, () => titleOf(a, doc) === 'Two-week-wait referrals (2WW)')
    expect(changes).toEqual(['local'])
    expect(a.store.read(doc, d => [...d.store.clients.keys()])).not.toContain(12345)
  })

  it('accepts, after a restart, an edit written offline with an id issued before it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cp-web-'))
    const a = await start('Riverside Surgery', dataDir)
    const cookie = await login(a)
    const doc = (await a.api.createDoc({ title: 'Cold chain incidents' })).id
    const client = await issue(a, doc, cookie)
    const offline = retitle(a, doc, 'Cold chain incidents (offline edit)', client)
    await a.stop()
    running.splice(running.indexOf(a), 1)
    const again = await start('Riverside Surgery', dataDir)
    const signed: number[] = []
    again.store.onChange(change => { if (change.origin.kind === 'local') signed.push(change.signed?.length ?? 0) })
    // the cookie's name carries the port, and the restarted node listens on another one
    const browser = socket(again, doc, { cookie: await login(again), origin: again.apiUrl }, [client])
    await browser.opened
    browser.ws.send(updateMessage(offline))
    await until(again.store, () => titleOf(again, doc) === 'Cold chain incidents (offline edit)')
    expect(signed).toEqual([1])
  })

  it('refuses the edits of a browser whose organisation may only read; awareness reaches a peer that may read', async () => {
    const [a, b] = await Promise.all([start('Riverside Surgery'), start('Hillview Medical Practice')])
    const doc = (await a.api.createDoc({ title: 'Handling abnormal blood results' })).id
    await a.api.share(doc, { with: b.orgId, role: 'read' })
    await b.api.connect(a.listenAddresses()[0])
    await until(b.store, () => b.store.has(doc))

    const reader = socket(b, doc, { cookie: await login(b), origin: b.apiUrl })
    await reader.opened
    reader.ws.send(updateMessage(retitle(b, doc, 'Changed by a reader')))
    const denied = await reader.next(m => messageType(m) === 2)
    expect(new TextDecoder().decode(denied)).toContain('read-only')
    expect(titleOf(b, doc)).toBe('Handling abnormal blood results')

    const writer = socket(a, doc, { cookie: await login(a), origin: a.apiUrl })
    await writer.opened
    const awareness = new awarenessProtocol.Awareness(new Y.Doc())
    awareness.setLocalStateField('user', { name: 'Riverside Surgery', color: '#b3261e' })
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, 1)
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID]))
    writer.ws.send(encoding.toUint8Array(encoder))
    const seen = await reader.next(m => messageType(m) === 1 && new TextDecoder().decode(m).includes('Riverside Surgery'))
    expect(seen.byteLength).toBeGreaterThan(0)
    awareness.destroy()
  })
})

function titleOf (node: CommonplaceNode, doc: DocId): string {
  return node.store.read(doc, d => String(d.getMap('meta').get('title')))
}
