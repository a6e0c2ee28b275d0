/**
 * People's names in a record's comments document (docs/people.md, "Who wrote what, seen from other
 * organisations"): an organisation that shows its people's names to other organisations keeps one
 * entry there naming its people who wrote in the record or its comments. The entry counts only when
 * the envelope that wrote it is signed by the organisation it names, as comments do; the
 * organisation deletes it when it stops showing names.
 */
import type { EntriesInput } from './comments.ts'
import { verifiedEntries } from './comments.ts'

/** The map of a comments document holding, per organisation (the key), its people's names. */
export const PEOPLE_MAP = 'people'

/** Bounds of the people entries: organisations read, names in one entry, a person id's and a name's characters. */
export const PEOPLE_NAME_LIMITS = { entries: 256, names: 256, id: 32, name: 100 } as const

/** One organisation's names: `[person id, name]` pairs. */
export interface PeopleEntry {
  type: 'people'
  org: string
  names: Array<[string, string]>
}

/** A people entry of a good shape under its organisation's key, or undefined. Linear in its names. */
export function parsePeopleEntry (key: string, value: unknown): PeopleEntry | undefined {
  const v = value as Partial<PeopleEntry> | null
  if (v?.type !== 'people' || v.org !== key || !Array.isArray(v.names) || v.names.length > PEOPLE_NAME_LIMITS.names) return undefined
  for (const pair of v.names) {
    if (!Array.isArray(pair) || pair.length !== 2) return undefined
    const [id, name] = pair as unknown[]
    if (typeof id !== 'string' || id === '' || id.length > PEOPLE_NAME_LIMITS.id) return undefined
    if (typeof name !== 'string' || name.trim() === '' || name.length > PEOPLE_NAME_LIMITS.name) return undefined
  }
  return { type: 'people', org: v.org, names: v.names }
}

/** The names that count, per organisation and person id. At most `PEOPLE_NAME_LIMITS.entries` entries are read. */
export function readPeopleNames (input: EntriesInput): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>()
  for (const { entry } of verifiedEntries(input, PEOPLE_MAP, PEOPLE_NAME_LIMITS.entries, parsePeopleEntry)) {
    out.set(entry.org, new Map(entry.names))
  }
  return out
}
