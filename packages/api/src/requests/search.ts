import { InvalidInputError } from '@commonplace/core'
import type { SearchQuery } from '../search-types.ts'
import { MAX_SEARCH_PARAM_CHARS } from '../constants.ts'

const PARAMS = ['q', 'kind', 'maturity', 'status', 'owner', 'network'] as const

/** `GET /api/search?q&kind&maturity&status&owner&network`: each parameter bounded. */
export function searchQuery (query: URLSearchParams): SearchQuery {
  const result: SearchQuery = {}
  for (const name of PARAMS) {
    const value = query.get(name)
    if (value === null) continue
    if (value.length > MAX_SEARCH_PARAM_CHARS) throw new InvalidInputError(`"${name}" is too long`)
    result[name] = value
  }
  return result
}
