/**
 * The load of one crash cycle (docs/reliability.md, "Crash"): the victim's own API edits its
 * documents while a peer edits a document it owns and shares with the victim; the peer's edits
 * count as acknowledged by the victim once the peer's node reports the victim confirmed them
 * (its delivery view says `delivered`: the victim ACKed the peer's latest change, after writing
 * it to disk).
 */
import type { CliApi } from '@commonplace/cli'
import { appendEdit } from '../helpers/ledger.ts'
import type { EditLedger } from '../helpers/ledger.ts'
import type { Random } from '../helpers/random.ts'

export interface CrashLoad {
  /** Edits the victim's API acknowledged. */
  local: EditLedger
  /** Edits the peer made that the victim confirmed to it. */
  peer: EditLedger
  /** Every edit the peer's own API acknowledged (confirmed by the victim or not). */
  peerLocal: EditLedger
}

export interface LoadTargets {
  victim: CliApi
  peer: CliApi
  victimOrg: string
  /** Documents the victim edits through its own API. */
  localDocs: string[]
  /** The peer's document, shared with the victim. */
  peerDoc: string
}

/** Run the load until `stop` aborts; the victim's API calls start failing once it is killed. */
export async function runLoad (t: LoadTargets, load: CrashLoad, random: Random, stop: AbortSignal): Promise<void> {
  const localLoop = async (): Promise<void> => {
    while (!stop.aborted) {
      if (await appendEdit(t.victim, random.pick(t.localDocs), load.local, 'v') == null) return
    }
  }
  const peerLoop = async (): Promise<void> => {
    const sent: string[] = []
    while (!stop.aborted) {
      const token = await appendEdit(t.peer, t.peerDoc, load.peerLocal, 'p')
      if (token != null) sent.push(token)
      // every edit whose answer came back before this read is covered by what it says
      const covered = sent.length
      const doc = await t.peer.getDoc(t.peerDoc)
      if (doc.grants.find(g => g.to === t.victimOrg)?.delivery?.state === 'delivered') {
        for (const token of sent.splice(0, covered)) load.peer.ack(t.peerDoc, token)
      }
    }
  }
  await Promise.all([localLoop(), localLoop(), peerLoop()])
}
