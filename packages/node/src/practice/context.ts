/**
 * What the practice operations share (docs/practice.md): the node's parts they use and the checks
 * every operation starts with.
 */
import {
  ForbiddenError, InvalidInputError, NotFoundError, ReadOnlyError, deriveDocId, parseDocId, randomNonce
} from '@commonplace/core'
import type { AccessLevel, DocId, DocumentStore, NetworkId, OrgId } from '@commonplace/core'
import type { DocumentGate } from '@commonplace/docstore'
import { CarrierKind, carrierOf, markCarrier } from '@commonplace/practice'
import type { Marker } from '@commonplace/practice'
import type { PrivateKey } from '@libp2p/interface'
import type { Logger } from '@libp2p/interface'
import type { NetworkRegistry } from '@commonplace/network'
import type * as Y from 'yjs'
import type { Names } from '../names.ts'
import type { LocalApi } from '@commonplace/api'

/** The kinds of carrier documents: they are not records, and document lists leave them out. */
export const CARRIER_KINDS: ReadonlySet<string> = new Set(Object.values(CarrierKind))

export interface PracticeContext {
  store: DocumentStore
  registry: NetworkRegistry
  /** Who may read and write which document (and who is in which network). */
  gate: DocumentGate
  identity: { key: PrivateKey, orgId: OrgId, name: string }
  names?: Names
  /** An organisation id, a network id or a name in the directory. */
  resolve: (text: string) => OrgId | NetworkId
  share: LocalApi['share']
  /**
   * The people's names this node may show in a record (this organisation's, and those another
   * organisation published there; docs/people.md); set by the history layer.
   */
  personNames?: (record: DocId) => Promise<(org: string, person: string | undefined) => string | undefined>
  now: () => number
  log: Logger
}

/** A held document, by id. @throws InvalidIdError, NotFoundError */
export function requireDoc (ctx: PracticeContext, id: string): DocId {
  const doc = parseDocId(id)
  if (!ctx.store.has(doc)) throw new NotFoundError(`No document ${doc} here`)
  return doc
}

/** This organisation's access to a held document. @throws ForbiddenError when none (a grant was revoked) */
export function requireRead (ctx: PracticeContext, doc: DocId): AccessLevel {
  const level = ctx.gate.access(doc)
  if (level == null) throw new ForbiddenError(`This organisation may not read ${doc}`)
  return level
}

/** @throws ReadOnlyError unless this organisation may edit the document */
export function requireWrite (ctx: PracticeContext, doc: DocId): void {
  if (!ctx.gate.mayWrite(doc)) throw new ReadOnlyError(`This organisation has read access only to ${doc}`)
}

/** A held record (not a carrier document), readable by this organisation. */
export function requireRecord (ctx: PracticeContext, id: string): DocId {
  const doc = requireDoc(ctx, id)
  requireRead(ctx, doc)
  if (isCarrier(ctx, doc)) throw new InvalidInputError(`${doc} is not a good-practice record`)
  return doc
}

export function isCarrier (ctx: PracticeContext, doc: DocId): boolean {
  return ctx.store.read(doc, ydoc => carrierOf(ydoc)) !== undefined
}

/** The owner of a held document. */
export function ownerOf (ctx: PracticeContext, doc: DocId): OrgId {
  return ctx.store.access(doc)?.header.owner ?? ctx.store.info(doc)?.owner as OrgId
}

/** A short label of a document's version: the first 16 bytes of its snapshot digest, in hex. */
export function versionOf (ctx: PracticeContext, doc: DocId): string {
  return Buffer.from(ctx.store.digest(doc).subarray(0, 16)).toString('hex')
}

/**
 * Create a carrier document owned by this organisation, `fill` writing its content in the same
 * first edit, signed with `author` (the person whose action made it; absent: the organisation).
 */
export async function createCarrier (ctx: PracticeContext, marker: Marker, fill: (doc: Y.Doc, id: DocId) => void, header?: { id: DocId, nonce: string }, author?: string): Promise<DocId> {
  const { id, nonce } = header ?? await newDocId(ctx)
  ctx.store.create({ id, owner: ctx.identity.orgId, nonce }, doc => {
    doc.transact(() => {
      markCarrier(doc, marker)
      fill(doc, id)
    })
  }, author)
  return id
}

/** The id of a new document whose id is needed before its content is signed. */
export async function newDocId (ctx: PracticeContext): Promise<{ id: DocId, nonce: string }> {
  const nonce = randomNonce()
  return { id: await deriveDocId(ctx.identity.orgId, nonce), nonce }
}

/** A name to show for an organisation, when known. */
export function nameOf (ctx: PracticeContext, org: string): { orgName?: string } {
  const name = org === ctx.identity.orgId ? ctx.identity.name : ctx.names?.org(org as OrgId)
  return name == null ? {} : { orgName: name }
}

/** ISO 8601 of a time in ms. */
export function iso (ms: number): string {
  return new Date(ms).toISOString()
}
