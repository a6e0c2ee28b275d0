/**
 * Checking an introduce request, with no I/O: the card and the statement verify, the statement is
 * the card's organisation's, is addressed to us and is recent.
 */
import { IntroductionRefusedError, InvalidInputError } from '@commonplace/core'
import type { OrgId } from '@commonplace/core'
import { verifyCard } from './card.ts'
import { MAX_CLOCK_SKEW_MS } from './constants.ts'
import { verifyDirectoryStatement } from './statements.ts'
import type { AcceptanceStatement, CardStatement, IntroductionStatement } from './statements.ts'
import { isAcceptMessage, isIntroduceMessage } from './messages.ts'

export type VerifiedRequest =
  | { type: 'introduce', card: CardStatement, introduction: IntroductionStatement }
  | { type: 'accept', card: CardStatement, acceptance: AcceptanceStatement }

/**
 * @throws CardInvalidError (the card), IntroductionRefusedError (the statement), InvalidInputError
 */
export async function verifyRequest (request: unknown, self: OrgId, now: number): Promise<VerifiedRequest> {
  if (!isIntroduceMessage(request) && !isAcceptMessage(request)) throw new InvalidInputError('Expected an introduce or accept request')
  const card = await verifyCard(request.card)
  const value = request.type === 'introduce' ? request.introduction : request.acceptance
  let statement
  try {
    statement = await verifyDirectoryStatement(value)
  } catch (err) {
    throw new IntroductionRefusedError(`The ${request.type === 'introduce' ? 'introduction' : 'acceptance'} does not verify`, { cause: err })
  }
  const expected = request.type === 'introduce' ? 'introduction' : 'acceptance'
  if (statement.type !== expected) throw new IntroductionRefusedError(`Expected an ${expected}`)
  if (statement.from !== card.org) throw new IntroductionRefusedError('The statement is not signed by the card\'s organisation')
  if (statement.to !== self) throw new IntroductionRefusedError('The statement is addressed to another organisation')
  if (Math.abs(statement.at - now) > MAX_CLOCK_SKEW_MS) throw new IntroductionRefusedError('The statement is too old or from the future (check the clocks)')
  return statement.type === 'introduction'
    ? { type: 'introduce', card, introduction: statement }
    : { type: 'accept', card, acceptance: statement as AcceptanceStatement }
}
