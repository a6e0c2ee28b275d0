/** Nodes run in the test's own process (createNode), and waiting on their stores' changes. */
import { createNode } from '@commonplace/node'
import type { CommonplaceNode } from '@commonplace/node'
import { tempDataDir } from './data-folder.ts'

/**
 * Start a node on loopback with OS-chosen ports, no mDNS, no web app; `dirs` remembers its data
 * folder by name, so starting the same name again restarts it on its data.
 */
export async function startInProcess (name: string, dirs: Map<string, string>): Promise<CommonplaceNode> {
  const dataDir = dirs.get(name) ?? tempDataDir(name)
  dirs.set(name, dataDir)
  const node = await createNode({ dataDir, name, listen: ['/ip4/127.0.0.1/tcp/0'], http: { host: '127.0.0.1', port: 0 }, web: false, mdns: false, metrics: false })
  await node.start()
  return node
}

/** Resolve once `check()` holds, checking again after every change in the nodes' stores (no polling). */
export async function until (nodes: CommonplaceNode[], check: () => Promise<boolean>): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    let checking = false
    let again = false
    // listen before the first check, so that a change during it is not missed
    const offs = nodes.map(n => n.store.onChange(() => { run() }))
    function run (): void {
      if (checking) { again = true; return }
      checking = true
      check().then(ok => {
        checking = false
        if (ok) {
          for (const off of offs) off()
          resolve()
        } else if (again) {
          again = false
          run()
        }
      }, err => {
        for (const off of offs) off()
        reject(err)
      })
    }
    run()
  })
}
