/**
 * A node process for the web tests, started as `npm start` starts one (the CLI's bundle, built by
 * `npm test`): like test/helpers NodeProc, but on fixed loopback ports
 * chosen once, so that it comes back on the same address after a restart (the page's origin,
 * its cookie and its IndexedDB stay the same), and with the login link it printed.
 */
import type { ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { rmSync } from 'node:fs'
import { freshCliBundle } from '../../helpers/cli.ts'
import { tempDataDir } from '../../helpers/data-folder.ts'
import { StartRefusedError, readyJson, runningNodes } from '../../helpers/node-process.ts'
import type { NodeProc, ReadyJson } from '../../helpers/node-process.ts'
import { collect, exitedWithin, isRunning, killAndWait, spawnNode } from '../../helpers/processes.ts'

const READY_TIMEOUT_MS = 30_000
const STOP_TIMEOUT_MS = 20_000

interface Ready extends ReadyJson { web?: string, tlsFingerprint?: string, login?: string }

/** Where the web app is served: loopback HTTP (default), or HTTPS under a host name on 127.0.0.2 with the node's own certificate. */
export interface WebNodeOptions { publicHost?: string }

/** The loopback address a node with a public host name listens on (Chromium maps the name to it). */
export const PUBLIC_HOST_ADDRESS = '127.0.0.2'

/** A port that was free a moment ago (the OS picks it). */
export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => { resolve(port) })
    })
  })
}

export class WebNode {
  readonly name: string
  readonly dataDir: string
  orgId = ''
  apiUrl = ''
  /** The one-time login link of the current run. */
  login = ''
  /** Where browsers reach it (the public URL when it has one). */
  webUrl = ''
  /** The HTTPS certificate's fingerprint, when served over HTTPS. */
  tlsFingerprint?: string
  private readonly options: WebNodeOptions
  addresses: string[] = []
  private httpPort = 0
  private p2pPort = 0
  private child?: ChildProcess
  private stderr = collect(null)

  constructor (name: string, options: WebNodeOptions = {}) {
    this.name = name
    this.options = options
    this.dataDir = tempDataDir(name)
  }

  get log (): string { return this.stderr.text() }

  async start (): Promise<this> {
    // ports are chosen on the first start and kept (the browser's origin stays the same); another
    // process may take a chosen port before the node binds it: then the first start picks again
    const fresh = this.httpPort === 0
    let ready: Ready | undefined
    for (let attempt = 1; ready == null; attempt++) {
      if (fresh) {
        this.httpPort = await freePort()
        this.p2pPort = await freePort()
      }
      try {
        ready = await this.spawn()
      } catch (err) {
        const taken = err instanceof StartRefusedError && err.code === 'ERR_ADDRESS_IN_USE'
        if (!fresh || !taken || attempt === PORT_ATTEMPTS) throw err
      }
    }
    this.orgId = ready.orgId
    this.apiUrl = ready.api
    if (ready.login == null) throw new Error(`${this.name} printed no login link: is apps/web built?`)
    this.login = ready.login
    this.webUrl = ready.web ?? ready.api
    this.tlsFingerprint = ready.tlsFingerprint
    this.addresses = ready.listen
    // `eventually` (test/helpers) listens to the event streams of running nodes: it needs only dataDir
    const entry = this as unknown as NodeProc
    runningNodes.add(entry)
    this.child?.once('exit', () => { runningNodes.delete(entry) })
    return this
  }

  private async spawn (): Promise<Ready> {
    const args = [freshCliBundle(), 'start', '--data', this.dataDir, '--name', this.name,
      '--listen', `/ip4/127.0.0.1/tcp/${this.p2pPort}`, '--json',
      ...(this.options.publicHost == null
        ? ['--http', `127.0.0.1:${this.httpPort}`]
        : ['--http', `${PUBLIC_HOST_ADDRESS}:${this.httpPort}`, '--public-url', `https://${this.options.publicHost}:${this.httpPort}`])]
    const child = spawnNode(args)
    this.child = child
    this.stderr = collect(child.stderr, 20_000)
    return await readyJson<Ready>(child, this.name, () => this.log, READY_TIMEOUT_MS)
  }

  /** SIGTERM and wait for a clean exit. */
  async stop (): Promise<void> {
    if (this.child == null || !isRunning(this.child)) return
    this.child.kill('SIGTERM')
    await exitedWithin(this.child, STOP_TIMEOUT_MS, `${this.name} after SIGTERM`)
  }

  async destroy (): Promise<void> {
    if (this.child != null) await killAndWait(this.child)
    rmSync(this.dataDir, { recursive: true, force: true })
  }
}

/** Starts that may pick new ports before one binds. */
const PORT_ATTEMPTS = 3
