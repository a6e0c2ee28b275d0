import * as Y from 'yjs'
import { InvalidInputError } from '@commonplace/core'
import type { DocId, OrgId } from '@commonplace/core'
import { Licence, Maturity, RECORD_DEFAULTS, RecordKind, Status } from './constants.ts'
import type { DerivedFrom, MetaPatch, RecordMeta } from './types.ts'
import {
  derivedFrom, isoDate, languageTag, oneOf, optionalText, plainObject, shortText, tagList
} from './validate.ts'

/** The `Y.Map` holding a record's scalar metadata. */
export function metaMap (doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap('meta')
}

/** Validated metadata writes: a value to set, or `null` to remove the key. Tags are written apart. */
export interface MetaWrites {
  values: Record<string, unknown>
  tags?: string[]
}

type Check = (value: unknown) => unknown
type OptionalKey = 'summary' | 'language' | 'sector' | 'evidenceLevel' | 'reviewBy' | 'derivedFrom'

const REQUIRED: Record<string, Check> = {
  title: v => shortText(v, 'title'),
  kind: v => oneOf(v, RecordKind, 'kind'),
  maturity: v => oneOf(v, Maturity, 'maturity'),
  status: v => oneOf(v, Status, 'status'),
  licence: v => oneOf(v, Licence, 'licence')
}

const OPTIONAL: Record<OptionalKey, Check> = {
  summary: v => optionalText(v, 'summary', true),
  language: v => languageTag(v),
  sector: v => optionalText(v, 'sector'),
  evidenceLevel: v => optionalText(v, 'evidenceLevel'),
  reviewBy: v => isoDate(v, 'reviewBy'),
  derivedFrom: v => derivedFrom(v)
}

/**
 * Check a metadata patch against the constants and limits; writes nothing.
 * @throws InvalidInputError on an unknown key or a bad value
 */
export function validatePatch (patch: MetaPatch): MetaWrites {
  const writes: MetaWrites = { values: {} }
  for (const [key, value] of Object.entries(plainObject(patch, 'patch'))) {
    if (value === undefined) continue
    if (key === 'tags') {
      writes.tags = tagList(value)
    } else if (key in REQUIRED) {
      writes.values[key] = REQUIRED[key](value)
    } else if (key in OPTIONAL) {
      const blank = value === null || value === ''
      writes.values[key] = blank ? null : OPTIONAL[key as OptionalKey](value) ?? null
    } else {
      throw new InvalidInputError(`Unknown or read-only metadata field: ${key}`)
    }
  }
  return writes
}

/** True when the writes change nothing at all. */
export function isEmptyWrite (writes: MetaWrites): boolean {
  return Object.keys(writes.values).length === 0 && writes.tags === undefined
}

/** Apply validated writes and set `updated`. Call inside a transaction. */
export function applyMetaWrites (meta: Y.Map<unknown>, writes: MetaWrites, now: number): void {
  for (const [key, value] of Object.entries(writes.values)) {
    if (value === null) meta.delete(key)
    else meta.set(key, value)
  }
  if (writes.tags !== undefined) setTags(meta, writes.tags)
  meta.set('updated', now)
}

/**
 * Make the tag array hold exactly `tags`: delete what is no longer wanted (and duplicates),
 * push what is missing. Touching only the difference keeps tags other peers add concurrently.
 */
export function setTags (meta: Y.Map<unknown>, tags: string[]): void {
  let array = meta.get('tags')
  if (!(array instanceof Y.Array)) {
    array = new Y.Array<string>()
    meta.set('tags', array)
  }
  const tagArray = array as Y.Array<unknown>
  const wanted = new Set(tags)
  const kept = new Set<unknown>()
  const drop: number[] = []
  tagArray.toArray().forEach((tag, i) => {
    if (!wanted.has(tag as string) || kept.has(tag)) drop.push(i)
    else kept.add(tag)
  })
  for (const i of drop.reverse()) tagArray.delete(i, 1)
  const missing = tags.filter(tag => !kept.has(tag))
  if (missing.length > 0) tagArray.push(missing)
}

/**
 * Read the metadata as plain JSON values. Values written by other peers are untrusted:
 * anything of the wrong type reads as unset (or as the default for required fields).
 */
export function readMeta (meta: Y.Map<unknown>): RecordMeta {
  const result: RecordMeta = {
    title: str(meta.get('title')) ?? '',
    kind: pick(meta.get('kind'), RecordKind, RECORD_DEFAULTS.kind),
    maturity: pick(meta.get('maturity'), Maturity, RECORD_DEFAULTS.maturity),
    status: pick(meta.get('status'), Status, RECORD_DEFAULTS.status),
    licence: pick(meta.get('licence'), Licence, RECORD_DEFAULTS.licence),
    owner: (str(meta.get('owner')) ?? '') as OrgId,
    created: num(meta.get('created')),
    updated: num(meta.get('updated')),
    tags: readTags(meta.get('tags'))
  }
  for (const key of ['summary', 'language', 'sector', 'evidenceLevel', 'reviewBy'] as const) {
    const value = str(meta.get(key))
    if (value !== undefined) result[key] = value
  }
  const source = readDerivedFrom(meta.get('derivedFrom'))
  if (source !== undefined) result.derivedFrom = source
  return result
}

function readTags (value: unknown): string[] {
  const items = value instanceof Y.Array ? value.toArray() : Array.isArray(value) ? value : []
  return [...new Set(items.filter((tag): tag is string => typeof tag === 'string'))]
}

function readDerivedFrom (value: unknown): DerivedFrom | undefined {
  if (value == null || typeof value !== 'object') return undefined
  const { doc, version, org } = value as Record<string, unknown>
  if (typeof doc !== 'string' || typeof version !== 'string' || typeof org !== 'string') return undefined
  return { doc: doc as DocId, version, org: org as OrgId }
}

function str (value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

function num (value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0
}

function pick<T extends string> (value: unknown, allowed: Record<string, T>, fallback: T): T {
  return Object.values(allowed).includes(value as T) ? value as T : fallback
}
