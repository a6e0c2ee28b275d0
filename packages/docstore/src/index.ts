/**
 * @packageDocumentation
 * Documents held as Yjs update logs on the storage port: an index that answers without loading
 * documents, a local change sequence with per-peer checkpoints on it, access lists, and
 * compaction of long logs into snapshots. Changes are announced at once and acknowledged only
 * once on disk (`whenDurable`).
 *
 * @example
 * ```ts
 * import { createDocumentStore } from '@commonplace/docstore'
 * const store = createDocumentStore({ storage })
 * store.onChange(change => { ... })
 * store.applyUpdate(id, update, { kind: 'peer', peer })
 * ```
 */
export { createDocumentStore } from './document-store.ts'
export type { DocumentStoreInit, DocumentStoreComponents } from './store-init.ts'
export type { ChangedParts, PartsOf } from './part-changes.ts'
export { createDocumentGate } from './gate.ts'
export type { DocumentGate, DocumentGateComponents, DocumentGateInit } from './gate.ts'
/** The synchronous Ed25519 the store signs and verifies envelopes with (for benchmarks and tools). */
export { createSigner, verifyBy } from './signing.ts'
export { MIN_PREVERIFY, preverify, rememberedCount, verifierUp } from './preverify.ts'
export type { SignatureToCheck } from './preverify.ts'
export * from './constants.ts'
/** What a run of changes adds, as one Yjs update, without walking the whole document (the version store's rows). */
export { encodeBurstUpdate } from './burst-update.ts'
