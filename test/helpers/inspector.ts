/**
 * A node process's V8 heap seen from outside, through the inspector protocol: a node started with
 * `nodeArgs: [`--inspect=127.0.0.1:${port}`]` serves its debugger there; this client collects
 * garbage in it, reads the heap's figures and writes heap snapshots, without any code in the node
 * for it (the CLI bundle runs as a person runs it).
 */
import type { NodeProc } from './node-process.ts'

/** The heap after a full collection, and the process's memory as Node counts it (bytes). */
export interface HeapFigures {
  heapUsed: number
  heapTotal: number
  external: number
  arrayBuffers: number
  rss: number
  /** V8's own count of the old generation's live objects (v8.getHeapSpaceStatistics). */
  oldSpaceUsed: number
  /** Native contexts: more than a handful means contexts are kept alive (a classic leak). */
  nativeContexts: number
}

/** One major collection V8 made on its own (watchMajorGcs), and the heap just after it. */
export interface MajorGc {
  /** ms since the process started. */
  at: number
  durationMs: number
  heapUsed: number
  heapTotal: number
  rss: number
}

export interface HeapInspector {
  /** Collect garbage (twice: the second frees what the first's weak callbacks let go), then measure. */
  afterGc(): Promise<HeapFigures>
  /** Measure as things are, garbage not yet collected included. */
  now(): Promise<HeapFigures>
  /** From now on, note every major collection (mark-compact) in the node, with the heap after it. */
  watchMajorGcs(): Promise<void>
  /** The major collections noted since the last call (forced ones included). */
  majorGcs(): Promise<MajorGc[]>
  /** Write a heap snapshot (V8 collects first) to `path` in the node's process. */
  snapshot(path: string): Promise<void>
  close(): void
}

/** Connect to the inspector that `node`'s current run serves on loopback `port`. */
export async function inspect (node: NodeProc, port: number): Promise<HeapInspector> {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json() as Array<{ webSocketDebuggerUrl: string }>
  const url = targets[0]?.webSocketDebuggerUrl
  if (url == null) throw new Error(`${node.name} serves no inspector target on port ${port}`)
  const socket = new WebSocket(url)
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => { resolve() }, { once: true })
    socket.addEventListener('error', () => { reject(new Error(`${node.name}: cannot reach the inspector at ${url}`)) }, { once: true })
  })
  let nextId = 1
  const waiting = new Map<number, { resolve: (result: any) => void, reject: (err: Error) => void }>()
  socket.addEventListener('message', event => {
    const reply = JSON.parse(String(event.data)) as { id?: number, result?: unknown, error?: { message: string } }
    const call = reply.id == null ? undefined : waiting.get(reply.id)
    if (call == null) return
    waiting.delete(reply.id as number)
    if (reply.error != null) call.reject(new Error(reply.error.message))
    else call.resolve(reply.result)
  })
  socket.addEventListener('close', () => {
    for (const call of waiting.values()) call.reject(new Error(`${node.name}: the inspector connection closed`))
    waiting.clear()
  })
  const send = async (method: string, params: object = {}): Promise<any> => await new Promise((resolve, reject) => {
    const id = nextId++
    waiting.set(id, { resolve, reject })
    socket.send(JSON.stringify({ id, method, params }))
  })
  const evaluate = async (expression: string): Promise<unknown> => {
    const { result, exceptionDetails } = await send('Runtime.evaluate', { expression, returnByValue: true }) as { result: { value: unknown }, exceptionDetails?: { text: string } }
    if (exceptionDetails != null) throw new Error(`${node.name}: ${exceptionDetails.text}`)
    return result.value
  }
  const measure = async (): Promise<HeapFigures> => await evaluate(`(() => {
    const v8 = process.getBuiltinModule('v8')
    const m = process.memoryUsage()
    const old = v8.getHeapSpaceStatistics().find(s => s.space_name === 'old_space')
    return { heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss,
      oldSpaceUsed: old ? old.space_used_size : 0, nativeContexts: v8.getHeapStatistics().number_of_native_contexts }
  })()`) as HeapFigures
  return {
    async afterGc () {
      await send('HeapProfiler.collectGarbage')
      await send('HeapProfiler.collectGarbage')
      return await measure()
    },
    now: measure,
    async watchMajorGcs () {
      // kind 4 is NODE_PERFORMANCE_GC_MAJOR; the observer runs just after the collection
      await evaluate(`(() => {
        const { PerformanceObserver, constants } = process.getBuiltinModule('perf_hooks')
        globalThis.__heapInspectorGcs = []
        new PerformanceObserver(list => {
          for (const e of list.getEntries()) {
            if (e.detail?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR || globalThis.__heapInspectorGcs.length >= 1000) continue
            const m = process.memoryUsage()
            globalThis.__heapInspectorGcs.push({ at: e.startTime, durationMs: e.duration, heapUsed: m.heapUsed, heapTotal: m.heapTotal, rss: m.rss })
          }
        }).observe({ entryTypes: ['gc'] })
      })()`)
    },
    async majorGcs () {
      return await evaluate('(globalThis.__heapInspectorGcs ?? []).splice(0)') as MajorGc[]
    },
    async snapshot (path) {
      await evaluate(`process.getBuiltinModule('v8').writeHeapSnapshot(${JSON.stringify(path)})`)
    },
    close () { socket.close() }
  }
}
