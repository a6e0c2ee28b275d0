/**
 * A Commonplace node run as a person runs it: `commonplace start --json` in the foreground, as its
 * own process, on loopback with OS-chosen ports (0) and its own data folder, from the CLI's bundle
 * that `npm start` runs (the short-lived commands run from the sources).
 */
import type { ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'
import { freshCliBundle } from './cli.ts'
import { tempDataDir } from './data-folder.ts'
import { collect, exited, exitedWithin, isRunning, killAndWait, spawnNode } from './processes.ts'
import type { ExitInfo } from './processes.ts'

/** How long `start` may take to print its ready line. */
const READY_TIMEOUT_MS = 30_000
/** How long a node may take to shut down after SIGTERM. */
const STOP_TIMEOUT_MS = 20_000

/** What `start --json` prints once the node runs. */
export interface ReadyJson {
  orgId: string
  name: string
  listen: string[]
  api: string
  dataDir: string
}

export interface StartOptions {
  /** Listen on the TCP port of the previous run (default: a new port chosen by the OS). */
  samePort?: boolean
  /** Listen on this TCP port (default: a new port chosen by the OS, or the previous one with `samePort`). */
  port?: number
  /** How long the start may take to print its ready line (default 30 s). */
  readyTimeoutMs?: number
  /** More `start` options (e.g. `--no-mdns`, `--announce`), on this start only. */
  args?: string[]
  /** Options for Node itself, before the bundle (e.g. `--expose-gc`, `--inspect=0`), on this start only. */
  nodeArgs?: string[]
}

/** Nodes started by the tests and not yet stopped: `eventually` listens to their events. */
export const runningNodes = new Set<NodeProc>()

export class NodeProc {
  /** The display name given on the first start. */
  readonly name: string
  readonly dataDir: string
  orgId = ''
  /** Listen addresses (with /p2p/) of the current run; they change on every restart. */
  addresses: string[] = []
  apiUrl = ''
  /** How many times this data folder has been started. */
  starts = 0
  private child?: ChildProcess
  private stderr = collect(null)

  constructor (name: string, dataDir: string) {
    this.name = name
    this.dataDir = dataDir
  }

  get running (): boolean { return this.child != null && isRunning(this.child) }

  get pid (): number | undefined { return this.child?.pid }

  /** The node's stderr so far (last 20 kB), for failure messages. */
  get log (): string { return this.stderr.text() }

  /**
   * Start the node on its data folder and wait for its ready JSON. With `samePort`, it listens on
   * the TCP port of its previous run, so that peers that knew its address reach it again.
   */
  async start (options: StartOptions = {}): Promise<this> {
    if (this.running) throw new Error(`${this.name} is running already`)
    const port = options.port ?? (options.samePort === true ? this.tcpPort() : 0)
    const args = [...options.nodeArgs ?? [], freshCliBundle(), 'start', '--data', this.dataDir, '--listen', `/ip4/127.0.0.1/tcp/${port}`, '--http', '127.0.0.1:0', '--json']
    if (this.starts === 0) args.push('--name', this.name)
    args.push(...options.args ?? [])
    const child = spawnNode(args)
    this.child = child
    this.stderr = collect(child.stderr, 20_000)
    const ready = await readyJson(child, this.name, () => this.stderr.text(), options.readyTimeoutMs ?? READY_TIMEOUT_MS)
    if (this.orgId !== '' && ready.orgId !== this.orgId) {
      throw new Error(`${this.name} came back as ${ready.orgId}, not ${this.orgId}`)
    }
    this.starts++
    this.orgId = ready.orgId
    this.addresses = ready.listen
    this.apiUrl = ready.api
    runningNodes.add(this)
    child.once('exit', () => { runningNodes.delete(this) })
    return this
  }

  /** Start again on the same data folder (after stop() or kill()). */
  async restart (options: StartOptions = {}): Promise<this> {
    return await this.start(options)
  }

  /** The loopback TCP port of the current (or last) run. */
  tcpPort (): number {
    const port = this.addresses.map(a => /^\/ip4\/127\.0\.0\.1\/tcp\/(\d+)\/p2p\//.exec(a)?.[1]).find(p => p != null)
    if (port == null) throw new Error(`${this.name} has no loopback TCP address yet: ${JSON.stringify(this.addresses)}`)
    return Number(port)
  }

  /** SIGTERM (a clean shutdown) and wait for 'exit'. Fails if it does not exit in time. */
  async stop (): Promise<ExitInfo> {
    const child = this.requireChild()
    child.kill('SIGTERM')
    try {
      const info = await exitedWithin(child, STOP_TIMEOUT_MS, `${this.name} after SIGTERM`)
      // stopped, then held open by something its stop did not close (the CLI ended it): shown, not failed
      const held = /^commonplace: still running .*$/m.exec(this.stderr.text())
      if (held != null) console.warn(`${this.name}: ${held[0]}`)
      return info
    } catch (err) {
      await killAndWait(child)
      // what it said while stopping says where it stuck
      throw new Error(`${(err as Error).message}; its log ends:\n${this.stderr.text().slice(-4000)}`)
    }
  }

  /** SIGKILL (a crash) and wait for 'exit'. */
  async kill (): Promise<ExitInfo> {
    const child = this.requireChild()
    child.kill('SIGKILL')
    return await exited(child)
  }

  /** End the process if it runs (SIGKILL) and remove the data folder. */
  async destroy (): Promise<void> {
    if (this.child != null) await killAndWait(this.child)
    rmSync(this.dataDir, { recursive: true, force: true })
  }

  private requireChild (): ChildProcess {
    if (this.child == null || !isRunning(this.child)) throw new Error(`${this.name} is not running`)
    return this.child
  }
}

/** `start --json` printed its error (`{"error": {code, message}}`) instead of the ready JSON. */
export class StartRefusedError extends Error {
  readonly code: string
  constructor (message: string, code: string) {
    super(message)
    this.code = code
  }
}

/**
 * Read stdout until it holds the one JSON document `start --json` prints: the ready JSON, or the
 * error the node stopped with (StartRefusedError). The child is killed when it is not ready.
 */
export async function readyJson<T extends ReadyJson = ReadyJson> (child: ChildProcess, name: string, stderr: () => string, timeoutMs: number): Promise<T> {
  let stdout = ''
  let timer: NodeJS.Timeout | undefined
  child.stdout?.setEncoding('utf8')
  try {
    return await new Promise<T>((resolve, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`${name} printed no ready JSON within ${timeoutMs / 1000} s\nstdout: ${stdout}\nstderr: ${stderr()}`))
      }, timeoutMs)
      child.stdout?.on('data', (chunk: string) => {
        stdout += chunk
        let value: (Partial<ReadyJson> & { error?: { code?: unknown, message?: unknown } }) | undefined
        try {
          value = JSON.parse(stdout)
        } catch {
          return // not complete yet
        }
        if (typeof value?.error?.code === 'string') {
          reject(new StartRefusedError(`${name} did not start: ${String(value.error.message)}`, value.error.code))
        } else if (typeof value?.orgId !== 'string' || !Array.isArray(value.listen) || typeof value.api !== 'string') {
          reject(new Error(`${name} printed an unexpected ready JSON: ${stdout}`))
        } else {
          resolve(value as T)
        }
      })
      child.once('error', reject)
      // 'close' comes after the output was read, which may say why it stopped
      child.once('close', (code, signal) => {
        reject(new Error(`${name} exited (code ${code}, signal ${signal}) before it was ready\nstdout: ${stdout}\nstderr: ${stderr()}`))
      })
    })
  } catch (err) {
    await killAndWait(child)
    throw err
  } finally {
    clearTimeout(timer)
  }
}

/** Start a node with a fresh data folder. */
export async function startNode (name: string): Promise<NodeProc> {
  const node = new NodeProc(name, tempDataDir(name))
  try {
    return await node.start()
  } catch (err) {
    await node.destroy()
    throw err
  }
}

/**
 * The nodes of one suite: started in parallel, all ended and their folders removed by `destroyAll()`
 * (call it in afterAll, whatever happened).
 */
export interface NodeGroup {
  start(...names: string[]): Promise<NodeProc[]>
  /** `start` with options for each node's first start (the same for all, or per name). */
  startWith(options: StartOptions | ((name: string) => StartOptions), ...names: string[]): Promise<NodeProc[]>
  destroyAll(): Promise<void>
}

export function nodeGroup (): NodeGroup {
  const nodes: NodeProc[] = []
  return {
    async start (...names) {
      return await this.startWith({}, ...names)
    },
    async startWith (options, ...names) {
      const created = names.map(name => new NodeProc(name, tempDataDir(name)))
      nodes.push(...created)
      const results = await Promise.allSettled(created.map(async node => await node.start(typeof options === 'function' ? options(node.name) : options)))
      const failed = results.find(r => r.status === 'rejected')
      if (failed != null) throw (failed as PromiseRejectedResult).reason
      return created
    },
    async destroyAll () {
      await Promise.all(nodes.splice(0).map(async node => { await node.destroy() }))
    }
  }
}
