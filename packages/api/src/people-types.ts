/**
 * Types of the people routes (docs/people.md): the organisation's people, their roles, sessions
 * and invitations. Every time is ISO 8601.
 */
import type { OrgId } from '@commonplace/core'

/** Roles inside an organisation, least to most (docs/people.md). */
export const PERSON_ROLES = ['viewer', 'editor', 'admin'] as const
/** A person's role in the organisation. */
export type PersonRole = typeof PERSON_ROLES[number]

/** A person as the API shows them (never the hash). */
export interface PersonView { id: string, name: string, email?: string, role: PersonRole, createdAt: string }

/** A session as its own person sees it. */
export interface SessionView { id: string, createdAt: string, expiresAt: string, agent: string, current: boolean }

/** `POST /api/people/setup`: the first admin names the organisation (optional) and themselves. */
export interface SetupRequest { organisation?: string, name: string, email?: string, password: string }

/** `POST /api/people/sign-in`: `login` is the person's name or email. */
export interface SignInRequest { login: string, password: string }

/** `POST /api/people/invitations`: `expires` is a duration (`30m`, `12h`, `7d`; default 7 days). */
export interface InvitePersonRequest { name: string, email?: string, role: PersonRole, expires?: string }

/** An {@link InvitePersonRequest} as validated: its lifetime in milliseconds. */
export interface ValidInvitePersonRequest { name: string, email?: string, role: PersonRole, expiresInMs?: number }

/** The answer to an invitation: the one-time link to hand to the person. */
export interface PersonInvitation { url: string, name: string, role: PersonRole, expiresAt: string }

/** `GET /api/people/invitations/:token`: what a link is for, before it is accepted. */
export interface InvitationPreview { name: string, role: PersonRole, organisation: string, expiresAt: string }

/** `POST /api/people/invitations/accept`. */
export interface AcceptInvitationRequest { token: string, password: string }

/** `PATCH /api/people/:id`. */
export interface SetRoleRequest { role: PersonRole }

/** The organisation's setting for names seen by other organisations (off: they see its name only). */
export interface PeopleSettings { showPeopleNames: boolean }

/** `GET /api/people/me` (and what setup, sign-in and accepting answer): who the caller is. */
export interface PeopleMe {
  person?: PersonView
  role: PersonRole
  organisation: { id: OrgId, name: string }
  /** The organisation has no people yet: the admin link's holder may set it up. */
  needsSetup: boolean
}

/** `GET /api/web/me`: who the page acts as, the organisation, the person where signed in as one, the role. */
export interface WebMe {
  orgId: OrgId
  name: string
  role: PersonRole
  person?: { id: string, name: string }
  /** Present for the node's administrator: the organisation has no people yet. */
  needsSetup?: boolean
}

/** A person's passkey as they see it in their list (never its key). */
export interface PasskeyView { id: string, name: string, createdAt: string, lastUsedAt?: string, backedUp: boolean }

/**
 * `POST /api/people/me/passkeys/options`: what the page hands `navigator.credentials.create()`,
 * binary fields as base64url (the WebAuthn JSON form).
 */
export interface PasskeyCreationOptions {
  challenge: string
  rp: { id: string, name: string }
  user: { id: string, name: string, displayName: string }
  pubKeyCredParams: Array<{ type: 'public-key', alg: number }>
  timeout: number
  excludeCredentials: Array<{ type: 'public-key', id: string }>
  authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' }
  attestation: 'none'
}

/**
 * `POST /api/people/passkey-sign-in/options`: what the page hands `navigator.credentials.get()`.
 * `allowCredentials` when the request named someone: that account's passkeys, or (for a name
 * nobody has, or a person without passkeys here) made-up ids of the same shape, so that the
 * answer does not tell whether the name exists.
 */
export interface PasskeyRequestOptions {
  challenge: string
  rpId: string
  timeout: number
  userVerification: 'required'
  allowCredentials?: Array<{ type: 'public-key', id: string }>
}

/** `POST /api/people/passkey-sign-in/options`: optionally the name or email typed on the Sign in page. */
export interface PasskeySignInOptionsRequest { login?: string }

/** `POST /api/people/me/passkeys`: the browser's new credential, binary fields base64url, and a label. */
export interface AddPasskeyRequest { id: string, clientDataJSON: string, attestationObject: string, name?: string }

/** `POST /api/people/passkey-sign-in`: the browser's assertion, binary fields base64url. */
export interface PasskeySignInRequest { id: string, clientDataJSON: string, authenticatorData: string, signature: string, userHandle?: string }
