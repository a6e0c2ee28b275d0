/**
 * Several node processes in one learning network, every one connected to every other, holding
 * documents shared with the network: the set-up the reliability suite's crash, partition and soak
 * runs start from (docs/reliability.md).
 */
import { expect } from 'vitest'
import { LOG_SECTION } from './ledger.ts'
import { apiOf } from './node-api.ts'
import { createNetwork, fullyConnected, inviteAndJoin, rosterConverged } from './networks.ts'
import { eventually } from './eventually.ts'
import type { NodeGroup, NodeProc, StartOptions } from './node-process.ts'

/** The network's name (sample data, /work/shared/DOMAIN.md). */
const NETWORK_NAME = 'Cold Chain Practice Network'

/** Start `names` as nodes, the first the facilitator of a network every other joins; all connected. */
export async function networkCluster (
  group: NodeGroup,
  names: string[],
  options: StartOptions | ((name: string) => StartOptions) = {},
  onStarted: (node: NodeProc) => void = () => {}
): Promise<{ nodes: NodeProc[], network: string }> {
  const nodes = await group.startWith(options, ...names)
  nodes.forEach(onStarted)
  const [facilitator, ...others] = nodes
  const network = (await createNetwork(facilitator, NETWORK_NAME)).id
  await inviteAndJoin(facilitator, network, others)
  await rosterConverged(nodes, network, nodes, 'every member holds the whole roster')
  await fullyConnected(nodes, `all ${nodes.length} nodes are connected to each other`)
  return { nodes, network }
}

/**
 * Each node creates `perNode` documents (one section, {@link LOG_SECTION}) shared with the network
 * for editing; resolves once every node holds all of them. Returns the ids, by owner.
 */
export async function sharedDocuments (nodes: NodeProc[], network: string, perNode: number, timeoutMs = 120_000): Promise<Map<NodeProc, string[]>> {
  const byOwner = new Map<NodeProc, string[]>()
  await Promise.all(nodes.map(async node => {
    const api = await apiOf(node)
    const ids: string[] = []
    for (let i = 0; i < perNode; i++) {
      const { id } = await api.createDoc({ title: `${node.name}: cold-chain log ${i + 1}`, sections: [{ heading: LOG_SECTION, text: 'Readings twice a day.' }] })
      await api.share(id, { with: network, role: 'edit' })
      ids.push(id)
    }
    byOwner.set(node, ids)
  }))
  const total = nodes.length * perNode
  await eventually(async () => {
    for (const node of nodes) expect((await (await apiOf(node)).listDocs()).length, `${node.name}'s documents`).toBe(total)
  }, { what: `every node holds all ${total} documents`, timeoutMs })
  return byOwner
}
