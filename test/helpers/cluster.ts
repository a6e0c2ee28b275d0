/**
 * Several node processes in one learning network, every one connected to every other, holding
 * documents shared with the network: the set-up the reliability suite's crash, partition and soak
 * runs start from (docs/reliability.md).
 */
import { expect } from 'vitest'
import { LOG_SECTION } from './ledger.ts'
import type { EditLedger } from './ledger.ts'
import { apiOf } from './node-api.ts'
import { eventually } from './eventually.ts'
import type { NodeGroup, NodeProc, StartOptions } from './node-process.ts'

/** The network's name (sample data, /work/shared/DOMAIN.md). */
const NETWORK_NAME = 'Cold Chain Practice Network'

/**
 * Start `names` as nodes, the first the facilitator of a network every other joins; resolves once
 * every roster lists all and each node is connected to every other. Through the API, not the CLI:
 * on a loaded machine a CLI process per step costs seconds.
 */
export async function networkCluster (
  group: NodeGroup,
  names: string[],
  options: StartOptions | ((name: string) => StartOptions) = {},
  onStarted: (node: NodeProc) => void = () => {},
  timeoutMs = 60_000
): Promise<{ nodes: NodeProc[], network: string }> {
  const nodes = await group.startWith(options, ...names)
  nodes.forEach(onStarted)
  const [facilitator, ...others] = nodes
  const admin = await apiOf(facilitator, timeoutMs)
  const network = (await admin.createNetwork({ name: NETWORK_NAME })).id
  for (const node of others) {
    // a join dials a member; on a loaded machine one may time out: a new code, and again
    for (let attempt = 1; ; attempt++) {
      const { code } = await admin.invite(network, {})
      try {
        expect((await (await apiOf(node, timeoutMs)).join(code)).status, node.name).toBe('joined')
        break
      } catch (err) {
        if (attempt >= 3) throw err
      }
    }
  }
  const ids = nodes.map(n => n.orgId).sort()
  await eventually(async () => {
    for (const node of nodes) {
      const api = await apiOf(node, timeoutMs)
      expect((await api.members(network)).map(m => m.orgId).sort(), `${node.name}'s roster`).toEqual(ids)
      expect((await api.peers()).map(p => p.orgId).sort(), `${node.name}'s peers`).toEqual(ids.filter(id => id !== node.orgId))
    }
  }, { what: `all ${nodes.length} nodes hold the whole roster and are connected to each other`, timeoutMs })
  return { nodes, network }
}

/**
 * Each node creates `perNode` documents (one section, {@link LOG_SECTION}) shared with the network
 * for editing; resolves once every node holds all of them. Returns the ids, by owner.
 */
export async function sharedDocuments (nodes: NodeProc[], network: string, perNode: number, timeoutMs = 120_000): Promise<Map<NodeProc, string[]>> {
  const byOwner = new Map<NodeProc, string[]>()
  await Promise.all(nodes.map(async node => {
    const api = await apiOf(node, 60_000)
    const ids: string[] = []
    for (let i = 0; i < perNode; i++) {
      const { id } = await api.createDoc({ title: `${node.name}: cold-chain log ${i + 1}`, sections: [{ heading: LOG_SECTION, text: 'Readings twice a day.' }] })
      await api.share(id, { with: network, role: 'edit' })
      ids.push(id)
    }
    byOwner.set(node, ids)
  }))
  const all = [...byOwner.values()].flat()
  await eventually(async () => {
    for (const node of nodes) {
      const held = new Set<string>((await (await apiOf(node, 60_000)).listDocs()).map(d => d.id))
      expect(all.filter(id => !held.has(id)), `documents ${node.name} lacks`).toEqual([])
    }
  }, { what: `every node holds all ${all.length} documents`, timeoutMs })
  return byOwner
}

/** Wait until every node holds every edit `ledger` says was acknowledged (a pair found is not read again). */
export async function everyNodeHoldsEveryEdit (nodes: NodeProc[], ledger: EditLedger, timeoutMs = 120_000): Promise<void> {
  const left = new Set(nodes.flatMap(node => ledger.docs().map(doc => `${nodes.indexOf(node)} ${doc}`)))
  await eventually(async () => {
    for (const pair of [...left]) {
      const [i, doc] = pair.split(' ')
      const node = nodes[Number(i)]
      expect(ledger.missing(doc, await (await apiOf(node)).exportMarkdown(doc)), `${node.name} lacks edits of ${doc}`).toEqual([])
      left.delete(pair)
    }
  }, { what: 'every node holds every acknowledged edit', timeoutMs })
}
