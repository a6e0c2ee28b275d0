/**
 * Which Yjs client ids a browser tab may write with (docs/web.md, "Signed edits"): only ids this
 * node issued to the organisation's tabs for that document (`store.issueClient`), so that every
 * edit made in a tab can be signed by the node as the organisation's. A tab names the ids it holds
 * when it connects (`/ws/<doc>?clients=<id>,<id>`); the node keeps those bound to this
 * organisation and refuses a browser update that writes with any other.
 */
import * as Y from 'yjs'
import { ForeignClientError, InvalidInputError, structOwners } from '@commonplace/core'
import type { DocId, DocumentStore, OrgId } from '@commonplace/core'
import { MAX_TAB_CLIENTS } from './constants.ts'

/**
 * The client ids a tab names, each bound to this organisation for `doc` in the store (issued
 * here, maybe before a restart); ids the store does not bind to us are left out.
 * @throws InvalidInputError when the list is not at most {@link MAX_TAB_CLIENTS} decimal ids
 */
export function tabClients (store: DocumentStore, self: OrgId, doc: DocId, param: string | null): Set<number> {
  const ids = param == null || param === '' ? [] : param.split(',')
  if (ids.length > MAX_TAB_CLIENTS) throw new InvalidInputError(`A tab names at most ${MAX_TAB_CLIENTS} client ids`)
  const clients = ids.map(text => {
    const client = /^\d{1,16}$/.test(text) ? Number(text) : NaN
    if (!Number.isSafeInteger(client)) throw new InvalidInputError(`"${text.slice(0, 20)}" is not a client id`)
    return client
  })
  if (clients.length === 0) return new Set()
  // the store keeps the binding of every id it issued: an id bound to us at clock 0 is ours
  const attribution = store.attribution(doc)
  return new Set(clients.filter(client => attribution.of(client, 0)?.org === self))
}

/**
 * What of a tab's update the node lacks, once checked: it writes (items, GC or skips) only with
 * the tab's own ids. Structs the node holds already are dropped first, so a tab's sync answer that
 * repeats what others wrote is no refusal; its delete set may name anyone's items (an editor may
 * delete what others wrote).
 * @throws CorruptUpdateError (the update does not decode), ForeignClientError (it writes with an id not the tab's)
 */
export function checkTabUpdate (store: DocumentStore, doc: DocId, update: Uint8Array, own: Set<number>): Uint8Array {
  structOwners(update) // strict decode first: Y.diffUpdate is not meant for hostile bytes
  const lacking = Y.diffUpdate(update, store.read(doc, d => Y.encodeStateVector(d)))
  const foreign = structOwners(lacking).clients.filter(client => !own.has(client))
  if (foreign.length > 0) {
    throw new ForeignClientError(`A browser update writes with client ${foreign[0]}, not one this node issued to the tab for ${doc}`)
  }
  return lacking
}
