import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { deriveDocId, deriveNetworkId, randomNonce } from '@commonplace/core'
import type { PrivateKey } from '@libp2p/interface'
import * as Y from 'yjs'
import type { Attribution } from '@commonplace/core'
import { signAdoption } from '../src/adoption.ts'
import type { AdoptionStatement } from '../src/adoption.ts'
import type { AdoptionState } from '../src/constants.ts'

export interface Org { key: PrivateKey, id: string }

export async function org (): Promise<Org> {
  const key = await generateKeyPair('Ed25519')
  return { key, id: peerIdFromPrivateKey(key).toString() }
}

export async function docOf (owner: Org): Promise<string> {
  return await deriveDocId(owner.id as never, randomNonce())
}

export async function networkOf (creator: Org): Promise<string> {
  return await deriveNetworkId(creator.id as never, randomNonce())
}

export async function adoption (o: Org, network: string, practice: string, seq: number, state: AdoptionState, at: number, extra: Partial<AdoptionStatement> = {}): Promise<AdoptionStatement> {
  return await signAdoption(o.key, { type: 'adoption', org: o.id, network, practice, seq, state, at, ...extra })
}

/** Milliseconds of a UTC date. */
export function day (iso: string): number {
  return Date.parse(`${iso}T12:00:00Z`)
}

/**
 * A companion document where each organisation writes with a client of its own, and the
 * attribution that names those clients (as the store's, built from signed envelopes, would).
 */
export function orgWriters (doc: Y.Doc, map: string): { write: (org: string, key: string, value: unknown) => void, attribution: Attribution } {
  const clients = new Map<number, string>()
  const docs = new Map<string, Y.Doc>()
  const write = (org: string, key: string, value: unknown): void => {
    let own = docs.get(org)
    if (own == null) {
      own = new Y.Doc()
      clients.set(own.clientID, org)
      docs.set(org, own)
    }
    Y.applyUpdate(own, Y.encodeStateAsUpdate(doc))
    own.getMap(map).set(key, value)
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(own))
  }
  return { write, attribution: { of: client => clients.has(client) ? { org: clients.get(client) as string } as never : undefined } }
}
