/** The stored records of signed state (docs/storage.md): per document its chain heads, bindings and author runs. */
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { readBinding, writeBinding } from '@commonplace/core'
import type { CheckpointBinding, OrgId } from '@commonplace/core'
import { guard } from './codec.ts'

/** The last envelope held of one signer: what its next one must name as `prev`. */
export interface ChainHead { seq: number, hash: Uint8Array }

/** A checkpoint held: its number, hash, size and what it covers. */
export interface HeldCheckpoint { number: number, hash: Uint8Array, bytes: number, covers: Map<OrgId, number> }

/** The signed state of one document as stored under `s/<doc>`. */
export interface SignedRecord {
  heads: Map<OrgId, ChainHead>
  /** Per signer, the highest seq whose envelope was dropped after a checkpoint covered it. */
  pruned: Map<OrgId, number>
  /** Envelope bytes stored since the latest checkpoint (the owner checkpoints past a bound). */
  bytesSince: number
  /** The checkpoints held, oldest first (at most two). */
  checkpoints: HeldCheckpoint[]
  /** True when the document's past predates envelopes: a holder without a checkpoint needs one. */
  migrated: boolean
  /** Per removed signer, the frontier past which its envelopes are applied neutralised (a rebuild was done for it). */
  removed: Map<OrgId, number>
}

const VERSION = 1

export function emptySignedRecord (): SignedRecord {
  return { heads: new Map(), pruned: new Map(), bytesSince: 0, checkpoints: [], migrated: false, removed: new Map() }
}

export function encodeSignedRecord (r: SignedRecord): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, VERSION)
  encoding.writeVarUint(e, r.heads.size)
  for (const [org, head] of r.heads) {
    encoding.writeVarString(e, org)
    encoding.writeVarUint(e, head.seq)
    encoding.writeVarUint8Array(e, head.hash)
  }
  writeCounts(e, r.pruned)
  encoding.writeVarUint(e, r.bytesSince)
  encoding.writeVarUint(e, r.checkpoints.length)
  for (const c of r.checkpoints) {
    encoding.writeVarUint(e, c.number)
    encoding.writeVarUint8Array(e, c.hash)
    encoding.writeVarUint(e, c.bytes)
    writeCounts(e, c.covers)
  }
  encoding.writeVarUint(e, r.migrated ? 1 : 0)
  writeCounts(e, r.removed)
  return encoding.toUint8Array(e)
}

export function decodeSignedRecord (what: string, bytes: Uint8Array): SignedRecord {
  return guard(what, () => {
    const d = decoding.createDecoder(bytes)
    if (decoding.readVarUint(d) !== VERSION) throw new Error('unknown version')
    const heads = new Map<OrgId, ChainHead>()
    for (let i = decoding.readVarUint(d); i > 0; i--) {
      heads.set(decoding.readVarString(d) as OrgId, { seq: decoding.readVarUint(d), hash: decoding.readVarUint8Array(d).slice() })
    }
    const pruned = readCounts(d)
    const bytesSince = decoding.readVarUint(d)
    const checkpoints: HeldCheckpoint[] = []
    for (let i = decoding.readVarUint(d); i > 0; i--) {
      checkpoints.push({ number: decoding.readVarUint(d), hash: decoding.readVarUint8Array(d).slice(), bytes: decoding.readVarUint(d), covers: readCounts(d) })
    }
    const migrated = decoding.readVarUint(d) === 1
    return { heads, pruned, bytesSince, checkpoints, migrated, removed: readCounts(d) }
  })
}

function writeCounts (e: encoding.Encoder, counts: Map<OrgId, number>): void {
  encoding.writeVarUint(e, counts.size)
  for (const [org, n] of counts) {
    encoding.writeVarString(e, org)
    encoding.writeVarUint(e, n)
  }
}

function readCounts (d: decoding.Decoder): Map<OrgId, number> {
  const out = new Map<OrgId, number>()
  for (let i = decoding.readVarUint(d); i > 0; i--) out.set(decoding.readVarString(d) as OrgId, decoding.readVarUint(d))
  return out
}

/** A binding as stored (the client is in the key). */
export function encodeBinding (b: CheckpointBinding): Uint8Array {
  const e = encoding.createEncoder()
  writeBinding(e, b)
  return encoding.toUint8Array(e)
}

export function decodeBinding (client: number, bytes: Uint8Array): CheckpointBinding {
  return guard(`binding of client ${client}`, () => readBinding(decoding.createDecoder(bytes), client))
}

/** An author run as stored (client and clock are in the key). */
export function encodeAuthorRun (length: number, author: string): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, length)
  encoding.writeVarString(e, author)
  return encoding.toUint8Array(e)
}

export function decodeAuthorRun (bytes: Uint8Array): { length: number, author: string } {
  return guard('author run', () => {
    const d = decoding.createDecoder(bytes)
    return { length: decoding.readVarUint(d), author: decoding.readVarString(d) }
  })
}
