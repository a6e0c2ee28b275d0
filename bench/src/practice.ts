/**
 * Workload "practice" (docs/practice.md, issue 15): adapting a 100 KB record at a node, comparing
 * two versions of a 100 KB record section by section (at the node, and the pure comparison alone),
 * and the diffusion view of 50 organisations × 500 practice families × 10 adoption changes each.
 */
import type { DocId } from '@commonplace/core'
import { compareSections, diffusionCache, diffusionCore, diffusionView, finishDiffusion, lineageIndex } from '@commonplace/practice'
import type { AdoptionStatement, LineageDoc, OrgStatements } from '@commonplace/practice'
import type { CommonplaceNode, NodeInit } from '@commonplace/node'
import { makeDocs, prng } from './content.ts'
import { median } from './measure.ts'
import { benchNode } from './systems/commonplace/fixtures.ts'
import { WorkloadId } from './types.ts'
import type { BenchConfig, Metrics, RunContext, Scenario } from './types.ts'

const VERSION = 'commonplace 0.1.0 practice layer'
/** A 100 KB record in 20 sections of 5 KB. */
const DOC_BYTES = 100_000
const SECTIONS = 20
/** Timed repetitions per run, after one untimed (first loads, JIT). */
const REPEATS = 5
const ORGS = 50
const FAMILIES = 500
const CHANGES = 10
const STATES = ['aware', 'considering', 'trialling', 'adopted', 'adapted', 'discontinued'] as const

export function practiceScenarios (config: BenchConfig): Scenario[] {
  const scenario = (variant: string, run: (ctx: RunContext) => Promise<Metrics>): Scenario =>
    ({ workload: WorkloadId.practice, variant, system: 'commonplace', version: VERSION, run })
  return [
    scenario('adapt a 100 KB document', async ctx => await adapt(ctx)),
    scenario('compare two versions of a 100 KB document', async ctx => await compare(ctx)),
    scenario(`diffusion view, ${ORGS} orgs × ${FAMILIES} families × ${CHANGES} changes`, async () => diffusion(config))
  ]
}

/** A 100 KB record's sections, deterministic from the seed. */
export function sections (config: BenchConfig): Array<{ heading: string, text: string }> {
  const [doc] = makeDocs(config.seed, 1, DOC_BYTES)
  const size = Math.ceil(doc.text.length / SECTIONS)
  return Array.from({ length: SECTIONS }, (_, i) => ({ heading: `Section ${i + 1}`, text: doc.text.slice(i * size, (i + 1) * size) }))
}

export async function withNode<T> (ctx: RunContext, fn: (node: CommonplaceNode, source: DocId) => Promise<T>, init: Partial<NodeInit> = {}): Promise<T> {
  const node = await benchNode(ctx.tmpDir(), 'Riverside Surgery', init)
  try {
    const source = (await node.api.createDoc({ title: 'Handling abnormal blood results: who acts, by when', sections: sections(ctx.config) })).id
    return await fn(node, source)
  } finally {
    await node.stop()
  }
}

/** `api.adapt`: read the source, copy it into a new record with its adaptation record, on disk. */
async function adapt (ctx: RunContext): Promise<Metrics> {
  return await withNode(ctx, async (node, source) => {
    const times: number[] = []
    for (let i = 0; i <= REPEATS; i++) {
      const start = performance.now()
      await node.api.adapt(source, { why: 'Two duty doctors on Mondays', reasons: ['staffing'] })
      if (i > 0) times.push(performance.now() - start)
    }
    return { ms: median(times), maxMs: Math.max(...times) }
  })
}

/**
 * `api.upstream` on a variant whose 100 KB source changed in every fourth section (both read
 * from their Y.Docs, rendered to Markdown, compared and line-diffed), and `compareSections` alone.
 */
async function compare (ctx: RunContext): Promise<Metrics> {
  return await withNode(ctx, async (node, source) => {
    const variant = (await node.api.adapt(source, { why: 'Local', reasons: ['other'] })).id
    for (let i = 0; i < SECTIONS; i += 4) await node.api.editDoc(source, { append: { section: `Section ${i + 1}`, text: `A change in section ${i + 1}.` } })
    const times: number[] = []
    let changed = 0
    for (let i = 0; i <= REPEATS; i++) {
      const start = performance.now()
      changed = (await node.api.upstream(variant)).sections.length
      if (i > 0) times.push(performance.now() - start)
    }
    if (changed !== SECTIONS / 4) throw new Error(`expected ${SECTIONS / 4} changed sections, got ${changed}`)
    const before = (await node.api.getDoc(variant)).sections
    const after = (await node.api.getDoc(source)).sections
    // and a harder pair for the comparison alone: every section changed, every tenth word-line replaced
    const harsh = after.map(section => ({ ...section, markdown: section.markdown.split(' ').map((w, j) => j % 10 === 0 ? `${w}\nchanged ${j}` : w).join(' ') }))
    const pure: number[] = []
    const worst: number[] = []
    for (let i = 0; i <= REPEATS; i++) {
      let start = performance.now()
      compareSections(before, after)
      if (i > 0) pure.push(performance.now() - start)
      start = performance.now()
      compareSections(before, harsh)
      if (i > 0) worst.push(performance.now() - start)
    }
    return { ms: median(times), pureMs: median(pure), everySectionMs: median(worst) }
  })
}

/**
 * The view's computation over verified inputs (signatures are checked once, when a log arrives,
 * not per view): 500 families of a root and one variant each, 50 organisations with 10 changes of
 * each family, spread over two years. `ms`: the whole view from the statements (the node's first
 * request for a network); `changeMs`: the first view after one organisation's log gained a change
 * (the node's `diffusionCache` computes that organisation's part again and puts the parts
 * together); `recordMs`: the first view after a new variant arrived (the lineage indexed again,
 * each part checked against the new family roots, the family trees made again); `repeatMs`: a
 * later request with nothing changed (the node only finishes the core it keeps for the request's
 * `now`). `cpuMs`: the process's CPU time for the whole view (its garbage collector's threads
 * included), which a loaded machine inflates less than the wall time.
 */
function diffusion (config: BenchConfig): Metrics {
  const rand = prng(config.seed)
  const org = (i: number): string => `org${String(i).padStart(3, '0')}`
  const docs: LineageDoc[] = []
  for (let f = 0; f < FAMILIES; f++) {
    docs.push({ id: `root${f}`, owner: org(f % ORGS), title: `Practice ${f}`, created: 0 })
    docs.push({ id: `var${f}`, owner: org((f + 1) % ORGS), title: `Practice ${f} (variant)`, created: 1, derivedFrom: { doc: `root${f}`, version: 'v', org: org(f % ORGS) }, adaptation: { note: 'local', reasons: ['staffing'], at: 1 } })
  }
  const start2025 = Date.UTC(2025, 0, 1)
  const statement = (o: number, f: number, c: number): AdoptionStatement =>
    ({ type: 'adoption', org: org(o), network: 'net', practice: rand() < 0.5 ? `root${f}` : `var${f}`, seq: c, state: STATES[Math.floor(rand() * STATES.length)], at: start2025 + Math.floor(rand() * 700 * 86_400_000), sig: `s${o}.${f}.${c}` })
  const byOrg: AdoptionStatement[][] = []
  for (let o = 0; o < ORGS; o++) {
    byOrg.push([])
    for (let f = 0; f < FAMILIES; f++) for (let c = 1; c <= CHANGES; c++) byOrg[o].push(statement(o, f, c))
  }
  const adoption = byOrg.flat()
  const members = Array.from({ length: ORGS }, (_, i) => ({ org: org(i), name: `Organisation ${i}`, role: 'member' as const }))
  let lineage = lineageIndex(docs)
  const now = Date.UTC(2026, 11, 6)
  const keys = byOrg.map(() => 0)
  const orgs = (): OrgStatements[] => byOrg.map((list, o) => ({ org: org(o), key: String(keys[o]), adoption: list, activity: [] }))
  const cache = diffusionCache()
  cache.core(members, orgs(), lineage)
  const times: number[] = []
  const cpuTimes: number[] = []
  const changes: number[] = []
  const records: number[] = []
  const repeats: number[] = []
  let cells = 0
  let bytes = 0
  for (let i = 0; i <= REPEATS; i++) {
    let start = performance.now()
    const cpu = process.cpuUsage()
    const view = diffusionView({ members, adoption, activity: [], lineage, now, quietWeeks: 4 })
    if (i > 0) times.push(performance.now() - start)
    const used = process.cpuUsage(cpu)
    if (i > 0) cpuTimes.push((used.user + used.system) / 1000)
    cells = view.matrix.length
    bytes = JSON.stringify(view).length
    // one organisation's log gains a change (its 11th of family i)
    const o = (i * 7) % ORGS
    byOrg[o] = [...byOrg[o], { ...statement(o, i, CHANGES + 1 + i), practice: `root${i}` }]
    keys[o]++
    changes.push(timed(() => finishDiffusion(cache.core(members, orgs(), lineage), now, 4)))
    // a new variant of family i arrives: the lineage is indexed again
    docs.push({ id: `new${i}`, owner: org(o), title: `Practice ${i} (new variant)`, created: 2 + i, derivedFrom: { doc: `var${i}`, version: 'v', org: org((i + 1) % ORGS) } })
    records.push(timed(() => { lineage = lineageIndex(docs); return finishDiffusion(cache.core(members, orgs(), lineage), now, 4) }))
    const core = diffusionCore({ members, adoption, activity: [], lineage })
    start = performance.now()
    finishDiffusion(core, now + i, 4)
    if (i > 0) repeats.push(performance.now() - start)
  }
  changes.shift()
  records.shift()
  return { ms: median(times), maxMs: Math.max(...times), cpuMs: median(cpuTimes), changeMs: median(changes), changeMaxMs: Math.max(...changes), recordMs: median(records), repeatMs: median(repeats), cells, statements: adoption.length, bytes }
}

/** Milliseconds `fn` took. */
function timed (fn: () => unknown): number {
  const start = performance.now()
  fn()
  return performance.now() - start
}
