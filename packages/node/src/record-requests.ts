/**
 * The record changes a local API request asks for, as plain functions of the request: the node
 * runs them on its own thread for small requests and in the Markdown worker for large ones
 * (markdown-worker.ts), so both paths build the same record.
 */
import type * as Y from 'yjs'
import { InvalidInputError } from '@commonplace/core'
import type { OrgId } from '@commonplace/core'
import { appendSection, appendToSection, markdownToRecordInit, setTitle } from '@commonplace/record'
import type { RecordInit } from '@commonplace/record'
import type { CreateDocRequest, EditDocRequest } from '@commonplace/api'

/** The record a create request describes (its Markdown parsed, then its fields on top). */
export function toRecordInit (request: CreateDocRequest, owner: OrgId): RecordInit {
  if (request == null || typeof request !== 'object') throw new InvalidInputError('Expected a document')
  const base: RecordInit = typeof request.markdown === 'string'
    ? markdownToRecordInit(request.markdown, owner)
    : { title: '', owner }
  const sections = [...(base.sections ?? []), ...(request.sections ?? []).map(s => ({ heading: s.heading, markdown: s.text }))]
  return {
    ...base,
    owner,
    title: request.title ?? base.title,
    ...(request.kind != null ? { kind: request.kind as RecordInit['kind'] } : {}),
    sections
  }
}

export function applyEdit (doc: Y.Doc, request: EditDocRequest, now: number): void {
  if (request.title != null) setTitle(doc, request.title, now)
  for (const s of request.appendSections ?? []) appendSection(doc, s.heading, s.text, now)
  if (request.append != null) appendToSection(doc, request.append.section, request.append.text, now)
}

/**
 * Characters of text in a request (Markdown, headings, titles): what its cost grows with. Counted
 * on the parsed JSON body, whose size the HTTP layer has already bounded.
 */
export function textSize (request: unknown): number {
  let size = 0
  const stack: unknown[] = [request]
  while (stack.length > 0) {
    const value = stack.pop()
    if (typeof value === 'string') size += value.length
    else if (value != null && typeof value === 'object') for (const item of Object.values(value)) stack.push(item)
  }
  return size
}
