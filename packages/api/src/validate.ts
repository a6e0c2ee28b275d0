/**
 * The building blocks of every request validator (requests/*.ts): each refuses a wrong shape
 * with ERR_INVALID_INPUT before anything is called.
 */
import { InvalidInputError } from '@commonplace/core'

/** A JSON object with only the `allowed` keys. @throws InvalidInputError */
export function object (value: unknown, allowed: string[], name = 'The request body'): Record<string, unknown> {
  if (value == null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidInputError(`${name === 'The request body' ? name : `"${name}"`} must be a JSON object`)
  }
  const unknown = Object.keys(value).filter(key => !allowed.includes(key))
  if (unknown.length > 0) throw new InvalidInputError(`Unknown field(s) ${unknown.map(k => `"${k}"`).join(', ')}`)
  return value as Record<string, unknown>
}

/** @throws InvalidInputError unless a string */
export function string (value: unknown, name: string): string {
  if (typeof value !== 'string') throw new InvalidInputError(`"${name}" must be a string`)
  return value
}

/** `{ [name]: value }` when `value` is a string, `{}` when absent. @throws InvalidInputError otherwise */
export function optionalString<K extends string> (value: unknown, name: K): Partial<Record<K, string>> {
  return value === undefined ? {} : { [name]: string(value, name) } as Partial<Record<K, string>>
}

/** A list of at most `max` strings. @throws InvalidInputError */
export function stringList (value: unknown, name: string, max: number): string[] {
  if (!Array.isArray(value) || value.length > max || !value.every(item => typeof item === 'string')) {
    throw new InvalidInputError(`"${name}" must be a list of at most ${max} strings`)
  }
  return value as string[]
}
