import { InvalidInputError, parseSectionId } from '@commonplace/core'
import type { OrgId, SectionId } from '@commonplace/core'
import { RECORD_DEFAULTS } from './constants.ts'
import { validatePatch } from './meta.ts'
import type { MetaPatch, RecordInit, SectionInit } from './types.ts'
import { markdownText, orgId, plainObject, shortText, timestamp } from './validate.ts'

/** A `RecordInit` checked and normalised, ready to write. */
export interface ValidInit {
  meta: Record<string, unknown>
  tags: string[]
  sections: ValidSection[]
}

export interface ValidSection {
  /** Set when the init names the id (a variant keeps its source's section ids). */
  id?: SectionId
  heading: string
  markdown?: string
  locked: boolean
}

/**
 * Check a record's init against the constants and limits; writes nothing.
 * @throws InvalidInputError
 */
export function validateInit (init: RecordInit): ValidInit {
  const { owner, sections, now, title, ...rest } = plainObject(init, 'init') as unknown as RecordInit
  const time = timestamp(now)
  const writes = validatePatch({ ...rest as MetaPatch, title: shortText(title, 'title') })
  const meta: Record<string, unknown> = { ...RECORD_DEFAULTS, owner: orgId(owner, 'owner') satisfies OrgId, created: time, updated: time }
  for (const [key, value] of Object.entries(writes.values)) {
    if (value !== null) meta[key] = value
  }
  return { meta, tags: writes.tags ?? [], sections: validateSections(sections) }
}

const SECTION_KEYS = new Set(['id', 'heading', 'markdown', 'locked'])

function validateSections (sections: unknown): ValidSection[] {
  if (sections === undefined) return []
  if (!Array.isArray(sections)) throw new InvalidInputError('sections must be an array')
  return sections.map((value, i) => {
    const section = plainObject(value, `sections[${i}]`) as unknown as SectionInit
    const unknown = Object.keys(section).find(key => !SECTION_KEYS.has(key))
    if (unknown !== undefined) throw new InvalidInputError(`sections[${i}] has an unknown field: ${unknown}`)
    if (section.locked !== undefined && typeof section.locked !== 'boolean') {
      throw new InvalidInputError(`sections[${i}].locked must be a boolean`)
    }
    return {
      ...(section.id !== undefined ? { id: parseSectionId(section.id) } : {}),
      heading: shortText(section.heading, `sections[${i}].heading`),
      markdown: markdownText(section.markdown, `sections[${i}].markdown`),
      locked: section.locked === true
    }
  })
}
