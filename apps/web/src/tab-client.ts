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
import { api } from './api.ts'

/** The key of the issued ids in the document's IndexedDB database (y-indexeddb's custom store). */
const CLIENTS_KEY = 'clients'
/** Ids kept per document: the node takes at most as many on connect (MAX_TAB_CLIENTS). */
export const MAX_KEPT_CLIENTS = 32

export interface TabClient {
  /** The id this tab writes with; undefined when it has none (never connected, node unreachable). */
  client: number | undefined
  /** Every id kept for the document, named to the node on connect (older ones may carry offline edits). */
  all: number[]
  /** Let another tab take the id (the document is closed here). */
  release(): void
}

/** A free kept id for document `id`, or a new one from the node (kept before it is used). */
export async function tabClient (id: string, persistence: IndexeddbPersistence): Promise<TabClient> {
  const kept = asIds(await persistence.get(CLIENTS_KEY))
  for (const client of kept) {
    const release = await tryLock(lockName(id, client))
    if (release != null) return { client, all: kept, release }
  }
  let client: number
  try {
    client = (await api.issueClient(id)).client
  } catch {
    return { client: undefined, all: kept, release: () => {} }
  }
  // the oldest id goes when the list is full: its edits have long reached the node, or never will
  const all = [...kept, client].slice(-MAX_KEPT_CLIENTS)
  await persistence.set(CLIENTS_KEY, all.join(','))
  return { client, all, release: await tryLock(lockName(id, client)) ?? (() => {}) }
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
