/**
 * The conversation and history routes (docs/history.md): each request goes through its
 * validator (@commonplace/api) before the HistoryApi is called.
 */
import {
  activityQuery, addCommentRequest, commentStateRequest, diffQuery, replyRequest, restoreRequest, takeVersionRequest
} from '@commonplace/api'
import type { HistoryApi } from '@commonplace/api'
import { route, writer } from './api-routes.ts'
import type { Route } from './api-routes.ts'

export function historyRoutes (api: HistoryApi): Route[] {
  const doc = '/api/docs/([^/]+)'
  const comment = '/api/comments/([^/]+)'
  return [
    route('GET', `${doc}/comments`, async ({ params }) => ({ json: await api.comments(params[0]) })),
    route('POST', `${doc}/comments`, { body: addCommentRequest }, async ({ params, input, caller }) => ({ status: 201, json: await api.addComment(params[0], input, writer(caller)) })),
    route('POST', `${comment}/replies`, { body: replyRequest }, async ({ params, input, caller }) => ({ status: 201, json: await api.replyComment(params[0], input, writer(caller)) })),
    route('POST', `${comment}/state`, { body: commentStateRequest }, async ({ params, input, caller }) => ({ json: await api.setCommentState(params[0], input.state, writer(caller)) })),
    route('GET', `${doc}/versions`, async ({ params }) => ({ json: await api.versions(params[0]) })),
    route('POST', `${doc}/versions`, { body: takeVersionRequest }, async ({ params, input, caller }) => ({ status: 201, json: await api.takeVersion(params[0], input, writer(caller)) })),
    route('GET', `${doc}/diff`, { query: diffQuery }, async ({ params, input }) => ({ json: await api.diff(params[0], input.from, input.to) })),
    route('POST', `${doc}/restore`, { body: restoreRequest }, async ({ params, input, caller }) => ({ json: await api.restore(params[0], input, writer(caller)) })),
    route('GET', '/api/activity', { query: activityQuery }, async ({ input }) => ({ json: await api.activity(input) }))
  ]
}
