/** `commonplace status` shows the node's event-loop delay and degraded states (text and --json). */
import { describe, it, expect, beforeEach, afterEach } from 'vitest'
import type { NodeStatus } from '../src/node-api.ts'
import { run, startFakeNode, status } from './helpers.ts'
import type { FakeNode, RunResult } from './helpers.ts'

const diskFull = {
  code: 'ERR_STORAGE_FULL',
  message: 'The disk is full: writes are refused until space is freed (database or disk full)',
  since: '2025-01-05T03:04:05.000Z'
}

describe('status with health figures', () => {
  let node: FakeNode
  const cli = async (...argv: string[]): Promise<RunResult> => run([...argv, '--data', node.dataDir], { cwd: node.dataDir })
  const answer = (extra: Partial<NodeStatus>): void => { node.api.status = async () => ({ ...status, ...extra }) }

  beforeEach(async () => { node = await startFakeNode() })
  afterEach(async () => { await node.cleanup() })

  it('prints the event-loop delay and "Degraded: no" when healthy', async () => {
    answer({ eventLoopDelay: { p50Ms: 0.4, p99Ms: 3.1, maxMs: 12 }, degraded: [] })
    const result = await cli('status')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/Documents: 3\nEvent-loop delay: p50 0\.4 ms, p99 3\.1 ms, max 12 ms\nDegraded: no\n$/)
  })

  it('lists a full disk with its code, start and advice', async () => {
    answer({ eventLoopDelay: { p50Ms: 0, p99Ms: 0, maxMs: 0 }, degraded: [diskFull] })
    const result = await cli('status')
    expect(result.stdout).toContain(`Degraded:\n  ERR_STORAGE_FULL since 2025-01-05T03:04:05.000Z: ${diskFull.message}\n`)
  })

  it('passes the fields through with --json', async () => {
    answer({ eventLoopDelay: { p50Ms: 1, p99Ms: 2, maxMs: 3 }, degraded: [diskFull] })
    expect((await cli('status', '--json')).json).toMatchObject({ eventLoopDelay: { p50Ms: 1, p99Ms: 2, maxMs: 3 }, degraded: [diskFull] })
  })

  it('leaves the lines out for a node that does not report them', async () => {
    const result = await cli('status')
    expect(result.stdout).not.toContain('Event-loop delay')
    expect(result.stdout).not.toContain('Degraded')
  })
})
