import { describe, it, expect } from 'vitest'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { main } from '../src/run.ts'

describe('npm run bench -- --quick (smoke)', () => {
  it('runs Commonplace and the Yjs limit through a few workloads and writes the report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cp-bench-smoke-'))
    try {
      const out = join(dir, 'latest.json')
      const report = await main(['--quick', '--only', 'initial-sync,reconnect', '--systems', 'commonplace,yjs (limit)', '--out', out])
      const trace = await main(['--quick', '--only', 'trace', '--variant', 'automerge-paper', '--systems', 'commonplace,yjs (limit)', '--out', join(dir, 'trace.json')])
      const results = [...report.results, ...trace.results]
      expect(results.filter(r => r.error != null)).toEqual([])
      const ours = results.filter(r => r.system === 'commonplace')
      expect(ours.map(r => r.workload)).toEqual(expect.arrayContaining(['initial-sync', 'reconnect', 'trace']))
      for (const r of ours) expect(r.runs).toHaveLength(1)
      expect(JSON.parse(readFileSync(out, 'utf8')).results).toHaveLength(report.results.length)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 180_000)

  it('replays the two-author trace (friendsforever) at two nodes until both hold its final text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cp-bench-smoke-'))
    try {
      const report = await main(['--quick', '--only', 'trace', '--variant', 'friendsforever', '--systems', 'commonplace', '--out', join(dir, 'latest.json')])
      expect(report.results.filter(r => r.error != null)).toEqual([])
      expect(report.results.map(r => r.variant)).toEqual(['friendsforever, 2 authors at 2 nodes'])
      // the scenario returns only once both nodes' text is the trace's endContent
      expect(report.results[0].runs.map(r => r.converged)).toEqual([1])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 300_000)

  it('times edits with each party in its own process, for Commonplace and a hub', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cp-bench-smoke-'))
    try {
      const out = join(dir, 'latest.json')
      const report = await main(['--quick', '--only', 'edit-latency', '--variant', 'separate processes, 5 ms', '--systems', 'commonplace,y-websocket', '--out', out])
      expect(report.results.filter(r => r.error != null)).toEqual([])
      expect(report.results.map(r => [r.system, r.variant])).toEqual([
        ['commonplace', '1 hop, separate processes, 5 ms apart'],
        ['y-websocket', 'hub: client → server → client, separate processes, 5 ms apart']
      ])
      for (const r of report.results) {
        expect(r.runs).toHaveLength(1)
        // every edit arrived, and after it was made
        expect(r.median.p50Ms).toBeGreaterThan(0)
        expect(r.median.p99Ms).toBeGreaterThanOrEqual(r.median.p50Ms)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 180_000)
})
