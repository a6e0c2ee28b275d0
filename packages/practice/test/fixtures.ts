import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { deriveDocId, deriveNetworkId, randomNonce } from '@commonplace/core'
import type { PrivateKey } from '@libp2p/interface'
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
