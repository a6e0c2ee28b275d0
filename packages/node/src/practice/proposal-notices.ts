/**
 * Notices of proposals (docs/practice.md): the source's owner hears when a proposal arrives, the
 * proposer when the owner's decision arrives. Only what the proposal list shows is noticed (a
 * verified statement, a proposer who may read the source, at most 32 open ones of one proposer for
 * one source), once: what was noticed is kept on the node's storage, so a restart does not tell it again.
 */
import { CarrierKind, MAX_OPEN_PROPOSALS, carrierOf } from '@commonplace/practice'
import type { DocId, KeyValueStore, OrgId } from '@commonplace/core'
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

/** Storage key of a notice given: `pn/<proposal>/<kind>` (docs/storage.md). */
const toldKey = (proposal: string, kind: PracticeNotice['kind']): string => `pn/${proposal}/${kind}`

/** Which proposals were noticed: on `storage` when given (kept across restarts), else for this run. */
function noticesGiven (storage?: KeyValueStore): { has: (key: string) => boolean, add: (key: string) => void } {
  const run = new Set<string>()
  return {
    has: key => run.has(key) || storage?.get(key) != null,
    add: key => {
      run.add(key)
      storage?.write([{ type: 'put', key, value: new Uint8Array([1]) }])
    }
  }
}

/** Watch proposals arriving from peers; returns the function that stops. */
export function watchProposals (ctx: PracticeContext, arrived: (id: DocId) => Promise<ProposalView | undefined>, notify: (notice: PracticeNotice) => void, storage?: KeyValueStore): () => void {
  const told = noticesGiven(storage)
  /** Proposals noticed per (source, proposer): no more than the list shows open. */
  const perProposer = new Map<string, number>()
  const check = async (id: DocId): Promise<void> => {
    if (ctx.store.read(id, doc => carrierOf(doc))?.type !== CarrierKind.proposal) return
    const p = await arrived(id)
    const notice = p === undefined ? undefined : noticeOf(ctx, p)
    if (p === undefined || notice === undefined || told.has(toldKey(p.id, notice.kind))) return
    if (notice.kind === 'proposal') {
      const key = `${p.source} ${p.proposer}`
      const n = (perProposer.get(key) ?? 0) + 1
      perProposer.set(key, n)
      if (n > MAX_OPEN_PROPOSALS) return
    }
    try {
      told.add(toldKey(p.id, notice.kind))
    } catch (err) {
      // told anyway: a full disk must not hide a proposal (it may be told again after a restart)
      ctx.log.error('keeping the notice of proposal %s failed: %s', p.id, (err as Error).message)
    }
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
