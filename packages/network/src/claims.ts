/**
 * Client claims: which organisation a Yjs client id belongs to, written into the document itself
 * (`_clients` map, key `<client>:<org>`, value the org's signature), so every holder can attribute
 * every item to an organisation and apply a removal the same way (docs/networks.md, Removal).
 */
import * as Y from 'yjs'
import { peerIdFromString } from '@libp2p/peer-id'
import { toString as u8ToString, fromString as u8FromString } from 'uint8arrays'
import type { DocId, Frontier, OrgId } from '@commonplace/core'
import type { PrivateKey } from '@libp2p/interface'

export const CLAIMS_MAP = '_clients'
const PREFIX = 'commonplace-client-claim/1\n'

function claimBytes (doc: DocId, client: number, org: OrgId): Uint8Array {
  return u8FromString(`${PREFIX}${doc}\n${client}\n${org}`)
}

export async function signClaim (key: PrivateKey, doc: DocId, client: number, org: OrgId): Promise<string> {
  return u8ToString(await key.sign(claimBytes(doc, client, org)), 'base64url')
}

/** Write claims (already signed) into the document. */
export function writeClaims (ydoc: Y.Doc, claims: Array<{ client: number, org: OrgId, sig: string }>): void {
  const map = ydoc.getMap<string>(CLAIMS_MAP)
  for (const c of claims) map.set(`${c.client}:${c.org}`, c.sig)
}

/** Clients already claimed (by anyone) in the document. */
export function claimedClients (ydoc: Y.Doc): Set<number> {
  const out = new Set<number>()
  for (const key of ydoc.getMap<string>(CLAIMS_MAP).keys()) out.add(Number(key.split(':')[0]))
  return out
}

/** Verified claims cache: `${doc}/${key}/${sig}` → valid. */
const verified = new Map<string, boolean>()

/** The clients of `org` in the document whose claims verify. */
export async function clientsOf (ydoc: Y.Doc, doc: DocId, org: OrgId): Promise<number[]> {
  const out: number[] = []
  for (const [key, sig] of ydoc.getMap<string>(CLAIMS_MAP).entries()) {
    const [clientText, owner] = key.split(':')
    if (owner !== org || typeof sig !== 'string') continue
    const client = Number(clientText)
    const cacheKey = `${doc}/${key}/${sig}`
    let ok = verified.get(cacheKey)
    if (ok == null) {
      try {
        ok = await peerIdFromString(org).publicKey?.verify(claimBytes(doc, client, org), u8FromString(sig, 'base64url')) === true
      } catch {
        ok = false
      }
      if (verified.size > 100_000) verified.clear()
      verified.set(cacheKey, ok)
    }
    if (ok) out.push(client)
  }
  return out
}

/** For a removal: per claimed client of `org`, the clock up to which its items count. */
export function frontierOf (ydoc: Y.Doc, clients: number[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const client of clients) out[String(client)] = Y.getState(ydoc.store, client)
  return out
}

/** True if some client of the list has items beyond the frontier. */
export function exceedsFrontier (ydoc: Y.Doc, clients: number[], frontier: Frontier[string] | undefined): boolean {
  return clients.some(client => Y.getState(ydoc.store, client) > (frontier?.[String(client)] ?? 0))
}

/**
 * Delete every live item of `clients` at or beyond the frontier. Call inside a transaction
 * (the store's edit); deletions are CRDT operations, so every holder converges.
 */
export function deleteBeyondFrontier (ydoc: Y.Doc, clients: number[], frontier: Frontier[string] | undefined): number {
  let deleted = 0
  // claims stay: without them the removed organisation's later items could not be attributed
  const claims = ydoc.getMap(CLAIMS_MAP)
  ydoc.transact(tr => {
    for (const client of clients) {
      const limit = frontier?.[String(client)] ?? 0
      if (Y.getState(ydoc.store, client) <= limit) continue
      if (limit > 0) Y.getItemCleanStart(tr, Y.createID(client, limit))
      const structs = ydoc.store.clients.get(client) ?? []
      for (const struct of [...structs]) {
        if (struct instanceof Y.Item && struct.id.clock >= limit && !struct.deleted && struct.parent !== claims) {
          struct.delete(tr)
          deleted++
        }
      }
    }
  })
  return deleted
}
