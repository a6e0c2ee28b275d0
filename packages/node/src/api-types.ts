import type { AccessLevel, DocId, NetworkId, OrgId, Role } from '@commonplace/core'

/**
 * What the local API (HTTP on 127.0.0.1) offers. The node implements it; the HTTP server
 * maps routes onto it; the CLI and the web app call it. Plain JSON-able values only.
 */
export interface NodeStatus {
  orgId: OrgId
  name: string
  listenAddresses: string[]
  apiUrl: string
  peers: PeerInfo[]
  documentCount: number
}

export interface PeerInfo {
  orgId: OrgId
  name?: string
  addresses: string[]
}

export interface DocSummary {
  id: DocId
  title: string
  owner: OrgId
  kind: string
  updatedAt: string
  access: AccessLevel
}

export interface SectionView {
  id: string
  heading: string
  /** The section body as Markdown. */
  markdown: string
}

export interface DocView extends DocSummary {
  meta: Record<string, unknown>
  sections: SectionView[]
  grants: Array<{ to: OrgId | NetworkId, role: Role, issuer: OrgId, issuedAt: string }>
}

export interface CreateDocRequest {
  /** Required unless `markdown` gives one (`# Title`). */
  title?: string
  kind?: string
  sections?: Array<{ heading: string, text: string }>
  /** A whole record as Markdown (`# Title`, `## Section` …); fields above override it. */
  markdown?: string
}

export interface EditDocRequest {
  title?: string
  appendSections?: Array<{ heading: string, text: string }>
  /** Append a paragraph to the section with this heading (or id). */
  append?: { section: string, text: string }
}

export interface ShareRequest {
  /** An organisation id (12D3KooW…) or a learning network id (net_…). */
  with: string
  role: Role
}

// --- learning networks (docs/networks.md) ---------------------------------------------------

export type NetworkRole = 'facilitator' | 'member'
export type NetworkVisibility = 'invite' | 'approval'

export interface NetworkSummary {
  id: NetworkId
  name: string
  visibility: NetworkVisibility
  /** This organisation's standing: `pending` while a join waits for a facilitator; `removed` after removal. */
  role: NetworkRole | 'pending' | 'removed'
  createdBy: OrgId
  memberCount: number
}

export interface MemberView {
  orgId: OrgId
  name: string
  role: NetworkRole
  /** When the organisation joined (ISO 8601). */
  since: string
  online: boolean
  /** When this node last had a connection to it (ISO 8601); absent if never. */
  lastSeen?: string
  addresses: string[]
}

export interface CreateNetworkRequest {
  name: string
  /** Default `invite`: a valid code joins at once; `approval`: a facilitator accepts each join. */
  visibility?: NetworkVisibility
}

export interface InviteRequest {
  /** Default `member`. */
  role?: NetworkRole
  /** How long the code is valid: `30m`, `12h`, `7d` (default `7d`). */
  expires?: string
  /** How many organisations may join with it (default 1). */
  uses?: number
}

export interface InvitationView {
  code: string
  network: NetworkId
  role: NetworkRole
  expiresAt: string
  uses: number
}

export interface JoinResult {
  network: NetworkSummary
  /** `joined`: a member now; `pending`: waiting for a facilitator (`approval` networks). */
  status: 'joined' | 'pending'
}

export interface JoinRequestView {
  orgId: OrgId
  name: string
  role: NetworkRole
  requestedAt: string
}

export interface CreateTopicRequest {
  title: string
  brief?: string
}

export interface TopicView {
  /** A topic is a document (kind `topic`) shared with the network. */
  id: DocId
  network: NetworkId
  title: string
  brief: string
  createdBy: OrgId
  attachments: Array<{ id: DocId, title?: string, attachedBy: OrgId }>
}

/** The operations behind the local API. Every failure is a CommonplaceError with a stable code. */
export interface LocalApi {
  status(): Promise<NodeStatus>
  connect(multiaddr: string, options?: { signal?: AbortSignal }): Promise<PeerInfo>
  peers(): Promise<PeerInfo[]>
  listDocs(): Promise<DocSummary[]>
  createDoc(request: CreateDocRequest): Promise<DocSummary>
  getDoc(id: string): Promise<DocView>
  /** The document as Markdown with its metadata block. */
  exportMarkdown(id: string): Promise<string>
  editDoc(id: string, request: EditDocRequest): Promise<DocSummary>
  share(id: string, request: ShareRequest): Promise<DocView>
  /** `org` may be an organisation id or a network id. */
  unshare(id: string, org: string): Promise<DocView>

  createNetwork(request: CreateNetworkRequest): Promise<NetworkSummary>
  listNetworks(): Promise<NetworkSummary[]>
  /** Facilitators only (ERR_FORBIDDEN otherwise). */
  invite(network: string, request: InviteRequest): Promise<InvitationView>
  /**
   * Join with an invitation code. Refusals: ERR_INVITATION_EXPIRED, ERR_INVITATION_USED,
   * ERR_INVITATION_INVALID (bad signature or issuer), ERR_INVITATION_WRONG_NETWORK (the members it
   * names are not in that network), ERR_CONNECTION_FAILED (no member reachable).
   */
  join(code: string, options?: { signal?: AbortSignal }): Promise<JoinResult>
  members(network: string): Promise<MemberView[]>
  /** Joins waiting for a facilitator (approval networks). */
  requests(network: string): Promise<JoinRequestView[]>
  accept(network: string, org: string): Promise<MemberView[]>
  /** Facilitators only. */
  removeMember(network: string, org: string): Promise<MemberView[]>
  leave(network: string): Promise<NetworkSummary>
  /** Facilitators only. */
  createTopic(network: string, request: CreateTopicRequest): Promise<TopicView>
  listTopics(network: string): Promise<TopicView[]>
  /** Attach a document to a topic; a document this organisation owns is shared read with the network if it was not. */
  attachToTopic(network: string, topic: string, doc: string): Promise<TopicView>
}

/** What the node tells local clients as it happens (`GET /api/events`, Server-Sent Events). */
export type NodeEvent =
  | { type: 'doc', id: DocId, changeSeq: number, origin: 'local' | 'peer' | 'storage', peer?: OrgId, accessChanged: boolean }
  | { type: 'peer', orgId: OrgId, name?: string, state: 'connected' | 'disconnected' }
  | { type: 'network', id: NetworkId, change: 'roster' | 'joined' | 'removed' }

/** Subscribe to node events; returns the function that unsubscribes. */
export type NodeEventSource = (listener: (event: NodeEvent) => void) => () => void
