/**
 * The activity feed's versions (docs/history.md): labelled versions, restores and upstream changes
 * taken. This organisation's come from the version log (one bounded range read, whatever the
 * number of documents held); other organisations' from the shared versions of the records whose
 * comments documents the feed reads anyway.
 */
import type { DocId, OrgId } from '@commonplace/core'
import type { ActivityItem, ActivityKind } from '@commonplace/api'
import type { PracticeContext } from '../practice/context.ts'
import { iso, nameOf } from '../practice/context.ts'
import type { SharedVersions } from './shared-versions.ts'
import type { Versions } from './versions.ts'
import { noNames } from './comments-api.ts'
import type { PersonNamer } from './people-names.ts'

/**
 * The reasons whose versions are activity, and their kind. An adaptation's and an accepted
 * proposal's versions are not: the feed lists those as `variant` and `proposal-decided`.
 */
const KINDS: Readonly<Record<string, ActivityKind>> = { label: 'version', restore: 'restored', 'upstream-taken': 'upstream-taken' }

export interface VersionItemsInit {
  versions: Versions
  shared: SharedVersions
}

interface Taken {
  doc: DocId
  org: string
  person?: string
  n: number
  at: number
  reason: string
  label?: string
  /** The version in the History panel here: the number for this node's, the shared id for another's. */
  ref: number | string
}

/** Who did it, as the feed's sentences say it: the organisation, and the person's name where this node may show it. */
export function actorText (ctx: PracticeContext, org: string, personName?: string): string {
  return `${nameOf(ctx, org).orgName ?? org}${personName != null ? ` (${personName})` : ''}`
}

/**
 * The version items at or after `since`, for the records given (those with a comments document
 * here) and this node's log; at most `limit` of this node's and every shared one of those records
 * (bounded by `SHARED_VERSION_LIMITS.entries` each).
 */
export async function versionItems (ctx: PracticeContext, init: VersionItemsInit, records: readonly DocId[], since: number, limit: number): Promise<ActivityItem[]> {
  const self = ctx.identity.orgId
  const taken: Taken[] = []
  // this organisation's shared versions name their person; its log does not
  const people = new Map<string, string>()
  for (const record of records) {
    for (const v of await init.shared.list(record)) {
      if (v.org === self) { if (v.person != null) people.set(`${record} ${v.n}`, v.person); continue }
      if (v.at < since || KINDS[v.reason] === undefined) continue
      taken.push({ doc: record, org: v.org, ...(v.person != null ? { person: v.person } : {}), n: v.n, at: v.at, reason: v.reason, ...(v.label != null ? { label: v.label } : {}), ref: v.id })
    }
  }
  for (const v of init.versions.logged(since, limit)) {
    if (KINDS[v.reason] === undefined || !ctx.store.has(v.doc)) continue
    const person = people.get(`${v.doc} ${v.n}`)
    taken.push({ ...v, org: self, ...(person != null ? { person } : {}), ref: v.n })
  }
  const namers = new Map<DocId, PersonNamer>()
  for (const v of taken) if (v.person != null && !namers.has(v.doc)) namers.set(v.doc, await ctx.personNames?.(v.doc) ?? noNames)
  return taken.map(v => item(ctx, v, v.person != null ? namers.get(v.doc)?.(v.org, v.person) : undefined))
}

/** " from version 3 (Practice)" out of a restore's label, "restored from version 3 (Practice)"; another label in brackets. */
function restoredFrom (label: string | undefined): string {
  if (label == null) return ''
  return label.startsWith('restored ') ? ` ${label.slice('restored '.length)}` : ` (${label})`
}

function item (ctx: PracticeContext, v: Taken, personName: string | undefined): ActivityItem {
  const title = ctx.store.info(v.doc)?.title ?? ''
  const who = actorText(ctx, v.org, personName)
  const text = v.reason === 'restore'
    ? `${who} restored "${title}"${restoredFrom(v.label)}`
    : v.reason === 'upstream-taken'
      ? `${who} took the source's changes into "${title}"`
      : `${who} labelled a version of "${title}": ${v.label ?? ''}`
  return {
    kind: KINDS[v.reason],
    at: iso(v.at),
    doc: v.doc,
    title,
    org: v.org as OrgId,
    ...nameOf(ctx, v.org),
    ...(v.person != null ? { person: v.person } : {}),
    ...(personName != null ? { personName } : {}),
    ...(v.label != null ? { label: v.label } : {}),
    version: v.ref,
    text
  }
}
