/**
 * Nodes for the directory specs: real nodes in this process over loopback TCP, each with its own
 * data folder and prefixed logger, torn down by `stopAll`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { prefixLogger } from '@libp2p/logger'
import { createNode } from '../src/index.ts'
import type { CommonplaceNode, NodeInit } from '../src/index.ts'

const dirs: string[] = []
const running: CommonplaceNode[] = []
/** Ports of each data folder's last run: a restarted node listens where its card says. */
const ports = new Map<string, string>()

export async function startNode (name: string, dataDir = mkdtempSync(join(tmpdir(), 'cp-dir-')), init: Partial<NodeInit> = {}): Promise<CommonplaceNode> {
  if (!dirs.includes(dataDir)) dirs.push(dataDir)
  const node = await createNode({
    ...init,
    dataDir,
    name,
    listen: [`/ip4/127.0.0.1/tcp/${ports.get(dataDir) ?? 0}`],
    http: { host: '127.0.0.1', port: 0 },
    logger: prefixLogger(name),
    mdns: false,
    web: false,
    connectionManager: { inboundConnectionThreshold: Infinity }
  })
  await node.start()
  ports.set(dataDir, node.listenAddresses()[0].split('/')[4])
  running.push(node)
  return node
}

export function dataDirOf (node: CommonplaceNode): string {
  return dirs[running.indexOf(node)]
}

export async function stopNode (node: CommonplaceNode): Promise<void> {
  const i = running.indexOf(node)
  if (i >= 0) running.splice(i, 1, undefined as unknown as CommonplaceNode)
  await node.stop()
}

export async function stopAll (): Promise<void> {
  await Promise.all(running.splice(0).filter(n => n != null).map(async n => { await n.stop().catch(() => {}) }))
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  ports.clear()
}

/** Resolve when `check` holds, re-checking on every event of the nodes and every connection change. */
export async function until (nodes: CommonplaceNode[], check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  if (await check()) return
  await new Promise<void>((resolve, reject) => {
    let done = false
    const offs: Array<() => void> = []
    const timer = setTimeout(() => { finish(); reject(new Error(`timed out waiting for: ${what}`)) }, 40_000)
    const finish = (): void => { done = true; clearTimeout(timer); offs.forEach(off => { off() }) }
    const again = (): void => {
      if (done) return
      Promise.resolve(check()).then(ok => { if (ok && !done) { finish(); resolve() } }, () => {})
    }
    for (const n of nodes) {
      offs.push(n.events(() => { setImmediate(again) }))
      const onEvent = (): void => { setImmediate(again) }
      for (const type of ['connection:open', 'connection:close'] as const) {
        n.libp2p.addEventListener(type, onEvent)
        offs.push(() => { n.libp2p.removeEventListener(type, onEvent) })
      }
      n.libp2p.services.sync.addEventListener('sync:ack', onEvent)
      offs.push(() => { n.libp2p.services.sync.removeEventListener('sync:ack', onEvent) })
    }
  })
}

/** `a` adds `b`'s card and `b` accepts: both are contacts. */
export async function befriend (a: CommonplaceNode, b: CommonplaceNode): Promise<void> {
  await a.api.addContact({ card: (await b.api.card()).code })
  await b.api.acceptContact(a.orgId)
  await until([a, b], async () => (await a.api.contacts()).some(c => c.orgId === b.orgId && c.status === 'contact'), 'both are contacts')
}
