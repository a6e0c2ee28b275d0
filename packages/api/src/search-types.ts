/** Types of the search route (`GET /api/search`, docs/web.md). */
import type { DocId, OrgId } from '@commonplace/core'

/** One document in a search answer. */
export interface SearchHit {
  id: DocId
  title: string
  owner: OrgId
  kind: string
  maturity: string
  status: string
  licence: string
  tags: string[]
  reviewBy?: string
  updatedAt: string
  access: string
  /** Plain text around the first match, when a query was given. */
  snippet?: string
  /** Where the query's words are in `snippet`: [start, end) pairs of code-unit offsets. */
  marks?: Array<[number, number]>
}

export interface SearchQuery {
  q?: string
  kind?: string
  maturity?: string
  status?: string
  owner?: string
  /** Only documents shared with this learning network. */
  network?: string
}
