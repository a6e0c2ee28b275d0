/**
 * The soak run's samples and what they add up to: per node, resident memory, open descriptors and
 * event-loop delay over the run, and whether each stayed flat (docs/reliability.md, "Soak").
 */
import { metricsText, metricValue, processStats } from '../helpers/node-api.ts'
import type { NodeProc } from '../helpers/node-process.ts'

export interface Sample {
  /** Minutes since the load began. */
  minute: number
  node: string
  /** Which run of the node (1 = never restarted). */
  run: number
  rssMiB: number
  /** V8 heap in use when scraped (garbage not yet collected included): tells the heap from the RSS around it. */
  heapMiB: number
  /** V8 heap the process holds: resident memory past it is outside the heap. */
  heapTotalMiB: number
  /** Of that, the young generation. */
  youngMiB: number
  /** CPU time the node's process has used since it started. */
  cpuSeconds: number
  fds: number
  loopP99Ms: number
  loopMaxMs: number
  documentsOpen: number
}

/** One sample of every running node (a node that stops under it is left out of this round). */
export async function sampleNodes (nodes: NodeProc[], minute: number): Promise<Sample[]> {
  const out: Sample[] = []
  await Promise.all(nodes.map(async node => {
    const pid = node.pid
    if (!node.running || pid == null) return
    try {
      const text = await metricsText(node)
      const stats = processStats(pid)
      out.push({
        minute: Math.round(minute * 100) / 100,
        node: node.name,
        run: node.starts,
        rssMiB: Math.round(stats.rssBytes / 1048576 * 10) / 10,
        heapMiB: Math.round((metricValue(text, 'commonplace_heap_used_bytes') ?? NaN) / 1048576 * 10) / 10,
        heapTotalMiB: Math.round((metricValue(text, 'commonplace_heap_total_bytes') ?? NaN) / 1048576 * 10) / 10,
        youngMiB: Math.round((metricValue(text, 'commonplace_heap_young_bytes') ?? NaN) / 1048576 * 10) / 10,
        cpuSeconds: stats.cpuSeconds,
        fds: stats.openFds,
        loopP99Ms: (metricValue(text, 'commonplace_event_loop_delay_seconds', 'quantile="0.99"') ?? NaN) * 1000,
        loopMaxMs: (metricValue(text, 'commonplace_event_loop_delay_seconds', 'quantile="1"') ?? NaN) * 1000,
        documentsOpen: metricValue(text, 'commonplace_documents_open') ?? NaN
      })
    } catch {
      // the node was stopped by the churn between the check and the read
    }
  }))
  return out
}

/** First and last stretch of one node's samples (one run), and whether it stayed flat. */
export interface Trend {
  node: string
  samples: number
  /** Minutes since the load began of the first and last sample. */
  span: [number, number]
  rssMiB: [number, number]
  heapMiB: [number, number]
  fds: [number, number]
  loopP99Ms: [number, number]
  loopMaxMs: number
  flat: boolean
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)
const round = (x: number): number => Math.round(x * 10) / 10

/**
 * For each node's first run (the nodes the churn never restarted keep theirs all along): the mean
 * of the first and last fifth of its samples. Flat: memory grew by at most 20% (and 20 MiB),
 * descriptors by at most 10, and the p99 event-loop delay stayed under 50 ms.
 */
export function trends (samples: Sample[]): Trend[] {
  const byNode = new Map<string, Sample[]>()
  for (const s of samples) if (s.run === 1) byNode.set(s.node, [...(byNode.get(s.node) ?? []), s])
  return [...byNode].map(([node, list]) => {
    const fifth = Math.max(1, Math.floor(list.length / 5))
    const head = list.slice(0, fifth)
    const tail = list.slice(-fifth)
    const rss: [number, number] = [round(mean(head.map(s => s.rssMiB))), round(mean(tail.map(s => s.rssMiB)))]
    const heap: [number, number] = [round(mean(head.map(s => s.heapMiB))), round(mean(tail.map(s => s.heapMiB)))]
    const fds: [number, number] = [round(mean(head.map(s => s.fds))), round(mean(tail.map(s => s.fds)))]
    const loop: [number, number] = [round(mean(head.map(s => s.loopP99Ms))), round(mean(tail.map(s => s.loopP99Ms)))]
    const flat = rss[1] <= Math.max(rss[0] * 1.2, rss[0] + 20) && fds[1] <= fds[0] + 10 && loop[1] < 50
    return { node, samples: list.length, span: [list[0].minute, list[list.length - 1].minute], rssMiB: rss, heapMiB: heap, fds, loopP99Ms: loop, loopMaxMs: round(Math.max(...list.map(s => s.loopMaxMs))), flat }
  })
}
