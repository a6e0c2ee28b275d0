/**
 * Notices of proposals (docs/practice.md): the source's owner hears when a proposal arrives, the
 * proposer when the owner's decision arrives. Only what the proposal list shows is noticed (a
 * verified statement, a proposer who may read the source, at most 32 open ones of one proposer for
 * one source), once per run.
 */
import { CarrierKind, MAX_OPEN_PROPOSALS, carrierOf } from '@commonplace/practice'
import type { DocId, OrgId } from '@commonplace/core'
import type { ProposalView } from '@commonplace/api'
import type { PracticeContext } from './context.ts'

/** A notice as the node's notices take it (`Contacts.notify`). */
export interface PracticeNotice {
  kind: 'proposal' | 'outcome'
  at: number
  org: OrgId
  orgName: string
  doc: DocId
  docTitle?: string
  text: string
}

/** Watch proposals arriving from peers; returns the function that stops. */
export function watchProposals (ctx: PracticeContext, arrived: (id: DocId) => Promise<ProposalView | undefined>, notify: (notice: PracticeNotice) => void): () => void {
  const told = new Set<string>()
  /** Proposals noticed per (source, proposer): no more than the list shows open. */
  const perProposer = new Map<string, number>()
  const check = async (id: DocId): Promise<void> => {
    if (ctx.store.read(id, doc => carrierOf(doc))?.type !== CarrierKind.proposal) return
    const p = await arrived(id)
    const notice = p === undefined ? undefined : noticeOf(ctx, p)
    if (p === undefined || notice === undefined || told.has(`${p.id} ${notice.kind}`)) return
    if (notice.kind === 'proposal') {
      const key = `${p.source} ${p.proposer}`
      const n = (perProposer.get(key) ?? 0) + 1
      perProposer.set(key, n)
      if (n > MAX_OPEN_PROPOSALS) return
    }
    told.add(`${p.id} ${notice.kind}`)
    notify(notice)
  }
  return ctx.store.onChange(change => {
    if (change.origin.kind !== 'peer' || change.update == null) return
    // the index's kind may lag the update just applied (empty until then): only then is the marker read from the document
    const kind = ctx.store.info(change.id)?.kind
    if (kind !== CarrierKind.proposal && kind !== '') return
    check(change.id).catch(err => { ctx.log.error('a notice of proposal %s failed: %s', change.id, (err as Error).message) })
  })
}

/** An open proposal to us, or the decision on ours; nothing else is news. */
function noticeOf (ctx: PracticeContext, p: ProposalView): PracticeNotice | undefined {
  const title = (text: string | undefined): string => text === undefined || text.trim() === '' ? 'a document' : `"${text}"`
  if (p.direction === 'in' && p.status === 'open') {
    const orgName = p.proposerName ?? 'Another organisation'
    return { kind: 'proposal', at: ctx.now(), org: p.proposer, orgName, doc: p.source, ...(p.sourceTitle !== undefined ? { docTitle: p.sourceTitle } : {}), text: `${orgName} proposed a change to ${title(p.sourceTitle)}` }
  }
  if (p.direction === 'out' && p.status !== 'open') {
    const orgName = p.sourceOwnerName ?? 'The source\'s owner'
    const variantTitle = ctx.store.info(p.variant)?.title
    return {
      kind: 'outcome', at: ctx.now(), org: p.sourceOwner, orgName, doc: p.variant, ...(variantTitle !== undefined ? { docTitle: variantTitle } : {}),
      text: `${orgName} ${p.status} your proposal to ${title(p.sourceTitle)}`
    }
  }
  return undefined
}
