/**
 * A Commonplace node in its own process, driven by the benchmark over IPC, so that its memory
 * (peak RSS) and start-up are its own. Messages:
 *   → { cmd: 'start', dataDir }                      ← { ready, orgId, startMs }
 *   → { cmd: 'sync', addr, ids, lengths }            ← { synced, ms, firstMs, cpuMs, idleMs }   (dial, wait for every body)
 *   → { cmd: 'open', count }                         ← { opened, rssMB }
 *   → { cmd: 'rss' }                                 ← { rssMB, peakRssMB }
 *   → { cmd: 'stop' }                                ← exits
 */
import { performance } from 'node:perf_hooks'
import { multiaddr } from '@multiformats/multiaddr'
import type { DocId } from '@commonplace/core'
import type { CommonplaceNode } from '@commonplace/node'
import { benchNode, whenBodies } from './fixtures.ts'
import { peakRssMB, rssMB } from '../../measure.ts'
import { servePeer } from '../../serve-peer.ts'

let node: CommonplaceNode | undefined

function send (message: Record<string, unknown>): void {
  process.send?.(message)
}

function gc (): void {
  (globalThis as { gc?: () => void }).gc?.()
}

servePeer(handle)

async function handle (msg: any): Promise<void> {
  switch (msg.cmd) {
    case 'start': {
      const start = performance.now()
      node = await benchNode(msg.dataDir, 'peer')
      send({ ready: true, orgId: node.orgId, startMs: performance.now() - start })
      return
    }
    case 'sync': {
      const n = node as CommonplaceNode
      const cpu = process.cpuUsage()
      const loop = performance.eventLoopUtilization()
      const start = performance.now()
      let firstMs = NaN
      const offFirst = n.store.onChange(() => { firstMs = performance.now() - start; offFirst() })
      const done = whenBodies(n, msg.ids as DocId[], msg.lengths as number[])
      await n.libp2p.dial(multiaddr(msg.addr as string))
      await done
      const ms = performance.now() - start
      const used = process.cpuUsage(cpu)
      const idle = performance.eventLoopUtilization(loop).idle
      // firstMs: until the first change arrived (connection, handshakes, HELLO); cpuMs: this
      // process's CPU time (user + system) over the sync, less sensitive to a busy machine than
      // ms; idleMs: time its event loop waited (for the connection, then for data)
      send({ synced: true, ms, firstMs, cpuMs: (used.user + used.system) / 1000, idleMs: idle })
      return
    }
    case 'open': {
      const n = node as CommonplaceNode
      const ids = n.store.list().slice(0, msg.count as number).map(i => i.id)
      for (const id of ids) n.store.read(id, d => d.getText('body').length)
      gc()
      send({ opened: ids.length, rssMB: rssMB(), loaded: n.store.loadedCount })
      return
    }
    case 'rss':
      gc()
      send({ rssMB: rssMB(), peakRssMB: peakRssMB() })
      return
    case 'stop':
      await node?.stop()
      process.exit(0)
  }
}
