/**
 * The activity feed (docs/history.md): what happened to the documents this organisation holds, from
 * what the node holds: document changes, comments and replies, threads resolved and reopened, new
 * variants, upstream changes (a source of this organisation's variant changed) and those taken,
 * proposals and their outcomes, labelled versions and restores (this organisation's and those
 * shared with it), adoption changes in its networks. Newest first, bounded by `limit`.
 */
import { InvalidInputError } from '@commonplace/core'
import type { DocId, NetworkId, OrgId } from '@commonplace/core'
import { MAX_CLOCK_SKEW_MS } from '@commonplace/directory'
import { CarrierKind } from '@commonplace/practice'
import type { ActivityItem, HistoryApi, PracticeApi, ThreadView } from '@commonplace/api'
import type { PracticeContext } from '../practice/context.ts'
import { CARRIER_KINDS, iso, nameOf } from '../practice/context.ts'
import type { PracticeIndex } from '../practice/practice-index.ts'
import { withChangers } from './activity-changers.ts'
import { actorText, versionItems } from './activity-versions.ts'
import type { VersionItemsInit } from './activity-versions.ts'
import { companionHeader } from './companion.ts'

/** Most items one request answers. */
export const MAX_ACTIVITY_ITEMS = 500
const DEFAULT_ACTIVITY_ITEMS = 100

export interface FeedInit extends VersionItemsInit {
  index: PracticeIndex
  proposals: PracticeApi['proposals']
  upstream: PracticeApi['upstream']
  threadsOf: (record: DocId) => Promise<ThreadView[]>
  /** Settles once the version log holds the versions taken before it existed (built once per store). */
  logBuilt?: () => Promise<void>
}

export function createActivityFeed (ctx: PracticeContext, init: FeedInit): Pick<HistoryApi, 'activity'> {
  const { store } = ctx
  const titleOf = (doc: string): string => store.has(doc as DocId) ? (store.info(doc as DocId)?.title ?? '') : ''
  const who = (org: string): Pick<ActivityItem, 'org' | 'orgName'> => ({ org: org as OrgId, ...nameOf(ctx, org) })

  const changes = (since: number): ActivityItem[] => store.list()
    .filter(info => !CARRIER_KINDS.has(info.kind) && info.updatedAt >= since)
    .map(info => ({ kind: 'changed', at: iso(info.updatedAt), doc: info.id, title: info.title, text: `"${info.title}" changed` }))

  /** The held records with a comments document here: the feed reads their comments and shared versions. */
  const commented = async (): Promise<DocId[]> => {
    const out: DocId[] = []
    for (const info of store.list()) {
      if (info.kind !== CarrierKind.comments) continue
      const record = store.read(info.id, doc => doc.getMap<unknown>('_practice').get('record'))
      if (typeof record !== 'string' || !store.has(record as DocId)) continue
      // the record a comments document names counts only if the id derives from it
      if ((await companionHeader(record as DocId, info.owner)).id === info.id) out.push(record as DocId)
    }
    return out
  }

  const comments = async (records: readonly DocId[], since: number): Promise<ActivityItem[]> => {
    const out: ActivityItem[] = []
    for (const record of records) {
      const title = titleOf(record)
      for (const t of await init.threadsOf(record)) {
        const item = (kind: ActivityItem['kind'], at: string, by: { org: string, person?: string, personName?: string }, text: string): void => {
          if (Date.parse(at) < since) return
          const person = { ...(by.person != null ? { person: by.person } : {}), ...(by.personName != null ? { personName: by.personName } : {}) }
          out.push({ kind, at, doc: t.doc, title, ...who(by.org), ...person, text: `${actorText(ctx, by.org, by.personName)} ${text}` })
        }
        item('comment', t.at, t, `commented on "${title}": ${t.text.slice(0, 140)}`)
        for (const r of t.replies) item('reply', r.at, r, `replied on "${title}": ${r.text.slice(0, 140)}`)
        for (const c of t.stateChanges ?? []) {
          const kind = c.state === 'resolved' ? 'resolved' : 'reopened'
          item(kind, c.at, c, `${kind} a comment on "${title}": ${t.text.slice(0, 140)}`)
        }
      }
    }
    return out
  }

  const variants = (since: number): ActivityItem[] => {
    const out: ActivityItem[] = []
    for (const doc of init.index.lineage().docs.values()) {
      if (doc.derivedFrom == null || doc.created < since || !store.has(doc.derivedFrom.doc as DocId)) continue
      out.push({ kind: 'variant', at: iso(doc.created), doc: doc.id as DocId, title: doc.title, ...who(doc.owner), text: `${nameOf(ctx, doc.owner).orgName ?? doc.owner} adapted "${titleOf(doc.derivedFrom.doc)}" as "${doc.title}"` })
    }
    return out
  }

  /** Variants this organisation may edit whose source changed since they were last aligned with it. */
  const upstream = async (since: number): Promise<ActivityItem[]> => {
    const out: ActivityItem[] = []
    for (const doc of init.index.lineage().docs.values()) {
      const source = doc.derivedFrom?.doc as DocId | undefined
      if (source == null || !store.has(doc.id as DocId) || !store.has(source) || !ctx.gate.mayWrite(doc.id as DocId)) continue
      const at = store.info(source)?.updatedAt ?? 0
      if (at < since) continue
      const view = await init.upstream(doc.id).catch(() => undefined)
      if (view?.changed !== true || view.sections.length === 0) continue
      const owner = store.access(source)?.header.owner ?? doc.derivedFrom?.org ?? ''
      const n = view.sections.length
      out.push({ kind: 'upstream', at: iso(at), doc: doc.id as DocId, title: doc.title, ...who(owner), text: `"${titleOf(source)}", the source of "${doc.title}", changed in ${n} section${n === 1 ? '' : 's'} since the variant last took from it` })
    }
    return out
  }

  const proposals = async (since: number): Promise<ActivityItem[]> => {
    const out: ActivityItem[] = []
    for (const p of await init.proposals()) {
      const title = p.sourceTitle ?? titleOf(p.source)
      if (Date.parse(p.at) >= since) out.push({ kind: 'proposal', at: p.at, doc: p.source, title, ...who(p.proposer), text: `${p.proposerName ?? p.proposer} proposed a change to "${title}"` })
      if (p.decidedAt != null && Date.parse(p.decidedAt) >= since) out.push({ kind: 'proposal-decided', at: p.decidedAt, doc: p.source, title, ...who(p.sourceOwner), text: `The proposal to "${title}" was ${p.status}` })
    }
    return out
  }

  const adoption = async (since: number): Promise<ActivityItem[]> => {
    const out: ActivityItem[] = []
    for (const network of ctx.registry.networks() as NetworkId[]) {
      for (const log of await init.index.logs(network)) {
        for (const s of log.adoption) {
          if (s.at < since) continue
          const title = titleOf(s.practice)
          out.push({ kind: 'adoption', at: iso(s.at), doc: s.practice as DocId, title, ...who(s.org), text: `${nameOf(ctx, s.org).orgName ?? s.org}: "${title || s.practice}" ${s.state}` })
        }
      }
    }
    return out
  }

  return {
    async activity (options = {}) {
      const since = options.since != null ? Date.parse(options.since) : 0
      if (Number.isNaN(since)) throw new InvalidInputError(`"since" is not a date: ${String(options.since)}`)
      const limit = options.limit ?? DEFAULT_ACTIVITY_ITEMS
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_ACTIVITY_ITEMS) throw new InvalidInputError(`"limit" is a whole number from 1 to ${MAX_ACTIVITY_ITEMS}`)
      await init.logBuilt?.()
      const records = await commented()
      const items = [
        ...changes(since), ...await comments(records, since), ...await versionItems(ctx, init, records, since, limit), ...variants(since),
        ...await upstream(since), ...await proposals(since), ...await adoption(since)
      ]
      // a peer's entry dated in the future (past clock skew) waits for its time: it cannot sit on top of the feed
      const latest = ctx.now() + MAX_CLOCK_SKEW_MS
      const page = items.filter(i => Date.parse(i.at) <= latest).sort((a, b) => a.at < b.at ? 1 : a.at > b.at ? -1 : 0).slice(0, limit)
      // who changed a document is read for the page only, never for every document held
      return await withChangers(ctx, page, since)
    }
  }
}
