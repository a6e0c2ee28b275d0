/** Shape checks of statement fields: each throws a plain Error that the caller wraps in its typed error. */
import { isDocId, isNetworkId, parseOrgId } from '@commonplace/core'
import { MAX_NOTE_CHARS } from './constants.ts'

export function docField (value: unknown, name: string): void {
  if (!isDocId(value)) throw new Error(`bad ${name}`)
}

export function orgField (value: unknown, name: string): void {
  try {
    parseOrgId(value)
  } catch {
    throw new Error(`bad ${name}`)
  }
}

export function networkField (value: unknown): void {
  if (!isNetworkId(value)) throw new Error('bad network')
}

export function timeField (value: unknown, name: string): void {
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw new Error(`bad ${name}`)
}

export function countField (value: unknown, name: string): void {
  if (!Number.isSafeInteger(value) || (value as number) < 0 || (value as number) > 1e9) throw new Error(`bad ${name}`)
}

export function textField (value: unknown, name: string, max = MAX_NOTE_CHARS): void {
  if (typeof value !== 'string' || value.length > max) throw new Error(`bad ${name}`)
}

export function optionalText (value: unknown, name: string, max = MAX_NOTE_CHARS): void {
  if (value !== undefined) textField(value, name, max)
}

export function sigField (value: unknown): void {
  if (typeof value !== 'string' || value.length > 100) throw new Error('bad sig')
}

export function isObject (value: unknown): value is Record<string, unknown> {
  return value != null && typeof value === 'object' && !Array.isArray(value)
}
