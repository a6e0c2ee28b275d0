import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '../src/index.ts'
import type { CliDeps, CliIo } from '../src/index.ts'
import type { CardView, ContactView, DocSummary, DocView, IntroductionView, InvitationView, NoticeView, JoinRequestView, LocalApi, MemberView, NetworkSummary, NodeStatus, OutstandingInvitation, PeerInfo, SearchHit, TopicView } from '../src/node-api.ts'
import type { DocId, NetworkId, OrgId } from '@commonplace/core'
import { searchQuery } from '@commonplace/api'
import type { HistoryApi, NodeEventSource, PracticeApi } from '@commonplace/api'

type CreateHttpApi = typeof import('@commonplace/node').createHttpApi
type HttpWebHook = NonNullable<import('@commonplace/node').HttpApiInit['web']>

/**
 * Only the HTTP layer of the node package, not its index (which loads libp2p and storage). A
 * computed specifier, because tsc refuses to rewrite a static cross-project `.ts` import.
 */
const { createHttpApi } = await import(new URL('../../../packages/node/src/http-api.ts', import.meta.url).href) as { createHttpApi: CreateHttpApi }

export const ORG = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN' as OrgId
export const OTHER = '12D3KooWJWoaqZhDaoEFshF7Rh1bpY9ohihFhzcW6d69Lr2NASuq' as OrgId
export const DOC = 'abcdefghijklmnopqrstuvwxyz' as DocId

export const summary: DocSummary = { id: DOC, title: 'Handwashing', owner: ORG, ownerName: 'Riverside', kind: 'practice', updatedAt: '2025-01-02T03:04:05.000Z', access: 'owner' }
export const view: DocView = {
  ...summary,
  meta: {},
  sections: [{ id: 'aaaaaaaaaaaa', heading: 'Why', markdown: 'It stops infections.', authors: [{ org: ORG, chars: 23 }] }],
  grants: [{ to: OTHER, role: 'edit', issuer: ORG, issuedAt: '2025-01-02T03:04:05.000Z' }]
}
export const peer: PeerInfo = { orgId: OTHER, name: 'Hillview', addresses: ['/ip4/192.0.2.10/tcp/7421'] }
export const status: NodeStatus = {
  orgId: ORG,
  name: 'Riverside',
  listenAddresses: ['/ip4/127.0.0.1/tcp/7421', '/ip4/127.0.0.1/tcp/7422/ws'],
  apiUrl: 'http://127.0.0.1:7420',
  peers: [peer],
  documentCount: 3
}
export const NET = 'net_7gq2m4x5k3t6v8w9y2z4a6c8e0' as NetworkId
export const TOPIC = 'tttttttttttttttttttttttttt' as DocId
export const network: NetworkSummary = { id: NET, name: 'Tampere Workplace Learning Network', visibility: 'invite', role: 'facilitator', createdBy: ORG, memberCount: 2 }
export const members: MemberView[] = [
  { orgId: ORG, name: 'Riverside', role: 'facilitator', since: '2025-01-02T03:04:05.000Z', online: true, addresses: ['/ip4/127.0.0.1/tcp/7421'] },
  { orgId: OTHER, name: 'Hillview', role: 'member', since: '2025-01-03T03:04:05.000Z', online: false, lastSeen: '2025-01-04T03:04:05.000Z', addresses: [] }
]
export const invitation: InvitationView = { id: 'inv1', code: 'cpinv1.abcdefghijklmnop', network: NET, role: 'member', expiresAt: '2025-01-09T03:04:05.000Z', uses: 1 }
export const joinRequest: JoinRequestView = { orgId: OTHER, name: 'Hillview', role: 'member', requestedAt: '2025-01-03T03:04:05.000Z' }
export const topic: TopicView = {
  id: TOPIC,
  network: NET,
  title: 'Shift planning that staff help design',
  brief: 'What works in 24/7 units?',
  createdBy: ORG,
  attachments: [{ id: DOC, title: 'Handwashing', attachedBy: ORG }]
}
export const card: CardView = {
  code: 'cpc1.WyIxMkQzS29vV0RwSjdBczdCV0F3UmZ1MVZVMldDcU5qdnEzODdKRVlLREJqNGt4Nm5YVE4iXQ',
  orgId: ORG,
  name: 'Riverside',
  addresses: ['/ip4/192.0.2.5/tcp/7421']
}
export const contacts: ContactView[] = [
  { orgId: OTHER, name: 'Hillview', status: 'contact', networks: [{ id: NET, name: 'Tampere Workplace Learning Network' }], addresses: ['/ip4/192.0.2.10/tcp/7421'], online: true, since: '2025-01-03T03:04:05.000Z' },
  { orgId: '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo' as OrgId, name: 'Lakeside', status: 'met', networks: [], addresses: [], online: false, lastSeen: '2025-01-04T03:04:05.000Z' }
]
export const introduction: IntroductionView = { orgId: OTHER, name: 'Hillview', addresses: ['/ip4/192.0.2.10/tcp/7421'], receivedAt: '2025-01-03T03:04:05.000Z', expiresAt: '2025-02-02T03:04:05.000Z' }
export const notices: NoticeView[] = [
  { id: '0001735873445000/abc', kind: 'shared', at: '2025-01-03T03:04:05.000Z', org: OTHER, orgName: 'Hillview', doc: DOC, docTitle: 'Handwashing', text: 'Hillview shared "Handwashing" with you', read: false }
]
export const outstanding: OutstandingInvitation[] = [
  { id: 'inv1', role: 'member', issuer: ORG, issuedAt: '2025-01-02T03:04:05.000Z', expiresAt: '2025-01-09T03:04:05.000Z', uses: 3, used: 1 }
]
export const hits: SearchHit[] = [
  { id: DOC, title: 'Handwashing', owner: ORG, kind: 'practice', maturity: 'agreed', status: 'approved', licence: 'CC-BY-4.0', tags: [], updatedAt: '2025-01-02T03:04:05.000Z', access: 'owner', snippet: 'Why: It stops infections the doctor sees…', marks: [[34, 40]] },
  { id: 'bbbbbbbbbbbbbbbbbbbbbbbbbb' as DocId, title: 'Night shifts', owner: OTHER, kind: 'checklist', maturity: 'draft', status: 'draft', licence: 'network-only', tags: [], updatedAt: '2025-01-01T03:04:05.000Z', access: 'read' }
]
export const markdown = '---\nid: abcdefghijklmnopqrstuvwxyz\n---\n# Handwashing\n\n## Why\n\nIt stops infections.\n'

export interface Call { method: string, args: unknown[] }

/** The node's local API, and the search its web part adds (`search`, served only when the fake node has it). */
export type FakeApi = LocalApi & { calls: Call[], failWith?: unknown, search: (query: Record<string, string>) => Promise<SearchHit[]> }

/** A LocalApi that records calls and answers canned values, or throws `failWith`. */
export function fakeApi (): FakeApi {
  const fake: { calls: Call[], failWith?: unknown } = { calls: [] }
  const answer = <T>(method: string, value: T) => async (...args: unknown[]): Promise<T> => {
    fake.calls.push({ method, args: args.filter(a => !(a != null && typeof a === 'object' && 'signal' in a)) })
    if (fake.failWith !== undefined) throw fake.failWith
    return structuredClone(value)
  }
  return Object.assign(fake, {
    status: answer('status', status),
    connect: answer('connect', peer),
    peers: answer('peers', [peer]),
    listDocs: answer('listDocs', [summary, { ...summary, id: 'bbbbbbbbbbbbbbbbbbbbbbbbbb' as DocId, title: 'A very long title that will certainly be cut short in the table', owner: OTHER, ownerName: undefined, kind: 'policy', access: 'read' as const }]),
    createDoc: answer('createDoc', summary),
    getDoc: answer('getDoc', view),
    exportMarkdown: answer('exportMarkdown', markdown),
    editDoc: answer('editDoc', summary),
    share: answer('share', view),
    unshare: answer('unshare', view),
    createNetwork: answer('createNetwork', network),
    listNetworks: answer('listNetworks', [network]),
    invite: answer('invite', invitation),
    invitations: answer('invitations', outstanding),
    join: answer('join', { network: { ...network, role: 'member' as const }, status: 'joined' as const }),
    members: answer('members', members),
    requests: answer('requests', [joinRequest]),
    accept: answer('accept', members),
    removeMember: answer('removeMember', members.slice(0, 1)),
    leave: answer('leave', { ...network, role: 'removed' as const }),
    createTopic: answer('createTopic', topic),
    listTopics: answer('listTopics', [topic]),
    attachToTopic: answer('attachToTopic', topic),
    card: answer('card', card),
    contacts: answer('contacts', contacts),
    addContact: answer('addContact', { ...contacts[0], status: 'awaiting' as const }),
    introductions: answer('introductions', [introduction]),
    acceptContact: answer('acceptContact', contacts[0]),
    removeContact: answer('removeContact', contacts.slice(1)),
    notices: answer('notices', notices),
    readNotices: answer('readNotices', notices.map(n => ({ ...n, read: true }))),
    search: answer('search', hits),
    // the practice commands are exercised against real nodes (test/e2e/practice.spec.ts)
    ...Object.fromEntries(PRACTICE_METHODS.map(name => [name, answer(name, {})])) as unknown as PracticeApi & HistoryApi
  })
}

const PRACTICE_METHODS = [
  'adapt', 'family', 'adaptation', 'editAdaptation', 'upstream', 'takeUpstream', 'dismissUpstream', 'propose', 'proposals', 'proposal',
  'acceptProposal', 'declineProposal', 'setAdoption', 'adoption', 'diffusion',
  // and the history commands (test/e2e/history.spec.ts)
  'comments', 'addComment', 'replyComment', 'setCommentState', 'versions', 'takeVersion', 'diff', 'restore', 'activity'
] as const

export const TOKEN = 'cli-test-token-0123456789abcdef'

export interface FakeNode {
  dataDir: string
  api: FakeApi
  url: string
  stopServer(): Promise<void>
  cleanup(): Promise<void>
}

/**
 * A data folder with node.json and api-token, pointing at a real HTTP API over a fake LocalApi;
 * with a web part that serves `GET /api/search` from `api.search` unless `web` is false.
 */
export async function startFakeNode (events?: NodeEventSource, options: { web?: boolean } = {}): Promise<FakeNode> {
  const dataDir = await mkdtemp(join(tmpdir(), 'commonplace-cli-'))
  const api = fakeApi()
  const web = options.web === false ? undefined : searchOnlyWeb(api)
  const server = createHttpApi({ api, token: TOKEN, port: 0, ...(events == null ? {} : { events }), ...(web == null ? {} : { web }) })
  const { url } = await server.start()
  await writeFile(join(dataDir, 'node.json'), JSON.stringify({ orgId: ORG, name: 'Riverside', listen: status.listenAddresses, api: url, pid: process.pid }))
  await writeFile(join(dataDir, 'api-token'), TOKEN + '\n', { mode: 0o600 })
  return {
    dataDir,
    api,
    url,
    stopServer: async () => { await server.stop() },
    cleanup: async () => {
      await server.stop()
      await rm(dataDir, { recursive: true, force: true })
    }
  }
}

/** The web part reduced to its search route (the page's files and sessions are not the CLI's). */
function searchOnlyWeb (api: FakeApi): HttpWebHook {
  return {
    serve: async () => false,
    session: () => undefined,
    upgrade: (_req, socket) => { socket.destroy() },
    watchSession: () => () => {},
    routes: [{ method: 'GET', path: '/api/search', input: { query: searchQuery }, handle: async ({ input }) => await api.search(input) }]
  }
}

export interface RunResult {
  code: number
  stdout: string
  stderr: string
  json: any
}

/** Run the CLI in-process with captured output. */
export async function run (argv: string[], options: { env?: Record<string, string | undefined>, cwd?: string, signal?: AbortSignal, deps?: CliDeps } = {}): Promise<RunResult> {
  let stdout = ''
  let stderr = ''
  const io: CliIo = {
    stdout: { write: (text: string) => { stdout += text } },
    stderr: { write: (text: string) => { stderr += text } },
    env: options.env ?? { HOME: '/nonexistent-home' },
    cwd: options.cwd ?? '/',
    signal: options.signal
  }
  const code = await runCli(argv, io, options.deps)
  let json: unknown
  try { json = JSON.parse(stdout) } catch { json = undefined }
  return { code, stdout, stderr, json }
}
