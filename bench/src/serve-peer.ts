/**
 * The child side of ./child.ts and ./cross-process.ts, with no imports (footprint children measure
 * their own memory).
 */

/**
 * Handle each message from the runner with `handle`; a failure is sent back as `{ error }` (the
 * runner's `ask` rejects with it) and ends the process.
 */
export function servePeer (handle: (message: any) => Promise<void>): void {
  process.on('message', (message: any) => {
    handle(message).catch(err => {
      process.send?.({ error: String((err as Error).stack ?? err) })
      process.exit(1)
    })
  })
}

/** Milliseconds on the machine's monotonic clock, comparable between processes. */
export function clock (): number {
  return Number(process.hrtime.bigint()) / 1e6
}

/**
 * B's side: `seen(extra)` with how many characters its text holds beyond its length at the
 * start; the first time each count is reached is edit (count - 1)'s arrival, reported to the
 * runner at once (after its time is taken).
 */
export function arrivals (): { seen: (extra: number) => void, times: number[] } {
  const times: number[] = []
  return {
    times,
    seen (extra) {
      if (extra <= times.length) return
      const at = clock()
      while (times.length < extra) times.push(at)
      process.send?.({ event: 'arrived', count: extra })
    }
  }
}
