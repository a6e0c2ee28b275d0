import { describe, it, expect, afterEach } from 'vitest'
import { runCli } from '../src/index.ts'
import { DOC, NET, OTHER, startFakeNode } from './helpers.ts'
import type { FakeNode } from './helpers.ts'
import type { NodeEvent } from '@commonplace/api'

describe('watch', () => {
  let node: FakeNode | undefined
  afterEach(async () => { await node?.cleanup() })

  it('prints one line per node event, network events included, until stopped', async () => {
    const listeners = new Set<(event: NodeEvent) => void>()
    node = await startFakeNode(listener => {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    })
    const stop = new AbortController()
    let stdout = ''
    const io = { stdout: { write: (text: string) => { stdout += text } }, stderr: { write: () => {} }, env: {}, cwd: '/', signal: stop.signal }
    const watching = runCli(['watch', '--data', node.dataDir], io)
    await expect.poll(() => listeners.size).toBe(1)
    const events: NodeEvent[] = [
      { type: 'peer', orgId: OTHER, name: 'Hillview', state: 'connected' },
      { type: 'doc', id: DOC, changeSeq: 7, origin: 'peer', peer: OTHER, accessChanged: true },
      { type: 'network', id: NET, change: 'roster' },
      { type: 'network', id: NET, change: 'removed' }
    ]
    for (const event of events) for (const listener of listeners) listener(event)
    const lines = [
      `${OTHER} (Hillview) connected`,
      `${DOC} changed (sharing, from ${OTHER}) #7`,
      `network ${NET}: the roster changed`,
      `network ${NET}: this organisation was removed`
    ]
    await expect.poll(() => stdout.trimEnd().split('\n')).toEqual(lines)
    stop.abort()
    expect(await watching).toBe(0)
  })
})
