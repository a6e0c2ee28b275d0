/**
 * @packageDocumentation
 * The contracts every Commonplace package shares: branded ids and their parsers, the named
 * errors, signed access statements, the storage port and the document store interface.
 *
 * @example
 * ```ts
 * import { parseDocId, mayWrite } from '@commonplace/core'
 * const id = parseDocId(input) // throws InvalidIdError
 * if (!mayWrite(acl, peer)) throw new ForbiddenError()
 * ```
 */
export * from './errors.ts'
export * from './constants.ts'
export * from './ids.ts'
export * from './access.ts'
export * from './grant-codec.ts'
export * from './network.ts'
export * from './update-structs.ts'
export * from './client-binding.ts'
export * from './envelope.ts'
export * from './checkpoint.ts'
export type * from './storage.ts'
export type * from './document-store.ts'
