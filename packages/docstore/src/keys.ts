import type { DocId, OrgId } from '@commonplace/core'

/**
 * The key layout on the storage port (see docs/storage.md):
 *   meta/store-id                 random id of this store
 *   meta/seq                      latest local change sequence number
 *   i/<doc>                       index entry (DocumentInfo + log bounds)
 *   a/<doc>                       header and grants
 *   u/<doc>/<n, 10 digits>        update log rows
 *   c/<seq, 16 digits>            the document whose latest change has this seq
 *   p/<peer>/<store-id>           checkpoint: our latest seq that peer confirmed
 *   g/<party>/<doc>               the document's access list names this party: its owner, or an
 *                                 organisation or network granted read or edit
 *   meta/party-index              present once every access list is in g/ (built on first open)
 *   s/<doc>                       signed state: per signer the last envelope held (seq, hash), what
 *                                 was pruned, the checkpoints held (docs/authorship.md)
 *   e/<doc>/<signer>/<seq, 12>    an envelope as signed, kept for relaying and catch-up
 *   b/<doc>/<client, 16 digits>   the organisation a Yjs client id is bound to (first binding wins)
 *   k/<doc>/<number, 10 digits>   a checkpoint as its owner signed it (the two latest kept)
 *   w/<doc>/<client>/<clock, 16>  a run of clocks written by a named person: length and person
 *   l/<doc>/<part>                the last signed change to a part (a section) of the document: org, person, time
 *   lw/<doc>/<org>/<person>       the latest signed change by one changer of the document: person, time
 *                                 (<person> only for this store's own organisation; '' otherwise)
 *   x/<doc>/<signer>/<seq, 12>    an envelope that contradicts the one held at its seq (evidence)
 *   meta/signed-migration         present once the owner signed a migration checkpoint of its documents
 */
export const STORE_ID_KEY = 'meta/store-id'
export const SEQ_KEY = 'meta/seq'

export const INFO_PREFIX = 'i/'
export const ACL_PREFIX = 'a/'
export const ACL_RANGE_END = 'a0'
export const infoKey = (id: DocId): string => INFO_PREFIX + id
export const aclKey = (id: DocId): string => ACL_PREFIX + id
export const logKey = (id: DocId, n: number): string => `u/${id}/${String(n).padStart(10, '0')}`
export const logRange = (id: DocId): { gte: string, lt: string } => ({ gte: `u/${id}/`, lt: `u/${id}0` })
export const changeKey = (seq: number): string => `c/${String(seq).padStart(16, '0')}`
export const CHANGE_RANGE_END = 'c0'
export const checkpointKey = (peer: OrgId, storeId: string): string => `p/${peer}/${storeId}`
export const PARTY_INDEX_KEY = 'meta/party-index'
export const partyKey = (party: string, id: DocId): string => `g/${party}/${id}`
export const partyRange = (party: string): { gte: string, lt: string } => ({ gte: `g/${party}/`, lt: `g/${party}0` })

export const signedStateKey = (id: DocId): string => `s/${id}`
const pad = (n: number, width: number): string => String(n).padStart(width, '0')
export const envelopeKey = (id: DocId, signer: OrgId, seq: number): string => `e/${id}/${signer}/${pad(seq, 12)}`
/** The stored envelopes of one signer of a document with seq in (after, upTo]. */
export const envelopeRange = (id: DocId, signer: OrgId, after: number, upTo = 1e12 - 1): { gt: string, lte: string } =>
  ({ gt: envelopeKey(id, signer, after), lte: envelopeKey(id, signer, upTo) })
export const evidenceKey = (id: DocId, signer: OrgId, seq: number): string => `x/${id}/${signer}/${pad(seq, 12)}`
export const bindingKey = (id: DocId, client: number): string => `b/${id}/${pad(client, 16)}`
export const bindingRange = (id: DocId): { gte: string, lt: string } => ({ gte: `b/${id}/`, lt: `b/${id}0` })
export const checkpointItemKey = (id: DocId, n: number): string => `k/${id}/${pad(n, 10)}`
export const authorRunKey = (id: DocId, client: number, clock: number): string => `w/${id}/${pad(client, 16)}/${pad(clock, 16)}`
export const authorRunRange = (id: DocId): { gte: string, lt: string } => ({ gte: `w/${id}/`, lt: `w/${id}0` })
export const SIGNED_MIGRATION_KEY = 'meta/signed-migration'
export const partChangeKey = (id: DocId, part: string): string => `l/${id}/${part}`
export const partChangeRange = (id: DocId): { gte: string, lt: string } => ({ gte: `l/${id}/`, lt: `l/${id}0` })
export const changerKey = (id: DocId, org: OrgId, person: string): string => `lw/${id}/${org}/${person}`
export const changerRange = (id: DocId): { gte: string, lt: string } => ({ gte: `lw/${id}/`, lt: `lw/${id}0` })
