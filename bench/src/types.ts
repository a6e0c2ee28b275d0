/** What every benchmark scenario, of every system, looks like to the runner. */

export const WorkloadId = {
  initialSync: 'initial-sync',
  reconnect: 'reconnect',
  editLatency: 'edit-latency',
  trace: 'trace',
  footprint: 'footprint',
  selective: 'selective',
  manyNodes: 'many-nodes',
  webLoad: 'web-load',
  signing: 'signing',
  practice: 'practice',
  history: 'history',
  people: 'people'
} as const
export type WorkloadId = typeof WorkloadId[keyof typeof WorkloadId]

/** Named numbers one run produced, e.g. `{ ms: 812, bytes: 10_412_003, peakRssMB: 96 }`. */
export type Metrics = Record<string, number>

export interface BenchConfig {
  quick: boolean
  /** Repetitions of each scenario (median and spread are reported). */
  runs: number
  seed: number
  /** Workload 1 and 6: documents held by A, and their size in bytes of text. */
  docs: number
  docBytes: number
  /** Workload 2: documents shared, and how many change while apart. */
  reconnectDocs: number
  reconnectChanged: number[]
  /** Workload 3: single-character edits timed, and chain lengths in hops. */
  edits: number
  /**
   * Workload 3: edits made, untimed, before the timed ones, by every system alike: latency is
   * measured in the steady state of a process that has been editing a while (a node runs for
   * days), not while its code is still being compiled.
   */
  warmupEdits: number
  /**
   * Workload 3: the paces of the timed edits, in ms between one edit's start and the next (0:
   * back to back), for 1 hop and the hubs' client → server → client. Each is a variant.
   */
  editIntervalsMs: number[]
  /** Workload 3: the pace for the longer chains (and automerge-repo). */
  chainIntervalMs: number
  hops: number[]
  /** Workload 4: at most this many trace edits (quick runs replay a prefix). */
  traceLimit: number
  /** Workload 5: documents held. */
  footprintDocs: number
  footprintOpen: number
  /** Workload 6: documents of the `docs` shared with B. */
  selectiveShared: number
  /** Workload 7: nodes in the chain. */
  manyNodes: number
}

export interface RunContext {
  config: BenchConfig
  /** A fresh temporary folder, removed after the run. */
  tmpDir(): string
}

export interface Scenario {
  workload: WorkloadId
  /** e.g. '10 of 10,000 changed', '3 hops'. */
  variant: string
  /** 'commonplace', 'automerge-repo', 'y-websocket', 'hocuspocus', 'yjs (limit)'. */
  system: string
  /** Versions of what is measured, e.g. '@automerge/automerge-repo 2.5.6'. */
  version: string
  /** The Commonplace variant this one's ratio is taken against, when not the same name. */
  versus?: string
  run(ctx: RunContext): Promise<Metrics>
}
