/**
 * `npm run bench [-- --quick] [--out FILE] [--only WORKLOAD,…] [--systems NAME,…] [--variant TEXT] [--runs N]`
 *
 * Runs every workload for every system, alternating systems within each repetition, prints a
 * (`commonplace-metrics-off` repeats the edit-latency and trace workloads with metrics off;
 * `commonplace-unsigned` runs the sync workloads on the unsigned code of main before signed changes),
 * Markdown table and writes the full results as JSON (default bench/results/latest.json).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { FULL, QUICK } from './config.ts'
import { machine, summarise, table } from './report.ts'
import type { BenchReport, ScenarioResult } from './report.ts'
import type { BenchConfig, Metrics, RunContext, Scenario } from './types.ts'
import { commonplaceScenarios } from './systems/commonplace/scenarios.ts'
import { metricsOffScenarios } from './systems/commonplace/metrics-off.ts'
import { versionsOnScenarios } from './systems/commonplace/trace.ts'
import { yjsLimitScenarios } from './systems/yjs-limit.ts'
import { webLoadScenarios } from './web-load.ts'
import { peopleScenarios } from './people.ts'
import { signingScenarios } from './systems/commonplace/signing.ts'
import { unsignedScenarios } from './systems/commonplace/unsigned.ts'
import { peerbitSigningScenarios } from './systems/peerbit-signing.ts'
import { practiceScenarios } from './practice.ts'
import { historyScenarios } from './history.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

async function peerScenarios (config: BenchConfig): Promise<Scenario[]> {
  const { automergeScenarios } = await import('./systems/automerge.ts')
  const { hubScenarios } = await import('./systems/hubs.ts')
  return [...automergeScenarios(config), ...hubScenarios(config)]
}

async function runOnce (scenario: Scenario, config: BenchConfig): Promise<Metrics> {
  const dirs: string[] = []
  const ctx: RunContext = {
    config,
    tmpDir () {
      const dir = mkdtempSync(join(tmpdir(), 'cp-bench-'))
      dirs.push(dir)
      return dir
    }
  }
  try {
    return await scenario.run(ctx)
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
    ;(globalThis as { gc?: () => void }).gc?.()
  }
}

export async function main (argv: string[]): Promise<BenchReport> {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      out: { type: 'string' },
      only: { type: 'string' },
      systems: { type: 'string' },
      variant: { type: 'string' },
      runs: { type: 'string' }
    }
  })
  const config: BenchConfig = { ...(values.quick === true ? QUICK : FULL) }
  if (values.runs != null) config.runs = Number(values.runs)
  const only = values.only?.split(',')
  const systems = values.systems?.split(',')
  const ours = commonplaceScenarios(config)
  const all = [
    ...ours, ...metricsOffScenarios(ours), ...versionsOnScenarios(config), ...unsignedScenarios(config, ours), ...yjsLimitScenarios(config), ...await peerScenarios(config),
    ...webLoadScenarios(config), ...practiceScenarios(config), ...signingScenarios(config), ...peerbitSigningScenarios(config), ...historyScenarios(config), ...peopleScenarios(config)
  ]
  const variant = values.variant
  const chosen = all.filter(s => (only == null || only.includes(s.workload)) && (systems == null || systems.includes(s.system)) &&
    (variant == null || s.variant.includes(variant) || s.versus?.includes(variant) === true))
  const groups = new Map<string, Scenario[]>()
  for (const s of chosen) {
    // a peer's scenario runs alternately with the Commonplace variant it is compared with
    const key = `${s.workload}\u0000${s.versus ?? s.variant}`
    groups.set(key, [...(groups.get(key) ?? []), s])
  }
  const results: ScenarioResult[] = []
  for (const group of groups.values()) {
    const runs = new Map<Scenario, Metrics[]>(group.map(s => [s, []]))
    const errors = new Map<Scenario, string>()
    for (let r = 0; r < config.runs; r++) {
      const order = r % 2 === 0 ? group : [...group].reverse()
      for (const s of order) {
        if (errors.has(s)) continue
        process.stderr.write(`${s.workload} · ${s.variant} · ${s.system} · run ${r + 1}/${config.runs} … `)
        try {
          const metrics = await runOnce(s, config)
          runs.get(s)?.push(metrics)
          process.stderr.write('done\n')
        } catch (err) {
          errors.set(s, (err as Error).message)
          process.stderr.write(`failed: ${(err as Error).message}\n`)
        }
      }
    }
    for (const s of group) results.push(summarise(s, runs.get(s) ?? [], errors.get(s)))
  }
  const report: BenchReport = { generatedAt: new Date().toISOString(), machine: machine(), config, results }
  const out = resolve(values.out ?? join(ROOT, 'bench', 'results', 'latest.json'))
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, JSON.stringify(report, null, 2) + '\n')
  process.stdout.write(table(results) + '\n\n' + `Machine: ${JSON.stringify(report.machine)}\nWritten to ${out}\n`)
  return report
}

if (process.argv[1] != null && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(() => { process.exit(0) }, err => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`)
    process.exit(1)
  })
}
