/**
 * Validators of the people routes' bodies (docs/people.md). Lengths of names, emails and
 * passwords are the people module's rules (packages/node/src/people), refused there with their
 * own sentences.
 */
import { InvalidInputError } from '@commonplace/core'
import { PERSON_ROLES } from '../people-types.ts'
import type { AcceptInvitationRequest, PeopleSettings, PersonRole, SetRoleRequest, SetupRequest, SignInRequest, ValidInvitePersonRequest } from '../people-types.ts'
import { parseDuration } from '../duration.ts'
import { object, string } from '../validate.ts'

/** `POST /api/people/setup`. */
export function setupRequest (body: unknown): SetupRequest {
  const value = object(body, ['organisation', 'name', 'email', 'password'])
  return {
    ...(value.organisation != null ? { organisation: string(value.organisation, 'organisation') } : {}),
    name: string(value.name, 'name'),
    ...(value.email != null ? { email: string(value.email, 'email') } : {}),
    password: string(value.password, 'password')
  }
}

/** `POST /api/people/sign-in`. */
export function signInRequest (body: unknown): SignInRequest {
  const value = object(body, ['login', 'password'])
  return { login: string(value.login, 'login'), password: string(value.password, 'password') }
}

/** `POST /api/people/invitations`: its `expires` parsed to milliseconds. */
export function invitePersonRequest (body: unknown): ValidInvitePersonRequest {
  const value = object(body, ['name', 'email', 'role', 'expires'])
  return {
    name: string(value.name, 'name'),
    ...(value.email != null ? { email: string(value.email, 'email') } : {}),
    role: role(value.role),
    ...(value.expires != null ? { expiresInMs: parseDuration(string(value.expires, 'expires')) } : {})
  }
}

/** `POST /api/people/invitations/accept`. */
export function acceptInvitationRequest (body: unknown): AcceptInvitationRequest {
  const value = object(body, ['token', 'password'])
  return { token: string(value.token, 'token'), password: string(value.password, 'password') }
}

/** `PATCH /api/people/settings`. */
export function peopleSettingsRequest (body: unknown): PeopleSettings {
  const value = object(body, ['showPeopleNames'])
  if (typeof value.showPeopleNames !== 'boolean') throw new InvalidInputError('"showPeopleNames" must be true or false')
  return { showPeopleNames: value.showPeopleNames }
}

/** `PATCH /api/people/:id`. */
export function setRoleRequest (body: unknown): SetRoleRequest {
  const value = object(body, ['role'])
  return { role: role(value.role) }
}

function role (value: unknown): PersonRole {
  if (!PERSON_ROLES.includes(value as PersonRole)) throw new InvalidInputError(`"role" must be one of ${PERSON_ROLES.join(', ')}`)
  return value as PersonRole
}
