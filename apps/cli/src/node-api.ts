/**
 * What the CLI needs from '@commonplace/node', and the local API's types from its contract
 * package, '@commonplace/api'. The node itself (libp2p, storage…) is loaded on demand by `init`
 * and `start`, so client commands start fast.
 */
import type { InvitePersonRequest, LocalApi, PersonInvitation, PersonRole, PersonView, SearchHit, SearchQuery } from '@commonplace/api'

export type {
  CreateDocRequest, DeliveryView, DocSummary, DocView, EditDocRequest, LocalApi, NodeStatus, PeerInfo, ShareRequest,
  CreateNetworkRequest, InvitationView, InviteRequest, JoinRequestView, JoinResult, MemberView, NetworkRole,
  NetworkSummary, NetworkVisibility, TopicView, CardView, ContactView, IntroductionView, NoticeView, AddContactRequest,
  OutstandingInvitation, SearchHit, SearchQuery, AdaptationView, DiffusionView, FamilyNode, FamilyView, ProposalView,
  SectionChangeView, UpstreamView, AdoptionView, AdoptionStateName, AdaptationReason,
  ThreadView, CommentView, VersionView, DiffView, ActivityItem, PersonView, PersonRole, PersonInvitation
} from '@commonplace/api'

/**
 * What the CLI calls on a running node: the local API, and the search that the node's web part
 * adds to it (`GET /api/search`, behind the same token check).
 */
export interface CliApi extends LocalApi {
  /** Refused with ERR_SEARCH_UNAVAILABLE when the node runs without its web part. */
  search(query: SearchQuery): Promise<SearchHit[]>
  /** A fresh one-time admin link for the web app (`POST /api/web/login-links`). */
  loginLink(): Promise<{ url: string }>
  /** The organisation's people (docs/people.md); the CLI acts as the node's administrator. */
  people(): Promise<PersonView[]>
  invitePerson(request: InvitePersonRequest): Promise<PersonInvitation>
  setPersonRole(person: string, role: PersonRole): Promise<PersonView>
  removePerson(person: string): Promise<{ removed: true }>
}

export interface InitNodeOptions {
  dataDir: string
  name?: string
}

export interface InitNodeResult {
  orgId: string
  name: string
  created: boolean
}

export interface CreateNodeOptions {
  dataDir: string
  name?: string
  listen?: string[]
  /** Addresses peers are told instead of the listen addresses. */
  announce?: string[]
  http?: { host: string, port: number }
  /** The address people's browsers use (needed beyond loopback; the outside address behind a proxy). */
  publicUrl?: string
  /** HTTPS with these PEM files (else a self-made certificate when the public URL is https). */
  tls?: { certFile: string, keyFile: string }
  /** Find members on the local network with mDNS (default true). */
  mdns?: boolean
  /** Serve as a circuit relay v2 for members behind NAT. */
  relay?: boolean
  /** The built web app's folder (apps/web/dist), served to browsers. */
  web?: { root: string }
}

/** The running node as the CLI sees it. */
export interface RunningNode {
  start(): Promise<void>
  stop(): Promise<void>
  readonly orgId: string
  readonly name: string
  listenAddresses(): string[]
  readonly apiUrl: string
  readonly api: LocalApi
  /** A fresh one-time login link for the web app; undefined without it. */
  loginLink?(): string | undefined
  /** Where browsers reach the node. */
  readonly publicUrl?: string
  /** The HTTPS certificate's fingerprint, whether the node made it, and made it now. */
  readonly tls?: { fingerprint: string, selfMade: boolean, created: boolean }
  /** What happens at the node (documents, peers, rosters); returns the unsubscribe function. */
  events?: (listener: (event: { type: string }) => void) => () => void
}

/** The two entry points of '@commonplace/node' the CLI calls. */
export interface NodeModule {
  initNode(options: InitNodeOptions): Promise<InitNodeResult>
  createNode(options: CreateNodeOptions): Promise<RunningNode>
}

/** Load the node package (heavy: libp2p and storage) only when a command needs it. */
export async function loadNodeModule (): Promise<NodeModule> {
  const { initNode, createNode } = await import('@commonplace/node')
  return { initNode, createNode }
}
