/**
 * A hub, or one of its clients, in its own process for workload 3 across processes
 * (../cross-process.ts). The server holds the document in memory as in ./hubs.ts.
 *   → { cmd: 'serve', kind, seed }               ← { port }
 *   → { cmd: 'client', kind, port, seed }        ← { synced }    (open the document, wait for its text)
 *   → { cmd: 'watch' }                           ← { watching }  (B: report arrivals)
 *   → { cmd: 'edit', i }                            no reply     (A: one character, time taken first)
 *   → { cmd: 'times' }                           ← { times }
 *   → { cmd: 'stop' }                            ← exits
 */
import type * as Y from 'yjs'
import { makeDocs, prng } from '../content.ts'
import { arrivals, clock, servePeer } from '../serve-peer.ts'
import { LATENCY_DOC, encodeContent, startHub } from './hubs.ts'
import { hubClient, whenFull } from './hubs-peer.ts'
import type { HubClient } from './hubs-peer.ts'

let stop = async (): Promise<void> => {}
let text: Y.Text | undefined
let rand = Math.random
const made: number[] = []
const seen = arrivals()

servePeer(handle)

async function handle (msg: any): Promise<void> {
  switch (msg.cmd) {
    case 'serve': {
      const hub = await startHub(msg.kind, [{ name: LATENCY_DOC, update: encodeContent(makeDocs(msg.seed as number, 1, 1000)[0]) }])
      stop = async () => { await hub.close() }
      process.send?.({ port: hub.port })
      return
    }
    case 'client': {
      const content = makeDocs(msg.seed as number, 1, 1000)[0]
      const client: HubClient = hubClient(msg.kind, msg.port as number)
      stop = async () => { await client.destroy() }
      const doc = client.open(LATENCY_DOC)
      await whenFull(doc, content.text.length)
      text = doc.doc.getText('body')
      // the same positions as the hubs' in-process run (./hubs.ts)
      rand = prng((msg.seed as number) + 3)
      process.send?.({ synced: true })
      return
    }
    case 'watch': {
      const body = text as Y.Text
      const start = body.length
      body.observe(() => { seen.seen(body.length - start) })
      process.send?.({ watching: true })
      return
    }
    case 'edit': {
      const body = text as Y.Text
      const position = Math.floor(rand() * (body.length + 1))
      made.push(clock())
      body.insert(position, String.fromCharCode(97 + ((msg.i as number) % 26)))
      return
    }
    case 'times':
      process.send?.({ times: made.length > 0 ? made : seen.times })
      return
    case 'stop':
      await stop()
      process.exit(0)
  }
}
