/**
 * Who changed a document, for the activity feed's `changed` items (docs/history.md): the store's
 * changer records (one per organisation, one per person of this organisation, each with its
 * latest change applied here), read only for the `changed` items the feed answers with, so the
 * cost is bounded by the page, not by the documents held.
 */
import type { OrgId, PartChange } from '@commonplace/core'
import type { ActivityItem, LastChangeView } from '@commonplace/api'
import type { PracticeContext } from '../practice/context.ts'
import { nameOf } from '../practice/context.ts'
import { lastChangeView } from '../section-changes.ts'
import { noNames } from './comments-api.ts'
import type { PersonNamer } from './people-names.ts'

/** Changers a `changed` item names; the rest are counted ("and 2 others"). */
export const MAX_NAMED_CHANGERS = 3

/**
 * The `changed` items of a page with who changed each document at or after `since`: the latest
 * `MAX_NAMED_CHANGERS` named (in the item and its sentence), the others counted.
 */
export async function withChangers (ctx: PracticeContext, items: ActivityItem[], since: number): Promise<ActivityItem[]> {
  const orgName = (org: OrgId): string | undefined => nameOf(ctx, org).orgName
  return await Promise.all(items.map(async item => {
    if (item.kind !== 'changed') return item
    let changers: PartChange[]
    let personName: PersonNamer
    // quarantined or gone since the page was built: the item stays as it is
    try {
      changers = ctx.store.changers(item.doc).filter(c => c.at >= since)
      personName = changers.some(c => c.person != null) ? await ctx.personNames?.(item.doc) ?? noNames : noNames
    } catch { return item }
    if (changers.length === 0) return item
    const named = changers.slice(0, MAX_NAMED_CHANGERS).map(c => view(c, orgName, personName))
    const others = changers.length - named.length
    return {
      ...item,
      changedBy: named,
      ...(others > 0 ? { otherChangers: others } : {}),
      text: `${item.text} by ${changersText(named, others, org => orgName(org) ?? org)}`
    }
  }))
}

/** A changer as the API shows it: a person by name where this node may show it (docs/people.md), else by id. */
function view (change: PartChange, orgName: (org: OrgId) => string | undefined, personName: PersonNamer): LastChangeView {
  const base = lastChangeView(change, orgName)
  const name = change.person != null ? personName(change.org, change.person) : undefined
  return name == null ? base : { ...base, by: name, personName: name }
}

/** "Riverside Surgery (Dr Amara Okafor, Ben Hale), Hillview Medical Practice and 2 others": people grouped under their organisation. */
export function changersText (named: readonly LastChangeView[], others: number, orgName: (org: OrgId) => string): string {
  const orgs = new Map<string, { name: string, people: string[] }>()
  for (const c of named) {
    const org = orgs.get(c.org) ?? { name: orgName(c.org), people: [] }
    if (c.personName != null) org.people.push(c.personName)
    orgs.set(c.org, org)
  }
  const parts = [...orgs.values()].map(o => o.people.length > 0 ? `${o.name} (${o.people.join(', ')})` : o.name)
  if (others > 0) parts.push(`${others} other${others === 1 ? '' : 's'}`)
  return parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`
}
