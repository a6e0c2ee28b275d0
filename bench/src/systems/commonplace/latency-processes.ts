import { fileURLToPath } from 'node:url'
import { forkPeer } from '../../child.ts'
import { editsAcrossProcesses, forkWatched } from '../../cross-process.ts'
import { latencyMetrics } from '../../measure.ts'
import type { Metrics, RunContext } from '../../types.ts'

const LATENCY_PEER_SCRIPT = fileURLToPath(new URL('./latency-peer.ts', import.meta.url))

/**
 * Workload 3, 1 hop, each node in its own process as organisations run them: A holds the
 * document and edits it, B (dialled to A) reports each edit's arrival (../../cross-process.ts).
 */
export async function editLatencyAcrossProcesses (ctx: RunContext, intervalMs: number): Promise<Metrics> {
  const { config } = ctx
  const a = await forkPeer(LATENCY_PEER_SCRIPT)
  const b = await forkWatched(LATENCY_PEER_SCRIPT)
  try {
    const { orgId } = await b.peer.ask({ cmd: 'start', dataDir: ctx.tmpDir() })
    const { addr } = await a.ask({ cmd: 'start', dataDir: ctx.tmpDir() })
    const { id, length } = await a.ask({ cmd: 'host', seed: config.seed, shareWith: orgId })
    await b.peer.ask({ cmd: 'join', addr, id, length })
    await b.peer.ask({ cmd: 'watch' })
    return latencyMetrics(await editsAcrossProcesses(a, b, config.warmupEdits, config.edits, intervalMs))
  } finally {
    await Promise.all([a.stop(), b.peer.stop()])
  }
}
