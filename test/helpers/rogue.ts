/** Running test/helpers/rogue-peer.ts as its own process, and what it reports. */
import { fileURLToPath } from 'node:url'
import { collect, exitedWithin, killAndWait, spawnNode } from './processes.ts'

export const ROGUE_SCRIPT = fileURLToPath(new URL('./rogue-peer.ts', import.meta.url))
/** The word the rogue's update writes into the title and a section. */
export const HIJACK_MARK = 'HIJACKED'
/** How long the rogue waits for the node's ERROR before it gives up (exit 1). */
export const ROGUE_TIMEOUT_MS = 15_000

export interface RogueReport {
  /** The ERROR the node answered the forbidden UPDATE with (null on timeout). */
  error: { doc: string, code: string, message: string } | null
  /** How many messages of each type the node sent. */
  received: Record<string, number>
  /** True when the node served the rogue the document (a reader may fetch it) and the edit was built on it. */
  basedOnServedState?: boolean
  updateBytes?: number
  /** Set when the node refused the connection or the protocol (exit 4): nothing was exchanged. */
  dialError?: { name: string, message: string }
}

/**
 * Run the rogue with the identity in `dataDir` (whose node must be stopped) against the node at
 * `address`, pushing a forbidden update to `docId`.
 */
export async function runRoguePeer (dataDir: string, address: string, docId: string): Promise<{ code: number | null, report?: RogueReport, stderr: string }> {
  const child = spawnNode([ROGUE_SCRIPT, dataDir, address, docId])
  const stdout = collect(child.stdout)
  const stderr = collect(child.stderr, 20_000)
  try {
    const { code } = await exitedWithin(child, ROGUE_TIMEOUT_MS + 10_000, 'rogue-peer.ts', 'close')
    let report: RogueReport | undefined
    try {
      report = JSON.parse(stdout.text())
    } catch {
      report = undefined // no report: the caller sees code and stderr
    }
    return { code, report, stderr: stderr.text() }
  } finally {
    await killAndWait(child)
  }
}
