/**
 * What the page shows for the record's codes: kinds, maturity, status, licences and access as
 * words a person reads ("Case study", "In review"), and organisations by name.
 */
import type { Me } from './api.ts'

const KINDS: Record<string, string> = {
  practice: 'Practice',
  protocol: 'Protocol',
  procedure: 'Procedure',
  checklist: 'Checklist',
  'case-study': 'Case study',
  'lesson-learned': 'Lesson learned',
  'topic-seed': 'Topic seed',
  template: 'Template'
}

const MATURITY: Record<string, string> = { idea: 'Idea', draft: 'Draft', agreed: 'Agreed', stable: 'Stable' }

const STATUS: Record<string, string> = {
  draft: 'Draft', 'in-review': 'In review', approved: 'Approved', superseded: 'Superseded', retired: 'Retired'
}

const LICENCES: Record<string, string> = {
  'CC-BY-4.0': 'CC BY 4.0',
  'CC-BY-SA-4.0': 'CC BY-SA 4.0',
  'OGL-3.0': 'Open Government Licence v3.0',
  'network-only': 'Network only (no public licence)'
}

const ACCESS: Record<string, string> = { owner: 'ours', edit: 'we may edit', comment: 'we may comment', read: 'read only' }

/** A code nobody gave a word yet: "some-code" reads "Some code". */
function fallback (code: string): string {
  const text = code.replace(/[-_]+/g, ' ').trim()
  return text === '' ? '' : text[0].toUpperCase() + text.slice(1)
}

/** The word for a kind, maturity, status, licence or access code. */
export function wordFor (field: 'kind' | 'maturity' | 'status' | 'licence' | 'access', code: string): string {
  const table = { kind: KINDS, maturity: MATURITY, status: STATUS, licence: LICENCES, access: ACCESS }[field]
  return table[code] ?? fallback(code)
}

/** An organisation's name; this organisation's own is marked "(us)". */
export function orgLabel (orgId: string, me: Me | undefined, nameOf: (id: string) => string): string {
  return me?.orgId === orgId ? `${me.name} (us)` : nameOf(orgId)
}
