/**
 * Soak (docs/reliability.md, "Soak"): six node processes in one learning network hold 300
 * documents shared with it; for SOAK_MINUTES (default 60) edits arrive steadily at random nodes
 * while one of four churned nodes at a time is stopped (SIGTERM or SIGKILL, in turn) and started
 * again. Every node's resident memory, open descriptors and event-loop delay are sampled; at the
 * end every node must hold every acknowledged edit. Full mode only (`npm run chaos`), not in CI.
 */
import { appendFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { everyNodeHoldsEveryEdit, networkCluster, sharedDocuments } from '../helpers/cluster.ts'
import { appendEdit, EditLedger } from '../helpers/ledger.ts'
import { apiOf } from '../helpers/node-api.ts'
import { nodeGroup } from '../helpers/node-process.ts'
import type { NodeProc } from '../helpers/node-process.ts'
import { killAllChildren } from '../helpers/processes.ts'
import { seededRandom } from '../helpers/random.ts'
import { SEED } from './generated.ts'
import { sampleNodes, trends } from './soak-figures.ts'
import type { Sample } from './soak-figures.ts'

const MINUTES = Number(process.env.SOAK_MINUTES ?? 60)
const DOCS_PER_NODE = 50
/** One edit every this many ms, at a random running node, to a random document. */
const EDIT_EVERY_MS = 250
/** One churned node goes down (and comes back) every this many ms. */
const CHURN_EVERY_MS = 90_000
const SAMPLE_EVERY_MS = 30_000
const NAMES = ['Riverside Surgery', 'Hillview Medical Practice', 'Canal Street Health Centre', 'Ausbildungszentrum Nordheide', 'Holzbau Meyer GmbH', 'Brunnenbau Janssen KG']
/** Loopback only; a loaded machine (the soak runs niced beside other work) may start a node slowly. */
const START = { args: ['--no-mdns'], readyTimeoutMs: 120_000 }
/** The first two are never restarted: their samples span the whole run. */
const STEADY = 2

describe(`soak: 6 nodes, 300 documents, steady edits and churn for ${MINUTES} minutes`, () => {
  const group = nodeGroup()
  afterAll(async () => {
    await group.destroyAll()
    await killAllChildren()
  })

  it('keeps every acknowledged edit, and memory, descriptors and event-loop delay are sampled', async () => {
    const random = seededRandom(SEED)
    const { nodes, network } = await networkCluster(group, NAMES, START, () => {}, 300_000)
    const docs = [...(await sharedDocuments(nodes, network, DOCS_PER_NODE, 300_000)).values()].flat()
    const ledger = new EditLedger()
    const samples: Sample[] = []
    const churns: string[] = []
    const failedStarts: string[] = []
    const slowStops: string[] = []
    const began = Date.now()
    // every sample and event goes to disk as it comes: a run that fails still leaves its figures
    const out = process.env.SOAK_OUT ?? join(tmpdir(), `commonplace-soak-${new Date(began).toISOString().replace(/[:.]/g, '-')}.json`)
    const journal = `${out}.jsonl`
    writeFileSync(journal, '')
    const note = (entry: object): void => { appendFileSync(journal, JSON.stringify(entry) + '\n') }
    const minute = (): number => (Date.now() - began) / 60_000
    const end = began + MINUTES * 60_000
    const running = (): NodeProc[] => nodes.filter(n => n.running)

    const edits = (async () => {
      while (Date.now() < end) {
        const node = random.pick(running())
        const api = await apiOf(node).catch(() => undefined)
        if (api != null) await appendEdit(api, random.pick(docs), ledger, `n${nodes.indexOf(node)}`)
        await pause(EDIT_EVERY_MS)
      }
    })()
    const churn = (async () => {
      let turn = 0
      while (Date.now() + CHURN_EVERY_MS < end) {
        await pause(CHURN_EVERY_MS)
        const node = nodes[STEADY + random.int(0, nodes.length - STEADY - 1)]
        const how = turn++ % 2 === 0 ? 'SIGKILL' : 'SIGTERM'
        try {
          await (how === 'SIGKILL' ? node.kill() : node.stop())
        } catch (err) {
          // a SIGTERM not obeyed in time (the node was then killed) is a finding, not the end of the run
          slowStops.push(`${minute().toFixed(1)} min: ${node.name}: ${(err as Error).message}`)
          note({ minute: minute(), slowStop: node.name, error: (err as Error).message })
        }
        churns.push(`${minute().toFixed(1)} min: ${node.name} ${how}`)
        note({ minute: minute(), churn: node.name, how })
        // a start that does not come up is a finding: recorded, and the node is started again
        for (let attempt = 1; !node.running; attempt++) {
          try {
            await node.restart({ ...START, samePort: true })
          } catch (err) {
            failedStarts.push(`${minute().toFixed(1)} min: ${node.name}: ${(err as Error).message}`)
            note({ minute: minute(), failedStart: node.name, error: (err as Error).message })
            if (attempt >= 3) throw err
          }
        }
      }
    })()
    const sampler = (async () => {
      while (Date.now() < end) {
        const round = await sampleNodes(nodes, minute())
        samples.push(...round)
        for (const sample of round) note(sample)
        await pause(SAMPLE_EVERY_MS)
      }
    })()
    await Promise.all([edits, churn, sampler])
    samples.push(...await sampleNodes(nodes, minute()))

    await everyNodeHoldsEveryEdit(nodes, ledger)
    const convergedAfter = minute() - MINUTES

    const report = { seed: SEED, minutes: MINUTES, documents: docs.length, edits: { sent: ledger.sent, acknowledged: ledger.acked, lost: 0 }, convergedAfterMinutes: Math.round(convergedAfter * 100) / 100, churns, failedStarts, slowStops, trends: trends(samples), samples }
    writeFileSync(out, JSON.stringify(report, null, 2))
    console.log(`soak: ${ledger.acked} of ${ledger.sent} edits acknowledged, none lost; ${churns.length} restarts; figures in ${out}`)
    console.table(report.trends)
    expect(report.trends.length).toBe(NAMES.length)
  }, (MINUTES + 20) * 60_000)
})

/** Pacing of the load (how often to edit, stop a node, sample): not a wait for some state. */
async function pause (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}
