/**
 * The `commonplace` CLI as a person runs it: one short-lived process per command, against a data
 * folder, its --json output parsed.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { collect, killAndWait, spawnNode } from './processes.ts'

/** apps/cli/src/bin.ts, found from this file (Node 24 runs the TypeScript directly). */
export const CLI_BIN = fileURLToPath(new URL('../../apps/cli/src/bin.ts', import.meta.url))

/**
 * The CLI as `npm start` runs it: apps/cli/dist/commonplace.mjs, which `npm test` builds
 * (`npm run build:cli`) before the tests. Every test that starts a node process starts it from it.
 */
export const CLI_BUNDLE = fileURLToPath(new URL('../../apps/cli/dist/commonplace.mjs', import.meta.url))

let bundleChecked = false

/**
 * The bundle's path, once it is known to be built after every source file it bundles was last
 * changed. Node processes run the bundle while short commands run the sources: a stale bundle
 * makes a test exercise yesterday's node against today's CLI (a removal test once failed for
 * hours on a bundle built before the change it tested), so it is refused with what to run.
 */
export function freshCliBundle (): string {
  if (bundleChecked) return CLI_BUNDLE
  const root = fileURLToPath(new URL('../../', import.meta.url))
  const built = existsSync(CLI_BUNDLE) ? statSync(CLI_BUNDLE).mtimeMs : 0
  const sources = ['apps/cli/src', ...readdirSync(join(root, 'packages')).map(p => `packages/${p}/src`)]
  for (const dir of sources.map(d => join(root, d)).filter(d => existsSync(d))) {
    const newer = readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .find(file => file.endsWith('.ts') && statSync(join(dir, file)).mtimeMs > built)
    if (newer != null) throw new Error(`${CLI_BUNDLE} is older than ${join(dir, newer)}: run \`npm run build:cli\` first`)
  }
  bundleChecked = true
  return CLI_BUNDLE
}

/** Longest a short command may take before it is killed and the call fails. */
export const CLI_TIMEOUT_MS = 20_000

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
  /** stdout parsed as JSON, or undefined when it is not JSON. */
  json: any
}

export interface CliOptions {
  /** Add --json (default true). */
  json?: boolean
  timeoutMs?: number
}

/**
 * Run `commonplace <args> --data <dataDir> [--json]` and wait for it to finish. Rejects only when
 * the process could not run or did not finish within the deadline (it is then killed).
 */
export async function runCli (dataDir: string, args: string[], options: CliOptions = {}): Promise<CliResult> {
  const argv = [CLI_BIN, ...args, '--data', dataDir, ...(options.json === false ? [] : ['--json'])]
  const timeoutMs = options.timeoutMs ?? CLI_TIMEOUT_MS
  const child = spawnNode(argv)
  const stdout = collect(child.stdout)
  const stderr = collect(child.stderr)
  let timer: NodeJS.Timeout | undefined
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`commonplace ${args.join(' ')} did not finish within ${timeoutMs / 1000} s\nstderr: ${stderr.text()}`))
      }, timeoutMs)
      child.once('error', reject)
      // 'close' (not 'exit'): stdout and stderr are complete
      child.once('close', (exitCode) => { resolve(exitCode) })
    })
    return { code, stdout: stdout.text(), stderr: stderr.text(), json: parseJson(stdout.text()) }
  } finally {
    clearTimeout(timer)
    await killAndWait(child)
  }
}

/** Run a command that must succeed (exit 0) and return its --json output. */
export async function cliOk<T = any> (dataDir: string, args: string[]): Promise<T> {
  const result = await runCli(dataDir, args)
  if (result.code !== 0) {
    throw new Error(`commonplace ${args.join(' ')} exited ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`)
  }
  if (result.json === undefined) throw new Error(`commonplace ${args.join(' ')} printed no JSON: ${result.stdout}`)
  return result.json as T
}

function parseJson (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

// --- the shapes the CLI prints with --json (apps/cli/README.md) ------------------------------

export interface PeerJson { orgId: string, name?: string, addresses: string[] }

export interface StatusJson {
  orgId: string
  name: string
  listenAddresses: string[]
  apiUrl: string
  peers: PeerJson[]
  documentCount: number
}

export interface DocSummaryJson {
  id: string
  title: string
  owner: string
  kind: string
  updatedAt: string
  access: 'owner' | 'edit' | 'read'
}

export interface SectionJson { id: string, heading: string, markdown: string, lastChanged?: { by: string, org: string, person?: string, personName?: string, at: string } }

export interface DocJson extends DocSummaryJson {
  meta: Record<string, unknown>
  sections: SectionJson[]
  grants: Array<{ to: string, role: string, issuer: string, issuedAt: string }>
}

export interface ErrorJson { error: { code: string, message: string } }

// --- commands used by many tests ------------------------------------------------------------

/** The node's loopback TCP listen address, with /p2p/, as `status --json` reports it now. */
export async function listenAddress (dataDir: string): Promise<string> {
  const status = await cliOk<StatusJson>(dataDir, ['status'])
  const address = status.listenAddresses.find(a => /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//.test(a))
  if (address == null) throw new Error(`No loopback TCP address with /p2p/ in ${JSON.stringify(status.listenAddresses)}`)
  return address
}

export async function showDoc (dataDir: string, id: string): Promise<DocJson> {
  return await cliOk<DocJson>(dataDir, ['doc', 'show', id, '--format', 'json'])
}

export async function listDocs (dataDir: string): Promise<DocSummaryJson[]> {
  return await cliOk<DocSummaryJson[]>(dataDir, ['doc', 'list'])
}

export async function peerIds (dataDir: string): Promise<string[]> {
  return (await cliOk<PeerJson[]>(dataDir, ['peers'])).map(p => p.orgId).sort()
}

/** `--section`/`--append-section` values: HEADING=TEXT. */
export function sectionArgs (flag: '--section' | '--append-section', sections: Record<string, string>): string[] {
  return Object.entries(sections).flatMap(([heading, text]) => [flag, `${heading}=${text}`])
}

/**
 * What must be equal on every node that holds a document: its content and grants. Not
 * `updatedAt` (when this node stored its last change), a section's `lastChanged` (when this node
 * applied it) nor `access` (this node's own role).
 */
export function sharedContent (doc: DocJson): Pick<DocJson, 'id' | 'title' | 'owner' | 'kind' | 'meta' | 'sections' | 'grants'> {
  // names and delivery are each node's own view (its directory, its connections), not the document's
  const grants = doc.grants.map(({ to, role, issuer, issuedAt }) => ({ to, role, issuer, issuedAt }))
  const sections = doc.sections.map(s => Object.fromEntries(Object.entries(s).filter(([key]) => key !== 'lastChanged')) as unknown as SectionJson)
  return { id: doc.id, title: doc.title, owner: doc.owner, kind: doc.kind, meta: doc.meta, sections, grants }
}
