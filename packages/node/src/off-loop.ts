/**
 * Large create and edit requests are built off the event loop, in one worker thread
 * (markdown-worker.ts), started when the first one comes and stopped after a while without one.
 * Parsing a megabyte of Markdown tables and lists and building its Yjs structure takes seconds;
 * on the node's own thread nothing else would be served, and a SIGTERM not handled, meanwhile.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { StorageClosedError, errorFromCode } from '@commonplace/core'
import type { OrgId } from '@commonplace/core'
import type { CreateDocRequest, EditDocRequest } from '@commonplace/api'
import type { WorkerAnswer, WorkerRequest } from './markdown-worker.ts'

/**
 * Requests with at least this many characters of text go to the worker. Below it the node's
 * thread builds them: at the slowest measured rate (about 3 µs a character, tables of marked
 * text) that is at most 50 ms, and a worker's round trip would cost more than it saves.
 */
export const OFF_LOOP_MIN_CHARS = 16 * 1024

/** A worker without requests for this long stops (it costs a V8 heap of its own). */
const IDLE_STOP_MS = 30_000

/** The update a request makes and what it does to the index entry. */
export interface BuiltChange {
  update: Uint8Array | null
  stateVector: Uint8Array
  title: string
  kind: string
  /** The sections it changed and removed (section-changes.ts), for their "last changed" records. */
  parts: { changed: string[], removed: string[] }
}

export interface OffLoop {
  /** The update creating the record `request` describes, written with Yjs client `client`. */
  create(request: CreateDocRequest, owner: OrgId, now: number, client: number): Promise<BuiltChange>
  /** The update `request` makes to the document whose updates are `stored`, written with Yjs client `client`. */
  edit(request: EditDocRequest, stored: Uint8Array[], now: number, client: number): Promise<BuiltChange>
  /** Requests being built in the worker now. */
  readonly pending: number
  /** Stop the worker; requests in flight fail with ERR_STORAGE_CLOSED. */
  close(): Promise<void>
}

/** A request to the worker before it has its call number. */
type WorkerCall<R = WorkerRequest> = R extends WorkerRequest ? Omit<R, 'call'> : never

type Pending = Map<number, { resolve: (change: BuiltChange) => void, reject: (err: Error) => void }>

/** The worker's script: the bundle's `markdown-worker.mjs` or the TypeScript source beside this file. */
function workerScript (): URL | undefined {
  return [new URL('./markdown-worker.mjs', import.meta.url), new URL('./markdown-worker.ts', import.meta.url)]
    .find(url => existsSync(fileURLToPath(url)))
}

/**
 * The worker for large requests; undefined when its script is not there (a bundle built without
 * it), and then the node builds every request on its own thread.
 */
export function createOffLoop (): OffLoop | undefined {
  const script = workerScript()
  if (script == null) return undefined
  let worker: Worker | undefined
  let idle: ReturnType<typeof setTimeout> | undefined
  let calls = 0
  let closed = false
  const pending: Pending = new Map()

  const failAll = (err: Error): void => {
    for (const { reject } of pending.values()) reject(err)
    pending.clear()
  }

  const start = (): Worker => {
    const started = new Worker(script)
    started.on('message', (answer: WorkerAnswer) => {
      const waiting = pending.get(answer.call)
      pending.delete(answer.call)
      if (waiting == null) return
      if ('error' in answer) {
        waiting.reject(answer.error.code === 'ERR_INTERNAL' ? new Error(answer.error.message) : errorFromCode(answer.error.code, answer.error.message))
      } else {
        waiting.resolve(answer)
      }
      if (pending.size === 0) scheduleStop()
    })
    started.on('error', err => { failAll(err) })
    started.on('exit', () => {
      // a worker stopped when idle has nothing pending; calls pending are this worker's
      if (worker !== started) return
      worker = undefined
      failAll(new StorageClosedError('The node stopped before the request was done'))
    })
    // an idle worker must not keep the process alive
    started.unref()
    return started
  }

  const scheduleStop = (): void => {
    clearTimeout(idle)
    idle = setTimeout(() => {
      const stopping = worker
      worker = undefined
      void stopping?.terminate()
    }, IDLE_STOP_MS)
    idle.unref()
  }

  const call = async (message: WorkerCall): Promise<BuiltChange> => {
    if (closed) throw new StorageClosedError('The node is stopping')
    clearTimeout(idle)
    worker ??= start()
    const id = ++calls
    return await new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject })
      worker?.postMessage({ ...message, call: id } satisfies WorkerRequest)
    })
  }

  return {
    get pending () { return pending.size },
    async create (request, owner, now, client) {
      return await call({ op: 'create', request, owner, now, client })
    },
    async edit (request, stored, now, client) {
      return await call({ op: 'edit', request, stored, now, client })
    },
    async close () {
      closed = true
      clearTimeout(idle)
      const stopping = worker
      worker = undefined
      failAll(new StorageClosedError('The node is stopping'))
      await stopping?.terminate()
    }
  }
}
