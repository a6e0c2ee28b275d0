/**
 * What the store derives from its signed state beyond applying: attribution of items to their
 * organisation and person, and the migration checkpoint an owner signs of a document written
 * before envelopes existed (docs/authorship.md, Attribution and Existing data).
 */
import type * as Y from 'yjs'
import { fromString as u8FromString } from 'uint8arrays'
import { bindingSigningBytes } from '@commonplace/core'
import type { Attribution, AuthorRun, DocId, OrgId } from '@commonplace/core'
import type { DocState, Reader, SignedDocs, StagedOps } from './signed-docs.ts'
import { authorRuns, signCheckpoint } from './checkpoints.ts'
import { verifyBy } from './signing.ts'
import type { Signer } from './signing.ts'

/** The map existing documents hold their client claims in: key `<client>:<org>`, value the org's signature (base64url). */
const CLAIMS_MAP = '_clients'

/** Who wrote each item: the organisation its client is bound to, the person from the author runs. */
export function attributionOf (state: DocState, storage: Reader): Attribution {
  const runs = new Map<number, AuthorRun[]>()
  for (const run of authorRuns(storage, state.id)) {
    const list = runs.get(run.client)
    if (list == null) runs.set(run.client, [run])
    else list.push(run)
  }
  return {
    of (client, clock) {
      const org = state.bindings.orgOf(client)
      if (org == null) return undefined
      const person = findRun(runs.get(client), clock)?.author
      return person == null ? { org } : { org, person }
    }
  }
}

/** The run holding `clock` (runs sorted by clock, as keys sort). */
function findRun (runs: AuthorRun[] | undefined, clock: number): AuthorRun | undefined {
  if (runs == null) return undefined
  let left = 0
  let right = runs.length - 1
  while (left <= right) {
    const mid = (left + right) >>> 1
    const run = runs[mid]
    if (run.clock > clock) right = mid - 1
    else if (clock >= run.clock + run.length) left = mid + 1
    else return run
  }
  return undefined
}

/**
 * The owner's migration checkpoint of a document that holds content but no signed state: its state
 * as held, and the `_clients` claims that verify as signed bindings (a client claimed by two
 * organisations stays unbound). Returns the checkpoint, or undefined when nothing needs one.
 */
export function migrationCheckpoint (signed: SignedDocs, id: DocId, doc: Y.Doc, signer: Signer, ops: StagedOps): Uint8Array | undefined {
  const state = signed.state(id)
  if (state.record.heads.size > 0 || state.record.checkpoints.length > 0 || doc.store.clients.size === 0) return undefined
  const claims = new Map<number, Array<{ org: OrgId, sig: Uint8Array }>>()
  for (const [key, value] of doc.getMap(CLAIMS_MAP).entries()) {
    const claim = parseClaim(id, key, value)
    if (claim == null) continue
    const list = claims.get(claim.client) ?? []
    list.push(claim)
    claims.set(claim.client, list)
  }
  for (const [client, list] of claims) {
    if (new Set(list.map(c => c.org)).size !== 1) continue
    signed.bind(state, { kind: 'signed', client, org: list[0].org, sig: list[0].sig }, ops)
  }
  return signCheckpoint(signed, state, doc, signer, signed.storage, ops, true)
}

function parseClaim (id: DocId, key: string, value: unknown): { client: number, org: OrgId, sig: Uint8Array } | undefined {
  const [clientText, org] = key.split(':')
  const client = Number(clientText)
  if (!Number.isSafeInteger(client) || client < 0 || typeof value !== 'string') return undefined
  try {
    const sig = u8FromString(value, 'base64url')
    return verifyBy(org as OrgId, bindingSigningBytes(id, client, org as OrgId), sig) ? { client, org: org as OrgId, sig } : undefined
  } catch {
    return undefined
  }
}
