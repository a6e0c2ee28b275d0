/**
 * Proposals back to a source's owner and the owner's decision (docs/practice.md): each proposal
 * is a small document the proposer owns, granted `edit` to the source's owner only.
 */
import {
  ForbiddenError, InvalidInputError, NotAVariantError, NotFoundError, NothingToProposeError, ProposalClosedError, SourceUnavailableError, TextTooLongError,
  parseDocId
} from '@commonplace/core'
import type { DocId, OrgId } from '@commonplace/core'
import {
  CarrierKind, MAX_NOTE_CHARS, MAX_OPEN_PROPOSALS, MAX_PROPOSAL_CHARS, MAX_PROPOSAL_SECTIONS, compareSections, proposalChars, readProposalDoc,
  signOutcome, signProposal, verifyOutcome, verifyProposal, writeOutcome, writeProposalStatement
} from '@commonplace/practice'
import type { OutcomeStatement, ProposalStatement, ProposedSection } from '@commonplace/practice'
import { appendSectionWithId, findSection, readRecord, setSectionBody } from '@commonplace/record'
import type { DerivedFrom } from '@commonplace/record'
import type { PracticeApi, ProposalView } from '@commonplace/api'
import type { PracticeContext } from './context.ts'
import { createCarrier, iso, nameOf, newDocId, requireDoc, requireRead, requireRecord, requireWrite, versionOf } from './context.ts'
import { sectionChangeView } from './views.ts'

export type ProposalApi = Pick<PracticeApi, 'propose' | 'previewProposal' | 'proposals' | 'proposal' | 'acceptProposal' | 'declineProposal'> & {
  /**
   * One proposal document as the list would show it, read from the document itself (the store's
   * index may not have its kind yet when it has just arrived); `undefined` when the list would not.
   */
  arrived(id: DocId): Promise<ProposalView | undefined>
}

interface Verified { statement: ProposalStatement, outcome?: OutcomeStatement }

export function createProposalApi (ctx: PracticeContext, counted: (what: 'proposals', doc: DocId) => void, refuse: (code: string, doc: DocId, message: string) => void): ProposalApi {
  const { store } = ctx
  const self = ctx.identity.orgId
  /** Verified proposals by carrier id and signatures: each signature is checked once. */
  const cache = new Map<DocId, { key: string, value: Verified | null }>()

  const verified = async (id: DocId): Promise<Verified | null> => {
    const found = store.read(id, doc => readProposalDoc(doc))
    const s = found.statement as { sig?: unknown } | undefined
    const o = found.outcome as { sig?: unknown } | undefined
    const key = `${String(s?.sig)} ${String(o?.sig)}`
    const held = cache.get(id)
    if (held?.key === key) return held.value
    let value: Verified | null = null
    try {
      const statement = await verifyProposal(found.statement, id, store.info(id)?.owner ?? '')
      value = { statement }
      if (found.outcome !== undefined) value.outcome = await verifyOutcome(found.outcome, statement)
    } catch (err) {
      refuse((err as { code?: string }).code ?? 'ERR_INVALID_STATEMENT', id, (err as Error).message)
      if (value === null) { cache.set(id, { key, value: null }); return null }
    }
    cache.set(id, { key, value })
    return value
  }

  /** An incoming proposal counts only if its proposer may read the source here. */
  const admissible = (p: ProposalStatement): boolean => {
    if (p.proposer === self) return true
    if (p.sourceOwner !== self || !store.has(p.source as DocId)) return false
    return ctx.gate.mayRead(p.source as DocId, p.proposer)
  }

  const all = async (): Promise<Verified[]> => {
    const out: Verified[] = []
    const openPer = new Map<string, number>()
    const carriers = store.list().filter(info => info.kind === CarrierKind.proposal)
    for (const info of carriers) {
      const v = await verified(info.id)
      if (v == null) continue
      if (!admissible(v.statement)) { refuse('ERR_FORBIDDEN', info.id, `A proposal from ${v.statement.proposer}, who may not read ${v.statement.source}`); continue }
      out.push(v)
    }
    out.sort((a, b) => a.statement.at - b.statement.at || (a.statement.id < b.statement.id ? -1 : 1))
    return out.filter(v => {
      if (v.outcome !== undefined || v.statement.proposer === self) return true
      const key = `${v.statement.source} ${v.statement.proposer}`
      const n = (openPer.get(key) ?? 0) + 1
      openPer.set(key, n)
      if (n > MAX_OPEN_PROPOSALS) refuse('ERR_TOO_MANY', v.statement.id as DocId, `More than ${MAX_OPEN_PROPOSALS} open proposals from ${v.statement.proposer}`)
      return n <= MAX_OPEN_PROPOSALS
    })
  }

  const view = (v: Verified): ProposalView => {
    const p = v.statement
    const current = store.has(p.source as DocId) ? store.read(p.source as DocId, doc => readRecord(doc).sections) : undefined
    const before = p.sections.map(s => ({ id: s.id, heading: s.heading, markdown: current?.find(c => c.id === s.id)?.markdown ?? s.base }))
    const after = p.sections.map(s => ({ id: s.id, heading: s.heading, markdown: s.proposed }))
    const sourceTitle = store.info(p.source as DocId)?.title
    const sourceOwnerName = nameOf(ctx, p.sourceOwner).orgName
    const proposerName = nameOf(ctx, p.proposer).orgName
    return {
      id: p.id as DocId,
      direction: p.proposer === self ? 'out' : 'in',
      source: p.source as DocId,
      ...(sourceTitle !== undefined ? { sourceTitle } : {}),
      sourceOwner: p.sourceOwner as OrgId,
      ...(sourceOwnerName !== undefined ? { sourceOwnerName } : {}),
      variant: p.variant as DocId,
      proposer: p.proposer as OrgId,
      ...(proposerName !== undefined ? { proposerName } : {}),
      message: p.message,
      at: iso(p.at),
      status: v.outcome?.decision ?? 'open',
      ...(v.outcome?.reply !== undefined ? { reply: v.outcome.reply } : {}),
      ...(v.outcome !== undefined ? { decidedAt: iso(v.outcome.at) } : {}),
      sections: compareSections(before, after).map(sectionChangeView)
    }
  }

  const find = async (id: string): Promise<Verified> => {
    const doc = requireDoc(ctx, id)
    const v = (await all()).find(p => p.statement.id === doc)
    if (v === undefined) throw new NotFoundError(`No proposal ${doc} here`)
    return v
  }

  const decide = async (id: string, decision: 'accepted' | 'declined', reply: unknown, author?: string): Promise<ProposalView> => {
    if (reply !== undefined && typeof reply !== 'string') throw new InvalidInputError('"reply" must be a string')
    if (typeof reply === 'string' && reply.length > MAX_NOTE_CHARS) throw new TextTooLongError(`The reply is longer than ${MAX_NOTE_CHARS} characters`)
    const v = await find(id)
    const p = v.statement
    if (p.sourceOwner !== self) throw new ForbiddenError('Only the owner of the source decides on a proposal')
    if (v.outcome !== undefined) throw new ProposalClosedError(`The proposal was already ${v.outcome.decision}`)
    requireWrite(ctx, p.id as DocId)
    const now = ctx.now()
    if (decision === 'accepted') applyProposal(ctx, p, now, author)
    const outcome = await signOutcome(ctx.identity.key, {
      type: 'outcome', proposal: p.id, source: p.source, decision, ...(typeof reply === 'string' && reply !== '' ? { reply } : {}), by: self, at: now
    })
    store.edit(p.id as DocId, doc => { writeOutcome(doc, outcome) }, author)
    return view({ statement: p, outcome })
  }

  /**
   * What a proposal from this variant sends: its sections (those named, or every one that differs)
   * against the source's current text. Shared by propose and its preview, so the preview is exact.
   * @throws NotAVariantError, SourceUnavailableError, ForbiddenError, NothingToProposeError
   */
  const planOf = (variantId: string, names: unknown): { variant: DocId, from: DerivedFrom, sourceOwner: OrgId, sections: ProposedSection[] } => {
    const variant = requireRecord(ctx, variantId)
    const record = store.read(variant, doc => readRecord(doc))
    const from = record.meta.derivedFrom
    if (from === undefined) throw new NotAVariantError(`${variant} is not adapted from another document: there is no source to propose to`)
    if (!store.has(from.doc)) throw new SourceUnavailableError(`The source ${from.doc} is not held here`)
    requireRead(ctx, from.doc)
    const source = store.read(from.doc, doc => readRecord(doc))
    const sourceOwner = store.access(from.doc)?.header.owner as OrgId
    if (sourceOwner === self) throw new InvalidInputError('This organisation owns the source: edit it directly')
    return { variant, from, sourceOwner, sections: proposedSections(source.sections, record.sections, names) }
  }

  return {
    async arrived (id) {
      const v = await verified(id)
      return v != null && admissible(v.statement) ? view(v) : undefined
    },

    async previewProposal (variantId, request) {
      try {
        const { sections } = planOf(variantId, request?.sections)
        return compareSections(
          sections.map(s => ({ id: s.id, heading: s.heading, markdown: s.base })),
          sections.map(s => ({ id: s.id, heading: s.heading, markdown: s.proposed }))
        ).map(sectionChangeView)
      } catch (err) {
        // Nothing differing at all is an empty preview; a named section that does not differ stays an error.
        if (err instanceof NothingToProposeError && request?.sections === undefined) return []
        throw err
      }
    },

    async propose (variantId, request, options) {
      const message = request?.message
      if (typeof message !== 'string' || message.trim() === '') throw new InvalidInputError('A proposal needs a message')
      if (message.length > MAX_NOTE_CHARS) throw new TextTooLongError(`The message is longer than ${MAX_NOTE_CHARS} characters`)
      const { variant, from, sourceOwner, sections } = planOf(variantId, request.sections)
      const { id, nonce } = await newDocId(ctx)
      const statement = await signProposal(ctx.identity.key, {
        type: 'proposal', id, source: from.doc, sourceOwner, sourceVersion: versionOf(ctx, from.doc), variant, proposer: self, message, sections, at: ctx.now()
      })
      await createCarrier(ctx, { type: CarrierKind.proposal }, doc => { writeProposalStatement(doc, statement) }, { id, nonce }, options?.author)
      await ctx.share(id, { with: sourceOwner, role: 'edit' })
      counted('proposals', variant)
      return view({ statement })
    },

    async proposals (doc) {
      const filter = doc === undefined ? undefined : parseDocId(doc)
      return (await all())
        .filter(v => filter === undefined || v.statement.source === filter || v.statement.variant === filter)
        .reverse()
        .map(view)
    },

    async proposal (id) {
      return view(await find(id))
    },

    async acceptProposal (id, request, options) {
      return await decide(id, 'accepted', request?.reply, options?.author)
    },

    async declineProposal (id, request, options) {
      return await decide(id, 'declined', request?.reply, options?.author)
    }
  }
}

/** The variant's sections that differ from the source now (or the ones named), as proposed. */
function proposedSections (
  source: Array<{ id: string, heading: string, markdown: string }>, variant: Array<{ id: string, heading: string, markdown: string }>, names: unknown
): ProposedSection[] {
  const changes = compareSections(source, variant).filter(c => c.status === 'changed' || c.status === 'added')
  let picked = changes
  if (names !== undefined) {
    if (!Array.isArray(names) || names.length > MAX_PROPOSAL_SECTIONS || !names.every(n => typeof n === 'string')) {
      throw new InvalidInputError(`"sections" must be a list of at most ${MAX_PROPOSAL_SECTIONS} section headings or ids`)
    }
    picked = names.map(name => {
      const key = (name as string).trim().toLowerCase()
      const section = variant.find(s => s.id === name || s.heading.trim().toLowerCase() === key)
      if (section === undefined) throw new NotFoundError(`No section ${JSON.stringify(name)} in the variant`)
      const change = changes.find(c => c.id === section.id)
      if (change === undefined) throw new NothingToProposeError(`The section ${JSON.stringify(section.heading)} is the same as in the source`)
      return change
    })
  }
  if (picked.length === 0) throw new NothingToProposeError('No section of the variant differs from the source now')
  if (picked.length > MAX_PROPOSAL_SECTIONS) throw new TextTooLongError(`A proposal carries at most ${MAX_PROPOSAL_SECTIONS} sections`)
  const sections = picked.map(c => ({ id: c.id, heading: c.heading, base: c.before ?? '', proposed: c.after ?? '' }))
  if (proposalChars(sections) > MAX_PROPOSAL_CHARS) throw new TextTooLongError(`A proposal carries at most ${MAX_PROPOSAL_CHARS} characters`)
  return sections
}

/** The proposed text into the source: each section's body replaced, a missing one added. */
function applyProposal (ctx: PracticeContext, p: ProposalStatement, now: number, author?: string): void {
  const source = p.source as DocId
  requireWrite(ctx, source)
  ctx.store.edit(source, doc => {
    doc.transact(() => {
      for (const s of p.sections) {
        if (findSection(doc, s.id)?.id === s.id) setSectionBody(doc, s.id, s.proposed, now)
        else appendSectionWithId(doc, s.id, s.heading, s.proposed, now)
      }
    })
  }, author)
}
