/**
 * `npm run chaos`: the reliability suite (docs/reliability.md). Runs every spec under test/chaos
 * with vitest; without `--quick` it sets CHAOS_FULL=1, which raises each class's case counts and
 * cycles to its full mode, and then runs the 60-minute soak and the heap soak (test/chaos/*.soak.ts;
 * `--no-soak` leaves them out, SOAK_MINUTES shortens the first, HEAP_CYCLES the second). Other arguments pass on to vitest (a file filter, `-t`, ...).
 *
 *   npm run chaos -- --quick      the bounded run `npm test` also makes
 *   npm run chaos                 the full run, then the soak
 *   npm run chaos -- --no-soak    the full run without the soak
 *   CHAOS_SEED=123 npm run chaos  replay with another seed
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const args = process.argv.slice(2)
const quick = args.includes('--quick')
const soak = !quick && !args.includes('--no-soak')
const rest = args.filter(a => a !== '--quick' && a !== '--no-soak')
const vitest = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url))
const root = fileURLToPath(new URL('../../', import.meta.url))
const env = { ...process.env, ...(quick ? {} : { CHAOS_FULL: '1' }) }

console.log(`chaos: ${quick ? 'quick' : 'full'} mode`)
const result = spawnSync(process.execPath, [vitest, 'run', 'test/chaos', ...rest], { cwd: root, stdio: 'inherit', env })
if (result.status !== 0 || !soak) process.exit(result.status ?? 1)
console.log('chaos: soak')
const soakRun = spawnSync(process.execPath, [vitest, 'run', '--config', 'test/chaos/vitest.soak.config.ts'], { cwd: root, stdio: 'inherit', env })
process.exit(soakRun.status ?? 1)
