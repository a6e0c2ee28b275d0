/**
 * The member's side of the join handshake: check a `join` or `request` statement brought by a
 * one-off join identity, and record it. Pure apart from the registry.
 */
import {
  InvitationExpiredError, InvitationInvalidError, InvitationUsedError, InvitationWrongNetworkError, verifyStatement
} from '@commonplace/core'
import type { JoinStatement, OrgId, RequestStatement, Statement } from '@commonplace/core'
import type { NetworkRegistry } from './registry.ts'

/** Invitation ids this node accepted a join for, by count (a used code is refused at once, before the roster spreads). */
export type LocalUses = Map<string, number>

export async function acceptJoin (registry: NetworkRegistry, self: OrgId, frame: unknown, joinPeer: string, now: number, uses: LocalUses): Promise<Statement[]> {
  let s: Statement
  let presence: Statement | undefined
  try {
    const value = frame as { statement?: unknown, presence?: unknown }
    s = await verifyStatement(value?.statement)
    if (value?.presence != null) presence = await verifyStatement(value.presence)
  } catch (err) {
    throw new InvitationInvalidError(`The join does not verify: ${(err as Error).message}`, { cause: err })
  }
  if (s.type !== 'join' && s.type !== 'request') throw new InvitationInvalidError('Expected a join')
  const statement: JoinStatement | RequestStatement = s
  const invitation = statement.invitation
  const roster = registry.roster(statement.network)
  if (roster == null || !roster.members.has(self)) {
    throw new InvitationWrongNetworkError(`This organisation is not a member of network ${statement.network}`)
  }
  if (invitation.joinKey !== joinPeer) throw new InvitationInvalidError('The join came from another identity than the invitation names')
  if (roster.members.get(invitation.issuer)?.role !== 'facilitator') {
    throw new InvitationInvalidError(`The invitation was signed by ${invitation.issuer}, who is not a facilitator of ${roster.name}`)
  }
  if (invitation.expiresAt <= now) throw new InvitationExpiredError(`The invitation expired at ${new Date(invitation.expiresAt).toISOString()}`)
  const when = statement.type === 'join' ? statement.joinedAt : statement.requestedAt
  if (Math.abs(when - now) > 10 * 60_000) throw new InvitationInvalidError('The join is dated more than ten minutes from now')
  if (roster.removed.has(statement.member)) throw new InvitationInvalidError('This organisation was removed from the network')
  const already = roster.members.has(statement.member)
  if (!already) {
    const used = Math.max(roster.usesOf(invitation.id), uses.get(invitation.id) ?? 0)
    if (used >= invitation.uses) throw new InvitationUsedError(`The invitation has been used ${used} time(s) of ${invitation.uses}`)
    if (roster.visibility === 'invite' && statement.type !== 'join') throw new InvitationInvalidError('This network takes joins, not requests')
    if (roster.visibility === 'approval' && statement.type !== 'request') throw new InvitationInvalidError('This network takes requests for approval')
    uses.set(invitation.id, used + 1)
    registry.add([invitation, statement])
  }
  if (presence?.type === 'presence' && presence.org === statement.member) registry.add([presence])
  return registry.statements(statement.network)
}
