/**
 * GET /api/metrics of a real node: behind the token, Prometheus text, and figures that move when
 * documents are created and when a peer's input is refused.
 */
import { describe, it, expect, afterEach } from 'vitest'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { prefixLogger } from '@libp2p/logger'
import { multiaddr } from '@multiformats/multiaddr'
import { PROTOCOL } from '@commonplace/sync'
import type { Libp2p } from '@libp2p/interface'
import { memoryStore } from '@commonplace/storage'
import { createNode, FILES } from '../src/index.ts'
import { createNodeMetrics } from '../src/metrics.ts'
import type { CommonplaceNode } from '../src/index.ts'

const cleanup: Array<() => Promise<void>> = []
afterEach(async () => { for (const step of cleanup.splice(0).reverse()) await step() })

async function start (): Promise<{ node: CommonplaceNode, token: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cp-metrics-'))
  cleanup.push(async () => { rmSync(dataDir, { recursive: true, force: true }) })
  const node = await createNode({
    dataDir, name: 'Riverside Surgery', listen: ['/ip4/127.0.0.1/tcp/0'], http: { host: '127.0.0.1', port: 0 }, mdns: false, web: false, metrics: true, logger: prefixLogger('metrics')
  })
  await node.start()
  cleanup.push(async () => { await node.stop() })
  return { node, token: readFileSync(join(dataDir, FILES.token), 'utf8').trim() }
}

async function scrape (node: CommonplaceNode, token: string): Promise<string> {
  const res = await fetch(`${node.apiUrl}/api/metrics`, { headers: { authorization: `Bearer ${token}` } })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
  return await res.text()
}

/** A JSON request with the token; throws on an error answer. */
async function api (node: CommonplaceNode, token: string, method: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${node.apiUrl}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body)
  })
  const json = await res.json() as Record<string, unknown>
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(json)}`)
  return json
}

/** The value of a sample line `name{labels} value` (undefined when absent). */
function sample (text: string, series: string): number | undefined {
  const line = text.split('\n').find(l => l.startsWith(`${series} `))
  return line == null ? undefined : Number(line.slice(series.length + 1))
}

/** A plain libp2p peer, to speak the sync protocol badly. */
async function rawPeer (): Promise<Libp2p> {
  const peer = await createLibp2p({ transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()], services: { identify: identify() } })
  cleanup.push(async () => { await peer.stop() })
  return peer
}

describe('GET /api/metrics', () => {
  it('answers 401 without the token', async () => {
    const { node } = await start()
    const res = await fetch(`${node.apiUrl}/api/metrics`)
    expect(res.status).toBe(401)
    expect((await res.json()).error.code).toBe('ERR_UNAUTHORISED')
  })

  it('serves libp2p and node metrics as Prometheus text', async () => {
    const { node, token } = await start()
    const text = await scrape(node, token)
    for (const name of ['commonplace_documents_held', 'commonplace_documents_open', 'commonplace_sync_queue_depth',
      'commonplace_refused_inputs_total', 'commonplace_event_loop_delay_seconds', 'commonplace_disk_sync_seconds', 'commonplace_heap_used_bytes', 'libp2p_']) {
      expect(text).toContain(name)
    }
    expect(text).toMatch(/^# TYPE commonplace_disk_sync_seconds histogram$/m)
    expect(sample(text, 'commonplace_heap_used_bytes')).toBeGreaterThan(0)
    expect(sample(text, 'commonplace_heap_total_bytes')).toBeGreaterThanOrEqual(sample(text, 'commonplace_heap_used_bytes') ?? Infinity)
    expect(sample(text, 'commonplace_heap_young_bytes')).toBeGreaterThan(0)
    expect(sample(text, 'commonplace_heap_young_bytes')).toBeLessThan(sample(text, 'commonplace_heap_total_bytes') ?? 0)
  })

  it('counts documents held and disk syncs after documents are created', async () => {
    const { node, token } = await start()
    const before = await scrape(node, token)
    for (const title of ['Hand hygiene audit', 'Falls prevention huddle']) {
      expect((await api(node, token, 'POST', '/api/docs', { title })).title).toBe(title)
    }
    const after = await scrape(node, token)
    expect(sample(after, 'commonplace_documents_held')).toBe((sample(before, 'commonplace_documents_held') ?? 0) + 2)
    expect(sample(after, 'commonplace_disk_sync_seconds_count')).toBeGreaterThan(sample(before, 'commonplace_disk_sync_seconds_count') ?? 0)
  })

  it('counts a malformed sync frame from a peer as a refused input', async () => {
    const { node, token } = await start()
    const series = 'commonplace_refused_inputs_total{protocol="sync",reason="ERR_MALFORMED_MESSAGE"}'
    expect(sample(await scrape(node, token), series)).toBeUndefined()
    const peer = await rawPeer()
    // the node takes connections only from organisations it has something to do with: share a document
    const created = await api(node, token, 'POST', '/api/docs', { title: 'Sepsis screening pathway' })
    expect((await api(node, token, 'POST', `/api/docs/${created.id as string}/share`, { with: peer.peerId.toString(), role: 'read' })).id).toBe(created.id)
    const closed = new Promise<void>(resolve => {
      node.libp2p.services.sync.addEventListener('sync:close', () => { resolve() }, { once: true })
    })
    const stream = await peer.dialProtocol(multiaddr(node.listenAddresses()[0]), PROTOCOL)
    // a length prefix of 3 and three bytes that are no frame
    stream.send(new Uint8Array([3, 0xff, 0xff, 0xff]))
    await closed
    expect(sample(await scrape(node, token), series)).toBe(1)
  })
})

describe('the node health', () => {
  it('reports no degraded state and the event-loop delay in /api/status', async () => {
    const { node, token } = await start()
    const res = await fetch(`${node.apiUrl}/api/status`, { headers: { authorization: `Bearer ${token}` } })
    expect(await res.json()).toMatchObject({ degraded: [], eventLoopDelay: { p50Ms: expect.any(Number), p99Ms: expect.any(Number), maxMs: expect.any(Number) } })
  })

  it('is degraded while writes fail with ERR_STORAGE_FULL, and healthy again once one lands', () => {
    const metrics = createNodeMetrics({ enabled: false })
    const storage = metrics.watchStorage(memoryStore({ quotaBytes: 64 }))
    expect(() => { storage.write([{ type: 'put', key: 'd/big', value: new Uint8Array(128) }]) }).toThrow(expect.objectContaining({ code: 'ERR_STORAGE_FULL' }))
    expect(metrics.health.degraded()).toEqual([expect.objectContaining({ code: 'ERR_STORAGE_FULL', message: expect.stringContaining('disk is full') })])
    storage.write([{ type: 'put', key: 'd/small', value: new Uint8Array(8) }])
    expect(metrics.health.degraded()).toEqual([])
  })
})
