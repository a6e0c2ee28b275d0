/**
 * The node's local API as the page uses it: same origin, the session cookie, JSON. Every failure
 * becomes an {@link ApiError} whose message a person can act on. The types are the API's own
 * (@commonplace/api, a type-only import: nothing of it but types reaches the page), under the
 * names the views use.
 */
import type {
  CardView, ContactView, CreateDocRequest, DeliveryView, DocSummary, DocView, GrantView, IntroductionView, InvitationPreview, InvitationView,
  InvitePersonRequest, JoinResult, MemberView, NetworkSummary, NetworkVisibility, NoticeView, OutstandingInvitation, PeerInfo,
  AddPasskeyRequest, PasskeyCreationOptions, PasskeyRequestOptions, PasskeySignInRequest, PasskeyView,
  PeopleSettings, PersonInvitation, PersonRole, PersonView, SearchHit, SectionView, SessionView, SetupRequest, TopicView, WebMe
} from '@commonplace/api'

export type { DocView, OutstandingInvitation, PasskeyCreationOptions, PasskeyRequestOptions, PasskeyView, PersonInvitation, PersonRole, SectionView }
/** A document in a search answer. */
export type DocHit = SearchHit
/** How a shared document is getting to an organisation. */
export type Delivery = DeliveryView
export type Grant = GrantView
/** Who wrote part of a section: an organisation, the person inside it where known, and how many characters. */
export type AuthorShare = SectionView['authors'][number]
/** This organisation's card (docs/directory.md). */
export type Card = CardView
/** An organisation this node knows. */
export type Contact = ContactView
export type Introduction = IntroductionView
export type Notice = NoticeView
export type Peer = PeerInfo
/** Who this page acts as: the organisation, the person where signed in as one, the role. */
export type Me = WebMe
/** A person of the organisation as the node lists them. */
export type Person = PersonView
export type Network = NetworkSummary
export type Member = MemberView
export type Invitation = InvitationView
export type Topic = TopicView

export class ApiError extends Error {
  readonly code: string
  constructor (message: string, code: string) {
    super(message)
    this.name = 'ApiError'
    this.code = code
  }
}

const FRIENDLY: Record<string, string> = {
  ERR_UNAUTHORISED: 'You are not signed in to this node. Sign in, or open the admin link that `commonplace login` prints.',
  ERR_SIGNED_OUT: 'You are signed out (your role changed, you were removed, or you signed out elsewhere). Sign in again.',
  ERR_ROLE_FORBIDDEN: 'Your role in this organisation does not allow this. Ask an admin.',
  ERR_READ_ONLY: 'Your organisation has read access only to this document.',
  ERR_FORBIDDEN: 'This node refused the request.',
  ERR_NOT_FOUND: 'This node does not hold that document.',
  ERR_INVITATION_EXPIRED: 'This invitation code has expired. Ask the network\'s facilitator for a new one.',
  ERR_INVITATION_USED: 'This invitation code has been used already. Ask the network\'s facilitator for a new one.',
  ERR_INVITATION_INVALID: 'This is not a valid invitation code. Check that it was copied whole.',
  ERR_CONNECTION_FAILED: 'No member of that network could be reached. Try again when one of them is online.',
  ERR_CARD_INVALID: 'This is not a valid organisation card, or it was changed. Ask the organisation to copy its card again, whole.',
  ERR_CARD_SELF: 'This is your own organisation\'s card. Paste the card of the organisation you want to add.',
  ERR_CONTACT_EXISTS: 'That organisation is already in your directory.',
  ERR_NOT_A_VARIANT: 'This document is not adapted from another one.',
  ERR_SOURCE_UNAVAILABLE: 'This node does not hold the source this document was adapted from (it is not shared with your organisation, or has not arrived yet).',
  ERR_NOTHING_TO_PROPOSE: 'No section of your version differs from the source now: there is nothing to propose.',
  ERR_PROPOSAL_CLOSED: 'This proposal was already accepted or declined.',
  ERR_ADOPTION_STATE_UNKNOWN: 'Choose one of the adoption states offered.',
  ERR_TEXT_TOO_LONG: 'That text is too long (at most 4,000 characters). Shorten it and try again.',
  ERR_NOT_SHARED: 'This practice is not shared with that network, so its members may not read it: share the document with the network first, or choose another network.',
  ERR_TOO_MANY: 'This practice has too many recorded changes for your organisation.'
}

/**
 * GETs asked for in this task: views that mount together and want the same thing (the networks,
 * say) share one request. Only within the task: a GET asked for later, after an event or a
 * change, is a request of its own, so it never gets an answer from before.
 */
const askedNow = new Map<string, Promise<unknown>>()

/** A JSON request to the node; a failure is an {@link ApiError} a person can act on. */
export async function request<T> (method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  if (method !== 'GET' || signal != null) return await send<T>(method, path, body, signal)
  const pending = askedNow.get(path) as Promise<T> | undefined
  if (pending != null) return await pending
  const started = send<T>(method, path)
  askedNow.set(path, started)
  setTimeout(() => { if (askedNow.get(path) === started) askedNow.delete(path) }, 0)
  return await started
}

/** `signal`: aborting it (a timeout, say) gives up waiting for the answer (code ERR_TIMEOUT). */
async function send<T> (method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  let res: Response
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body !== undefined ? { 'Content-Type': 'application/json' } : {},
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal
    })
  } catch {
    if (signal?.aborted === true) throw new ApiError('The node did not answer in time.', 'ERR_TIMEOUT')
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
    // the people routes' refusals are sentences for the page already (an invitation there is a person's, not a network's)
    const friendly = path.startsWith('/api/people') ? undefined : FRIENDLY[code]
    throw new ApiError(friendly != null && code !== 'ERR_FORBIDDEN' ? friendly : message, code)
  }
  return (type.includes('json') ? await res.json() : await res.text()) as T
}

export const api = {
  me: async () => await request<Me>('GET', '/api/web/me'),
  setup: async (body: SetupRequest) => await request<unknown>('POST', '/api/people/setup', body),
  signIn: async (login: string, password: string) => await request<unknown>('POST', '/api/people/sign-in', { login, password }),
  sessions: async () => await request<SessionView[]>('GET', '/api/people/me/sessions'),
  endSession: async (id: string) => await request<unknown>('DELETE', `/api/people/me/sessions/${encodeURIComponent(id)}`),
  signOut: async (everywhere: boolean) => await request<unknown>('POST', everywhere ? '/api/people/sign-out-everywhere' : '/api/people/sign-out'),
  invitation: async (token: string) => await request<InvitationPreview>('GET', `/api/people/invitations/${encodeURIComponent(token)}`),
  acceptInvitation: async (token: string, password: string) => await request<unknown>('POST', '/api/people/invitations/accept', { token, password }),
  passkeys: async () => await request<PasskeyView[]>('GET', '/api/people/me/passkeys'),
  passkeyCreationOptions: async () => await request<PasskeyCreationOptions>('POST', '/api/people/me/passkeys/options', {}),
  addPasskey: async (body: AddPasskeyRequest) => await request<PasskeyView>('POST', '/api/people/me/passkeys', body),
  removePasskey: async (id: string) => await request<unknown>('DELETE', `/api/people/me/passkeys/${encodeURIComponent(id)}`),
  /** With the name or email typed, that account's passkeys (`allowCredentials`); without, any passkey the browser holds for the node. */
  passkeyRequestOptions: async (login?: string) => await request<PasskeyRequestOptions>('POST', '/api/people/passkey-sign-in/options', login != null && login.trim() !== '' ? { login } : {}),
  passkeySignIn: async (body: PasskeySignInRequest) => await request<unknown>('POST', '/api/people/passkey-sign-in', body),
  people: async () => await request<Person[]>('GET', '/api/people'),
  invitePerson: async (body: InvitePersonRequest) => await request<PersonInvitation>('POST', '/api/people/invitations', body),
  setPersonRole: async (id: string, role: PersonRole) => await request<Person>('PATCH', `/api/people/${encodeURIComponent(id)}`, { role }),
  removePerson: async (id: string) => await request<unknown>('DELETE', `/api/people/${encodeURIComponent(id)}`),
  peopleSettings: async () => await request<PeopleSettings>('GET', '/api/people/settings'),
  setPeopleSettings: async (showPeopleNames: boolean) => await request<PeopleSettings>('PATCH', '/api/people/settings', { showPeopleNames }),
  search: async (query: Record<string, string>) => {
    const params = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== ''))
    return await request<DocHit[]>('GET', `/api/search?${params.toString()}`)
  },
  getDoc: async (id: string) => await request<DocView>('GET', `/api/docs/${encodeURIComponent(id)}`),
  createDoc: async (body: CreateDocRequest) => await request<DocSummary>('POST', '/api/docs', body),
  markdown: async (id: string) => await request<string>('GET', `/api/docs/${encodeURIComponent(id)}/markdown`),
  share: async (id: string, to: string, role: 'read' | 'comment' | 'edit') =>
    await request<DocView>('POST', `/api/docs/${encodeURIComponent(id)}/share`, { with: to, role }),
  unshare: async (id: string, to: string) =>
    await request<DocView>('DELETE', `/api/docs/${encodeURIComponent(id)}/share/${encodeURIComponent(to)}`),
  peers: async () => await request<Peer[]>('GET', '/api/peers'),
  networks: async () => await request<Network[]>('GET', '/api/networks'),
  createNetwork: async (name: string, visibility: NetworkVisibility) => await request<Network>('POST', '/api/networks', { name, visibility }),
  invite: async (network: string, options: { expires?: string, uses?: number } = {}) =>
    await request<Invitation>('POST', `/api/networks/${encodeURIComponent(network)}/invitations`, options),
  invitations: async (network: string) => await request<OutstandingInvitation[]>('GET', `/api/networks/${encodeURIComponent(network)}/invitations`),
  join: async (code: string) => await request<JoinResult>('POST', '/api/networks/join', { code }),
  members: async (network: string) => await request<Member[]>('GET', `/api/networks/${encodeURIComponent(network)}/members`),
  topics: async (network: string) => await request<Topic[]>('GET', `/api/networks/${encodeURIComponent(network)}/topics`),
  createTopic: async (network: string, title: string, brief: string) =>
    await request<Topic>('POST', `/api/networks/${encodeURIComponent(network)}/topics`, { title, brief }),
  attach: async (network: string, topic: string, doc: string) =>
    await request<Topic>('POST', `/api/networks/${encodeURIComponent(network)}/topics/${encodeURIComponent(topic)}/attachments`, { doc }),
  card: async () => await request<Card>('GET', '/api/card'),
  contacts: async () => await request<Contact[]>('GET', '/api/contacts'),
  addContact: async (card: string) => await request<Contact>('POST', '/api/contacts', { card }),
  introductions: async () => await request<Introduction[]>('GET', '/api/introductions'),
  acceptContact: async (org: string) => await request<Contact>('POST', `/api/contacts/${encodeURIComponent(org)}/accept`, {}),
  removeContact: async (org: string) => await request<Contact[]>('DELETE', `/api/contacts/${encodeURIComponent(org)}`),
  notices: async () => await request<Notice[]>('GET', '/api/notices'),
  readNotices: async (ids?: string[]) => await request<Notice[]>('POST', '/api/notices/read', ids != null ? { ids } : {}),
  /** A Yjs client id for this tab to write the document with (the node signs what it writes). */
  issueClient: async (id: string, signal?: AbortSignal) => await request<{ client: number }>('POST', `/api/web/docs/${encodeURIComponent(id)}/clients`, {}, signal),
  stateVector: async (id: string) => await request<{ stateVector: string }>('GET', `/api/web/docs/${encodeURIComponent(id)}/state`)
}

export function errorText (err: unknown): string {
  return err instanceof ApiError ? err.message : 'Something went wrong. Try again; if it persists, see the node log.'
}
