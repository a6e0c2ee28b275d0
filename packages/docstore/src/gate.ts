/**
 * The gate to the documents (docs/architecture.md, "The gate"): the one place that answers who may
 * read a document, whose change may be applied, and what is sent to whom, from the access list the
 * store holds and the learning networks' rosters. Sync, the browser's live rooms, the local API,
 * the awareness relay and search ask it; none of them reads grants or rosters itself.
 */
import { accessOf } from '@commonplace/core'
import type { AccessLevel, AccessList, DocId, DocumentStore, Membership, OrgId } from '@commonplace/core'

export interface DocumentGate {
  /** The organisation this node is. */
  readonly self: OrgId
  /**
   * Who is in which learning network, for code that asks about a network itself (may we share
   * with it, adopt in it); documents are asked about through the methods below.
   */
  readonly membership: Membership
  /** What `org` (default: this organisation) may do with `doc`; null when nothing, or the document is unknown here. */
  access(doc: DocId, org?: OrgId | string): AccessLevel | null
  /** Whether `org` (default: this organisation) may read `doc`. */
  mayRead(doc: DocId, org?: OrgId | string): boolean
  /** Whether `org` (default: this organisation) may change `doc`: a local edit, a browser tab's update. */
  mayWrite(doc: DocId, org?: OrgId | string): boolean
  /** Whether `org` (default: this organisation) may comment on `doc` (comment, edit or owner: docs/history.md). */
  mayComment(doc: DocId, org?: OrgId | string): boolean
  /**
   * What is sent to whom: whether `doc`'s access list, changes and signed items go to `peer` and
   * are taken from it. Both must be able to read it (any reader relays; docs/authorship.md).
   */
  mayExchange(doc: DocId, peer: OrgId | string): boolean
  /**
   * Whose signed change may be applied (the store's `mayEdit`): `org` may edit `doc` under the grants
   * and rosters held; 'removed' for a removed member's envelope past its frontier (kept, relayed,
   * applied neutralised: docs/authorship.md, Removal).
   */
  mayApply(doc: DocId, org: OrgId, seq: number): boolean | 'removed'
  /** What `org` may do under `acl`, an access list not held yet (an ACCESS message being merged). */
  accessUnder(acl: AccessList, org: OrgId | string): AccessLevel | null
}

export interface DocumentGateComponents {
  /** Where the access lists are read: the document store (the gate is made once it is open). */
  store: Pick<DocumentStore, 'access'>
}

export interface DocumentGateInit {
  self: OrgId
  /** The learning networks' rosters (default: no network membership counts). */
  membership?: Membership
  /**
   * The seq of `org`'s last envelope of `doc` that counts although `org` was removed from a network
   * that granted it edit (its removal's frontier), or undefined when `org` was never removed there.
   */
  removalFrontier?: (acl: AccessList, doc: DocId, org: OrgId) => number | undefined
}

const NO_NETWORKS: Membership = { roleOf: () => null }

/**
 * @example
 * ```ts
 * const gate = createDocumentGate({ store }, { self, membership: registry.membership })
 * if (!gate.mayWrite(id)) throw new ReadOnlyError(`Read access only to ${id}`)
 * ```
 */
export function createDocumentGate (components: DocumentGateComponents, init: DocumentGateInit): DocumentGate {
  const { store } = components
  const { self } = init
  const membership = init.membership ?? NO_NETWORKS
  const access = (doc: DocId, org: OrgId | string = self): AccessLevel | null => {
    const acl = store.access(doc)
    return acl == null ? null : accessOf(acl, org, membership)
  }
  const writes = (level: AccessLevel | null): boolean => level === 'owner' || level === 'edit'
  return {
    self,
    membership,
    access,
    mayRead: (doc, org) => access(doc, org) != null,
    mayWrite: (doc, org) => writes(access(doc, org)),
    mayComment: (doc, org) => { const level = access(doc, org); return level != null && level !== 'read' },
    mayExchange: (doc, peer) => access(doc, peer) != null && access(doc) != null,
    mayApply (doc, org, seq) {
      const acl = store.access(doc)
      if (acl == null) return false
      if (writes(accessOf(acl, org, membership))) return true
      // a removed member's envelopes up to its frontier count whenever they arrive; later ones are neutralised
      const frontier = init.removalFrontier?.(acl, doc, org)
      return frontier == null ? false : seq <= frontier ? true : 'removed'
    },
    accessUnder: (acl, org) => accessOf(acl, org, membership)
  }
}
