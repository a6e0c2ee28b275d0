/**
 * A Commonplace node in its own process, driven by the benchmark over IPC, so that its memory
 * (peak RSS) and start-up are its own. Messages:
 *   → { cmd: 'start', dataDir }                      ← { ready, orgId, startMs }
 *   → { cmd: 'sync', addr, ids, lengths }            ← { synced, ms }   (dial, wait for every body)
 *   → { cmd: 'open', count }                         ← { opened, rssMB }
 *   → { cmd: 'rss' }                                 ← { rssMB, peakRssMB }
 *   → { cmd: 'stop' }                                ← exits
 */
import { multiaddr } from '@multiformats/multiaddr'
import type { DocId } from '@commonplace/core'
import type { CommonplaceNode } from '@commonplace/node'
import { benchNode, whenBodies } from './fixtures.ts'
import { peakRssMB, rssMB } from '../../measure.ts'

let node: CommonplaceNode | undefined

function send (message: Record<string, unknown>): void {
  process.send?.(message)
}

function gc (): void {
  (globalThis as { gc?: () => void }).gc?.()
}

process.on('message', (msg: any) => {
  handle(msg).catch(err => {
    send({ error: String((err as Error).stack ?? err) })
    process.exit(1)
  })
})

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
      const start = performance.now()
      const done = whenBodies(n, msg.ids as DocId[], msg.lengths as number[])
      await n.libp2p.dial(multiaddr(msg.addr as string))
      await done
      send({ synced: true, ms: performance.now() - start })
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
