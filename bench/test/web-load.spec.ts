import { describe, it, expect } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { main } from '../src/run.ts'

describe('npm run bench -- --quick --only web-load (smoke)', () => {
  it('loads the web app in fresh Chromium contexts, shows the document list, and asks the node nothing twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cp-bench-web-'))
    try {
      const report = await main(['--quick', '--only', 'web-load', '--out', join(dir, 'latest.json')])
      expect(report.results.map(r => [r.workload, r.error])).toEqual([['web-load', undefined]])
      const { median } = report.results[0]
      // the page painted and listed the records; the figures themselves are not asserted
      expect(median.fcpMs).toBeGreaterThan(0)
      expect(median.listMs).toBeGreaterThan(0)
      expect(median.apiCalls).toBeGreaterThan(0)
      expect(median.repeatedApiCalls).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)
})
