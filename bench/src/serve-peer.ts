/**
 * The child side of ./child.ts, with no imports (footprint children measure their own memory):
 * handle each message from the runner with `handle`; a failure is sent back as `{ error }` (the
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
