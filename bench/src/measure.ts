import { readFileSync } from 'node:fs'

/** Peak resident set size of a process in MB (Linux VmHWM), or of this process. */
export function peakRssMB (pid: number | 'self' = 'self'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const match = /VmHWM:\s+(\d+) kB/.exec(status)
  if (match == null) throw new Error('no VmHWM in /proc status')
  return Number(match[1]) / 1024
}

/** Current resident set size of this process in MB. */
export function rssMB (): number {
  return process.memoryUsage().rss / (1024 * 1024)
}

/** Milliseconds since `start` (from performance.now()). */
export function since (start: number): number {
  return performance.now() - start
}

export function percentile (values: number[], p: number): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i]
}

export function median (values: number[]): number {
  return percentile(values, 50)
}

/**
 * Workload 3's edit loop, the same for every system: `warmup` edits back to back, untimed, then
 * `timed` edits paced `intervalMs` apart (each starts that long after the previous one started, or
 * once the previous one arrived if that took longer; 0: back to back). `edit(i)` makes edit `i`
 * and resolves once it arrived, with its latency in ms where it takes it. Returns what the timed
 * edits resolved with.
 */
export async function pacedEdits<T> (warmup: number, timed: number, intervalMs: number, edit: (i: number) => Promise<T>): Promise<T[]> {
  for (let i = 0; i < warmup; i++) await edit(i)
  const times: T[] = []
  for (let i = 0; i < timed; i++) {
    const started = performance.now()
    times.push(await edit(warmup + i))
    const wait = intervalMs - (performance.now() - started)
    if (intervalMs > 0 && wait > 0) await new Promise(resolve => setTimeout(resolve, wait))
  }
  return times
}

/** Workload 3's figures from its latencies (ms). */
export function latencyMetrics (times: number[]): { p50Ms: number, p99Ms: number, meanMs: number } {
  return { p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), meanMs: times.reduce((sum, t) => sum + t, 0) / times.length }
}

/** The pace of workload 3's edits in words: 'back to back' or 'N ms apart'. */
export function paceLabel (intervalMs: number): string {
  return intervalMs === 0 ? 'back to back' : `${intervalMs} ms apart`
}

/** Workload 3 with each party in its own process (cross-process.ts) names its variants with this. */
export const SEPARATE_PROCESSES = 'separate processes'

/** How workload 3 names a Commonplace variant: hops along the chain and the pace of the edits. */
export function latencyVariant (hops: number, intervalMs: number, processes = false): string {
  return `${hops} hop${hops === 1 ? '' : 's'}, ${processes ? `${SEPARATE_PROCESSES}, ` : ''}${paceLabel(intervalMs)}`
}

/** How workload 3 names a hub's variant (client → server → client) at a pace. */
export function hubLatencyVariant (intervalMs: number, processes = false): string {
  return `hub: client → server → client, ${processes ? `${SEPARATE_PROCESSES}, ` : ''}${paceLabel(intervalMs)}`
}

/** Resolve when `check()` holds, re-checking whenever `subscribe` reports a change. */
export async function whenTrue (check: () => boolean, subscribe: (onChange: () => void) => () => void, timeoutMs = 600_000): Promise<void> {
  if (check()) return
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { off(); reject(new Error('condition not reached in time')) }, timeoutMs)
    const off = subscribe(() => {
      if (!check()) return
      clearTimeout(timer)
      off()
      resolve()
    })
  })
}
