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
