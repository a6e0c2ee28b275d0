/**
 * The Yjs client id this tab writes a document with (docs/web.md, "Signed edits"). The node signs
 * a tab's edits as the organisation's only when they are written with an id it issued for that
 * document, so the page keeps the ids the node issued in the document's IndexedDB database and
 * reuses them: edits made while the node is unreachable are written with an id the node knows and
 * are accepted when the tab reconnects, also after a restart of the node.
 *
 * Two tabs must never write with one id (their clocks would clash), so a tab holds a Web Lock on the
 * id it uses while the document is open; a second tab takes another kept id, or asks for a new one.
 */
import type { IndexeddbPersistence } from 'y-indexeddb'
import { ApiError, api } from './api.ts'
import { within } from './within.ts'

/** The key of the issued ids in the document's IndexedDB database (y-indexeddb's custom store). */
const CLIENTS_KEY = 'clients'
/** Ids kept per document: the node takes at most as many on connect (MAX_TAB_CLIENTS). */
export const MAX_KEPT_CLIENTS = 32

export interface TabClient {
  /** The id this tab writes with; undefined when it has none (never connected, node unreachable). */
  client: number | undefined
  /** Every id kept for the document, named to the node on connect (older ones may carry offline edits). */
  all: number[]
  /** Why there is no id: the node was unreachable, refused (it does not hold the document), or did not answer in time. */
  missing?: 'unreachable' | 'refused' | 'slow'
  /** With `missing: 'slow'`: resolves once the node's late answer is kept (open the document again to write with it). */
  late?: Promise<void>
  /** Let another tab take the id (the document is closed here). */
  release(): void
}

/**
 * A free kept id for document `id`, or a new one from the node (kept before it is used). When the
 * node has not answered within `timeoutMs` the tab goes on without an id (it cannot edit) and
 * `late` says when the answer is kept.
 */
export async function tabClient (id: string, persistence: IndexeddbPersistence, timeoutMs: number): Promise<TabClient> {
  const kept = asIds(await persistence.get(CLIENTS_KEY))
  for (const client of kept) {
    const release = await tryLock(lockName(id, client))
    if (release != null) return { client, all: kept, release }
  }
  const issued = api.issueClient(id).then(answer => answer.client)
  let client: number | undefined
  try {
    client = await within(issued, timeoutMs)
  } catch (err) {
    const missing = err instanceof ApiError && err.code !== 'ERR_UNREACHABLE' ? 'refused' : 'unreachable'
    return { client: undefined, all: kept, missing, release: () => {} }
  }
  if (client === undefined) {
    // the node answers once the id is on its disk, which can take long on a busy disk: the page
    // need not hide the document meanwhile (it shows it read-only)
    const late = issued.then(async c => { await keep(persistence, c) })
    late.catch(() => { /* no answer, or the document was closed meanwhile: the page stays read-only */ })
    return { client: undefined, all: kept, missing: 'slow', late, release: () => {} }
  }
  const all = await keep(persistence, client)
  return { client, all, release: await tryLock(lockName(id, client)) ?? (() => {}) }
}

/** Add an issued id to the document's kept ids; the oldest goes when the list is full (its edits have long reached the node, or never will). */
async function keep (persistence: IndexeddbPersistence, client: number): Promise<number[]> {
  const all = [...asIds(await persistence.get(CLIENTS_KEY)), client].slice(-MAX_KEPT_CLIENTS)
  await persistence.set(CLIENTS_KEY, all.join(','))
  return all
}

const lockName = (doc: string, client: number): string => `commonplace:client:${doc}:${client}`

/** The kept ids, stored as decimal ids joined by commas (the custom store takes strings and numbers). */
function asIds (value: unknown): number[] {
  if (typeof value !== 'string' || value === '') return []
  return value.split(',').map(Number).filter(v => Number.isSafeInteger(v) && v >= 0)
}

/** Hold the lock `name` if no other tab holds it; resolves with its release, or undefined when taken. */
async function tryLock (name: string): Promise<(() => void) | undefined> {
  // without Web Locks (an old browser) each tab assumes it is alone on the document
  if (navigator.locks == null) return () => {}
  return await new Promise(resolve => {
    navigator.locks.request(name, { ifAvailable: true }, async lock => {
      if (lock == null) { resolve(undefined); return }
      await new Promise<void>(release => { resolve(release) })
    }).catch(() => { resolve(undefined) })
  })
}
