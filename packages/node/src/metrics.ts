/**
 * The node's metrics, served as Prometheus text at `GET /api/metrics` (docs/reliability.md,
 * "Metrics"): libp2p's own (through `@libp2p/prometheus-metrics`, one registry per node) and the
 * node's: documents held and open, sync queue depth, refused peer input by reason, event-loop
 * delay, disk sync time and the V8 heap in use. Everything kept here is updated in O(1); what can be read from the
 * parts (document counts, queue depth) is read, and the text rendered, only when asked.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8'
import { prometheusMetrics } from '@libp2p/prometheus-metrics'
import { Registry } from 'prom-client'
import type { KeyValueStore } from '@commonplace/core'
import type { Metrics } from '@libp2p/interface'
import { createHealth } from './health.ts'
import type { NodeHealth } from './health.ts'

/** Upper bounds (seconds) of the disk sync histogram: an fdatasync takes from ~0.1 ms to seconds. */
const SYNC_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]
/** How often the event-loop delay window starts again (ms): the figures say how the loop is now. */
const DELAY_WINDOW_MS = 60_000
/** Sampling resolution of the event-loop delay monitor (ms): one cheap timer per node. */
const DELAY_RESOLUTION_MS = 20
/** Most distinct refusal labels kept: a reason comes from our own error codes, but stay bounded. */
const MAX_REFUSAL_LABELS = 200

/** Event-loop delay over the current window (ms). */
export interface EventLoopDelay {
  p50Ms: number
  p99Ms: number
  maxMs: number
}

/** What the metrics read from the rest of the node when rendered. */
export interface MetricsSources {
  documents(): { held: number, open: number, quarantined: number }
  /** Messages waiting to be written to peers, over every sync session. */
  syncQueueDepth(): number
  connections(): number
  /** Requests being built off the event loop (large Markdown imports and edits). */
  requestsOffLoop(): number
}

export interface NodeMetricsInit {
  /**
   * Collect the costlier parts: libp2p's stream byte counts, the event-loop monitor and the disk
   * sync timing. Off leaves only the counters (the benchmark's comparison). Default true.
   */
  enabled?: boolean
  /** The folder whose file system's usage libp2p's metrics report. */
  dataDir?: string
}

export interface NodeMetrics {
  readonly enabled: boolean
  /** The node's health (degraded states), kept up to date by the storage wrapper. */
  readonly health: NodeHealth
  /** The libp2p `metrics` option (undefined when off). */
  readonly libp2p: ((components: any) => Metrics) | undefined
  /** Count a peer input refused on `protocol` with `reason` (an error code). */
  refused(protocol: string, reason: string): void
  /** `storage` with its disk syncs timed and its full-disk failures recorded in `health`. */
  watchStorage(storage: KeyValueStore): KeyValueStore
  eventLoopDelay(): EventLoopDelay
  /** Start the event-loop monitor; `sources` are read on every render. */
  start(sources: MetricsSources): void
  stop(): void
  /** The Prometheus text exposition (format 0.0.4). */
  render(): Promise<string>
}

/** @example `const metrics = createNodeMetrics({ dataDir }); createLibp2p({ metrics: metrics.libp2p })` */
export function createNodeMetrics (init: NodeMetricsInit = {}): NodeMetrics {
  const enabled = init.enabled ?? true
  const registry = new Registry()
  const health = createHealth()
  const refusals = new Map<string, number>()
  const syncs = { buckets: new Array<number>(SYNC_BUCKETS.length).fill(0), count: 0, sum: 0 }
  const delay = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS })
  let last: EventLoopDelay = { p50Ms: 0, p99Ms: 0, maxMs: 0 }
  let window: ReturnType<typeof setInterval> | undefined
  let sources: MetricsSources | undefined

  const read = (): EventLoopDelay => {
    if (!enabled || delay.count === 0) return last
    // the monitor reports nanoseconds, and counts its own timer resolution into each sample
    const ms = (ns: number): number => Math.max(0, Math.round((ns / 1e6 - DELAY_RESOLUTION_MS) * 100) / 100)
    return { p50Ms: ms(delay.percentile(50)), p99Ms: ms(delay.percentile(99)), maxMs: ms(delay.max) }
  }

  function observeSync (seconds: number): void {
    syncs.count++
    syncs.sum += seconds
    const i = SYNC_BUCKETS.findIndex(bound => seconds <= bound)
    if (i >= 0) syncs.buckets[i]++
  }

  return {
    enabled,
    health,
    libp2p: enabled ? prometheusMetrics({ registry, collectDefaultMetrics: false, statfsLocation: init.dataDir }) : undefined,
    refused (protocol, reason) {
      const key = `protocol="${label(protocol)}",reason="${label(reason)}"`
      const n = refusals.get(key)
      if (n == null && refusals.size >= MAX_REFUSAL_LABELS) return
      refusals.set(key, (n ?? 0) + 1)
    },
    watchStorage: storage => watchStorage(storage, health, enabled ? observeSync : undefined),
    eventLoopDelay: read,
    start (from) {
      sources = from
      if (!enabled) return
      delay.enable()
      window = setInterval(() => { last = read(); delay.reset() }, DELAY_WINDOW_MS)
      window.unref()
    },
    stop () {
      clearInterval(window)
      delay.disable()
    },
    async render () {
      const lines = ownMetrics({ sources, refusals, syncs, delay: read(), health, enabled })
      return `${enabled ? await registry.metrics() : ''}\n${lines.join('\n')}\n`
    }
  }
}

/** The node's own metrics as text lines. */
function ownMetrics (m: {
  sources?: MetricsSources
  refusals: Map<string, number>
  syncs: { buckets: number[], count: number, sum: number }
  delay: EventLoopDelay
  health: NodeHealth
  enabled: boolean
}): string[] {
  const docs = m.sources?.documents() ?? { held: 0, open: 0, quarantined: 0 }
  const out = [
    ...gauge('commonplace_documents_held', 'Documents this node holds', docs.held),
    ...gauge('commonplace_documents_open', 'Documents loaded in memory', docs.open),
    ...gauge('commonplace_documents_quarantined', 'Documents whose stored updates cannot be read (refused until a peer restores them)', docs.quarantined),
    ...gauge('commonplace_sync_queue_depth', 'Sync messages waiting to be written to peers', m.sources?.syncQueueDepth() ?? 0),
    ...gauge('commonplace_peer_connections', 'Open libp2p connections', m.sources?.connections() ?? 0),
    ...gauge('commonplace_requests_off_loop', 'Requests being built off the event loop (large Markdown)', m.sources?.requestsOffLoop() ?? 0),
    ...gauge('commonplace_degraded', 'Degraded states (1 each: see commonplace status)', m.health.degraded().length),
    ...heapGauges(),
    '# HELP commonplace_refused_inputs_total Peer input refused, by protocol and reason (error code)',
    '# TYPE commonplace_refused_inputs_total counter',
    ...[...m.refusals].map(([labels, n]) => `commonplace_refused_inputs_total{${labels}} ${n}`)
  ]
  if (!m.enabled) return out
  out.push('# HELP commonplace_event_loop_delay_seconds Event-loop delay over the current window',
    '# TYPE commonplace_event_loop_delay_seconds summary',
    `commonplace_event_loop_delay_seconds{quantile="0.5"} ${m.delay.p50Ms / 1000}`,
    `commonplace_event_loop_delay_seconds{quantile="0.99"} ${m.delay.p99Ms / 1000}`,
    `commonplace_event_loop_delay_seconds{quantile="1"} ${m.delay.maxMs / 1000}`,
    '# HELP commonplace_disk_sync_seconds Time to put the write-ahead log on disk (fdatasync)',
    '# TYPE commonplace_disk_sync_seconds histogram')
  let cumulative = 0
  SYNC_BUCKETS.forEach((bound, i) => {
    cumulative += m.syncs.buckets[i]
    out.push(`commonplace_disk_sync_seconds_bucket{le="${bound}"} ${cumulative}`)
  })
  out.push(`commonplace_disk_sync_seconds_bucket{le="+Inf"} ${m.syncs.count}`,
    `commonplace_disk_sync_seconds_sum ${m.syncs.sum}`, `commonplace_disk_sync_seconds_count ${m.syncs.count}`)
  return out
}

/**
 * The V8 heap when scraped (no collection forced): what is in use (live objects and garbage not yet
 * collected) and what V8 holds for it; the resident memory past the latter is outside the heap.
 */
function heapGauges (): string[] {
  const heap = getHeapStatistics()
  let young = 0
  for (const space of getHeapSpaceStatistics()) if (space.space_name === 'new_space' || space.space_name === 'new_large_object_space') young += space.space_size
  return [...gauge('commonplace_heap_used_bytes', 'V8 heap in use (live and not yet collected objects)', heap.used_heap_size),
    ...gauge('commonplace_heap_total_bytes', 'V8 heap reserved by the process', heap.total_heap_size),
    ...gauge('commonplace_heap_young_bytes', 'Of the V8 heap reserved, the young generation (it grows under load, and is given back late)', young)]
}

function gauge (name: string, help: string, value: number): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${value}`]
}

/** A label value as the text format wants it (backslash, quote and newline escaped). */
function label (value: string): string {
  return value.slice(0, 64).replace(/[\\"\n]/g, c => c === '\n' ? '\\n' : `\\${c}`)
}

/**
 * `storage` with every `sync` timed (when `observe` is given) and every write watched for a full
 * disk: ERR_STORAGE_FULL marks the node degraded, the next write that lands clears it.
 */
function watchStorage (storage: KeyValueStore, health: NodeHealth, observe?: (seconds: number) => void): KeyValueStore {
  const watched: KeyValueStore = {
    get: key => storage.get(key),
    range: options => storage.range(options),
    write: ops => {
      try {
        storage.write(ops)
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_STORAGE_FULL') health.diskFull((err as Error).message)
        throw err
      }
      health.diskWritten()
    },
    close: () => { storage.close() }
  }
  // the signed items' journal is the store's own file, not a write: nothing to watch
  if (storage.journal != null) watched.journal = storage.journal
  const sync = storage.sync
  if (sync != null) {
    watched.sync = observe == null
      ? async options => { await sync(options) }
      : async options => {
        const started = performance.now()
        try {
          await sync(options)
        } finally {
          observe((performance.now() - started) / 1000)
        }
      }
  }
  return watched
}
