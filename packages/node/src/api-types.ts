import type { AccessLevel, DocId, OrgId, Role } from '@commonplace/core'

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
  grants: Array<{ to: OrgId, role: Role, issuer: OrgId, issuedAt: string }>
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
  with: string
  role: Role
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
  unshare(id: string, org: string): Promise<DocView>
}

/** What the node tells local clients as it happens (`GET /api/events`, Server-Sent Events). */
export type NodeEvent =
  | { type: 'doc', id: DocId, changeSeq: number, origin: 'local' | 'peer' | 'storage', peer?: OrgId, accessChanged: boolean }
  | { type: 'peer', orgId: OrgId, name?: string, state: 'connected' | 'disconnected' }

/** Subscribe to node events; returns the function that unsubscribes. */
export type NodeEventSource = (listener: (event: NodeEvent) => void) => () => void
