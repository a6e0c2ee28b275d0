/**
 * What the node notices of other organisations as it runs: a document that first arrives from a
 * peer (a `shared` notice), and the organisations it meets (their names and when last connected,
 * for the directory).
 */
import * as Y from 'yjs'
import { equals } from 'uint8arrays'
import { recordTitle } from '@commonplace/record'
import { carrierOf } from '@commonplace/practice'
import type { DocId, DocumentStore, OrgId } from '@commonplace/core'
import type { Directory } from '@commonplace/directory'
import type { PeerId } from '@libp2p/interface'
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
}

/** Whether the document's whole content is `update` (its state vector is the update's). */
function holdsOnly (store: DocumentStore, id: DocId, update: Uint8Array): boolean {
  try {
    return equals(store.read(id, doc => Y.encodeStateVector(doc)), Y.encodeStateVectorFromUpdate(update))
  } catch {
    return false
  }
}

/** Start watching; returns the function that stops. */
export function watchArrivals (init: ArrivalsInit, libp2p: CommonplaceLibp2p): () => void {
  const { store, directory, names, self, now } = init
  // documents decided on in this run; a document held before is told apart by its content (below),
  // so a start reads nothing per held document
  const known = new Set<DocId>()
  const offStore = store.onChange(change => {
    const origin = change.origin
    if (origin.kind !== 'peer' || change.update == null || known.has(change.id)) return
    const info = store.info(change.id)
    if (info == null || info.owner === self) return
    known.add(change.id)
    // it arrived now if everything it holds came with this change
    if (!holdsOnly(store, change.id, change.update)) return
    // proposals and adoption logs are shown where they belong (the inbox, the diffusion view)
    if (store.read(change.id, doc => carrierOf(doc)) !== undefined) return
    const orgName = names.org(info.owner) ?? libp2p.services.sync.peers().find(p => p.orgId === origin.peer)?.name ?? 'Another organisation'
    // the index's title may lag the update just applied: read it from the document
    const docTitle = store.read(change.id, doc => recordTitle(doc)) || info.title
    const title = docTitle.trim() === '' ? 'a document' : `"${docTitle}"`
    init.contacts.notify({ kind: 'shared', at: now(), org: info.owner, orgName, doc: change.id, docTitle, text: `${orgName} shared ${title} with you` })
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
    sync.removeEventListener('sync:ack', onAck)
    libp2p.removeEventListener('peer:disconnect', onDisconnect)
  }
}

/** Storage may be closing while the last connections close: losing a `lastSeen` then is harmless. */
function safely (fn: () => void): void {
  try { fn() } catch { /* see above */ }
}
