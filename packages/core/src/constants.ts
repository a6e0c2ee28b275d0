/** Length in bytes of the random part of a document id (before hashing). */
export const DOC_NONCE_BYTES = 16

/** Longest title, heading or short metadata string accepted anywhere (characters). */
export const MAX_SHORT_TEXT = 1_000

/** Domain separation prefix for grant signatures. */
export const GRANT_SIGNING_PREFIX = 'commonplace-grant/1\n'

/** Roles a grant can give. `none` revokes an earlier grant. */
export const Role = {
  read: 'read',
  /** Read, and write the document's comments (docs/history.md); not the document. */
  comment: 'comment',
  edit: 'edit',
  none: 'none'
} as const
export type Role = typeof Role[keyof typeof Role]
