import { parseHttpAddress } from '../args.ts'
import { UsageError } from '../errors.ts'
import { loadNodeModule } from '../node-api.ts'
import type { CommandContext, CommandSpec } from '../command.ts'
import type { CreateNodeOptions, NodeModule } from '../node-api.ts'
import { webRoot } from '../web-root.ts'

export const initCommand: CommandSpec = {
  name: 'init',
  args: [],
  options: ['name'],
  usage: 'init [--name NAME]',
  summary: "Create the data folder and this organisation's identity",
  details: [
    '--name NAME   the organisation\'s display name',
    'Does nothing to an existing identity except report it.'
  ],
  examples: ['commonplace init --name "Riverside Clinic"'],
  async run ({ options, dataDir, deps, out }) {
    const node = await loadNode(deps.loadNode)
    const result = await node.initNode({ dataDir, ...(options.name == null ? {} : { name: options.name }) })
    out.result({ ...result, dataDir }, () => [
      result.created ? `Created a new organisation in ${dataDir}` : `Already initialised: ${dataDir}`,
      `Organisation: ${result.orgId}`,
      `Name: ${result.name}`
    ].join('\n'))
  }
}

export const startCommand: CommandSpec = {
  name: 'start',
  args: [],
  options: ['name', 'listen', 'announce', 'http', 'public-url', 'tls-cert', 'tls-key', 'relay', 'no-mdns'],
  usage: 'start [--name NAME] [--listen MULTIADDR ...] [--announce MULTIADDR ...] [--http HOST:PORT] [--public-url URL] [--tls-cert FILE --tls-key FILE] [--relay] [--no-mdns]',
  summary: 'Run the node until Ctrl+C (SIGINT) or SIGTERM',
  details: [
    '--name NAME           the organisation\'s display name (first run)',
    '--listen MULTIADDR    where peers reach this node; repeat for several',
    '                      (default /ip4/0.0.0.0/tcp/7421 and /ip4/0.0.0.0/tcp/7422/ws)',
    '--announce MULTIADDR  tell peers to reach this node here instead of at its listen addresses',
    '                      (a port forwarded to it, a proxy); repeat for several',
    '--http HOST:PORT      the web app and local API (default 127.0.0.1:7420); 0.0.0.0:PORT serves',
    '                      other computers too, and then needs --public-url',
    '--public-url URL      the address people\'s browsers use, e.g. https://commonplace.riverside.example;',
    '                      behind a reverse proxy that terminates TLS, its outside address',
    '--tls-cert FILE       serve HTTPS with this certificate (PEM) and --tls-key FILE; without them a node',
    '                      whose --public-url is https makes a certificate of its own and prints its fingerprint',
    '--relay               relay connections (circuit relay v2) for members behind NAT;',
    '                      a member behind NAT then listens with --listen /p2p/<relay org id>/p2p-circuit',
    '                      after connecting to the relay\'s address',
    '--no-mdns             do not look for members on the local network (mDNS)'
  ],
  examples: [
    'commonplace start',
    'commonplace start --listen /ip4/0.0.0.0/tcp/9000 --http 127.0.0.1:9001',
    'commonplace start --http 0.0.0.0:7443 --public-url https://commonplace.riverside.example:7443'
  ],
  async run (ctx) {
    const { options, dataDir, deps, out } = ctx
    // the CLI assembles the running node: it gives it the web app's files
    const nodeOptions: CreateNodeOptions = { dataDir, web: { root: webRoot() } }
    if (options.name != null) nodeOptions.name = options.name
    if (options.listen != null) nodeOptions.listen = options.listen
    if (options.announce != null) nodeOptions.announce = options.announce
    if (options.http != null) nodeOptions.http = parseHttpAddress(options.http, 'start')
    if (options['public-url'] != null) nodeOptions.publicUrl = options['public-url']
    if ((options['tls-cert'] == null) !== (options['tls-key'] == null)) throw new UsageError('--tls-cert and --tls-key go together', 'start')
    if (options['tls-cert'] != null && options['tls-key'] != null) nodeOptions.tls = { certFile: options['tls-cert'], keyFile: options['tls-key'] }
    if (options.relay === true) nodeOptions.relay = true
    if (options['no-mdns'] === true) nodeOptions.mdns = false
    const node = await (await loadNode(deps.loadNode)).createNode(nodeOptions)
    const stop = stopRequest(ctx)
    try {
      await node.start()
    } catch (err) {
      stop.dispose()
      await node.stop().catch(() => {})
      throw err
    }
    const listen = node.listenAddresses()
    // the web app's one-time login link (a node built without the web app has none)
    const login = node.loginLink?.()
    const web = node.publicUrl != null && node.publicUrl !== node.apiUrl ? { web: node.publicUrl } : {}
    const tls = node.tls != null ? { tlsFingerprint: node.tls.fingerprint } : {}
    out.result({ orgId: node.orgId, name: node.name, listen, api: node.apiUrl, ...web, ...tls, dataDir, ...(login != null ? { login } : {}) }, () => [
      'Commonplace node running',
      `Organisation: ${node.orgId}`,
      `Name: ${node.name}`,
      'Listening on:',
      ...listen.map(addr => `  ${addr}`),
      `Local API: ${node.apiUrl}`,
      ...(web.web != null ? [`Web app: ${web.web}`] : []),
      ...(node.tls != null
        ? [`HTTPS certificate${node.tls.selfMade ? ` (made by this node${node.tls.created ? ' now' : ''}; browsers warn until it is trusted)` : ''}, SHA-256 fingerprint:`, `  ${node.tls.fingerprint}`]
        : []),
      ...(login != null ? ['', `Open the web app: ${login}`, "(the link works once, for 15 minutes; 'commonplace login' prints a new one)"] : [])
    ].join('\n'))
    out.note('Press Ctrl+C to stop.')
    const reason = await stop.requested
    out.note(`Stopping (${reason})…`)
    if (await stopWithin(node, STOP_DEADLINE_MS)) {
      out.note('Stopped.')
      exitIfHeldOpen(ctx, STOP_DEADLINE_MS)
    } else if (ctx.io.signal == null) {
      // something (a peer's stream, a disk sync) holds the stop up: a signal must still end the process
      out.note(`The node did not stop within ${STOP_DEADLINE_MS / 1000} s; exiting anyway.`)
      process.exit(1)
    }
  }
}

/** How long a stop may take after SIGINT/SIGTERM before the process exits anyway (ms). */
export const STOP_DEADLINE_MS = 5_000

/** Whether `node.stop()` settled within `ms` (its failure is reported as usual). */
export async function stopWithin (node: { stop(): Promise<void> }, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<false>(resolve => { timer = setTimeout(() => { resolve(false) }, ms) })
  try {
    return await Promise.race([node.stop().then(() => true as const), late])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * After a stop a signal asked for: the process ends even when something the stop did not close (a
 * socket, a timer) would keep it running. The timer itself holds nothing: a process left with
 * nothing open exits at once; one held open exits after `ms`, saying what held it.
 */
export function exitIfHeldOpen ({ io }: CommandContext, ms: number): void {
  if (io.signal != null) return
  setTimeout(() => {
    // on stderr with --json too: it is a fault to look into, not progress
    io.stderr.write(`commonplace: still running ${ms / 1000} s after the stop, held by: ${process.getActiveResourcesInfo().join(', ')}; exiting.\n`)
    process.exit()
  }, ms).unref()
}

export async function loadNode (load: (() => Promise<NodeModule>) | undefined): Promise<NodeModule> {
  return (load ?? loadNodeModule)()
}

/**
 * Resolves when the node should stop: the io signal aborts, or else SIGINT/SIGTERM. After the
 * first signal the handlers are removed, so a second Ctrl+C ends the process the usual way.
 */
export function stopRequest ({ io }: CommandContext): { requested: Promise<string>, dispose(): void } {
  const { promise, resolve } = Promise.withResolvers<string>()
  if (io.signal != null) {
    const signal = io.signal
    const onAbort = (): void => { resolve('aborted') }
    if (signal.aborted) onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    return { requested: promise, dispose: () => { signal.removeEventListener('abort', onAbort) } }
  }
  const onSignal = (name: NodeJS.Signals): void => {
    dispose()
    resolve(name)
  }
  const dispose = (): void => {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return { requested: promise, dispose }
}
