/**
 * A Commonplace node in its own process for workload 3 across processes (../../cross-process.ts).
 *   → { cmd: 'start', dataDir }                 ← { orgId, addr }
 *   → { cmd: 'host', seed, shareWith }          ← { id, length }   (A: one document, shared for editing)
 *   → { cmd: 'join', addr, id, length }         ← { joined }       (B: dial A, wait for the document)
 *   → { cmd: 'watch', id }                      ← { watching }     (B: report arrivals)
 *   → { cmd: 'edit', i }                           no reply        (A: one character, time taken first)
 *   → { cmd: 'times' }                          ← { times }
 *   → { cmd: 'stop' }                           ← exits
 */
import { multiaddr } from '@multiformats/multiaddr'
import type { DocId, OrgId } from '@commonplace/core'
import type { CommonplaceNode } from '@commonplace/node'
import { makeDocs } from '../../content.ts'
import { arrivals, clock, servePeer } from '../../serve-peer.ts'
import { benchNode, bodyLength, createDocs, shareDocs, whenBodies } from './fixtures.ts'

let node: CommonplaceNode | undefined
let dataDir = ''
let doc: DocId | undefined
const made: number[] = []
const seen = arrivals()

servePeer(handle)

async function handle (msg: any): Promise<void> {
  switch (msg.cmd) {
    case 'start':
      dataDir = msg.dataDir
      node = await benchNode(dataDir, 'peer')
      process.send?.({ orgId: node.orgId, addr: node.listenAddresses()[0] })
      return
    case 'host': {
      const n = node as CommonplaceNode
      ;[doc] = await createDocs(n, makeDocs(msg.seed as number, 1, 1000))
      await shareDocs(n, dataDir, [doc], [msg.shareWith as OrgId], 'edit')
      process.send?.({ id: doc, length: bodyLength(n, doc) })
      return
    }
    case 'join': {
      const n = node as CommonplaceNode
      doc = msg.id as DocId
      const done = whenBodies(n, [doc], [msg.length as number])
      await n.libp2p.dial(multiaddr(msg.addr as string))
      await done
      process.send?.({ joined: true })
      return
    }
    case 'watch': {
      const n = node as CommonplaceNode
      const id = doc as DocId
      const start = bodyLength(n, id)
      n.store.onChange(c => { if (c.id === id && c.update != null) seen.seen(bodyLength(n, id) - start) })
      process.send?.({ watching: true })
      return
    }
    case 'edit': {
      const i = msg.i as number
      made.push(clock())
      ;(node as CommonplaceNode).store.edit(doc as DocId, d => { d.getText('body').insert(i % 500, 'x') })
      return
    }
    case 'times':
      process.send?.({ times: made.length > 0 ? made : seen.times })
      return
    case 'stop':
      await node?.stop()
      process.exit(0)
  }
}
