/**
 * `npm run chaos`: the reliability suite (docs/reliability.md). Runs every spec under test/chaos
 * with vitest; without `--quick` it sets CHAOS_FULL=1, which raises each class's case counts to
 * its full mode (minutes). Other arguments pass on to vitest (a file filter, `-t`, ...).
 *
 *   npm run chaos -- --quick      the bounded run `npm test` also makes
 *   npm run chaos                 the full run
 *   CHAOS_SEED=123 npm run chaos  replay generated input with another seed
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const args = process.argv.slice(2)
const quick = args.includes('--quick')
const rest = args.filter(a => a !== '--quick')
const vitest = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url))
const root = fileURLToPath(new URL('../../', import.meta.url))

console.log(`chaos: ${quick ? 'quick' : 'full'} mode`)
const result = spawnSync(process.execPath, [vitest, 'run', 'test/chaos', ...rest], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, ...(quick ? {} : { CHAOS_FULL: '1' }) }
})
process.exit(result.status ?? 1)
