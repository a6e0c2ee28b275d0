import { CommonplaceError, errorFromCode } from '@commonplace/core'
import { REFUSALS, SearchUnavailableError } from './errors.ts'
import type { CliApi, SearchQuery } from './node-api.ts'

export interface ApiClientInit {
  /** The node's local API, e.g. http://127.0.0.1:7420 */
  url: string
  token: string
  /** Per request; default 15 s. */
  timeoutMs?: number
  /** For `connect` and `network join`, which dial a remote peer; default 60 s. */
  connectTimeoutMs?: number
  fetch?: typeof globalThis.fetch
}

interface RequestOptions {
  body?: unknown
  text?: boolean
  timeoutMs?: number
  signal?: AbortSignal
}

/** A {@link CliApi} that calls a node's HTTP API. */
export function createApiClient (init: ApiClientInit): CliApi {
  const base = init.url.replace(/\/+$/, '')
  const doFetch = init.fetch ?? globalThis.fetch
  const timeoutMs = init.timeoutMs ?? 15_000

  async function request<T> (method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const ms = options.timeoutMs ?? timeoutMs
    const timeout = AbortSignal.timeout(ms)
    const signal = options.signal == null ? timeout : AbortSignal.any([timeout, options.signal])
    const headers: Record<string, string> = {
      authorization: `Bearer ${init.token}`,
      accept: options.text === true ? 'text/markdown' : 'application/json'
    }
    if (options.body !== undefined) headers['content-type'] = 'application/json'
    let res: Response
    try {
      res = await doFetch(base + path, { method, headers, signal, body: options.body === undefined ? undefined : JSON.stringify(options.body) })
    } catch (err) {
      throw networkError(err, base, ms, timeout)
    }
    if (!res.ok) throw await errorFromResponse(res)
    try {
      return (options.text === true ? await res.text() : await res.json()) as T
    } catch (err) {
      if (timeout.aborted || options.signal?.aborted === true) throw networkError(err, base, ms, timeout)
      throw new CommonplaceError(`The node at ${base} sent an unreadable answer`, 'ERR_BAD_RESPONSE', { cause: err })
    }
  }

  const doc = (id: string): string => `/api/docs/${encodeURIComponent(id)}`
  const net = (id: string): string => `/api/networks/${encodeURIComponent(id)}`
  /** Joining dials a member of the network, like `connect`. */
  const dialTimeoutMs = init.connectTimeoutMs ?? 60_000

  return {
    status: async () => request('GET', '/api/status'),
    connect: async (multiaddr, options) => request('POST', '/api/connect', { body: { multiaddr }, timeoutMs: init.connectTimeoutMs ?? 60_000, signal: options?.signal }),
    peers: async () => request('GET', '/api/peers'),
    listDocs: async () => request('GET', '/api/docs'),
    createDoc: async (body) => request('POST', '/api/docs', { body }),
    getDoc: async (id) => request('GET', doc(id)),
    exportMarkdown: async (id) => request('GET', `${doc(id)}/markdown`, { text: true }),
    editDoc: async (id, body) => request('PATCH', doc(id), { body }),
    share: async (id, body) => request('POST', `${doc(id)}/share`, { body }),
    unshare: async (id, org) => request('DELETE', `${doc(id)}/share/${encodeURIComponent(org)}`),

    createNetwork: async (body) => request('POST', '/api/networks', { body }),
    listNetworks: async () => request('GET', '/api/networks'),
    invite: async (id, body) => request('POST', `${net(id)}/invitations`, { body }),
    invitations: async (id) => request('GET', `${net(id)}/invitations`),
    join: async (code, options) => request('POST', '/api/networks/join', { body: { code }, timeoutMs: dialTimeoutMs, signal: options?.signal }),
    members: async (id) => request('GET', `${net(id)}/members`),
    requests: async (id) => request('GET', `${net(id)}/requests`),
    accept: async (id, org) => request('POST', `${net(id)}/requests/${encodeURIComponent(org)}/accept`),
    removeMember: async (id, org) => request('DELETE', `${net(id)}/members/${encodeURIComponent(org)}`),
    leave: async (id) => request('POST', `${net(id)}/leave`),
    createTopic: async (id, body) => request('POST', `${net(id)}/topics`, { body }),
    listTopics: async (id) => request('GET', `${net(id)}/topics`),
    attachToTopic: async (id, topic, docId) => request('POST', `${net(id)}/topics/${encodeURIComponent(topic)}/attachments`, { body: { doc: docId } }),

    card: async () => request('GET', '/api/card'),
    contacts: async () => request('GET', '/api/contacts'),
    /** Adding a card dials the other node (the introduction), like `connect`. */
    addContact: async (body, options) => request('POST', '/api/contacts', { body, timeoutMs: dialTimeoutMs, signal: options?.signal }),
    introductions: async () => request('GET', '/api/introductions'),
    acceptContact: async (org, options) => request('POST', `/api/contacts/${encodeURIComponent(org)}/accept`, { timeoutMs: dialTimeoutMs, signal: options?.signal }),
    removeContact: async (org) => request('DELETE', `/api/contacts/${encodeURIComponent(org)}`),
    notices: async () => request('GET', '/api/notices'),
    readNotices: async (ids) => request('POST', '/api/notices/read', { body: ids == null ? {} : { ids } }),

    adapt: async (id, body) => request('POST', `${doc(id)}/adapt`, { body }),
    family: async (id) => request('GET', `${doc(id)}/family`),
    adaptation: async (id) => request('GET', `${doc(id)}/adaptation`),
    editAdaptation: async (id, body) => request('PATCH', `${doc(id)}/adaptation`, { body }),
    upstream: async (id) => request('GET', `${doc(id)}/upstream`),
    takeUpstream: async (id, body) => request('POST', `${doc(id)}/upstream/take`, { body }),
    dismissUpstream: async (id, body) => request('POST', `${doc(id)}/upstream/dismiss`, { body }),
    propose: async (id, body) => request('POST', `${doc(id)}/proposals`, { body }),
    previewProposal: async (id, body) => request('GET', `${doc(id)}/proposals/preview${(body?.sections ?? []).map((s, i) => `${i === 0 ? '?' : '&'}section=${encodeURIComponent(s)}`).join('')}`),
    proposals: async (docId) => request('GET', docId == null ? '/api/proposals' : `/api/proposals?doc=${encodeURIComponent(docId)}`),
    proposal: async (id) => request('GET', `/api/proposals/${encodeURIComponent(id)}`),
    acceptProposal: async (id, body) => request('POST', `/api/proposals/${encodeURIComponent(id)}/accept`, { body }),
    declineProposal: async (id, body) => request('POST', `/api/proposals/${encodeURIComponent(id)}/decline`, { body }),
    setAdoption: async (body) => request('POST', '/api/adoption', { body }),
    adoption: async (id) => request('GET', `${doc(id)}/adoption`),
    diffusion: async (id, options) => request('GET', `${net(id)}/diffusion${options?.quietWeeks == null ? '' : `?quietWeeks=${options.quietWeeks}`}`),
    comments: async (id) => request('GET', `${doc(id)}/comments`),
    addComment: async (id, body) => request('POST', `${doc(id)}/comments`, { body }),
    replyComment: async (thread, body) => request('POST', `/api/comments/${encodeURIComponent(thread)}/replies`, { body }),
    setCommentState: async (thread, state) => request('POST', `/api/comments/${encodeURIComponent(thread)}/state`, { body: { state } }),
    versions: async (id) => request('GET', `${doc(id)}/versions`),
    takeVersion: async (id, body) => request('POST', `${doc(id)}/versions`, { body }),
    diff: async (id, from, to) => request('GET', `${doc(id)}/diff?from=${from}${to == null ? '' : `&to=${to}`}`),
    restore: async (id, body) => request('POST', `${doc(id)}/restore`, { body }),
    activity: async (options) => request('GET', `/api/activity${activityQuery(options)}`),

    loginLink: async () => request('POST', '/api/web/login-links'),
    people: async () => request('GET', '/api/people'),
    invitePerson: async (body) => request('POST', '/api/people/invitations', { body }),
    setPersonRole: async (person, role) => request('PATCH', `/api/people/${encodeURIComponent(person)}`, { body: { role } }),
    removePerson: async (person) => request('DELETE', `/api/people/${encodeURIComponent(person)}`),

    search: async (query) => {
      try {
        return await request('GET', `/api/search?${searchParams(query)}`)
      } catch (err) {
        // the route itself is missing: search never answers ERR_NOT_FOUND
        if ((err as { code?: unknown })?.code === 'ERR_NOT_FOUND') throw new SearchUnavailableError(base, { cause: err })
        throw err
      }
    }
  }
}

function searchParams (query: SearchQuery): string {
  const entries = Object.entries(query).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '')
  return new URLSearchParams(entries).toString()
}

async function errorFromResponse (res: Response): Promise<CommonplaceError> {
  const body = await res.json().catch(() => undefined) as { error?: { code?: unknown, message?: unknown } } | undefined
  const code = typeof body?.error?.code === 'string' ? body.error.code : `ERR_HTTP_${res.status}`
  const message = typeof body?.error?.message === 'string' && body.error.message !== ''
    ? body.error.message
    : REFUSALS[code]?.message ?? `The node answered HTTP ${res.status} ${res.statusText}`
  // rebuilt as the named core error where one exists
  return errorFromCode(code, message)
}

/** Turn a fetch failure into a CommonplaceError. */
function networkError (err: unknown, url: string, ms: number, timeout: AbortSignal): CommonplaceError {
  if (timeout.aborted) {
    return new CommonplaceError(`The node at ${url} did not answer within ${ms / 1000} s`, 'ERR_TIMEOUT', { cause: err })
  }
  if ((err as Error)?.name === 'AbortError') {
    return new CommonplaceError('The request was aborted', 'ABORT_ERR', { cause: err })
  }
  const cause = (err as { cause?: { code?: string } })?.cause
  if (cause?.code === 'ECONNREFUSED') {
    return new CommonplaceError(`Nothing answers at ${url}`, 'ERR_CONNECTION_REFUSED', { cause: err })
  }
  const detail = cause?.code ?? (err as Error)?.message ?? String(err)
  return new CommonplaceError(`Cannot reach the node at ${url} (${detail})`, 'ERR_NODE_UNREACHABLE', { cause: err })
}

/** `?since=…&limit=…` of an activity request, or nothing. */
function activityQuery (options: { since?: string, limit?: number } = {}): string {
  const params = new URLSearchParams()
  if (options.since != null) params.set('since', options.since)
  if (options.limit != null) params.set('limit', String(options.limit))
  const text = params.toString()
  return text === '' ? '' : `?${text}`
}
