/**
 * Who last changed each part of a document (its sections) and when (docs/people.md, "Who last
 * changed a section"): one small record per part (`l/<doc>/<part>`), staged in the batch of the
 * change that touched the part, so it costs no write of its own and survives a restart. Which
 * parts a transaction touched is the `changedParts` option's answer (the node knows the shape of
 * a record; the store does not). Beside them, one record per changer of the document
 * (`lw/<doc>/<org>/<person>`), staged with the same change: who changed it and when last, which the
 * activity feed names; the person is part of the key only for this store's own organisation, so
 * another organisation adds one record per document however many person ids its envelopes name.
 */
import type * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import type { DocId, KeyValueStore, OrgId, PartChange, WriteOp } from '@commonplace/core'
import { guard } from './codec.ts'
import { changerKey, changerRange, partChangeKey, partChangeRange } from './keys.ts'
import type { WriteBatch } from './write-batch.ts'

/** The parts a transaction changed, and those it removed (their records are dropped). */
export interface ChangedParts {
  changed: Iterable<string>
  removed: Iterable<string>
}

/** Reads the parts a transaction touched; the `changedParts` option of the store. */
export type PartsOf = (transaction: Y.Transaction) => ChangedParts

/** Longest part id kept (a section id is 12 characters; a peer's document may hold anything). */
export const MAX_PART_ID_LENGTH = 64
/** Records read per document view: a document has at most this many parts worth showing. */
export const MAX_PART_RECORDS = 4096
/** Changer records read per document: organisations that may write it and this organisation's people. */
export const MAX_CHANGER_RECORDS = 256

/** Who made a change: the organisation that signed it and the person it names ('' or none: the organisation). */
export interface ChangeAuthor {
  org: OrgId
  person?: string
}

/**
 * Stage the records of one change in the batch: the batch's last change to a part wins, one record
 * each; and its changer's record (`self`: this store's organisation, whose people are told apart).
 */
export function stagePartChanges (batch: WriteBatch, id: DocId, parts: ChangedParts, by: ChangeAuthor, at: number, self?: OrgId): void {
  const change: PartChange = by.person != null && by.person !== '' ? { org: by.org, person: by.person, at } : { org: by.org, at }
  const person = by.org === self && by.person != null && by.person.length <= MAX_PART_ID_LENGTH ? by.person : ''
  batch.parts.set(changerKeyOf(id, by.org, person), change)
  for (const part of parts.removed) {
    if (part.length <= MAX_PART_ID_LENGTH) batch.parts.set(partKeyOf(id, part), null)
  }
  for (const part of parts.changed) {
    if (part.length <= MAX_PART_ID_LENGTH) batch.parts.set(partKeyOf(id, part), change)
  }
}

/**
 * The record keys of the document changed last, made once: each keystroke stages the same records
 * as the one before it, and a key built anew per keystroke (a hundred characters, hashed again by
 * the batch's map) cost more than the rest of the staging.
 */
interface RecentKeys { id: DocId, org?: OrgId, person?: string, changer?: string, parts: Map<string, string> }

let recent: RecentKeys | undefined

/** Part keys kept for the document changed last (the sections being typed in); past that, made as needed. */
const MAX_RECENT_PART_KEYS = 64

function recentKeys (id: DocId): RecentKeys {
  if (recent?.id !== id) recent = { id, parts: new Map() }
  return recent
}

function changerKeyOf (id: DocId, org: OrgId, person: string): string {
  const keys = recentKeys(id)
  if (keys.changer == null || keys.org !== org || keys.person !== person) {
    keys.org = org
    keys.person = person
    keys.changer = changerKey(id, org, person)
  }
  return keys.changer
}

function partKeyOf (id: DocId, part: string): string {
  const { parts } = recentKeys(id)
  const held = parts.get(part)
  if (held != null) return held
  const key = partChangeKey(id, part)
  if (parts.size < MAX_RECENT_PART_KEYS) parts.set(part, key)
  return key
}

/** The writes of the records a batch staged. */
export function partChangeOps (parts: Map<string, PartChange | null>): WriteOp[] {
  const ops: WriteOp[] = []
  for (const [key, change] of parts) ops.push(change == null ? { type: 'del', key } : { type: 'put', key, value: encodePartChange(change) })
  return ops
}

/** The records of a document as stored, with what the batch not yet written stages over them. */
export function readPartChanges (storage: Pick<KeyValueStore, 'range'>, id: DocId, batch: WriteBatch | null): Record<string, PartChange> {
  const out: Record<string, PartChange> = {}
  const prefix = partChangeRange(id).gte
  for (const [key, value] of storage.range({ ...partChangeRange(id), limit: MAX_PART_RECORDS })) out[key.slice(prefix.length)] = decodePartChange(key, value)
  for (const [key, change] of batch?.parts ?? []) {
    if (!key.startsWith(prefix)) continue
    const part = key.slice(prefix.length)
    if (change != null) out[part] = change
    else Reflect.deleteProperty(out, part)
  }
  return out
}

/**
 * Who changed a document, newest first: per organisation its latest change applied here (per
 * person for this store's own), with what the batch not yet written stages over them.
 */
export function readChangers (storage: Pick<KeyValueStore, 'range'>, id: DocId, batch: WriteBatch | null): PartChange[] {
  const out = new Map<string, PartChange>()
  for (const [key, value] of storage.range({ ...changerRange(id), limit: MAX_CHANGER_RECORDS })) out.set(key, decodePartChange(key, value))
  const prefix = changerRange(id).gte
  for (const [key, change] of batch?.parts ?? []) {
    if (key.startsWith(prefix) && change != null) out.set(key, change)
  }
  return [...out.values()].sort((a, b) => b.at - a.at)
}

function encodePartChange (change: PartChange): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarString(e, change.org)
  encoding.writeVarString(e, change.person ?? '')
  encoding.writeVarUint(e, change.at)
  return encoding.toUint8Array(e)
}

function decodePartChange (key: string, bytes: Uint8Array): PartChange {
  return guard(`part change ${key}`, () => {
    const d = decoding.createDecoder(bytes)
    const org = decoding.readVarString(d) as OrgId
    const person = decoding.readVarString(d)
    const at = decoding.readVarUint(d)
    return person === '' ? { org, at } : { org, person, at }
  })
}
