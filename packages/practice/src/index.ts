/**
 * @packageDocumentation
 * The practice layer's rules (docs/practice.md): section-by-section comparison, families of
 * variants, adaptation records, proposals, adoption states and the diffusion view. The rules are
 * pure functions of their inputs, so every node computes the same family and the same view from
 * the same documents and statements; the few Yjs accessors only read and write named maps.
 *
 * @example
 * ```ts
 * import { compareSections, lineageIndex, familyOf, diffusionView } from '@commonplace/practice'
 *
 * const changes = compareSections(base.sections, source.sections)   // upstream changes
 * const family = familyOf(lineageIndex(heldRecords), variantId)       // root, variants, path
 * const view = diffusionView({ members, adoption, activity, lineage, now: Date.now(), quietWeeks: 4 })
 * ```
 */
export * from './constants.ts'
export { lineDiff } from './line-diff.ts'
export type { DiffLine, LineDiff } from './line-diff.ts'
export { compareSections, hasChanges } from './compare-sections.ts'
export type { SectionChange, SectionStatus, SectionText } from './compare-sections.ts'
export { lineageIndex, ancestorsOf, familyRoot, familyOf, treeOf } from './family.ts'
export type { Family, FamilyNode, LineageDoc, LineageIndex } from './family.ts'
export {
  validateAdoptionChange, adoptionKey, activityKey, monthOf, monthIndex, signAdoption, signActivity, verifyLogEntry,
  adoptionHistories, latestActivity
} from './adoption.ts'
export type { ActivityStatement, AdoptionChange, AdoptionStatement, Unsigned } from './adoption.ts'
export { signProposal, signOutcome, verifyProposal, verifyOutcome, proposalChars } from './proposal.ts'
export type { OutcomeStatement, ProposalStatement, ProposedSection } from './proposal.ts'
export { diffusionCore, diffusionView, finishDiffusion, monthsFrom } from './diffusion.ts'
export type { ActivityRow, Cell, CurvePoint, Diffusion, DiffusionCore, DiffusionInput } from './diffusion.ts'
export { diffusionCache } from './diffusion-cache.ts'
export { byFamilyOf, familiesBySpread, familyPage, lastMonths } from './diffusion-page.ts'
export type { FamilyOrder, PageRequest } from './diffusion-page.ts'
export type { DiffusionCache, OrgStatements } from './diffusion-cache.ts'
export { validateAdaptation, validateReasons, writeAdaptation, readAdaptation, updateAdaptation, alignBase } from './variant.ts'
export type { Adaptation } from './variant.ts'
export { carrierOf, markCarrier, readProposalDoc, writeProposalStatement, writeOutcome, logEntries, logSize, putLogEntries } from './carriers.ts'
export type { Marker } from './carriers.ts'
export { COMMENTS_MAP, checkCommentText, parseEntry, readThreads, createAnchor, resolveAnchor, verifiedEntries } from './comments.ts'
export type { CommentEntry, CommentView, EntriesInput, Entry, Refusal, StateChange, StateEntry, ThreadView, ThreadsInput } from './comments.ts'
export { VERSIONS_MAP, fitsSharedVersion, parseVersionEntry, readSharedVersions, versionChars } from './shared-versions.ts'
export type { SharedVersion, SharedVersionsInput, VersionEntry } from './shared-versions.ts'
export { PEOPLE_MAP, PEOPLE_NAME_LIMITS, parsePeopleEntry, readPeopleNames } from './people-names.ts'
export type { PeopleEntry } from './people-names.ts'
