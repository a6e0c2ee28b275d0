import { fileURLToPath } from 'node:url'
import { forkPeer } from '../child.ts'
import { editsAcrossProcesses, forkWatched } from '../cross-process.ts'
import { latencyMetrics } from '../measure.ts'
import type { BenchConfig, Metrics } from '../types.ts'
import type { HubKind } from './hubs-peer.ts'

const HUB_LATENCY_SCRIPT = fileURLToPath(new URL('./hubs-latency-peer.ts', import.meta.url))

/**
 * Workload 3 for a hub with the server, client A and client B each in its own process, as
 * deployed (a server and two browsers); ../cross-process.ts takes the times.
 */
export async function hubLatencyAcrossProcesses (kind: HubKind, config: BenchConfig, intervalMs: number): Promise<Metrics> {
  const server = await forkPeer(HUB_LATENCY_SCRIPT)
  const a = await forkPeer(HUB_LATENCY_SCRIPT)
  const b = await forkWatched(HUB_LATENCY_SCRIPT)
  try {
    const { port } = await server.ask({ cmd: 'serve', kind, seed: config.seed })
    await Promise.all([a.ask({ cmd: 'client', kind, port, seed: config.seed }), b.peer.ask({ cmd: 'client', kind, port, seed: config.seed })])
    await b.peer.ask({ cmd: 'watch' })
    return latencyMetrics(await editsAcrossProcesses(a, b, config.warmupEdits, config.edits, intervalMs))
  } finally {
    await Promise.all([a.stop(), b.peer.stop()])
    await server.stop()
  }
}
