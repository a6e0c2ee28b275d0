/**
 * Proposals back to a source's owner, and the owner's outcome: signed statements carried in a
 * small document the proposer owns and grants `edit` to the owner (docs/practice.md).
 */
import { InvalidStatementError, signJson, verifyJsonSignature } from '@commonplace/core'
import type { PrivateKey } from '@libp2p/interface'
import { MAX_NOTE_CHARS, MAX_PROPOSAL_CHARS, MAX_PROPOSAL_SECTIONS, PREFIX } from './constants.ts'
import { docField, isObject, optionalText, orgField, sigField, textField, timeField } from './fields.ts'
import type { Unsigned } from './adoption.ts'

/** A section as proposed: the source's text when proposed (`base`) and the text proposed. */
export interface ProposedSection {
  id: string
  heading: string
  base: string
  proposed: string
}

export interface ProposalStatement {
  type: 'proposal'
  /** The id of the document that carries it. */
  id: string
  source: string
  sourceOwner: string
  /** The source's snapshot digest when proposed. */
  sourceVersion: string
  variant: string
  proposer: string
  message: string
  sections: ProposedSection[]
  at: number
  sig: string
}

export interface OutcomeStatement {
  type: 'outcome'
  proposal: string
  source: string
  decision: 'accepted' | 'declined'
  reply?: string
  by: string
  at: number
  sig: string
}

export async function signProposal (key: PrivateKey, unsigned: Unsigned<ProposalStatement>): Promise<ProposalStatement> {
  return await signJson<ProposalStatement>(key, PREFIX.proposal, unsigned)
}

export async function signOutcome (key: PrivateKey, unsigned: Unsigned<OutcomeStatement>): Promise<OutcomeStatement> {
  return await signJson<OutcomeStatement>(key, PREFIX.outcome, unsigned)
}

/**
 * Check a proposal found in document `carrier` owned by `carrierOwner`: its shape and bounds,
 * that it names that document and that its proposer (the document's owner) signed it.
 * @throws InvalidStatementError
 */
export async function verifyProposal (value: unknown, carrier: string, carrierOwner: string): Promise<ProposalStatement> {
  const s = proposalShape(value)
  if (s.id !== carrier) throw new InvalidStatementError('A proposal copied from another document')
  if (s.proposer !== carrierOwner) throw new InvalidStatementError('A proposal in a document its proposer does not own')
  if (!(await verifyJsonSignature(PREFIX.proposal, s, s.proposer))) throw new InvalidStatementError(`A proposal not signed by ${s.proposer}`)
  return s
}

/**
 * Check an outcome of `proposal`: its shape, that it is about that proposal and that the source's
 * owner signed it.
 * @throws InvalidStatementError
 */
export async function verifyOutcome (value: unknown, proposal: ProposalStatement): Promise<OutcomeStatement> {
  const s = outcomeShape(value)
  if (s.proposal !== proposal.id || s.source !== proposal.source) throw new InvalidStatementError('An outcome of another proposal')
  if (s.by !== proposal.sourceOwner) throw new InvalidStatementError('An outcome by someone other than the source\'s owner')
  if (!(await verifyJsonSignature(PREFIX.outcome, s, s.by))) throw new InvalidStatementError(`An outcome not signed by ${s.by}`)
  return s
}

function proposalShape (value: unknown): ProposalStatement {
  try {
    if (!isObject(value) || value.type !== 'proposal') throw new Error('not a proposal')
    sigField(value.sig)
    docField(value.id, 'id'); docField(value.source, 'source'); docField(value.variant, 'variant')
    orgField(value.sourceOwner, 'sourceOwner'); orgField(value.proposer, 'proposer')
    textField(value.sourceVersion, 'sourceVersion', 100)
    textField(value.message, 'message', MAX_NOTE_CHARS)
    timeField(value.at, 'at')
    sectionsShape(value.sections)
    return value as unknown as ProposalStatement
  } catch (err) {
    throw new InvalidStatementError(`Invalid proposal: ${(err as Error).message}`, { cause: err })
  }
}

function sectionsShape (value: unknown): void {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_PROPOSAL_SECTIONS) throw new Error('bad sections')
  let chars = 0
  for (const section of value) {
    if (!isObject(section)) throw new Error('bad section')
    textField(section.id, 'section id', 100); textField(section.heading, 'heading', 1000)
    textField(section.base, 'base', MAX_PROPOSAL_CHARS); textField(section.proposed, 'proposed', MAX_PROPOSAL_CHARS)
    chars += (section.base as string).length + (section.proposed as string).length
  }
  if (chars > MAX_PROPOSAL_CHARS) throw new Error('too much text')
}

function outcomeShape (value: unknown): OutcomeStatement {
  try {
    if (!isObject(value) || value.type !== 'outcome') throw new Error('not an outcome')
    sigField(value.sig)
    docField(value.proposal, 'proposal'); docField(value.source, 'source'); orgField(value.by, 'by')
    if (value.decision !== 'accepted' && value.decision !== 'declined') throw new Error('bad decision')
    optionalText(value.reply, 'reply')
    timeField(value.at, 'at')
    return value as unknown as OutcomeStatement
  } catch (err) {
    throw new InvalidStatementError(`Invalid outcome: ${(err as Error).message}`, { cause: err })
  }
}

/** The size of a proposal's texts, to check against `MAX_PROPOSAL_CHARS` before signing. */
export function proposalChars (sections: readonly ProposedSection[]): number {
  return sections.reduce((sum, s) => sum + s.base.length + s.proposed.length, 0)
}
