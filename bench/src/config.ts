import type { BenchConfig } from './types.ts'

/** `npm run bench`: the sizes the issue names. */
export const FULL: BenchConfig = {
  quick: false,
  runs: 3,
  seed: 20261122,
  docs: 1000,
  docBytes: 10_000,
  reconnectDocs: 10_000,
  reconnectChanged: [0, 10, 1000],
  edits: 1000,
  warmupEdits: 1000,
  editIntervalsMs: [0, 1, 5, 20],
  chainIntervalMs: 5,
  hops: [1, 3, 5],
  traceLimit: 259_778,
  footprintDocs: 10_000,
  footprintOpen: 100,
  selectiveShared: 10,
  manyNodes: 20
}

/** `npm run bench -- --quick`: every workload, smaller, in about a minute or two. */
export const QUICK: BenchConfig = {
  ...FULL,
  quick: true,
  runs: 1,
  docs: 200,
  reconnectDocs: 1000,
  reconnectChanged: [0, 10, 100],
  edits: 200,
  warmupEdits: 50,
  editIntervalsMs: [0, 5],
  hops: [1, 3],
  traceLimit: 20_000,
  footprintDocs: 1000,
  manyNodes: 6
}
