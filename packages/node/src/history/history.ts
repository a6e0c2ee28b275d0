/**
 * The node's conversation and history layer (docs/history.md): comments, versions and the
 * activity feed, on the node's store and storage port.
 */
import type { DocId, KeyValueStore } from '@commonplace/core'
import type { HistoryApi, PracticeApi } from '@commonplace/api'
import type { PracticeContext } from '../practice/context.ts'
import type { PracticeIndex } from '../practice/practice-index.ts'
import { createActivityFeed } from './activity-feed.ts'
import { createCommentsApi } from './comments-api.ts'
import { ensureCompanion, isRecord, mirrorAll, needsCompanion } from './companion.ts'
import { buildLog, createVersions } from './versions.ts'
import type { Versions } from './versions.ts'
import { autoVersions, createVersionsApi } from './versions-api.ts'
import type { AutoVersionsInit, Keep } from './versions-api.ts'
import { createSharedVersions } from './shared-versions.ts'
import { createPeopleNames } from './people-names.ts'
import type { PeopleNames, PeopleNamesInit } from './people-names.ts'

export type { PersonNamer } from './people-names.ts'
import type { Refusal } from '@commonplace/practice'

/** Set once the records held before comments existed have their comments documents (docs/storage.md). */
const MIRRORED_KEY = 'meta/comments-mirrored'

export interface History {
  readonly api: HistoryApi
  readonly versions: Versions
  /** Take a version of a record now, and share it with the record's readers unless its reason stays local. */
  readonly keep: Keep
  /** People's names across organisations (docs/people.md). */
  readonly peopleNames: PeopleNames
  start(): void
  stop(): void
}

export interface HistoryInit extends PracticeContext {
  storage: KeyValueStore
  practice: { index: PracticeIndex, api: PracticeApi, countComment: (record: DocId) => void }
  /** Called for each peer input the layer does not count (metrics). */
  onRefused?: (code: string) => void
  /** When automatic versions are taken (`NodeInit.autoVersions`). */
  autoVersions?: AutoVersionsInit
  /** This organisation's people: their names, and whether other organisations may see them. */
  people: PeopleNamesInit
}

export function createHistory (init: HistoryInit): History {
  const ctx: PracticeContext = init
  const versions = createVersions(init.storage, init.store, init.now)
  // each refused entry is counted once per run, not on every read of its thread list
  const counted = new Set<string>()
  const onRefused = (doc: DocId, key: string, why: Refusal): void => {
    if (counted.has(`${doc} ${key}`)) return
    counted.add(`${doc} ${key}`)
    ctx.log('history: entry %s in %s not counted (%s)', key, doc, why)
    init.onRefused?.(why === 'bounds' ? 'ERR_TOO_MANY' : 'ERR_INVALID_STATEMENT')
  }
  const peopleNames = createPeopleNames(ctx, init.people)
  ctx.personNames = async record => await peopleNames.namesIn(record)
  const comments = createCommentsApi(ctx, { onRefused, onWritten: record => { init.practice.countComment(record) } })
  const shared = createSharedVersions(ctx, onRefused)
  const { keep, ...versionsApi } = createVersionsApi(ctx, { versions, shared, storage: init.storage })
  // the feed's answer waits for the version log's one-time build (stores from before it), not a start
  let logBuilt: Promise<unknown> = Promise.resolve()
  let stopped = false
  const api: HistoryApi = {
    ...comments,
    ...versionsApi,
    ...createActivityFeed(ctx, { index: init.practice.index, proposals: init.practice.api.proposals, upstream: init.practice.api.upstream, threadsOf: comments.threadsOf, versions, shared, logBuilt: async () => { await logBuilt } })
  }
  let stop: (() => void) | undefined
  return {
    api,
    versions,
    keep,
    peopleNames,
    start () {
      const stopVersions = autoVersions(ctx, versions, init.autoVersions)
      const stopMirror = mirrorGrants(ctx)
      const stopNames = peopleNames.watch()
      stop = () => { stopped = true; stopVersions(); stopMirror(); stopNames() }
      logBuilt = buildLog(init.storage, () => stopped)
        .then(n => { if (n > 0) ctx.log('history: %d versions from before the activity log listed in it', n) })
        .catch(err => { ctx.log.error('history: listing earlier versions in the activity log failed - %e', err) })
      // records shared before comments existed get their comments document, once per store (later
      // grants are mirrored as they change): a start reads nothing per held record
      if (init.storage.get(MIRRORED_KEY) == null) {
        void mirrorAll(ctx)
          .then(() => { init.storage.write([{ type: 'put', key: MIRRORED_KEY, value: new Uint8Array([1]) }]) })
          .catch(err => { ctx.log.error('history: mirroring grants failed - %e', err) })
      }
    },
    stop () { stop?.() }
  }
}

/** On the owner's node: each time a record's grants change here, mirror them on its comments document. */
function mirrorGrants (ctx: PracticeContext): () => void {
  let queue = Promise.resolve()
  return ctx.store.onChange(change => {
    if (!change.accessChanged || change.origin.kind !== 'local') return
    const doc: DocId = change.id
    const acl = ctx.store.access(doc)
    if (acl == null || acl.header.owner !== ctx.identity.orgId || acl.grants.length === 0 || !isRecord(ctx, doc)) return
    queue = queue.then(async () => { if (await needsCompanion(ctx, doc)) await ensureCompanion(ctx, doc) }).catch(err => { ctx.log.error('history: mirroring the grants of %s failed - %e', doc, err) })
  })
}
