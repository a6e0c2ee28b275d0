import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { StorageCorruptError, readGrant, writeGrant } from '@commonplace/core'
import type { AccessList, DocId, DocumentInfo, OrgId, VerifiedGrant } from '@commonplace/core'
import { ROW_HEADER, openRow, seal } from './row-check.ts'

/** The index entry as stored: the public info plus the bounds of the update log. */
export interface InfoRecord extends DocumentInfo {
  /** First log row number still stored. */
  logFirst: number
  /** Number the next log row gets. */
  logNext: number
}

const INFO_VERSION = 2
const ACL_VERSION = 2

export function encodeInfo (info: InfoRecord): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, INFO_VERSION)
  encoding.writeVarString(e, info.owner)
  encoding.writeVarString(e, info.title)
  encoding.writeVarString(e, info.kind)
  encoding.writeVarUint(e, info.updatedAt)
  encoding.writeVarUint(e, info.changeSeq)
  encoding.writeVarUint8Array(e, info.stateVector)
  encoding.writeVarUint(e, info.storedBytes)
  encoding.writeVarUint(e, info.logFirst)
  encoding.writeVarUint(e, info.logNext)
  encoding.writeVarUint(e, info.accessSeq)
  return encoding.toUint8Array(e)
}

export function decodeInfo (id: DocId, bytes: Uint8Array): InfoRecord {
  return guard(`index entry of ${id}`, () => {
    const d = decoding.createDecoder(bytes)
    const version = decoding.readVarUint(d)
    if (version !== INFO_VERSION && version !== 1) throw new Error('unknown version')
    const info: InfoRecord = {
      id,
      owner: decoding.readVarString(d) as OrgId,
      title: decoding.readVarString(d),
      kind: decoding.readVarString(d),
      updatedAt: decoding.readVarUint(d),
      changeSeq: decoding.readVarUint(d),
      stateVector: decoding.readVarUint8Array(d).slice(),
      storedBytes: decoding.readVarUint(d),
      logFirst: decoding.readVarUint(d),
      logNext: decoding.readVarUint(d),
      accessSeq: 0
    }
    // version 1 did not record when access last changed: assume with the last change
    info.accessSeq = version === 1 ? info.changeSeq : decoding.readVarUint(d)
    return info
  })
}

export function encodeAcl (acl: AccessList): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, ACL_VERSION)
  encoding.writeVarString(e, acl.header.owner)
  encoding.writeVarString(e, acl.header.nonce)
  encoding.writeVarUint(e, acl.grants.length)
  for (const g of acl.grants) writeGrant(e, g)
  return encoding.toUint8Array(e)
}

/** Grants on disk were verified before they were written. */
export function decodeAcl (id: DocId, bytes: Uint8Array): AccessList {
  return guard(`access list of ${id}`, () => {
    const d = decoding.createDecoder(bytes)
    if (decoding.readVarUint(d) !== ACL_VERSION) throw new Error('unknown version')
    const owner = decoding.readVarString(d) as OrgId
    const nonce = decoding.readVarString(d)
    const n = decoding.readVarUint(d)
    const grants: VerifiedGrant[] = []
    for (let i = 0; i < n; i++) grants.push(readGrant(d, id, owner) as VerifiedGrant)
    return { header: { id, owner, nonce }, grants }
  })
}

/**
 * A log row: a count, then that many Yjs updates (each a varuint length and its bytes), applied in
 * order when the document loads, sealed with a checksum (row-check.ts). Sized first and written into one buffer: a row of a thousand
 * keystroke updates is one allocation, not a growing chain of encoder buffers.
 */
export function encodeLogRow (updates: Uint8Array[]): Uint8Array {
  let size = varUintLength(updates.length)
  for (const u of updates) size += varUintLength(u.byteLength) + u.byteLength
  const row = new Uint8Array(ROW_HEADER + size)
  let pos = writeVarUint(row, ROW_HEADER, updates.length)
  for (const u of updates) {
    pos = writeVarUint(row, pos, u.byteLength)
    row.set(u, pos)
    pos += u.byteLength
  }
  return seal(row)
}

function varUintLength (n: number): number {
  let length = 1
  while (n > 0x7f) {
    n = Math.floor(n / 128)
    length++
  }
  return length
}

/** lib0's varuint (7 bits a byte, low first): write `n` at `pos`, return the position after it. */
function writeVarUint (into: Uint8Array, pos: number, n: number): number {
  while (n > 0x7f) {
    into[pos++] = 0x80 | (n & 0x7f)
    n = Math.floor(n / 128)
  }
  into[pos++] = n
  return pos
}

export function decodeLogRow (id: DocId, row: Uint8Array): Uint8Array[] {
  return guard(`update log of ${id}`, () => {
    const d = decoding.createDecoder(openRow(row))
    const n = decoding.readVarUint(d)
    const updates: Uint8Array[] = []
    for (let i = 0; i < n; i++) updates.push(decoding.readVarUint8Array(d))
    if (decoding.hasContent(d)) throw new Error('trailing bytes')
    return updates
  })
}

export function encodeUint (n: number): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, n)
  return encoding.toUint8Array(e)
}

export function decodeUint (bytes: Uint8Array | undefined): number {
  if (bytes == null) return 0
  return guard('counter', () => decoding.readVarUint(decoding.createDecoder(bytes)))
}

/** Run a decoder; any failure is a StorageCorruptError naming `what`. */
export function guard<T> (what: string, fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    throw new StorageCorruptError(`Stored ${what} is corrupt`, { cause: err })
  }
}
