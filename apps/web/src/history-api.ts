/**
 * The node's conversation and history routes as the page calls them (docs/history.md): comments,
 * versions, diffs, restores and the activity feed. The types are the API's own (@commonplace/api, type-only import).
 */
import { request } from './api.ts'
import type { ActivityItem, AddCommentRequest, DiffView, ThreadView, VersionRef, VersionView } from '@commonplace/api'

export type { ActivityItem, CommentView, DiffView, ThreadView, VersionRef, VersionView } from '@commonplace/api'

const doc = (id: string): string => `/api/docs/${encodeURIComponent(id)}`
const thread = (id: string): string => `/api/comments/${encodeURIComponent(id)}`

export const historyApi = {
  comments: async (id: string) => await request<ThreadView[]>('GET', `${doc(id)}/comments`),
  addComment: async (id: string, body: AddCommentRequest) => await request<ThreadView>('POST', `${doc(id)}/comments`, body),
  reply: async (id: string, text: string) => await request<ThreadView>('POST', `${thread(id)}/replies`, { text }),
  setState: async (id: string, state: 'open' | 'resolved') => await request<ThreadView>('POST', `${thread(id)}/state`, { state }),
  versions: async (id: string) => await request<VersionView[]>('GET', `${doc(id)}/versions`),
  takeVersion: async (id: string, label: string) => await request<VersionView>('POST', `${doc(id)}/versions`, { label }),
  diff: async (id: string, from: VersionRef) => await request<DiffView>('GET', `${doc(id)}/diff?from=${encodeURIComponent(from)}`),
  restore: async (id: string, version: VersionRef, section?: string) =>
    await request<VersionView>('POST', `${doc(id)}/restore`, section != null ? { version, section } : { version }),
  activity: async (limit = 30) => await request<ActivityItem[]>('GET', `/api/activity?limit=${limit}`)
}
