/**
 * This organisation's activity, counted per month and shared, signed, with each network it keeps
 * an adoption log for (docs/practice.md): local edits of and comments on records shared with that
 * network, its adaptations and its proposals. Counts are written at most once per `flushMs`, not per keystroke.
 */
import { networksOf } from '@commonplace/core'
import type { DocId, NetworkId } from '@commonplace/core'
import { activityKey, logEntries, monthOf, putLogEntries, signActivity } from '@commonplace/practice'
import type { ActivityStatement } from '@commonplace/practice'
import type { PracticeContext } from './context.ts'
import { CARRIER_KINDS } from './context.ts'
import type { OwnLogs } from './logs.ts'

export type ActivityKind = 'edits' | 'adaptations' | 'proposals' | 'comments'

export interface Activity {
  /** Count one piece of activity about `doc`. */
  count(kind: ActivityKind, doc: DocId): void
  /** Write what is counted now. */
  flush(): Promise<void>
  start(): void
  stop(): Promise<void>
}

type Counts = Record<ActivityKind, number> & { lastAt: number }

export function createActivity (ctx: PracticeContext, logs: OwnLogs, flushMs = 2_000): Activity {
  const { store } = ctx
  const self = ctx.identity.orgId
  const pending = new Map<string, Counts>() // `${network} ${month}` → counts to add
  let timer: ReturnType<typeof setTimeout> | undefined
  let off: (() => void) | undefined
  let writing: Promise<void> = Promise.resolve()

  const add = (network: NetworkId, kind: ActivityKind, at: number): void => {
    const key = `${network} ${monthOf(at)}`
    const counts = pending.get(key) ?? { edits: 0, adaptations: 0, proposals: 0, comments: 0, lastAt: 0 }
    counts[kind]++
    counts.lastAt = Math.max(counts.lastAt, at)
    pending.set(key, counts)
    timer ??= setTimeout(() => { timer = undefined; void flush() }, flushMs)
  }

  const write = async (): Promise<void> => {
    const batch = [...pending]
    pending.clear()
    const logsByNetwork = logs.networkLogs()
    for (const [key, counts] of batch) {
      const [network, month] = key.split(' ') as [NetworkId, string]
      const log = logsByNetwork.get(network)
      if (log === undefined || !store.has(log)) continue
      const held = new Map(store.read(log, doc => logEntries(doc))).get(activityKey(month)) as ActivityStatement | undefined
      const signed = await signActivity(ctx.identity.key, {
        type: 'activity', org: self, network, month, seq: (held?.seq ?? 0) + 1,
        edits: (held?.edits ?? 0) + counts.edits,
        adaptations: (held?.adaptations ?? 0) + counts.adaptations,
        proposals: (held?.proposals ?? 0) + counts.proposals,
        comments: (held?.comments ?? 0) + counts.comments,
        lastAt: Math.max(held?.lastAt ?? 0, counts.lastAt)
      })
      store.edit(log, doc => { putLogEntries(doc, [[activityKey(month), signed]]) })
    }
  }

  const flush = async (): Promise<void> => {
    writing = writing.then(write).catch(err => { ctx.log.error('writing activity failed: %s', (err as Error).message) })
    await writing
  }

  const count = (kind: ActivityKind, doc: DocId): void => {
    const networks = logs.networkLogs()
    if (networks.size === 0) return
    const acl = store.access(doc)
    if (acl == null) return
    const shared = new Set(networksOf(acl))
    const now = ctx.now()
    for (const network of networks.keys()) {
      // edits and comments count only where the record is visible; adaptations and proposals everywhere we share
      if ((kind !== 'edits' && kind !== 'comments') || shared.has(network)) add(network, kind, now)
    }
  }

  return {
    count,
    flush,
    start () {
      off = store.onChange(change => {
        if (change.origin.kind !== 'local' || change.update == null) return
        const info = store.info(change.id)
        if (info == null || CARRIER_KINDS.has(info.kind)) return
        count('edits', change.id)
      })
    },
    async stop () {
      off?.()
      if (timer !== undefined) clearTimeout(timer)
      timer = undefined
      await flush()
    }
  }
}
