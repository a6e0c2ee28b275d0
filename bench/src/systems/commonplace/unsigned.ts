import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { sharedDataDir } from '../../trace.ts'
import { WorkloadId } from '../../types.ts'
import type { BenchConfig, Scenario } from '../../types.ts'

/** The system name of today's unsigned code (main before signed changes), run beside ours. */
export const UNSIGNED_SYSTEM = 'commonplace-unsigned'
/** The last commit of main whose node applied updates on the sender's word (no envelopes). */
export const UNSIGNED_REV = '8cb5a09'

/** The workloads issue 14 bounds against the unsigned code, in the same run. */
const MEASURED = new Set<string>([WorkloadId.initialSync, WorkloadId.reconnect, WorkloadId.editLatency, WorkloadId.trace])
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url))
const WORKSPACE_MODULES = ['packages/core/node_modules', 'apps/web/node_modules']

/**
 * Today's scenarios, as the unsigned code of `UNSIGNED_REV` runs them: that commit's tree is
 * written once to bench/results/baseline/<rev>/ (`git archive`), beside a node_modules whose npm
 * packages are this checkout's (the same installed versions, patches included) and whose
 * workspace packages are that tree's. Its scenario modules are imported into this process, so
 * each runs under the same conditions as ours, alternating with the variant it copies
 * (`versus`): `--systems commonplace,commonplace-unsigned`.
 */
export function unsignedScenarios (config: BenchConfig, ours: Scenario[]): Scenario[] {
  let loaded: Promise<Scenario[]> | undefined
  const theirs = async (): Promise<Scenario[]> => {
    loaded ??= loadBaseline(config)
    return await loaded
  }
  return ours.filter(s => MEASURED.has(s.workload)).map(s => ({
    workload: s.workload,
    variant: s.variant,
    system: UNSIGNED_SYSTEM,
    version: `commonplace @ ${UNSIGNED_REV} (unsigned: updates applied on the sender's word)`,
    versus: s.variant,
    async run (ctx) {
      const same = (await theirs()).find(t => t.workload === s.workload && t.variant === s.variant)
      if (same == null) throw new Error(`${UNSIGNED_REV} has no scenario ${s.workload} · ${s.variant}`)
      return await same.run(ctx)
    }
  }))
}

async function loadBaseline (config: BenchConfig): Promise<Scenario[]> {
  // the baseline's tree sits elsewhere: its traces are read from where ours are
  process.env.COMMONPLACE_SHARED_DATA ??= sharedDataDir()
  const tree = baselineTree(UNSIGNED_REV)
  const url = (path: string): string => pathToFileURL(join(tree, path)).href
  const { commonplaceScenarios } = await import(url('bench/src/systems/commonplace/scenarios.ts')) as { commonplaceScenarios: (c: BenchConfig) => Scenario[] }
  return commonplaceScenarios(config)
}

/** The tree of `rev`, ready to import from (made on first use, kept for later runs). */
export function baselineTree (rev: string): string {
  const dir = join(ROOT, 'bench', 'results', 'baseline', rev)
  const done = join(dir, '.complete')
  if (existsSync(done)) return dir
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const archive = execFileSync('git', ['-C', ROOT, 'archive', '--format=tar', rev], { maxBuffer: 1 << 30 })
  execFileSync('tar', ['-x', '-C', dir], { input: archive })
  linkModules(join(ROOT, 'node_modules'), join(dir, 'node_modules'))
  for (const sub of WORKSPACE_MODULES) {
    if (existsSync(join(ROOT, sub)) && existsSync(join(dir, sub, '..'))) symlinkSync(join(ROOT, sub), join(dir, sub))
  }
  writeFileSync(done, `${rev}\n`)
  return dir
}

/**
 * `to` gets a link to each of `from`'s npm packages; the workspace's own packages
 * (`@commonplace/*`, relative links into the tree) are linked the same way, so they resolve to
 * the baseline's sources, not ours.
 */
function linkModules (from: string, to: string): void {
  mkdirSync(to)
  for (const entry of readdirSync(from)) {
    if (entry !== '@commonplace') {
      symlinkSync(join(from, entry), join(to, entry))
      continue
    }
    mkdirSync(join(to, entry))
    for (const name of readdirSync(join(from, entry))) {
      symlinkSync(readlinkSync(join(from, entry, name)), join(to, entry, name))
    }
  }
}
