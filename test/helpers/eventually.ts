/**
 * Waiting for state that lives in other processes, driven by their events: subscribe to the
 * event stream (`GET /api/events`) of every running test node, wait until each says `ready`,
 * then run the probe; whenever it does not hold yet, wait for the next event from any node
 * (a document change, a peer connecting) and run it again. No polling, no sleeps; only an
 * overall deadline, well under the test timeout, after which it fails with the probe's error.
 */
import { readConnection, readEventStream } from '@commonplace/cli'
import { runningNodes } from './node-process.ts'

export interface EventuallyOptions {
  /** What is awaited, for the failure message. */
  what: string
  /** Overall deadline (default 25 s; the test timeout is 60 s). */
  timeoutMs?: number
}

/**
 * Run `probe` until it resolves (it throws, e.g. a failed `expect`, while the condition does not
 * hold yet) and return its value.
 *
 * @example
 * ```ts
 * const doc = await eventually(async () => {
 *   const doc = await showDoc(c.dataDir, id)
 *   expect(doc.title).toBe(title)
 *   return doc
 * }, { what: 'C holds the document' })
 * ```
 */
export async function eventually<T> (probe: () => Promise<T>, options: EventuallyOptions): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 25_000
  const stop = new AbortController()
  const deadline = AbortSignal.timeout(timeoutMs)
  const signal = AbortSignal.any([stop.signal, deadline])
  const events = eventCounter()
  let tries = 0
  let last: unknown
  try {
    await Promise.all([...runningNodes].map(async node => { await listen(node.dataDir, signal, events) }))
    for (;;) {
      const seen = events.count
      tries++
      try {
        return await probe()
      } catch (err) {
        last = err
      }
      await events.after(seen, signal)
    }
  } catch (err) {
    if (!deadline.aborted) throw err
    const reason = last instanceof Error ? last.message : String(last)
    throw new Error(`Timed out after ${timeoutMs / 1000} s (${tries} tries) waiting until ${options.what}: ${reason}`, { cause: last })
  } finally {
    stop.abort()
  }
}

interface EventCounter {
  readonly count: number
  bump(): void
  /** Resolves once more than `seen` events have arrived; rejects when `signal` aborts. */
  after(seen: number, signal: AbortSignal): Promise<void>
}

function eventCounter (): EventCounter {
  let count = 0
  const waiting = new Set<() => void>()
  return {
    get count () { return count },
    bump () {
      count++
      for (const wake of waiting) wake()
    },
    async after (seen, signal) {
      if (count > seen) return
      signal.throwIfAborted()
      await new Promise<void>((resolve, reject) => {
        const wake = (): void => { if (count > seen) done(resolve) }
        const abort = (): void => { done(() => { reject(signal.reason) }) }
        const done = (then: () => void): void => {
          waiting.delete(wake)
          signal.removeEventListener('abort', abort)
          then()
        }
        waiting.add(wake)
        signal.addEventListener('abort', abort, { once: true })
      })
    }
  }
}

/** Subscribe to one node's events; resolves once the node says `ready`. */
async function listen (dataDir: string, signal: AbortSignal, events: EventCounter): Promise<void> {
  const { url, token } = await readConnection(dataDir)
  const stream = readEventStream({ url, token, signal })
  const first = await stream.next()
  if (first.done === true || first.value.type !== 'ready') throw new Error(`${dataDir}: the event stream did not start`)
  void (async () => {
    try {
      for await (const _event of stream) events.bump()
    } catch {
      // the node stopped or the wait is over: nothing more will come from it
    }
  })()
}
