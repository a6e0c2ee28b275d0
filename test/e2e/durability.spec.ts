/**
 * Acceptance: a node killed (SIGKILL) in the middle of a burst of edits from a peer still holds
 * every edit it had acknowledged. What arrives while its disk syncs waits, staged, and is written
 * as one batch when the sync lands (group commit, docs/storage.md): an ACK must still mean "on
 * disk".
 */
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createNode } from '@commonplace/node'
import type { CommonplaceNode } from '@commonplace/node'
import { sqliteStore } from '@commonplace/storage'
import { createDocumentStore } from '@commonplace/docstore'
import type { DocId } from '@commonplace/core'
import { cliOk, showDoc } from '../helpers/cli.ts'
import { eventually } from '../helpers/eventually.ts'
import { nodeGroup } from '../helpers/node-process.ts'
import { tempDataDir } from '../helpers/data-folder.ts'
import { killAllChildren } from '../helpers/processes.ts'
import type { ExitInfo } from '../helpers/processes.ts'

const TITLE = 'Vaccine fridge cold-chain breach: first-hour checklist'
const EDITS = 600
/** B is killed once it has acknowledged this many of A's edits; A goes on editing. */
const KILL_AFTER = 150

/** The items a document holds, summed over its clients (the clocks of its state vector). */
function items (doc: Y.Doc): number {
  let n = 0
  for (const clock of Y.decodeStateVector(Y.encodeStateVector(doc)).values()) n += clock
  return n
}

describe('a node killed in the middle of a burst of edits from a peer', () => {
  const group = nodeGroup()
  let a: CommonplaceNode | undefined

  afterAll(async () => {
    await a?.stop()
    await group.destroyAll()
    await killAllChildren()
  })

  it('holds, on its disk after the crash, every edit it had acknowledged', async () => {
    const [b] = await group.start('Riverside Surgery')
    a = await createNode({
      dataDir: tempDataDir('Canal Street Health Centre'),
      name: 'Canal Street Health Centre',
      listen: ['/ip4/127.0.0.1/tcp/0'],
      http: { host: '127.0.0.1', port: 0 }
    })
    await a.start()
    const A = a
    const { id } = await A.api.createDoc({ title: TITLE, sections: [{ heading: 'Practice', text: 'Read the min/max thermometer.' }] })
    await A.api.share(id, { with: b.orgId, role: 'edit' })
    await cliOk(b.dataDir, ['connect', A.listenAddresses()[0]])
    await eventually(async () => { expect((await showDoc(b.dataDir, id)).title).toBe(TITLE) }, { what: 'B holds the document' })
    await A.store.whenDurable()

    // A's items after each of its changes, by change sequence number (what A's MARKs count)
    const start = A.store.changeSeq
    const itemsAt = new Map<number, number>([[start, A.store.read(id as DocId, items)]])
    let acked = 0
    let killed: Promise<ExitInfo> | undefined
    const onAck = (event: CustomEvent<{ peer: string, seq: number }>): void => {
      if (event.detail.peer !== b.orgId) return
      acked = Math.max(acked, event.detail.seq)
      if (killed == null && acked >= start + KILL_AFTER) killed = b.kill()
    }
    A.libp2p.services.sync.addEventListener('sync:ack', onAck)
    try {
      for (let i = 0; i < EDITS; i++) {
        await A.api.editDoc(id, { append: { section: 'Practice', text: `Reading ${i}: 5.${i % 4} °C` } })
        itemsAt.set(A.store.info(id as DocId)?.changeSeq ?? -1, A.store.read(id as DocId, items))
        // a turn of the event loop between edits: frames go out, ACKs come back
        await new Promise(resolve => setImmediate(resolve))
      }
    } finally {
      A.libp2p.services.sync.removeEventListener('sync:ack', onAck)
    }
    expect(killed).toBeDefined()
    expect(await killed).toEqual({ code: null, signal: 'SIGKILL' })

    // B's data folder as B's next start opens it (SQLite recovers from its WAL)
    const storage = sqliteStore({ path: join(b.dataDir, 'commonplace.db') })
    let held: number
    try {
      held = createDocumentStore({ storage }).read(id as DocId, items)
    } finally {
      storage.close()
    }
    const promised = itemsAt.get(acked)
    expect(promised).toBeDefined()
    expect(acked).toBeGreaterThanOrEqual(start + KILL_AFTER)
    expect(held).toBeGreaterThanOrEqual(promised as number)
    // and the crash did come in the middle: A made edits B never saw
    expect(held).toBeLessThan(A.store.read(id as DocId, items))

    // restarted, B serves the document with what it held
    await b.restart()
    const doc = await showDoc(b.dataDir, id)
    expect(doc.title).toBe(TITLE)
  })
})
