/**
 * The g/ index: who each access list names (its owner, and every organisation or network granted
 * read or edit), one empty row per party and document, written in the same batch as the list
 * (docs/storage.md). The connection gater and "the documents of a network" are one range read.
 */
import { readers } from '@commonplace/core'
import type { AccessList, DocId, KeyValueStore, WriteOp } from '@commonplace/core'
import { decodeAcl, encodeUint } from './codec.ts'
import { ACL_PREFIX, ACL_RANGE_END, PARTY_INDEX_KEY, partyKey, partyRange } from './keys.ts'

const EMPTY = new Uint8Array(0)

/** Who an access list names: its owner and every organisation or network granted read or edit. */
export function partiesOf (acl: AccessList | undefined): Set<string> {
  return acl == null ? new Set() : new Set<string>([acl.header.owner, ...readers(acl)])
}

/** The g/ index entries to add and remove when a document's access list goes from `before` to `after`. */
export function partyOps (id: DocId, before: AccessList | undefined, after: AccessList): WriteOp[] {
  const was = partiesOf(before)
  const now = partiesOf(after)
  const ops: WriteOp[] = []
  for (const party of was) if (!now.has(party)) ops.push({ type: 'del', key: partyKey(party, id) })
  for (const party of now) if (!was.has(party)) ops.push({ type: 'put', key: partyKey(party, id), value: EMPTY })
  return ops
}

/**
 * The documents whose access list names `party` (at most `limit`): the index on disk, corrected by
 * the lists `staged` in the batch not written yet (document → its list now, or undefined).
 */
export function documentsNaming (storage: KeyValueStore, party: string, limit: number, staged: Map<DocId, AccessList | undefined>): DocId[] {
  const onDisk = storage.range({ ...partyRange(party), limit: limit + staged.size })
  const found = new Set(onDisk.map(([key]) => key.slice(key.lastIndexOf('/') + 1) as DocId))
  for (const [id, acl] of staged) {
    if (partiesOf(acl).has(party)) found.add(id)
    else found.delete(id)
  }
  return [...found].slice(0, limit)
}

/** For a store written before the g/ index: the rows that build it from every access list (none when built). */
export function missingPartyIndex (storage: KeyValueStore): WriteOp[] {
  if (storage.get(PARTY_INDEX_KEY) != null) return []
  const ops: WriteOp[] = []
  for (const [key, bytes] of storage.range({ gte: ACL_PREFIX, lt: ACL_RANGE_END })) {
    const id = key.slice(ACL_PREFIX.length) as DocId
    ops.push(...partyOps(id, undefined, decodeAcl(id, bytes)))
  }
  ops.push({ type: 'put', key: PARTY_INDEX_KEY, value: encodeUint(1) })
  return ops
}
