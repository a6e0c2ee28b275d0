import { InvalidInputError, MAX_SHORT_TEXT, parseDocId, parseOrgId } from '@commonplace/core'
import type { OrgId } from '@commonplace/core'
import { MAX_TAGS } from './constants.ts'
import type { DerivedFrom } from './types.ts'

// Control characters; line breaks are allowed only where `multiline` says so.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/
const LINE_BREAK = /[\r\n\u2028\u2029]/
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/

/**
 * A trimmed, non-empty string of at most MAX_SHORT_TEXT characters, on one line unless `multiline`.
 * @throws InvalidInputError
 */
export function shortText (value: unknown, field: string, multiline = false): string {
  if (typeof value !== 'string') throw new InvalidInputError(`${field} must be a string`)
  const text = value.trim()
  if (text === '') throw new InvalidInputError(`${field} must not be empty`)
  if (text.length > MAX_SHORT_TEXT) throw new InvalidInputError(`${field} is longer than ${MAX_SHORT_TEXT} characters`)
  if (CONTROL.test(text) || (!multiline && LINE_BREAK.test(text))) {
    throw new InvalidInputError(`${field} contains control characters or line breaks`)
  }
  return text
}

/** Like `shortText`, but `null`, `undefined` and blank strings mean "unset" (returns undefined). */
export function optionalText (value: unknown, field: string, multiline = false): string | undefined {
  if (value == null || (typeof value === 'string' && value.trim() === '')) return undefined
  return shortText(value, field, multiline)
}

/** One of the values of a `const` object. @throws InvalidInputError */
export function oneOf<T extends string> (value: unknown, allowed: Record<string, T>, field: string): T {
  const values = Object.values(allowed)
  if (typeof value !== 'string' || !values.includes(value as T)) {
    throw new InvalidInputError(`${field} must be one of ${values.join(', ')}`)
  }
  return value as T
}

/** A time in milliseconds since the epoch; `Date.now()` when undefined. @throws InvalidInputError */
export function timestamp (value: unknown, field = 'now'): number {
  if (value === undefined) return Date.now()
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidInputError(`${field} must be a non-negative number of milliseconds`)
  }
  return value
}

/** An ISO calendar date `YYYY-MM-DD` that exists. @throws InvalidInputError */
export function isoDate (value: unknown, field: string): string {
  const match = typeof value === 'string' ? ISO_DATE.exec(value.trim()) : null
  if (match == null) throw new InvalidInputError(`${field} must be an ISO date (YYYY-MM-DD)`)
  const [, y, m, d] = match.map(Number)
  const date = new Date(Date.UTC(y, m - 1, d))
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    throw new InvalidInputError(`${field} is not a calendar date`)
  }
  return match[0]
}

/** A BCP 47 language tag such as `en`, `en-GB`, `de`. @throws InvalidInputError */
export function languageTag (value: unknown, field = 'language'): string {
  const text = shortText(value, field)
  if (!LANGUAGE_TAG.test(text)) throw new InvalidInputError(`${field} must be a language tag such as en-GB or de`)
  return text
}

/** Tags: short one-line strings, duplicates dropped, at most MAX_TAGS. @throws InvalidInputError */
export function tagList (value: unknown): string[] {
  if (!Array.isArray(value)) throw new InvalidInputError('tags must be an array of strings')
  const tags = [...new Set(value.map((tag, i) => shortText(tag, `tags[${i}]`)))]
  if (tags.length > MAX_TAGS) throw new InvalidInputError(`At most ${MAX_TAGS} tags`)
  return tags
}

/** An organisation id. @throws InvalidInputError */
export function orgId (value: unknown, field: string): OrgId {
  try {
    return parseOrgId(value)
  } catch (err) {
    throw new InvalidInputError(`${field} must be an organisation id`, { cause: err })
  }
}

/** A `derivedFrom` link: a document id, a version label, an organisation id. @throws InvalidInputError */
export function derivedFrom (value: unknown): DerivedFrom {
  if (value == null || typeof value !== 'object') throw new InvalidInputError('derivedFrom must be { doc, version, org }')
  const { doc, version, org } = value as Record<string, unknown>
  let docId
  try {
    docId = parseDocId(doc)
  } catch (err) {
    throw new InvalidInputError('derivedFrom.doc must be a document id', { cause: err })
  }
  return { doc: docId, version: shortText(version, 'derivedFrom.version'), org: orgId(org, 'derivedFrom.org') }
}

/** A Markdown string (any length); undefined stays undefined. @throws InvalidInputError */
export function markdownText (value: unknown, field = 'markdown'): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw new InvalidInputError(`${field} must be a string`)
  return value
}

/** A plain object (not an array). @throws InvalidInputError */
export function plainObject (value: unknown, field: string): Record<string, unknown> {
  if (value == null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidInputError(`${field} must be an object`)
  }
  return value as Record<string, unknown>
}
