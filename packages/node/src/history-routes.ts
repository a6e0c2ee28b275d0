/**
 * The conversation and history routes (docs/history.md): each validates its body's shape before it
 * calls the HistoryApi.
 */
import { InvalidInputError } from '@commonplace/core'
import type { HistoryApi, VersionRef } from './history-api-types.ts'
import type { Route } from './api-routes.ts'
import { object, optionalString, route, string } from './request-body.ts'

export function historyRoutes (api: HistoryApi): Route[] {
  const doc = '/api/docs/([^/]+)'
  const comment = '/api/comments/([^/]+)'
  return [
    route('GET', `${doc}/comments`, async ({ params }) => ({ json: await api.comments(params[0]) })),
    route('POST', `${doc}/comments`, async ({ params, body }) => {
      const value = object(await body(), ['section', 'quote', 'text'])
      return { status: 201, json: await api.addComment(params[0], { section: string(value.section, 'section'), text: string(value.text, 'text'), ...optionalString(value.quote, 'quote') }) }
    }),
    route('POST', `${comment}/replies`, async ({ params, body }) => {
      const value = object(await body(), ['text'])
      return { status: 201, json: await api.replyComment(params[0], { text: string(value.text, 'text') }) }
    }),
    route('POST', `${comment}/state`, async ({ params, body }) => {
      const value = object(await body(), ['state'])
      if (value.state !== 'open' && value.state !== 'resolved') throw new InvalidInputError('"state" is open or resolved')
      return { json: await api.setCommentState(params[0], value.state) }
    }),
    route('GET', `${doc}/versions`, async ({ params }) => ({ json: await api.versions(params[0]) })),
    route('POST', `${doc}/versions`, async ({ params, body }) => {
      const value = object(await body(), ['label'])
      return { status: 201, json: await api.takeVersion(params[0], { label: string(value.label, 'label') }) }
    }),
    route('GET', `${doc}/diff`, async ({ params, query }) => {
      const to = query.get('to')
      return { json: await api.diff(params[0], versionRef(query.get('from'), 'from'), to === null ? undefined : versionRef(to, 'to')) }
    }),
    route('POST', `${doc}/restore`, async ({ params, body }) => {
      const value = object(await body(), ['version', 'section'])
      const version = typeof value.version === 'number' ? value.version : versionRef(typeof value.version === 'string' ? value.version : null, 'version')
      return { json: await api.restore(params[0], { version, ...optionalString(value.section, 'section') }) }
    }),
    route('GET', '/api/activity', async ({ query }) => {
      const limit = query.get('limit')
      if (limit !== null && !/^\d{1,4}$/.test(limit)) throw new InvalidInputError('"limit" must be a whole number')
      return { json: await api.activity({ ...(query.get('since') !== null ? { since: query.get('since') as string } : {}), ...(limit !== null ? { limit: Number(limit) } : {}) }) }
    })
  ]
}

/** A version number (this node's), or a shared version's id (base32). */
function versionRef (value: string | null, name: string): VersionRef {
  if (value !== null && /^\d{1,9}$/.test(value)) return Number(value)
  if (value !== null && /^[a-z2-7]{8,32}$/.test(value)) return value
  throw new InvalidInputError(`"${name}" must be a version number or a shared version's id`)
}
