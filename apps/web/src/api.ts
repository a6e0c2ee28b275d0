import type { SearchHit } from '../../../packages/node/src/web/search.ts'

/**
 * The node's local API as the page uses it: same origin, the session cookie, JSON. Every failure
 * becomes an {@link ApiError} whose message a person can act on.
 */

/** A document in a search answer: the node's type (a type-only import, nothing of the node's code). */
export type DocHit = SearchHit

export interface Grant { to: string, role: 'read' | 'edit' | 'none', issuer: string, issuedAt: string }

export interface DocView {
  id: string
  title: string
  owner: string
  access: 'owner' | 'edit' | 'read'
  grants: Grant[]
}

export interface Peer { orgId: string, name?: string, addresses: string[] }

export interface Me { orgId: string, name: string }

export interface Network { id: string, name: string, visibility: 'invite' | 'approval', role: 'facilitator' | 'member' | 'pending' | 'removed', createdBy: string, memberCount: number }
export interface Member { orgId: string, name: string, role: 'facilitator' | 'member', since: string, online: boolean, lastSeen?: string }
export interface Invitation { code: string, network: string, role: string, expiresAt: string, uses: number }
export interface Topic { id: string, network: string, title: string, brief: string, createdBy: string, attachments: Array<{ id: string, title?: string, attachedBy: string }> }

export class ApiError extends Error {
  readonly code: string
  constructor (message: string, code: string) {
    super(message)
    this.name = 'ApiError'
    this.code = code
  }
}

const FRIENDLY: Record<string, string> = {
  ERR_UNAUTHORISED: 'You are not logged in to this node. Open the login link that `commonplace start` printed.',
  ERR_READ_ONLY: 'Your organisation has read access only to this document.',
  ERR_FORBIDDEN: 'This node refused the request.',
  ERR_NOT_FOUND: 'This node does not hold that document.',
  ERR_INVITATION_EXPIRED: 'This invitation code has expired. Ask the network\'s facilitator for a new one.',
  ERR_INVITATION_USED: 'This invitation code has been used already. Ask the network\'s facilitator for a new one.',
  ERR_INVITATION_INVALID: 'This is not a valid invitation code. Check that it was copied whole.',
  ERR_CONNECTION_FAILED: 'No member of that network could be reached. Try again when one of them is online.'
}

async function request<T> (method: string, path: string, body?: unknown): Promise<T> {
  let res: Response
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body !== undefined ? { 'Content-Type': 'application/json' } : {},
      body: body !== undefined ? JSON.stringify(body) : undefined
    })
  } catch {
    throw new ApiError('The node is unreachable. Is it running? Your edits are kept in this browser until it is back.', 'ERR_UNREACHABLE')
  }
  const type = res.headers.get('content-type') ?? ''
  if (!res.ok) {
    let code = `HTTP_${res.status}`
    let message = `The node answered ${res.status}.`
    if (type.includes('json')) {
      const err = (await res.json() as { error?: { code?: string, message?: string } }).error
      code = err?.code ?? code
      message = err?.message ?? message
    }
    throw new ApiError(FRIENDLY[code] != null && code !== 'ERR_FORBIDDEN' ? FRIENDLY[code] : message, code)
  }
  return (type.includes('json') ? await res.json() : await res.text()) as T
}

export const api = {
  me: async () => await request<Me>('GET', '/api/web/me'),
  search: async (query: Record<string, string>) => {
    const params = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== ''))
    return await request<DocHit[]>('GET', `/api/search?${params.toString()}`)
  },
  getDoc: async (id: string) => await request<DocView>('GET', `/api/docs/${encodeURIComponent(id)}`),
  createDoc: async (body: { title?: string, kind?: string, sections?: Array<{ heading: string, text: string }>, markdown?: string }) =>
    await request<{ id: string, title: string }>('POST', '/api/docs', body),
  markdown: async (id: string) => await request<string>('GET', `/api/docs/${encodeURIComponent(id)}/markdown`),
  share: async (id: string, to: string, role: 'read' | 'edit') =>
    await request<DocView>('POST', `/api/docs/${encodeURIComponent(id)}/share`, { with: to, role }),
  unshare: async (id: string, to: string) =>
    await request<DocView>('DELETE', `/api/docs/${encodeURIComponent(id)}/share/${encodeURIComponent(to)}`),
  peers: async () => await request<Peer[]>('GET', '/api/peers'),
  networks: async () => await request<Network[]>('GET', '/api/networks'),
  createNetwork: async (name: string, visibility: 'invite' | 'approval') => await request<Network>('POST', '/api/networks', { name, visibility }),
  invite: async (network: string) => await request<Invitation>('POST', `/api/networks/${encodeURIComponent(network)}/invitations`, {}),
  join: async (code: string) => await request<{ network: Network, status: 'joined' | 'pending' }>('POST', '/api/networks/join', { code }),
  members: async (network: string) => await request<Member[]>('GET', `/api/networks/${encodeURIComponent(network)}/members`),
  topics: async (network: string) => await request<Topic[]>('GET', `/api/networks/${encodeURIComponent(network)}/topics`),
  createTopic: async (network: string, title: string, brief: string) =>
    await request<Topic>('POST', `/api/networks/${encodeURIComponent(network)}/topics`, { title, brief }),
  attach: async (network: string, topic: string, doc: string) =>
    await request<Topic>('POST', `/api/networks/${encodeURIComponent(network)}/topics/${encodeURIComponent(topic)}/attachments`, { doc }),
  stateVector: async (id: string) => await request<{ stateVector: string }>('GET', `/api/web/docs/${encodeURIComponent(id)}/state`)
}

export function errorText (err: unknown): string {
  return err instanceof ApiError ? err.message : 'Something went wrong. Try again; if it persists, see the node log.'
}
