/**
 * Crash during a relay (docs/reliability.md, "Crash"): A – B – C in a chain, where A and C never
 * connect and C receives A's document only through B. B is killed (SIGKILL) at a random moment
 * while A and B edit, so what B was relaying is cut off mid-stream; B must hold on disk every edit
 * it had acknowledged, and once B runs again every edit A or B acknowledged reaches C.
 * Quick mode: 2 cycles; `npm run chaos`: 25.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { peerIds } from '../helpers/cli.ts'
import { eventually } from '../helpers/eventually.ts'
import { EditLedger, LOG_SECTION } from '../helpers/ledger.ts'
import { apiOf } from '../helpers/node-api.ts'
import { nodeGroup } from '../helpers/node-process.ts'
import type { NodeProc } from '../helpers/node-process.ts'
import { readOnDisk } from '../helpers/on-disk.ts'
import { killAllChildren } from '../helpers/processes.ts'
import { seededRandom } from '../helpers/random.ts'
import { runLoad } from './crash-load.ts'
import type { CrashLoad } from './crash-load.ts'
import { FULL, SEED } from './generated.ts'

const CYCLES = FULL ? 25 : 2
const START = ['--no-mdns']

describe('crash during a relay: A – B – C, B killed while it relays', () => {
  const group = nodeGroup()
  let a: NodeProc
  let b: NodeProc
  let c: NodeProc
  let docOfA: string
  let docOfB: string

  /** B dials A, C dials B: the chain (the test connects them; A never learns C's address). */
  async function chain (): Promise<void> {
    await (await apiOf(b)).connect(a.addresses[0])
    await (await apiOf(c)).connect(b.addresses[0])
  }

  beforeAll(async () => {
    [a, b, c] = await group.startWith({ args: START }, 'Ausbildungszentrum Nordheide', 'Holzbau Meyer GmbH', 'Brunnenbau Janssen KG')
    const section = [{ heading: LOG_SECTION, text: 'Verbau prüfen.' }]
    docOfA = (await (await apiOf(a)).createDoc({ title: 'Baugrube sichern – Checkliste für Auszubildende', sections: section })).id
    for (const org of [b.orgId, c.orgId]) await (await apiOf(a)).share(docOfA, { with: org, role: 'edit' })
    docOfB = (await (await apiOf(b)).createDoc({ title: 'Betonieren bei Frost', sections: section })).id
    await (await apiOf(b)).share(docOfB, { with: c.orgId, role: 'edit' })
    await (await apiOf(b)).connect(a.addresses[0])
    // B holds A's document, with its grant to C, before C connects (B admits C for it)
    await eventually(async () => {
      expect((await (await apiOf(b)).getDoc(docOfA)).grants.map(g => g.to)).toContain(c.orgId)
    }, { what: "B holds A's document with its grant to C" })
    await (await apiOf(c)).connect(b.addresses[0])
  })

  afterAll(async () => {
    await group.destroyAll()
    await killAllChildren()
  })

  it(`loses nothing acknowledged when B is killed mid-relay (${CYCLES} cycles)`, async () => {
    const random = seededRandom(SEED + 2)
    const load: CrashLoad = { local: new EditLedger(), peer: new EditLedger(), peerLocal: new EditLedger() }
    const lost: string[] = []
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const stop = new AbortController()
      const running = runLoad({ victim: await apiOf(b), peer: await apiOf(a), victimOrg: b.orgId, localDocs: [docOfB, docOfA], peerDoc: docOfA }, load, random, stop.signal)
      await pause(random.int(50, 800))
      await b.kill()
      stop.abort()
      await running
      for (const [doc, held] of readOnDisk(b.dataDir, [docOfA, docOfB])) {
        for (const token of [...load.local.missing(doc, held.markdown), ...load.peer.missing(doc, held.markdown)]) lost.push(`cycle ${cycle}: B lost ${token}`)
      }
      await b.restart({ samePort: true, args: START })
      await chain()
      await eventually(async () => {
        const api = await apiOf(c)
        for (const doc of [docOfA, docOfB]) {
          const text = await api.exportMarkdown(doc)
          expect([...load.local.missing(doc, text), ...load.peerLocal.missing(doc, text)], `C lacks acknowledged edits of ${doc}`).toEqual([])
        }
      }, { what: 'C holds every edit A and B acknowledged' })
    }
    console.log(`relay: ${CYCLES} cycles, ${load.peerLocal.acked} edits acknowledged by A, ${load.local.acked} by B, ${load.peer.acked} of A's confirmed by B, ${lost.length} lost, seed ${SEED + 2}`)
    expect(lost, `replay with CHAOS_SEED=${SEED}`).toEqual([])
    // A and C never connected: everything C holds came through B
    expect(await peerIds(c.dataDir)).toEqual([b.orgId])
    expect(load.peerLocal.acked).toBeGreaterThan(0)
  }, 60_000 + CYCLES * 40_000)
})

/** Lets the load run for a random while before the kill: the randomness is the point. */
async function pause (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}
