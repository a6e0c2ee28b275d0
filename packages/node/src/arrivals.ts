/**
 * What the node notices of other organisations as it runs: a document that first arrives from a
 * peer (a `shared` notice), and the organisations it meets (their names and when last connected,
 * for the directory).
 */
import { recordTitle } from '@commonplace/record'
import { carrierOf } from '@commonplace/practice'
import type { DocId, DocumentStore, OrgId } from '@commonplace/core'
import type { Directory } from '@commonplace/directory'
import type { Logger, PeerId } from '@libp2p/interface'
import type { CommonplaceLibp2p } from './libp2p.ts'
import type { Contacts } from './contacts.ts'
import type { Names } from './names.ts'

export interface ArrivalsInit {
  store: DocumentStore
  directory: Directory
  contacts: Contacts
  names: Names
  self: OrgId
  now: () => number
  log: Logger
}

/** Start watching; returns the function that stops. */
export function watchArrivals (init: ArrivalsInit, libp2p: CommonplaceLibp2p): () => void {
  const { store, directory, names, self, now } = init
  // documents decided on in this run; a document held before is told apart by its content (below),
  // so a start reads nothing per held document
  const known = new Set<DocId>()
  // the documents that arrived in this turn of the event loop, told in one write at its end (a
  // catch-up brings hundreds): the sender's name looked up once per owner
  let arrived: Array<{ doc: DocId, owner: OrgId, peer: OrgId, docTitle: string, at: number }> = []
  const tell = (): void => {
    const list = arrived
    arrived = []
    if (list.length === 0) return
    const orgNames = new Map<OrgId, string>()
    const nameOf = (owner: OrgId, peer: OrgId): string => {
      let name = orgNames.get(owner)
      if (name == null) {
        name = names.org(owner) ?? libp2p.services.sync.peers().find(p => p.orgId === peer)?.name ?? 'Another organisation'
        orgNames.set(owner, name)
      }
      return name
    }
    try {
      init.contacts.notifyAll(list.map(({ doc, owner, peer, docTitle, at }) => {
        const orgName = nameOf(owner, peer)
        const title = docTitle.trim() === '' ? 'a document' : `"${docTitle}"`
        return { kind: 'shared', at, org: owner, orgName, doc, docTitle, text: `${orgName} shared ${title} with you` }
      }))
    } catch (err) {
      init.log.error('the notices of %d documents that arrived could not be kept - %e', list.length, err)
    }
  }
  const offStore = store.onChange(change => {
    const origin = change.origin
    if (origin.kind !== 'peer' || change.update == null || known.has(change.id)) return
    const info = store.info(change.id)
    if (info == null || info.owner === self) return
    known.add(change.id)
    // it arrived now if it held nothing before this change
    if (change.firstContent !== true) return
    // proposals and adoption logs are shown where they belong (the inbox, the diffusion view)
    if (store.read(change.id, doc => carrierOf(doc)) !== undefined) return
    // the index's title may lag the update just applied: read it from the document
    const docTitle = store.read(change.id, doc => recordTitle(doc)) || info.title
    if (arrived.length === 0) setImmediate(tell)
    arrived.push({ doc: change.id, owner: info.owner, peer: origin.peer, docTitle, at: now() })
  })
  const sync = libp2p.services.sync
  const recorded = new Set<string>()
  // the peer's name comes in its HELLO, which an ACK follows: remember it once per run
  const onAck = (evt: CustomEvent<{ peer: OrgId }>): void => {
    const org = evt.detail.peer
    if (recorded.has(org)) return
    const name = sync.peers().find(p => p.orgId === org)?.name
    if (name == null || name === '') return
    recorded.add(org)
    safely(() => { directory.putMet(org, { ...directory.met(org), name, lastSeen: now() }) })
  }
  const onDisconnect = (evt: CustomEvent<PeerId>): void => {
    const org = evt.detail.toString() as OrgId
    safely(() => {
      const met = directory.met(org)
      if (met != null || store.documentsNaming(org, 1).length > 0) directory.putMet(org, { ...met, lastSeen: now() })
    })
  }
  sync.addEventListener('sync:ack', onAck)
  libp2p.addEventListener('peer:disconnect', onDisconnect)
  return () => {
    offStore()
    // the documents that arrived in the last turn are told before the storage closes
    if (arrived.length > 0) tell()
    sync.removeEventListener('sync:ack', onAck)
    libp2p.removeEventListener('peer:disconnect', onDisconnect)
  }
}

/** Storage may be closing while the last connections close: losing a `lastSeen` then is harmless. */
function safely (fn: () => void): void {
  try { fn() } catch { /* see above */ }
}
