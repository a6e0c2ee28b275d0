/**
 * Crash (docs/reliability.md, "Crash"): a node process killed with SIGKILL at random moments
 * while its own API and a peer edit documents, then started again, must hold every edit it had
 * acknowledged: read from its data folder as its next start reads it, before it runs again. Also
 * killed while a document's update log is being compacted into a snapshot (the 200th row).
 * Quick mode: a few cycles; `npm run chaos`: CHAOS_CRASH_CYCLES (default 500).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from '../helpers/eventually.ts'
import { LOG_SECTION, appendEdit, EditLedger } from '../helpers/ledger.ts'
import { apiOf } from '../helpers/node-api.ts'
import { nodeGroup } from '../helpers/node-process.ts'
import type { NodeProc } from '../helpers/node-process.ts'
import { readOnDisk } from '../helpers/on-disk.ts'
import { killAllChildren } from '../helpers/processes.ts'
import { seededRandom } from '../helpers/random.ts'
import { runLoad } from './crash-load.ts'
import type { CrashLoad } from './crash-load.ts'
import { FULL, SEED } from './generated.ts'

const CYCLES = FULL ? Number(process.env.CHAOS_CRASH_CYCLES ?? 500) : 6
const COMPACTION_CYCLES = FULL ? 30 : 2
/** Rows a document's log gathers before it is compacted (packages/docstore DEFAULT_COMPACT_AFTER). */
const COMPACT_AFTER = 200
const START = ['--no-mdns']

describe('crash: kill -9 at random moments under local and peer edits', () => {
  const group = nodeGroup()
  let victim: NodeProc
  let peer: NodeProc
  let localDocs: string[]
  let peerDoc: string

  /** Start the victim again and connect it to the peer (the test's, not the node's, job here). */
  async function restartVictim (): Promise<void> {
    // a loaded machine may start a node slowly: a start is given 2 minutes
    await victim.restart({ samePort: true, args: START, readyTimeoutMs: 120_000 })
    await (await apiOf(victim)).connect(peer.addresses[0])
  }

  beforeAll(async () => {
    [victim, peer] = await group.startWith({ args: START }, 'Canal Street Health Centre', 'Riverside Surgery')
    const v = await apiOf(victim)
    const p = await apiOf(peer)
    const section = [{ heading: LOG_SECTION, text: 'Fridge readings, twice a day.' }]
    localDocs = []
    for (const title of ['Vaccine fridge cold-chain breach: first-hour checklist', 'Care navigation scripts for reception']) {
      const { id } = await v.createDoc({ title, sections: section })
      await v.share(id, { with: peer.orgId, role: 'edit' })
      localDocs.push(id)
    }
    peerDoc = (await p.createDoc({ title: 'Handling abnormal blood results: who acts, by when', sections: section })).id
    await p.share(peerDoc, { with: victim.orgId, role: 'edit' })
    await v.connect(peer.addresses[0])
    localDocs.push(peerDoc)
  })

  afterAll(async () => {
    await group.destroyAll()
    await killAllChildren()
  })

  it(`loses no acknowledged edit over ${CYCLES} kill -9 cycles`, async () => {
    const random = seededRandom(SEED)
    const load: CrashLoad = { local: new EditLedger(), peer: new EditLedger(), peerLocal: new EditLedger() }
    const lost: string[] = []
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const stop = new AbortController()
      const running = runLoad({ victim: await apiOf(victim), peer: await apiOf(peer), victimOrg: victim.orgId, localDocs, peerDoc }, load, random, stop.signal)
      await pause(random.int(20, 1_500))
      // until one peer edit is confirmed, the kill waits for it: every run then covers peer edits
      // too, however slowly a loaded machine confirms them
      if (load.peer.acked === 0) await eventually(async () => { expect(load.peer.acked).toBeGreaterThan(0) }, { what: 'the victim confirms a peer edit', timeoutMs: 60_000 })
      await victim.kill()
      stop.abort()
      await running
      const disk = readOnDisk(victim.dataDir, localDocs)
      for (const [doc, held] of disk) {
        for (const token of [...load.local.missing(doc, held.markdown), ...load.peer.missing(doc, held.markdown)]) lost.push(`cycle ${cycle}: ${token} of ${doc}`)
      }
      await restartVictim()
      if ((cycle + 1) % 50 === 0) console.log(`crash: ${cycle + 1} cycles, ${load.local.acked} local and ${load.peer.acked} peer edits acknowledged, ${lost.length} lost`)
    }
    const summary = `${CYCLES} cycles, ${load.local.acked} local and ${load.peer.acked} peer edits acknowledged (${load.local.sent} local sent), seed ${SEED}`
    console.log(`crash: ${summary}, ${lost.length} lost`)
    expect(lost, `acknowledged edits lost (${summary}; replay with CHAOS_SEED=${SEED})`).toEqual([])
    // the cycles did load the node: both kinds of edit were acknowledged
    expect(load.local.acked).toBeGreaterThan(CYCLES)
    expect(load.peer.acked).toBeGreaterThan(0)
  }, 120_000 + CYCLES * 10_000)

  it(`loses no acknowledged edit when killed as a document's log is compacted (${COMPACTION_CYCLES} cycles)`, async () => {
    const random = seededRandom(SEED + 1)
    const ledger = new EditLedger()
    const lost: string[] = []
    let compacted = 0
    for (let cycle = 0; cycle < COMPACTION_CYCLES; cycle++) {
      const api = await apiOf(victim)
      const { id } = await api.createDoc({ title: `Betonieren bei Frost ${cycle + 1}`, sections: [{ heading: LOG_SECTION, text: 'Temperatur prüfen.' }] })
      // one edit at a time: each is its own batch and its own log row, so the 200th row is known
      const killAt = COMPACT_AFTER + random.int(-20, 2)
      let acked = 0
      let killed: Promise<unknown> | undefined
      while (killed == null) {
        if (await appendEdit(api, id, ledger, 'c') == null) break
        if (++acked >= killAt) killed = pause(random.int(0, 4)).then(async () => await victim.kill())
      }
      // keep editing until the kill lands, so it lands under an edit
      while (victim.running && await appendEdit(api, id, ledger, 'c') != null);
      await killed
      const held = readOnDisk(victim.dataDir, [id]).get(id)
      for (const token of ledger.missing(id, held?.markdown ?? '')) lost.push(`cycle ${cycle}: ${token}`)
      if ((held?.logRows ?? 0) < COMPACT_AFTER / 2) compacted++
      await restartVictim()
    }
    console.log(`crash during compaction: ${COMPACTION_CYCLES} cycles, ${compacted} found the log compacted, ${ledger.acked} edits acknowledged, ${lost.length} lost, seed ${SEED + 1}`)
    expect(lost, `acknowledged edits lost (replay with CHAOS_SEED=${SEED})`).toEqual([])
    expect(ledger.acked).toBeGreaterThanOrEqual(COMPACTION_CYCLES * (COMPACT_AFTER - 20))
  }, 60_000 + COMPACTION_CYCLES * 20_000)
})

/** Lets the load run for a random while before the kill: the randomness is the point. */
async function pause (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}
