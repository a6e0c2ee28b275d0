/**
 * A node process's local API called in-process (HTTP with its token), for tests that make many
 * calls: one short-lived CLI process per call would cost far more than the call itself. Also what
 * the OS says about the process (resident memory, open descriptors) and the node's metrics.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { createApiClient, readConnection } from '@commonplace/cli'
import type { CliApi } from '@commonplace/cli'
import type { NodeProc } from './node-process.ts'

/** The API of the node's current run (its url and token change with every start). */
export async function apiOf (node: NodeProc, timeoutMs = 15_000): Promise<CliApi> {
  const { url, token } = await readConnection(node.dataDir)
  return createApiClient({ url, token, timeoutMs, fetch: fetchOnce })
}

/**
 * `fetch`, sent again once when the connection it reused was reset before an answer: the server
 * closed the idle keep-alive connection as the request went out (seen on a loaded machine), so the
 * request was not read. A node killed under the request resets it too; the second try then fails.
 */
async function fetchOnce (input: string | URL | Request, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(input, init)
  } catch (err) {
    if ((err as { cause?: { code?: string } }).cause?.code !== 'ECONNRESET' || init?.signal?.aborted === true) throw err
    return await fetch(input, init)
  }
}

/** What /proc says about a running process. */
export interface ProcessStats {
  rssBytes: number
  openFds: number
  /** CPU time used so far (user and system). */
  cpuSeconds: number
}

/** Clock ticks a second in /proc/<pid>/stat (USER_HZ: 100 on Linux's supported architectures). */
const USER_HZ = 100

/** Resident memory (VmRSS), open file descriptors and CPU time of `pid` (Linux /proc). */
export function processStats (pid: number): ProcessStats {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const rss = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]
  if (rss == null) throw new Error(`no VmRSS in /proc/${pid}/status`)
  // utime and stime are the 14th and 15th fields; the command name (2nd) may hold spaces, so count after its ')'
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / USER_HZ
  return { rssBytes: Number(rss) * 1024, openFds: readdirSync(`/proc/${pid}/fd`).length, cpuSeconds }
}

/** `GET /api/metrics` of the node's current run, as Prometheus text. */
export async function metricsText (node: NodeProc): Promise<string> {
  const { url, token } = await readConnection(node.dataDir)
  const res = await fetch(`${url}/api/metrics`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(15_000) })
  if (!res.ok) throw new Error(`${node.name}: /api/metrics answered ${res.status}`)
  return await res.text()
}

/** The value of the sample `name{labels}` (labels exactly as printed, e.g. `quantile="0.99"`). */
export function metricValue (text: string, name: string, labels = ''): number | undefined {
  const key = labels === '' ? name : `${name}{${labels}}`
  for (const line of text.split('\n')) {
    if (line.startsWith(key + ' ')) return Number(line.slice(key.length + 1))
  }
  return undefined
}
