/**
 * Signed items as a hostile member with its own software would make them: envelopes it signs with
 * its own key over updates it writes itself (any client id, any seq and prev it likes), and the Yjs
 * update inside any signed item it was served.
 */
import * as Y from 'yjs'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import {
  CHECKPOINT_KIND, NO_PREVIOUS, decodeCheckpoint, decodeEnvelope, deriveClientId, envelopeHash, signEnvelope, signedItemKind
} from '@commonplace/core'
import type { DocId, EnvelopeClient, OrgId } from '@commonplace/core'
import type { PrivateKey } from '@libp2p/interface'

/** Where the rogue's envelope sits in its chain, and which clients it lists (default: one derived for it). */
export interface RogueChain {
  seq?: number
  prev?: Uint8Array
  author?: string
  /** The client the update writes with (default: derived from the signer with `nonce`). */
  client?: number
  /** Listed as the envelope's clients (default: `client` with `nonce`). */
  clients?: EnvelopeClient[]
  nonce?: number
}

/** The organisation of a key. */
export function orgOf (key: PrivateKey): OrgId {
  return peerIdFromPrivateKey(key).toString() as OrgId
}

/** The Yjs update inside a signed item (an envelope or a checkpoint). */
export function itemUpdate (item: Uint8Array): Uint8Array {
  return signedItemKind(item) === CHECKPOINT_KIND ? decodeCheckpoint(item).update : decodeEnvelope(item).update
}

/**
 * An envelope `key`'s organisation signs over an edit `write` makes to a copy of `base` (a Yjs
 * update), writing with a client id derived for the signer unless `chain.client` names another.
 */
export async function selfSigned (key: PrivateKey, doc: DocId, base: Uint8Array, write: (d: Y.Doc) => void, chain: RogueChain = {}): Promise<Uint8Array> {
  const signer = orgOf(key)
  const nonce = chain.nonce ?? 7
  const client = chain.client ?? await deriveClientId(signer, doc, nonce)
  const ydoc = new Y.Doc()
  Y.applyUpdate(ydoc, base)
  // set after the base is in: Yjs picks a new id when a remote update writes with its own
  ydoc.clientID = client
  const before = Y.encodeStateVector(ydoc)
  write(ydoc)
  return await signRaw(key, doc, Y.encodeStateAsUpdate(ydoc, before), { ...chain, clients: chain.clients ?? [{ client, nonce }] })
}

/** An envelope `key`'s organisation signs over any bytes as its update. */
export async function signRaw (key: PrivateKey, doc: DocId, update: Uint8Array, chain: RogueChain = {}): Promise<Uint8Array> {
  const envelope = await signEnvelope(key, {
    doc, signer: orgOf(key), author: chain.author ?? '', seq: chain.seq ?? 1, prev: chain.prev ?? NO_PREVIOUS, clients: chain.clients ?? [], update
  })
  return envelope.bytes
}

/** The seq and hash of an envelope: what the signer's next one names as `prev`. */
export async function chainAfter (item: Uint8Array): Promise<{ seq: number, prev: Uint8Array }> {
  const envelope = decodeEnvelope(item)
  return { seq: envelope.seq + 1, prev: await envelopeHash(envelope) }
}
