/**
 * Removal, deletions included (docs/authorship.md, Removal): when a node learns that an
 * organisation's envelopes past a frontier are neutralised and it applied some in full already, it
 * rebuilds the document from its latest checkpoint that does not cover them plus every envelope it
 * holds, those past the frontier neutralised. Yjs state is a function of the updates applied, so every node holding the
 * removal and the same envelopes reaches the same state; the correction is derived, never sent.
 */
import * as Y from 'yjs'
import { decodeCheckpoint, decodeEnvelope, structOwners } from '@commonplace/core'
import type { OrgId } from '@commonplace/core'
import { neutralised } from './signed-docs.ts'
import type { DocState, Reader } from './signed-docs.ts'
import { checkpointItemKey, envelopeRange } from './keys.ts'

/** A rebuilt document, and how many envelopes it took neutralised. */
export interface Rebuilt { doc: Y.Doc, refused: number }

/**
 * Rebuild `state`'s document with `org`'s envelopes past `upTo` neutralised (their items deleted,
 * their deletions dropped), as a node that held the removal first applied them. Undefined when
 * there are none, when this was done for this frontier already, or when no base is held: no
 * checkpoint leaves them out, or envelopes between such a checkpoint (or the start) and a chain's
 * head are not held (the node caught up from a later checkpoint). docs/authorship.md names this limit.
 */
export function rebuildWithout (state: DocState, storage: Reader, org: OrgId, upTo: number): Rebuilt | undefined {
  const head = state.record.heads.get(org)
  if (head == null || head.seq <= upTo || state.record.removed.get(org) === upTo) return undefined
  const base = [...state.record.checkpoints].reverse().find(c => (c.covers.get(org) ?? 0) <= upTo)
  const mustHaveBase = state.record.migrated || state.record.pruned.size > 0
  if (base == null && mustHaveBase) return undefined
  const checkpoint = base == null ? undefined : decodeStored(storage, checkpointItemKey(state.id, base.number), decodeCheckpoint)
  if (base != null && checkpoint == null) return undefined
  const updates: Uint8Array[] = checkpoint == null ? [] : [checkpoint.update]
  let refused = 0
  for (const [signer, { seq: last }] of state.record.heads) {
    // every envelope from the base to the head must be held: a node that caught up from a later
    // checkpoint holds its text in no envelope, and a rebuild without it would drop that text
    let next = (base?.covers.get(signer) ?? 0) + 1
    for (const [, bytes] of storage.range(envelopeRange(state.id, signer, next - 1, last))) {
      const envelope = decodeEnvelope(bytes)
      if (envelope.seq !== next++) return undefined
      if (signer === org && envelope.seq > upTo) {
        refused++
        updates.push(neutralised(envelope.update, structOwners(envelope.update)))
      } else {
        updates.push(envelope.update)
      }
    }
    if (next <= last) return undefined
  }
  const doc = new Y.Doc({ guid: state.id })
  doc.transact(() => { for (const update of updates) Y.applyUpdate(doc, update) })
  state.record.removed.set(org, upTo)
  return { doc, refused }
}

function decodeStored<T> (storage: Reader, key: string, decode: (bytes: Uint8Array) => T): T | undefined {
  const bytes = storage.get(key)
  return bytes == null ? undefined : decode(bytes)
}
