/**
 * @packageDocumentation
 * Organisation cards and the directory (docs/directory.md): signed cards as copyable codes, the
 * directory of contacts, introductions and notices on the storage port, and the libp2p service
 * for `/commonplace/introduce/1.0.0`.
 *
 * @example
 * ```ts
 * const { card, secret } = await createCard(key, { org, name, addresses, secret, now: Date.now() })
 * const code = encodeCardCode({ card, secret }) // 'cpc1.…'
 * const other = await decodeCardCode(pasted)    // throws CardInvalidError
 * ```
 */
export { createCard, decodeCardCode, encodeCardCode, introIdOf, introKeyFromSecret, verifyCard, INTRO_SECRET_BYTES } from './card.ts'
export type { CardCode } from './card.ts'
export { signDirectoryStatement, verifyDirectoryStatement } from './statements.ts'
export type { AcceptanceStatement, CardStatement, DirectoryStatement, IntroductionStatement } from './statements.ts'
export { createDirectory } from './directory.ts'
export type { ContactEntry, ContactStatus, Directory, IntroductionEntry, MetEntry, Notice } from './directory.ts'
export { exchange, isAcceptMessage, isIntroduceMessage, readMessage, writeMessage } from './messages.ts'
export type { AcceptMessage, IntroduceMessage, IntroduceReply, IntroduceRequest } from './messages.ts'
export { verifyRequest } from './verify.ts'
export type { VerifiedRequest } from './verify.ts'
export { introduceService } from './service.ts'
export type { IntroduceService, IntroduceServiceComponents, IntroduceServiceInit } from './service.ts'
export * from './constants.ts'
