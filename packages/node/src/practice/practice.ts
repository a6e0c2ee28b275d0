/**
 * The node's practice layer (docs/practice.md): the operations behind the practice routes, the
 * index the views read, activity counting, and the upkeep of this organisation's adoption logs.
 */
import { CarrierKind, carrierOf } from '@commonplace/practice'
import type { DocId, KeyValueStore } from '@commonplace/core'
import { isNetworkId } from '@commonplace/core'
import type { PracticeApi } from '@commonplace/api'
import type { PracticeContext } from './context.ts'
import { createActivity } from './activity.ts'
import { createAdaptApi } from './adapt-api.ts'
import { createAdoptionApi } from './adoption-api.ts'
import { createDiffusionApi } from './diffusion-api.ts'
import { createOwnLogs } from './logs.ts'
import { createPracticeIndex } from './practice-index.ts'
import type { PracticeIndex } from './practice-index.ts'
import { createProposalApi } from './proposal-api.ts'
import { watchProposals } from './proposal-notices.ts'
import type { PracticeNotice } from './proposal-notices.ts'

export { CARRIER_KINDS } from './context.ts'
export type { PracticeContext } from './context.ts'
export type { PracticeNotice } from './proposal-notices.ts'

export interface Practice {
  readonly api: PracticeApi
  readonly index: PracticeIndex
  /** Count a comment this organisation wrote on a record (the activity it shares, docs/history.md). */
  countComment(record: DocId): void
  start(): void
  stop(): Promise<void>
}

export interface PracticeInit extends PracticeContext {
  /** Called for each input from a peer the practice layer refuses (metrics). */
  onRefused?: (code: string) => void
  /** How long activity counts wait before they are signed and written (ms). Default 2,000. */
  activityFlushMs?: number
  /** Tell a person: a proposal arrived at the source's owner, a decision at the proposer. */
  notify?: (notice: PracticeNotice) => void
  /** Where the notices given are remembered across restarts; without it, for one run. */
  storage?: KeyValueStore
}

export function createPractice (init: PracticeInit): Practice {
  const ctx: PracticeContext = init
  const refuse = (code: string, doc: DocId, message: string): void => {
    ctx.log('practice: refused %s in %s: %s', code, doc, message)
    init.onRefused?.(code)
  }
  const index = createPracticeIndex(init.store, { onRefused: refuse })
  const logs = createOwnLogs(ctx)
  const activity = createActivity(ctx, logs, init.activityFlushMs)
  const { arrived, ...proposals } = createProposalApi(ctx, (kind, doc) => { activity.count(kind, doc) }, refuse)
  const api: PracticeApi = {
    ...createAdaptApi(ctx, index, (kind, doc) => { activity.count(kind, doc) }),
    ...proposals,
    ...createAdoptionApi(ctx, index, logs),
    ...createDiffusionApi(ctx, index)
  }
  let off: (() => void) | undefined
  let offNotices: (() => void) | undefined
  let stopped = false
  let warming: Promise<void> | undefined
  /**
   * After a start, each network's logs are verified and its diffusion view kept before anyone asks
   * (verified entries live in memory only), one network after another, off the request path.
   */
  const warm = async (): Promise<void> => {
    await new Promise(resolve => setImmediate(resolve))
    for (const network of init.registry.networksOf(ctx.identity.orgId)) {
      if (stopped) return
      try {
        await api.diffusion(network)
      } catch (err) {
        if (!stopped) ctx.log('practice: the diffusion view of %s was not made ahead: %s', network, (err as Error).message)
      }
    }
  }
  return {
    api,
    index,
    countComment (record) { activity.count('comments', record) },
    start () {
      activity.start()
      warming = warm()
      if (init.notify !== undefined) offNotices = watchProposals(ctx, arrived, init.notify, init.storage)
      off = init.store.onChange(change => {
        if (change.origin.kind !== 'peer' || change.update == null) return
        const info = init.store.info(change.id)
        if (info?.kind !== CarrierKind.adoptionLog) return
        const network = init.store.read(change.id, doc => carrierOf(doc)?.network)
        if (network === undefined || !isNetworkId(network)) return
        // check what arrived now, so that bad entries are refused (and counted) as they come
        index.logs(network).catch(err => { ctx.log.error('checking adoption logs failed: %s', (err as Error).message) })
        // a member may delete entries of our logs (Yjs deletes carry no author): put ours back
        if (info.owner === ctx.identity.orgId) {
          logs.republish(network).catch(err => { ctx.log.error('republishing adoption states failed: %s', (err as Error).message) })
        }
      })
    },
    async stop () {
      stopped = true
      off?.()
      offNotices?.()
      await warming
      await activity.stop()
    }
  }
}
