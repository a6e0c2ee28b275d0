/**
 * A variant's adaptation record inside its Y.Doc: the `adaptation` map (note, reasons, by, at,
 * updatedAt) and its `base`, the source text each section was last aligned with (docs/practice.md).
 */
import * as Y from 'yjs'
import { InvalidInputError, TextTooLongError } from '@commonplace/core'
import { AdaptationReason, MAX_NOTE_CHARS, YNAMES } from './constants.ts'
import type { SectionText } from './compare-sections.ts'

export interface Adaptation {
  note: string
  reasons: AdaptationReason[]
  by: string
  at: number
  updatedAt: number
  /** The source text the variant was last aligned with, in the source's order. */
  base: SectionText[]
}

const REASONS = new Set<string>(Object.values(AdaptationReason))

/**
 * Check an adaptation note and reasons a person gives.
 * @throws TextTooLongError, InvalidInputError
 */
export function validateAdaptation (note: unknown, reasons: unknown): { note: string, reasons: AdaptationReason[] } {
  if (typeof note !== 'string' || note.trim() === '') throw new InvalidInputError('Say what is changed and why (the adaptation note)')
  if (note.length > MAX_NOTE_CHARS) throw new TextTooLongError(`The note is longer than ${MAX_NOTE_CHARS} characters`)
  return { note, reasons: validateReasons(reasons ?? [AdaptationReason.localContext]) }
}

/** @throws InvalidInputError unless 1 to 6 known, distinct reasons */
export function validateReasons (reasons: unknown): AdaptationReason[] {
  if (!Array.isArray(reasons) || reasons.length === 0 || reasons.length > REASONS.size) {
    throw new InvalidInputError(`Give 1 to ${REASONS.size} reasons: ${[...REASONS].join(', ')}`)
  }
  for (const reason of reasons) {
    if (typeof reason !== 'string' || !REASONS.has(reason)) throw new InvalidInputError(`Unknown reason ${JSON.stringify(String(reason).slice(0, 40))}: use ${[...REASONS].join(', ')}`)
  }
  return [...new Set(reasons as AdaptationReason[])]
}

/** Write a new variant's adaptation record (inside the transaction that creates the record). */
export function writeAdaptation (doc: Y.Doc, init: { note: string, reasons: AdaptationReason[], by: string, at: number, base: readonly SectionText[] }): void {
  const map = doc.getMap<unknown>(YNAMES.adaptation)
  const base = new Y.Map<unknown>()
  map.set('note', init.note)
  map.set('reasons', init.reasons)
  map.set('by', init.by)
  map.set('at', init.at)
  map.set('updatedAt', init.at)
  map.set('base', base)
  init.base.forEach((section, pos) => { base.set(section.id, { heading: section.heading, markdown: section.markdown, pos }) })
}

/** The adaptation record, or undefined when the document has none (or a malformed one). */
export function readAdaptation (doc: Y.Doc): Adaptation | undefined {
  const map = doc.getMap<unknown>(YNAMES.adaptation)
  const note = map.get('note')
  const base = map.get('base')
  if (typeof note !== 'string' || !(base instanceof Y.Map)) return undefined
  const reasons = map.get('reasons')
  return {
    note,
    reasons: Array.isArray(reasons) ? reasons.filter((r): r is AdaptationReason => REASONS.has(r)) : [],
    by: stringOr(map.get('by'), ''),
    at: numberOr(map.get('at'), 0),
    updatedAt: numberOr(map.get('updatedAt'), 0),
    base: readBase(base as Y.Map<unknown>)
  }
}

function readBase (base: Y.Map<unknown>): SectionText[] {
  const out: Array<SectionText & { pos: number }> = []
  base.forEach((value, id) => {
    const v = value as { heading?: unknown, markdown?: unknown, pos?: unknown } | null
    if (v == null || typeof v.heading !== 'string' || typeof v.markdown !== 'string') return
    out.push({ id, heading: v.heading, markdown: v.markdown, pos: numberOr(v.pos, Number.MAX_SAFE_INTEGER) })
  })
  return out.sort((a, b) => a.pos - b.pos || (a.id < b.id ? -1 : 1)).map(({ id, heading, markdown }) => ({ id, heading, markdown }))
}

/** Change the note and reasons (already validated). */
export function updateAdaptation (doc: Y.Doc, patch: { note?: string, reasons?: AdaptationReason[] }, now: number): void {
  const map = doc.getMap<unknown>(YNAMES.adaptation)
  doc.transact(() => {
    if (patch.note !== undefined) map.set('note', patch.note)
    if (patch.reasons !== undefined) map.set('reasons', patch.reasons)
    map.set('updatedAt', now)
  })
}

/**
 * Align sections of the base with the source: each given section's base becomes its text (at its
 * position in the source), each id in `removed` leaves the base.
 */
export function alignBase (doc: Y.Doc, source: readonly SectionText[], ids: ReadonlySet<string>, now: number): void {
  const map = doc.getMap<unknown>(YNAMES.adaptation)
  const base = map.get('base')
  if (!(base instanceof Y.Map)) return
  doc.transact(() => {
    source.forEach((section, pos) => {
      if (ids.has(section.id)) base.set(section.id, { heading: section.heading, markdown: section.markdown, pos })
    })
    const inSource = new Set(source.map(s => s.id))
    for (const id of ids) if (!inSource.has(id)) base.delete(id)
    map.set('updatedAt', now)
  })
}

function stringOr (value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback
}

function numberOr (value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback
}
