/**
 * Workload 3 with every party in its own process: the editor (A), the receiver (B) and, for a
 * hub, the server. Each side takes its own times on the machine's monotonic clock
 * (`process.hrtime`, CLOCK_MONOTONIC: one clock for every process of the machine), A as it
 * makes edit i, B when its text first holds i + 1 more characters; the runner only relays
 * "arrived" from B to A between edits, never while one is in flight, and collects the times at
 * the end.
 *
 * Runner side here: `forkWatched`, `editsAcrossProcesses`. Child side, in each peer script:
 * `clock()` and `arrivals()` of ./serve-peer.ts.
 */
import { forkPeer } from './child.ts'
import type { ChildPeer } from './child.ts'
import { pacedEdits } from './measure.ts'

/** A peer process with a running count of the arrivals it reported. */
export interface Watched { peer: ChildPeer, arrived: (count: number) => Promise<void> }

/** Fork a peer whose `arrived` events can be waited for. */
export async function forkWatched (script: string): Promise<Watched> {
  let count = 0
  const waiting = new Map<number, () => void>()
  const peer = await forkPeer(script, undefined, msg => {
    if (msg.event !== 'arrived') return
    count = Math.max(count, Number(msg.count))
    for (const [n, resolve] of waiting) if (n <= count) { waiting.delete(n); resolve() }
  })
  return {
    peer,
    arrived: async n => {
      if (n <= count) return
      await new Promise<void>(resolve => { waiting.set(n, resolve) })
    }
  }
}

/**
 * The edit loop of workload 3 (measure.ts, pacedEdits) across processes: `warmup` untimed edits
 * back to back, then `timed` ones `intervalMs` apart (0: the next once the runner heard that the
 * previous one arrived). Returns the timed latencies in ms, from the times each side took.
 */
export async function editsAcrossProcesses (editor: ChildPeer, receiver: Watched, warmup: number, timed: number, intervalMs: number): Promise<number[]> {
  await pacedEdits(warmup, timed, intervalMs, async i => {
    editor.post({ cmd: 'edit', i })
    await receiver.arrived(i + 1)
  })
  const { times: made } = await editor.ask<{ times: number[] }>({ cmd: 'times' })
  const { times: seen } = await receiver.peer.ask<{ times: number[] }>({ cmd: 'times' })
  if (made.length !== warmup + timed || seen.length < warmup + timed) throw new Error(`made ${made.length} edits, saw ${seen.length} arrive`)
  return made.slice(warmup).map((t, k) => seen[warmup + k] - t)
}
