/**
 * What the node relies on from the patches in patches/ (applied by `npm install`, see
 * docs/dependencies.md, "patch-package"): libp2p's peer store orders by code unit rather than with
 * the ICU collator, Noise's decoder waits for a length prefix split across reads, yamux still
 * lets megabytes through a stream when it grants more window only once half of it is used, and the
 * TCP transport writes a small message of several chunks (Noise's length prefix and its
 * ciphertext) with one write.
 */
import { describe, it, expect, afterEach, vi } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, connect, Socket as NetSocket } from 'node:net'
import type { Server, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DocumentStore } from '@commonplace/core'
import { createNode } from '../src/index.ts'
import type { CommonplaceNode } from '../src/index.ts'

const dirs: string[] = []
const running: CommonplaceNode[] = []
const servers: Server[] = []

async function start (name: string): Promise<CommonplaceNode> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cp-patches-'))
  dirs.push(dataDir)
  const node = await createNode({ dataDir, name, listen: ['/ip4/127.0.0.1/tcp/0'], http: { host: '127.0.0.1', port: 0 }, mdns: false })
  await node.start()
  running.push(node)
  return node
}

/**
 * A TCP proxy to `port` that forwards one byte per turn of the event loop each way, so the
 * receiver reads Noise's 2-byte length prefixes split across reads. Resolves with its port.
 */
async function byteAtATimeProxy (port: number): Promise<number> {
  const trickle = (from: Socket, to: Socket): void => {
    const queue: number[] = []
    let pumping = false
    const pump = (): void => {
      const byte = queue.shift()
      if (byte === undefined) { pumping = false; return }
      to.write(Uint8Array.of(byte))
      setImmediate(pump)
    }
    from.on('data', (chunk: Buffer) => {
      queue.push(...chunk)
      if (!pumping) { pumping = true; setImmediate(pump) }
    })
    from.on('close', () => { to.destroy() })
    from.on('error', () => { to.destroy() })
  }
  const server = createServer(client => {
    client.setNoDelay(true)
    const upstream = connect(port, '127.0.0.1')
    upstream.setNoDelay(true)
    trickle(client, upstream)
    trickle(upstream, client)
  })
  servers.push(server)
  await new Promise<void>(resolve => { server.listen(0, '127.0.0.1', resolve) })
  const address = server.address()
  if (address == null || typeof address === 'string') throw new Error('proxy has no port')
  return address.port
}

/** Resolve once `check()` holds, checked after every change and every write (the title in the index is written). */
async function until (store: DocumentStore, check: () => boolean): Promise<void> {
  if (check()) return
  await new Promise<void>(resolve => {
    const test = (): void => { queueMicrotask(() => { if (check()) { offs.forEach(off => { off() }); resolve() } }) }
    const offs = [store.onChange(test), store.onDurable(test)]
  })
}

afterEach(async () => {
  await Promise.all(running.splice(0).map(async n => { await n.stop() }))
  for (const s of servers.splice(0)) s.close()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('patched libp2p dependencies', () => {
  it('the peer store orders metadata keys and protocols by code unit, not by locale', async () => {
    const a = await start('Riverside Surgery')
    const b = await start('Hillview Medical Practice')
    const peerId = b.libp2p.peerId
    await a.libp2p.peerStore.merge(peerId, {
      metadata: { b: Uint8Array.of(1), B: Uint8Array.of(2), a: Uint8Array.of(3) },
      protocols: ['/b/1.0.0', '/B/1.0.0', '/a/1.0.0']
    })
    const peer = await a.libp2p.peerStore.get(peerId)
    // the ICU collator would give a, b, B
    expect([...peer.metadata.keys()].filter(k => k.length === 1)).toEqual(['B', 'a', 'b'])
    const ours = new Set(['/b/1.0.0', '/B/1.0.0', '/a/1.0.0'])
    expect(peer.protocols.filter(p => ours.has(p))).toEqual(['/B/1.0.0', '/a/1.0.0', '/b/1.0.0'])
  })

  it('a document of several megabytes replicates over one stream (yamux window updates at half the window)', async () => {
    const a = await start('Northgate Training Centre')
    const b = await start('Hillview Medical Practice')
    const text = Array.from({ length: 30_000 }, (_, i) => `Step ${i}: check the harness, the anchor point and the rescue plan before work at height.`).join('\n')
    const doc = await a.api.createDoc({ title: 'Working at height: the long checklist', sections: [{ heading: 'Checks', text }] })
    expect(text.length).toBeGreaterThan(2_500_000) // ten times yamux's first window (256 KiB)
    await a.api.share(doc.id, { with: b.orgId, role: 'read' })
    await b.api.connect(a.listenAddresses()[0])
    await until(b.store, () => b.store.info(doc.id)?.title === 'Working at height: the long checklist')
    expect((await b.api.getDoc(doc.id)).sections[0].markdown).toContain('Step 29999: check the harness')
  })

  it('a connection whose bytes arrive one at a time still replicates a document (Noise length prefixes split across reads)', async () => {
    const a = await start('Canal Street Health Centre')
    const b = await start('Hillview Medical Practice')
    const doc = await a.api.createDoc({ title: 'Sharps injury: what to do in the first hour', sections: [{ heading: 'Steps', text: 'Encourage bleeding, wash with soap and water, report.' }] })
    await a.api.share(doc.id, { with: b.orgId, role: 'read' })
    const tcpPort = a.listenAddresses().map(s => /^\/ip4\/127\.0\.0\.1\/tcp\/(\d+)\/p2p\//.exec(s)?.[1]).find(p => p != null)
    if (tcpPort == null) throw new Error('no TCP address')
    const port = await byteAtATimeProxy(Number(tcpPort))
    const peer = await b.api.connect(`/ip4/127.0.0.1/tcp/${port}/p2p/${a.orgId}`)
    expect(peer.orgId).toBe(a.orgId)
    await until(b.store, () => b.store.info(doc.id)?.title === 'Sharps injury: what to do in the first hour')
    expect((await b.api.getDoc(doc.id)).sections[0].markdown).toContain('wash with soap and water')
  })

  it('a Noise message leaves in one socket write: its 2-byte length prefix is never written alone', async () => {
    const a = await start('Riverside Surgery')
    const b = await start('Canal Street Health Centre')
    const proto = NetSocket.prototype as unknown as { _write: (...args: unknown[]) => void, _writev: (...args: unknown[]) => void }
    const single = vi.spyOn(proto, '_write')
    const vectored = vi.spyOn(proto, '_writev')
    const chunks = (): Uint8Array[] => [
      ...single.mock.calls.map(([chunk]) => chunk as Uint8Array),
      ...vectored.mock.calls.flatMap(([list]) => (list as Array<{ chunk: Uint8Array }>).map(c => c.chunk))
    ]
    try {
      const doc = await a.api.createDoc({ title: 'Cold chain: vaccine fridge checks', sections: [{ heading: 'Daily', text: 'Read and record the minimum and maximum twice a day.' }] })
      await a.api.share(doc.id, { with: b.orgId, role: 'read' })
      await b.api.connect(a.listenAddresses()[0])
      await until(b.store, () => b.store.info(doc.id)?.title === 'Cold chain: vaccine fridge checks')
      const written = chunks()
      // every message after the handshake is Noise's: a lone 2-byte chunk would be its length prefix
      expect(written.length).toBeGreaterThan(10)
      expect(written.filter(chunk => chunk.byteLength === 2)).toEqual([])
    } finally {
      single.mockRestore()
      vectored.mockRestore()
    }
  })
})
