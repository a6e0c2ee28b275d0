import { UsageError } from '../errors.ts'
import { table } from '../output.ts'
import type { CommandSpec } from '../command.ts'
import type { NodeStatus, PeerInfo } from '../node-api.ts'

export const statusCommand: CommandSpec = {
  name: 'status',
  args: [],
  options: [],
  usage: 'status',
  summary: 'Show the running node: organisation, addresses, peers, documents, event-loop delay, degraded states',
  examples: ['commonplace status', 'commonplace status --json'],
  async run ({ client, out }) {
    const status = await (await client()).status()
    out.result(status, () => formatStatus(status))
  }
}

export const connectCommand: CommandSpec = {
  name: 'connect',
  args: ['MULTIADDR'],
  options: [],
  usage: 'connect MULTIADDR',
  summary: "Connect to another organisation's node",
  examples: ['commonplace connect /ip4/192.0.2.10/tcp/7421/p2p/12D3KooW…'],
  async run ({ client, out, args }) {
    await checkMultiaddr(args[0])
    const peer = await (await client()).connect(args[0])
    out.result(peer, `Connected to ${describePeer(peer)}`)
  }
}

export const peersCommand: CommandSpec = {
  name: 'peers',
  args: [],
  options: [],
  usage: 'peers',
  summary: 'List the connected organisations',
  examples: ['commonplace peers'],
  async run ({ client, out }) {
    const peers = await (await client()).peers()
    out.result(peers, () => peers.length === 0
      ? 'No connected peers.'
      : table(['ORGANISATION', 'NAME', 'ADDRESSES'], peers.map(p => [p.orgId, p.name ?? '', p.addresses.join(' ')])))
  }
}

/**
 * A usage error, before any node is asked, unless `address` parses as a multiaddr (and the peer
 * id it names, if any, as a peer id). The parsers load only here: other commands start without them.
 */
async function checkMultiaddr (address: string): Promise<void> {
  const [{ multiaddr }, { peerIdFromString }] = await Promise.all([import('@multiformats/multiaddr'), import('@libp2p/peer-id')])
  try {
    const components = multiaddr(address).getComponents()
    if (components.length === 0) throw new Error('it names no protocol')
    for (const { name, value } of components) if (name === 'p2p' && value != null) peerIdFromString(value)
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err)
    throw new UsageError(`Not a multiaddr: ${JSON.stringify(address)} (${reason}); expected e.g. /ip4/192.0.2.10/tcp/7421/p2p/12D3KooW…`, 'connect')
  }
}

function formatStatus (status: NodeStatus): string {
  return [
    `Organisation: ${status.orgId}`,
    `Name: ${status.name}`,
    'Listening on:',
    ...(status.listenAddresses.length === 0 ? ['  (nothing)'] : status.listenAddresses.map(a => `  ${a}`)),
    `Local API: ${status.apiUrl}`,
    `Connected peers: ${status.peers.length}`,
    ...status.peers.map(p => `  ${describePeer(p)}`),
    `Documents: ${status.documentCount}`,
    ...health(status)
  ].join('\n')
}

/** Event-loop delay and degraded states (a node that reports them). */
function health (status: NodeStatus): string[] {
  const lines: string[] = []
  const delay = status.eventLoopDelay
  if (delay != null) lines.push(`Event-loop delay: p50 ${delay.p50Ms} ms, p99 ${delay.p99Ms} ms, max ${delay.maxMs} ms`)
  if (status.degraded != null) {
    lines.push(status.degraded.length === 0 ? 'Degraded: no' : 'Degraded:')
    for (const d of status.degraded) lines.push(`  ${d.code} since ${d.since}: ${d.message}`)
  }
  return lines
}

function describePeer (peer: PeerInfo): string {
  return peer.name == null || peer.name === '' ? peer.orgId : `${peer.orgId} (${peer.name})`
}
