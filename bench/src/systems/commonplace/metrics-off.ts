import { WorkloadId } from '../../types.ts'
import type { Scenario } from '../../types.ts'

/** The system name of the runs made with the node's metrics off. */
export const METRICS_OFF_SYSTEM = 'commonplace-metrics-off'

/** The workloads whose cost of metrics the issue bounds (at most 2%). */
const MEASURED = new Set<string>([WorkloadId.editLatency, WorkloadId.trace])

/**
 * The edit-latency and trace scenarios again, with `COMMONPLACE_METRICS=off` while they run
 * (their nodes, and the peer processes they start, read it). They keep the variant of the
 * scenario they copy, so a bench run alternates them with it: the cost of metrics is read off
 * one run, `--systems commonplace,commonplace-metrics-off`, not off runs made at other times.
 */
export function metricsOffScenarios (scenarios: Scenario[]): Scenario[] {
  return scenarios.filter(s => MEASURED.has(s.workload)).map(s => ({
    ...s,
    system: METRICS_OFF_SYSTEM,
    versus: s.variant,
    async run (ctx) {
      const before = process.env.COMMONPLACE_METRICS
      process.env.COMMONPLACE_METRICS = 'off'
      try {
        return await s.run(ctx)
      } finally {
        if (before === undefined) delete process.env.COMMONPLACE_METRICS
        else process.env.COMMONPLACE_METRICS = before
      }
    }
  }))
}
