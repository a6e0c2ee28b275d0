import type { AccessLevel, AuthorShare, DocId, NetworkId, OrgId, Role } from '@commonplace/core'
import type { PracticeApi } from './practice-api-types.ts'
import type { HistoryApi } from './history-api-types.ts'

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
  /** Event-loop delay over the last minute or so (ms); a busy loop answers everything late. */
  eventLoopDelay?: { p50Ms: number, p99Ms: number, maxMs: number }
  /** What does not fully work now (e.g. ERR_STORAGE_FULL), with what to do; empty when healthy. */
  degraded?: Array<{ code: string, message: string, since: string }>
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
  /** The owner's name as this node knows it (its directory); absent when unknown. */
  ownerName?: string
  kind: string
  updatedAt: string
  access: AccessLevel
}

export interface SectionView {
  id: string
  heading: string
  /** The section body as Markdown. */
  markdown: string
  /**
   * Who wrote the section's live text, from the signed client bindings (docs/authorship.md,
   * Attribution): per organisation, and person where known, its characters; most first. A person
   * of this organisation also has their name (docs/people.md); another organisation's people are
   * opaque ids.
   */
  authors: Array<AuthorShare & { personName?: string }>
  /** Who last changed the section and when (docs/people.md); absent when no signed change to it was seen here. */
  lastChanged?: LastChangeView
}

/**
 * The last signed change that touched a section, as this node applied it (docs/people.md, "Who
 * last changed a section").
 */
export interface LastChangeView {
  /** Who to show: the person's name where this node may show it, else the organisation's name, else its id. */
  by: string
  /** The organisation that signed the change. */
  org: OrgId
  /** The person inside it the change names (an opaque id; absent: the organisation itself). */
  person?: string
  /** The person's name: only for this organisation's own people. */
  personName?: string
  /** When this node applied it (ISO 8601): its own clock, also for a peer's change. */
  at: string
}

export interface DocView extends DocSummary {
  meta: Record<string, unknown>
  sections: SectionView[]
  grants: GrantView[]
}

/** A grant of a document, with names and, for an organisation, whether the document reached it. */
export interface GrantView {
  to: OrgId | NetworkId
  /** The organisation's or network's name as this node knows it; absent when unknown. */
  name?: string
  role: Role
  issuer: OrgId
  issuerName?: string
  issuedAt: string
  /** For a grant to an organisation, on the owner's node: how the document is getting there. */
  delivery?: DeliveryView
}

/**
 * `delivered`: the organisation's node holds the document as of the last change this node sent it;
 * `connecting`: the node is dialling it now; `unreachable`: none of its known addresses answered
 * (since `since`); the node keeps trying and sends the document as soon as it can; `no-address`:
 * this node knows no address for it (add its card, or it connects here).
 */
export interface DeliveryView {
  state: 'delivered' | 'connecting' | 'unreachable' | 'no-address'
  /** ISO 8601: when this state began. */
  since?: string
}

/** `POST /api/connect`. */
export interface ConnectRequest {
  multiaddr: string
}

export interface CreateDocRequest {
  /** Required unless `markdown` gives one (`# Title`). */
  title?: string
  kind?: string
  sections?: Array<{ heading: string, text: string }>
  /** A whole record as Markdown (`# Title`, `## Section` …); fields above override it. */
  markdown?: string
}

/**
 * Who makes a change through the API: the node's HTTP layer sets it from the caller's session,
 * never from a request body. It is signed into the change's envelope (docs/authorship.md).
 */
export interface WriteOptions {
  /** The person of this organisation who makes it; absent: the organisation (the CLI, the admin link). */
  author?: string
}

export interface EditDocRequest {
  title?: string
  appendSections?: Array<{ heading: string, text: string }>
  /** Append a paragraph to the section with this heading (or id). */
  append?: { section: string, text: string }
}

export interface ShareRequest {
  /**
   * An organisation id (12D3KooW…), a learning network id (net_…), or the name of an organisation
   * or network in this node's directory (case-insensitive; ERR_INVALID_INPUT when no or several
   * entries have that name).
   */
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
  /** The invitation's id (as `invitations` lists it). */
  id: string
  code: string
  network: NetworkId
  role: NetworkRole
  expiresAt: string
  uses: number
}

/** An invitation that still admits someone: not expired, not used up. Its code is not kept. */
export interface OutstandingInvitation {
  id: string
  role: NetworkRole
  issuer: OrgId
  issuedAt: string
  expiresAt: string
  /** How many organisations may join with it, and how many have. */
  uses: number
  used: number
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

/** `POST /api/networks/join`. */
export interface JoinRequest {
  code: string
}

export interface CreateTopicRequest {
  title: string
  brief?: string
}

/** `POST /api/networks/:id/topics/:topic/attachments`. */
export interface AttachRequest {
  doc: string
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

// --- cards, the directory, introductions and notices (docs/directory.md) ------------------------

/** This organisation's card: who it is and where it is reached, signed, as one copyable code. */
export interface CardView {
  /** `cpc1.` + base64url; what another organisation pastes into "Add an organisation". */
  code: string
  orgId: OrgId
  name: string
  addresses: string[]
}

/**
 * An organisation this node knows. `contact`: introduced and accepted (either way); `awaiting`: we
 * added its card and wait for it to accept; `introduced`: it introduced itself and waits for us
 * (also listed in `introductions()`); `network`: a member of one of our learning networks; `met`:
 * an organisation we share documents with or hold documents of.
 */
export interface ContactView {
  orgId: OrgId
  name: string
  status: 'contact' | 'awaiting' | 'introduced' | 'network' | 'met'
  /** Our learning networks it is a member of. */
  networks: Array<{ id: NetworkId, name: string }>
  addresses: string[]
  online: boolean
  /** When this node last had a connection to it (ISO 8601). */
  lastSeen?: string
  /** When it entered the directory in its current status (ISO 8601). */
  since?: string
  /** Set while our introduction (or acceptance) has not reached it yet; the node keeps trying. */
  pending?: 'introduce' | 'accept'
}

export interface AddContactRequest {
  /** Another organisation's card code. */
  card: string
}

/** `POST /api/notices/read`: these notices, or every one without `ids`. */
export interface ReadNoticesRequest {
  ids?: string[]
}

/** Another organisation introduced itself with our card; a person here accepts or ignores it. */
export interface IntroductionView {
  orgId: OrgId
  name: string
  addresses: string[]
  receivedAt: string
  expiresAt: string
}

/** Something a person should hear about: a document shared with us, an introduction, an acceptance, a proposal to us, the decision on ours. */
export interface NoticeView {
  id: string
  kind: 'shared' | 'introduction' | 'accepted' | 'proposal' | 'outcome'
  at: string
  org: OrgId
  orgName: string
  doc?: DocId
  docTitle?: string
  /** The notice as a sentence: "Riverside Surgery shared "…" with you". */
  text: string
  read: boolean
}

/**
 * The operations behind the local API. Every failure is a CommonplaceError with a stable code.
 * The practice operations (adapt, families, proposals, adoption, diffusion) are in practice-api-types.ts,
 * comments, versions and the activity feed in history-api-types.ts.
 */
export interface LocalApi extends PracticeApi, HistoryApi {
  status(): Promise<NodeStatus>
  /** The metrics in the Prometheus text format (docs/reliability.md); absent: no /api/metrics. */
  metrics?(): Promise<string>
  connect(multiaddr: string, options?: { signal?: AbortSignal }): Promise<PeerInfo>
  peers(): Promise<PeerInfo[]>
  listDocs(): Promise<DocSummary[]>
  createDoc(request: CreateDocRequest, options?: WriteOptions): Promise<DocSummary>
  getDoc(id: string): Promise<DocView>
  /** The document as Markdown with its metadata block. */
  exportMarkdown(id: string): Promise<string>
  editDoc(id: string, request: EditDocRequest, options?: WriteOptions): Promise<DocSummary>
  share(id: string, request: ShareRequest): Promise<DocView>
  /** `org` may be an organisation id or a network id. */
  unshare(id: string, org: string): Promise<DocView>

  createNetwork(request: CreateNetworkRequest): Promise<NetworkSummary>
  listNetworks(): Promise<NetworkSummary[]>
  /** Facilitators only (ERR_FORBIDDEN otherwise). */
  invite(network: string, request: InviteRequest): Promise<InvitationView>
  /** The network's invitations that are not expired or used up (facilitators only). */
  invitations(network: string): Promise<OutstandingInvitation[]>
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

  /** This organisation's card (GET /api/card). */
  card(): Promise<CardView>
  /** Everyone this node knows, with names (GET /api/contacts). */
  contacts(): Promise<ContactView[]>
  /**
   * Add another organisation's card and introduce this organisation to it (POST /api/contacts).
   * Refusals: ERR_CARD_INVALID (malformed, changed or forged), ERR_CARD_SELF (our own card),
   * ERR_CONTACT_EXISTS (already a contact). An unreachable node is no refusal: the introduction
   * goes when it can (the contact is `awaiting`).
   */
  addContact(request: AddContactRequest, options?: { signal?: AbortSignal }): Promise<ContactView>
  /** Introductions waiting here (GET /api/introductions). */
  introductions(): Promise<IntroductionView[]>
  /** Accept an introduction (POST /api/contacts/:org/accept); the other node is told. */
  acceptContact(org: string, options?: { signal?: AbortSignal }): Promise<ContactView>
  /** Remove a contact or ignore an introduction (DELETE /api/contacts/:org). */
  removeContact(org: string): Promise<ContactView[]>
  /** Newest first (GET /api/notices). */
  notices(): Promise<NoticeView[]>
  /** Mark notices read (POST /api/notices/read with `{ ids }`, or every one without). */
  readNotices(ids?: string[]): Promise<NoticeView[]>
}

/** What the node tells local clients as it happens (`GET /api/events`, Server-Sent Events). */
export type NodeEvent =
  | { type: 'doc', id: DocId, changeSeq: number, origin: 'local' | 'peer' | 'storage', peer?: OrgId, accessChanged: boolean }
  | { type: 'peer', orgId: OrgId, name?: string, state: 'connected' | 'disconnected' }
  | { type: 'network', id: NetworkId, change: 'roster' | 'joined' | 'removed' }
  | { type: 'directory', org: OrgId, change: 'introduced' | 'accepted' | 'added' | 'removed' }
  | { type: 'notice', notice: NoticeView }
  /** Every change of ours shared with `org` that it was owed is confirmed (delivery, docs/directory.md). */
  | { type: 'delivery', org: OrgId, state: 'delivered' }

/** Subscribe to node events; returns the function that unsubscribes. */
export type NodeEventSource = (listener: (event: NodeEvent) => void) => () => void
