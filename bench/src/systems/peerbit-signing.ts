/**
 * Peerbit's signatures on the signing workload's envelope sizes: `@peerbit/crypto`, the library
 * Peerbit signs and checks every log entry with, installed from the registry on first use into
 * bench/results/peers/peerbit/ (not a dependency of the project). Peerbit's document store itself
 * is not measured: `@peerbit/log` needs `sqlite3` built from source, which this machine's npm
 * install could not finish (docs/benchmarks.md, Signed changes).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { WorkloadId } from '../types.ts'
import type { BenchConfig, Metrics, Scenario } from '../types.ts'
import { ENVELOPE_FIELDS_BYTES, ENVELOPE_SIZES, timedAsync } from './commonplace/signing.ts'

const PACKAGE = '@peerbit/crypto@3.1.5'
const DIR = fileURLToPath(new URL('../../results/peers/peerbit/', import.meta.url))

interface PeerbitCrypto {
  Ed25519Keypair: { create: () => Promise<{ sign: (data: Uint8Array) => Promise<unknown> }> }
  verify: (signature: unknown, data: Uint8Array) => Promise<boolean>
}

export function peerbitSigningScenarios (config: BenchConfig): Scenario[] {
  const n = config.quick ? 300 : 3000
  return [{
    workload: WorkloadId.signing,
    variant: 'per envelope, 100 B and 10 KB updates',
    system: 'peerbit',
    version: PACKAGE,
    run: async () => await perEnvelope(n)
  }]
}

async function perEnvelope (n: number): Promise<Metrics> {
  const { Ed25519Keypair, verify } = await load()
  const keypair = await Ed25519Keypair.create()
  const out: Metrics = {}
  for (const [name, size] of ENVELOPE_SIZES) {
    const body = crypto.getRandomValues(new Uint8Array(size + ENVELOPE_FIELDS_BYTES))
    const sigs: unknown[] = []
    out[`sign${name}Us`] = await timedAsync(n, async () => { sigs.push(await keypair.sign(body)) })
    out[`verify${name}Us`] = await timedAsync(n, async i => { if (!await verify(sigs[i], body)) throw new Error('does not verify') })
  }
  return out
}

async function load (): Promise<PeerbitCrypto> {
  const entry = join(DIR, 'node_modules', '@peerbit', 'crypto', 'package.json')
  if (!existsSync(entry)) {
    mkdirSync(DIR, { recursive: true })
    writeFileSync(join(DIR, 'package.json'), '{ "private": true, "type": "module" }\n')
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', PACKAGE], { cwd: DIR, stdio: 'ignore' })
  }
  // an ESM-only package: its entry is read from its own exports map
  const exports = JSON.parse(readFileSync(entry, 'utf8')).exports['.'].import as string
  return await import(pathToFileURL(join(dirname(entry), exports)).href) as PeerbitCrypto
}
