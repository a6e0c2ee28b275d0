/**
 * People's names across organisations (docs/people.md, "Who wrote what, seen from other
 * organisations"). While this organisation shows its people's names, the node keeps in each shared
 * record's comments document an entry naming its people who wrote in the record or its comments
 * (PEOPLE_MAP, signed by the organisation like any change of that document); when it stops, the
 * node deletes those entries. Another organisation's names are read from the same entries, and
 * count only when the organisation they name signed them and may comment on the record.
 */
import type { AccessList, DocId } from '@commonplace/core'
import {
  COMMENTS_MAP, COMMENT_LIMITS, CarrierKind, PEOPLE_MAP, SHARED_VERSION_LIMITS, PEOPLE_NAME_LIMITS, VERSIONS_MAP, readPeopleNames, verifiedEntries
} from '@commonplace/practice'
import type { PeopleEntry } from '@commonplace/practice'
import { sectionAuthors } from '../attribution.ts'
import { unlessUnreadable } from '../names.ts'
import type { PracticeContext } from '../practice/context.ts'
import { CARRIER_KINDS } from '../practice/context.ts'
import { companionHeader, ensureCompanion } from './companion.ts'

/** A person's name to show, by organisation and person id; undefined when this node may not show one. */
export type PersonNamer = (org: string, person: string | undefined) => string | undefined

export interface PeopleNamesInit {
  /** The name of one of this organisation's people (undefined once removed). */
  ownName: (person: string) => string | undefined
  /** Whether this organisation shows its people's names to other organisations now. */
  showing: () => boolean
}

export interface PeopleNames {
  /** The names this node may show in one record: its own people's, and those other organisations published there. */
  namesIn(record: DocId): Promise<PersonNamer>
  /** After the setting changed: publish the names into every shared record's comments document, or delete them. */
  settingChanged(): Promise<void>
  /** Publish the names of people who write from now on; returns the unsubscribe function. */
  watch(): () => void
}

export function createPeopleNames (ctx: PracticeContext, init: PeopleNamesInit): PeopleNames {
  const { store } = ctx
  const self = ctx.identity.orgId
  /** Per record, the people whose names our entry holds (so that an edit costs a Set lookup). */
  const published = new Map<DocId, Set<string>>()
  let queue = Promise.resolve()
  const later = (task: () => Promise<void>): void => {
    queue = queue.then(task).catch(err => { ctx.log.error('history: publishing people\'s names failed - %e', err) })
  }

  const companionOf = async (record: DocId): Promise<DocId> => (await companionHeader(record, (store.access(record) as AccessList).header.owner)).id

  /** Whether another organisation may read the record and we may write into its comments document (one read of its grants). */
  const shared = (record: DocId): boolean => {
    const acl = store.access(record)
    return acl != null && ctx.gate.mayComment(record) && (acl.header.owner !== self || acl.grants.length > 0)
  }

  /** The comments document our names go into, where `shared`; the owner creates it. */
  const target = async (record: DocId): Promise<DocId | undefined> => {
    if (!shared(record)) return undefined
    if ((store.access(record) as AccessList).header.owner === self) return await ensureCompanion(ctx, record)
    const companion = await companionOf(record)
    return store.has(companion) ? companion : undefined
  }

  const ourEntry = (companion: DocId): PeopleEntry | undefined =>
    store.read(companion, doc => doc.getMap<unknown>(PEOPLE_MAP).get(self) as PeopleEntry | undefined)

  /** Add `people` to our entry of the record (or write it afresh with exactly them, `replace`). */
  const publish = async (record: DocId, people: Iterable<string>, replace = false): Promise<void> => {
    if (!init.showing()) return
    const companion = await target(record)
    if (companion === undefined) return
    const held = replace ? [] : ourEntry(companion)?.names ?? []
    const names = new Map(held)
    for (const person of people) {
      const name = init.ownName(person)
      if (name !== undefined) names.set(person, name)
    }
    const pairs = [...names].slice(0, PEOPLE_NAME_LIMITS.names)
    published.set(record, new Set(pairs.map(([id]) => id)))
    if (JSON.stringify(pairs) === JSON.stringify(held)) return
    const entry: PeopleEntry = { type: 'people', org: self, names: pairs }
    store.edit(companion, doc => { doc.getMap<unknown>(PEOPLE_MAP).set(self, entry) })
  }

  /** Our people in a record: its section authors and last changes, and the writers of its comments and shared versions. */
  const ourPeople = async (record: DocId): Promise<Set<string>> => {
    const people = new Set<string>()
    const attribution = store.attribution(record)
    for (const shares of Object.values(store.read(record, doc => sectionAuthors(doc, attribution)))) {
      for (const a of shares) if (a.org === self && a.person != null) people.add(a.person)
    }
    for (const change of Object.values(store.lastChanges(record))) if (change.org === self && change.person != null) people.add(change.person)
    const companion = await companionOf(record)
    if (store.has(companion)) {
      const input = { attribution: store.attribution(companion), mayComment: (org: string) => org === self }
      const written = (key: string, value: unknown): { org: string } | undefined => (value as { org?: unknown } | null)?.org === self ? { org: self } : undefined
      store.read(companion, comments => {
        for (const [map, limit] of [[COMMENTS_MAP, COMMENT_LIMITS.entries], [VERSIONS_MAP, SHARED_VERSION_LIMITS.entries]] as const) {
          for (const { who } of verifiedEntries({ ...input, comments }, map, limit, written)) if (who.person != null) people.add(who.person)
        }
      })
    }
    return people
  }

  /** Other organisations' names in a record's comments document, as they count here. */
  const readOthers = async (record: DocId): Promise<Map<string, Map<string, string>>> => {
    if (store.access(record) == null) return new Map()
    const companion = await companionOf(record)
    if (!store.has(companion)) return new Map()
    // a comments document a damaged page quarantined names no one: the record is still shown
    return unlessUnreadable(() => {
      const attribution = store.attribution(companion)
      return store.read(companion, comments => readPeopleNames({ comments, attribution, mayComment: org => org !== self && ctx.gate.mayComment(record, org) }))
    }, 'people\'s names', ctx.log) ?? new Map()
  }

  const withdraw = (companion: DocId): void => {
    if (ourEntry(companion) === undefined) return
    store.edit(companion, doc => { doc.getMap<unknown>(PEOPLE_MAP).delete(self) })
  }

  /** Publish every shared record's names afresh, or delete them, as the setting now says. */
  const applySetting = async (): Promise<void> => {
    published.clear()
    const showing = init.showing()
    for (const info of store.list()) {
      // only shared records are read: a node's private documents cost nothing here
      if (CARRIER_KINDS.has(info.kind) || !shared(info.id)) continue
      const record = info.id
      if (showing) {
        const people = await ourPeople(record)
        if (people.size > 0) await publish(record, people, true)
        continue
      }
      const companion = await companionOf(record)
      if (store.has(companion)) withdraw(companion)
    }
  }

  /** The record a person's change is about: the record itself, or the one a comments document belongs to. */
  const recordOf = (doc: DocId): DocId | undefined => {
    const kind = store.info(doc)?.kind
    if (kind === CarrierKind.comments) {
      const record = store.read(doc, d => d.getMap<unknown>('_practice').get('record'))
      return typeof record === 'string' && store.has(record as DocId) ? record as DocId : undefined
    }
    return kind === undefined || CARRIER_KINDS.has(kind) ? undefined : doc
  }

  return {
    async namesIn (record) {
      const others = await readOthers(record)
      return (org, person) => {
        if (person == null) return undefined
        return org === self ? init.ownName(person) : others.get(org)?.get(person)
      }
    },

    async settingChanged () {
      // in the queue of the writes that follow people's edits, so that none of them lands after this
      const run = queue.then(async () => { await applySetting() })
      queue = run.catch(() => {})
      await run
    },

    watch () {
      return store.onChange(change => {
        if (change.origin.kind !== 'local') return
        const person = change.origin.author
        // the cheap tests first: most changes are neither a share nor a person's
        if (change.accessChanged !== true && (person == null || person === '')) return
        if (!init.showing()) return
        const record = recordOf(change.id)
        if (change.accessChanged === true) {
          // a record shared now: the people who wrote it before get their names there
          if (record !== undefined && store.access(record)?.header.owner === self) later(async () => { await publish(record, await ourPeople(record)) })
          return
        }
        if (person == null) return
        if (record === undefined || published.get(record)?.has(person) === true) return
        later(async () => { await publish(record, [person]) })
      })
    }
  }
}
