/**
 * The comments document of a record (docs/history.md): its id, derived from the record's, and its
 * grants, mirrored from the record's by the owner (read → read; comment or edit → edit).
 */
import { createHash } from 'node:crypto'
import { toString as u8ToString } from 'uint8arrays'
import { DOC_NONCE_BYTES, deriveDocId, nextGrantSeq, signGrant } from '@commonplace/core'
import type { AccessList, DocId, OrgId, Role, VerifiedGrant } from '@commonplace/core'
import { CarrierKind, carrierOf } from '@commonplace/practice'
import type { PracticeContext } from '../practice/context.ts'
import { CARRIER_KINDS, createCarrier } from '../practice/context.ts'

const COMPANION_PREFIX = 'commonplace-comments/1\n'

/** The nonce and id of a record's comments document. */
export async function companionHeader (record: DocId, owner: OrgId): Promise<{ id: DocId, nonce: string }> {
  const digest = createHash('sha256').update(COMPANION_PREFIX + record).digest()
  const nonce = u8ToString(digest.subarray(0, DOC_NONCE_BYTES), 'base32')
  return { id: await deriveDocId(owner, nonce), nonce }
}

/** The companion's role for a record's role. */
function mirrored (role: Role): Role {
  return role === 'comment' ? 'edit' : role
}

/** Whether a held document is a record (not a carrier): read from its content, as the index may not have its kind yet. */
export function isRecord (ctx: PracticeContext, doc: DocId): boolean {
  return ctx.store.has(doc) && ctx.store.read(doc, ydoc => carrierOf(ydoc)) === undefined
}

/**
 * On the owner's node: create the record's comments document if needed and give it, per grantee,
 * the mirror of the record's grant. Returns the companion's id. Idempotent. `author`: the person
 * whose comment or version makes it (absent: the organisation).
 */
export async function ensureCompanion (ctx: PracticeContext, record: DocId, author?: string): Promise<DocId> {
  const acl = ctx.store.access(record) as AccessList
  const header = await companionHeader(record, acl.header.owner)
  if (!ctx.store.has(header.id)) {
    await createCarrier(ctx, { type: CarrierKind.comments }, doc => { doc.getMap<unknown>('_practice').set('record', record) }, header, author)
  }
  const companion = ctx.store.access(header.id) as AccessList
  const current = new Map(companion.grants.map(g => [g.to, g.role]))
  let seq = nextGrantSeq(companion)
  const grants: VerifiedGrant[] = []
  for (const grant of acl.grants) {
    const role = mirrored(grant.role)
    if ((current.get(grant.to) ?? 'none') === role) continue
    grants.push(await signGrant(ctx.identity.key, { doc: header.id, to: grant.to, role, seq: seq++, issuer: ctx.identity.orgId, issuedAt: ctx.now() }))
  }
  if (grants.length > 0) ctx.store.mergeAccess(companion.header, grants, { kind: 'local' })
  ctx.store.flush()
  return header.id
}

/**
 * Whether an owned record needs its comments document now: it has one already (its grants are to
 * be mirrored), or another organisation may comment on it (a comment or edit grant). A record
 * shared to read only gets one at the owner's first comment: no cost until then.
 */
export async function needsCompanion (ctx: PracticeContext, record: DocId): Promise<boolean> {
  const acl = ctx.store.access(record)
  if (acl == null || acl.header.owner !== ctx.identity.orgId || acl.grants.length === 0) return false
  if (acl.grants.some(g => g.role === 'comment' || g.role === 'edit')) return true
  return ctx.store.has((await companionHeader(record, acl.header.owner)).id)
}

/** On the owner's node: mirror the grants of every owned record that needs it (records shared before comments existed). */
export async function mirrorAll (ctx: PracticeContext): Promise<void> {
  for (const info of ctx.store.list()) {
    if (info.owner !== ctx.identity.orgId || CARRIER_KINDS.has(info.kind)) continue
    if (await needsCompanion(ctx, info.id)) await ensureCompanion(ctx, info.id)
  }
}
