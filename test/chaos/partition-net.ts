/**
 * Six node processes in one learning network, each behind its own fault-injecting proxy
 * (test/helpers/fault-proxy.ts) that it announces as its address, holding documents shared with
 * the network; and what "converged" means for them (docs/reliability.md, "Partition and heal").
 */
import { expect } from 'vitest'
import { sharedContent } from '../helpers/cli.ts'
import type { DocJson } from '../helpers/cli.ts'
import { networkCluster, sharedDocuments } from '../helpers/cluster.ts'
import { eventually } from '../helpers/eventually.ts'
import { faultNet, freePort } from '../helpers/fault-proxy.ts'
import type { FaultNet } from '../helpers/fault-proxy.ts'
import type { EditLedger } from '../helpers/ledger.ts'
import { apiOf } from '../helpers/node-api.ts'
import type { NodeGroup, NodeProc } from '../helpers/node-process.ts'
import type { Random } from '../helpers/random.ts'

export const NAMES = ['Riverside Surgery', 'Hillview Medical Practice', 'Canal Street Health Centre', 'Ausbildungszentrum Nordheide', 'Holzbau Meyer GmbH', 'Brunnenbau Janssen KG']

export interface ProxiedNetwork {
  nodes: NodeProc[]
  network: string
  docs: string[]
  net: FaultNet
}

/** Start the six nodes behind their proxies, in one network, with `docsPerNode` documents each. */
export async function proxiedNetwork (group: NodeGroup, random: Random, docsPerNode: number): Promise<ProxiedNetwork> {
  const net = faultNet(random)
  const ports = new Map<string, { proxy: number, listen: number }>()
  for (const name of NAMES) ports.set(name, { proxy: await net.front(name), listen: await freePort() })
  const options = (name: string): { port: number, args: string[] } => {
    const { proxy, listen } = ports.get(name) as { proxy: number, listen: number }
    return { port: listen, args: ['--no-mdns', '--announce', `/ip4/127.0.0.1/tcp/${proxy}`] }
  }
  // the proxies learn where each node listens (and its pid) once all run, before any dials
  const { nodes, network } = await networkCluster(group, NAMES, options, node => {
    net.attach(node.name, ports.get(node.name)?.listen as number, node.pid as number)
  })
  const docs = [...(await sharedDocuments(nodes, network, docsPerNode)).values()].flat()
  return { nodes, network, docs, net }
}

/**
 * Wait (at most `timeoutMs`, driven by the nodes' events) until the nodes hold every document
 * with equal content and every acknowledged edit; resolves to the documents as the first shows them.
 */
export async function converged (nodes: NodeProc[], docs: string[], ledger: EditLedger, timeoutMs: number): Promise<DocJson[]> {
  return await eventually(async () => {
    const views = await Promise.all(nodes.map(async node => {
      const api = await apiOf(node)
      return await Promise.all(docs.map(async id => await api.getDoc(id) as unknown as DocJson))
    }))
    docs.forEach((id, d) => {
      const first = sharedContent(views[0][d])
      for (let n = 1; n < nodes.length; n++) expect(sharedContent(views[n][d]), `${id} at ${nodes[n].name} vs ${nodes[0].name}`).toEqual(first)
      const text = views[0][d].sections.map(s => s.markdown).join('\n')
      expect(ledger.missing(id, text), `acknowledged edits missing from ${id} (owner ${nodes.find(n => n.orgId === views[0][d].owner)?.name ?? views[0][d].owner})`).toEqual([])
    })
    return views[0]
  }, { what: `${nodes.length} nodes converge on ${docs.length} documents`, timeoutMs })
}
