/**
 * The people routes of the local API (docs/people.md), added to it by the web part: setup, sign-in
 * and out, invitations, the list of people, roles and removal, and the organisation's setting for
 * names seen by other organisations. What each needs is in roles.ts; each body goes through its
 * validator (@commonplace/api) first.
 */
import {
  acceptInvitationRequest, invitePersonRequest, peopleSettingsRequest, setRoleRequest, setupRequest, signInRequest
} from '@commonplace/api'
import type { OrgId } from '@commonplace/core'
import type { PeopleMe, PersonInvitation } from '@commonplace/api'
import { apiRoute } from '../api-routes.ts'
import type { ApiRoute, RouteContext } from '../api-routes.ts'
import type { Caller, NewSession, People } from './people.ts'
import { passkeyRoutes } from './passkey-routes.ts'

export interface PeopleRoutesInit {
  people: People
  organisation: { id: OrgId, name(): string }
  /** The node's public origin (links are made under it). */
  origin(): string
  /** The Set-Cookie value for a session token, or to clear the cookie with ''. */
  cookie(token: string): string
}

/** The invitation link's path: the token rides in the fragment, so it is never sent in a request line or a Referer. */
export const JOIN_PATH = '/#/join/'

export function peopleRoutes (init: PeopleRoutesInit): ApiRoute[] {
  const { people } = init
  const started = (ctx: RouteContext<unknown>, session: NewSession): PeopleMe => {
    ctx.setCookie(init.cookie(session.token))
    return me(session.caller)
  }
  const me = (caller: Caller): PeopleMe => ({
    ...(caller.person != null ? { person: people.list().find(p => p.id === caller.person?.id) } : {}),
    role: caller.role,
    organisation: { id: init.organisation.id, name: init.organisation.name() },
    needsSetup: people.needsSetup()
  })

  return [
    apiRoute({
      method: 'POST',
      path: '/api/people/setup',
      input: { body: setupRequest },
      async handle (ctx) {
        const session = await people.setup(ctx.caller, ctx.input, ctx.client.agent)
        people.signOut(ctx.caller)
        return started(ctx, session)
      }
    }),
    apiRoute({
      method: 'POST',
      path: '/api/people/sign-in',
      input: { body: signInRequest },
      async handle (ctx) {
        return started(ctx, await people.signIn(ctx.input, ctx.client.address, ctx.client.agent))
      }
    }),
    apiRoute({
      method: 'POST',
      path: '/api/people/sign-out',
      async handle (ctx) {
        people.signOut(ctx.caller)
        ctx.setCookie(init.cookie(''))
        return { signedOut: true }
      }
    }),
    apiRoute({
      method: 'POST',
      path: '/api/people/sign-out-everywhere',
      async handle (ctx) {
        people.signOutEverywhere(ctx.caller)
        ctx.setCookie(init.cookie(''))
        return { signedOut: true }
      }
    }),
    apiRoute({ method: 'GET', path: '/api/people/me', handle: async ctx => me(ctx.caller) }),
    apiRoute({ method: 'GET', path: '/api/people/me/sessions', handle: async ctx => people.sessions(ctx.caller) }),
    apiRoute({
      method: 'DELETE',
      path: '/api/people/me/sessions/([A-Za-z0-9_-]{43})',
      async handle (ctx) {
        people.endSession(ctx.caller, ctx.params[0])
        return { ended: true }
      }
    }),
    ...passkeyRoutes(people, started),
    apiRoute({ method: 'GET', path: '/api/people', handle: async () => people.list() }),
    apiRoute({
      method: 'POST',
      path: '/api/people/invitations',
      input: { body: invitePersonRequest },
      async handle (ctx): Promise<PersonInvitation> {
        const { token, invitation } = people.invite(ctx.caller, ctx.input)
        return { url: `${init.origin()}${JOIN_PATH}${token}`, name: invitation.name, role: invitation.role, expiresAt: new Date(invitation.expiresAt).toISOString() }
      }
    }),
    apiRoute({ method: 'GET', path: '/api/people/invitations/([A-Za-z0-9_-]+)', handle: async ({ params }) => people.invitation(params[0]) }),
    apiRoute({
      method: 'POST',
      path: '/api/people/invitations/accept',
      input: { body: acceptInvitationRequest },
      async handle (ctx) {
        return started(ctx, await people.accept(ctx.input, ctx.client.agent))
      }
    }),
    apiRoute({ method: 'GET', path: '/api/people/settings', handle: async () => people.settings() }),
    apiRoute({
      method: 'PATCH',
      path: '/api/people/settings',
      input: { body: peopleSettingsRequest },
      handle: async ctx => people.setSettings(ctx.input)
    }),
    apiRoute({
      method: 'PATCH',
      path: '/api/people/([^/]+)',
      input: { body: setRoleRequest },
      handle: async ctx => people.setRole(ctx.caller, ctx.params[0], ctx.input.role)
    }),
    apiRoute({
      method: 'DELETE',
      path: '/api/people/([^/]+)',
      async handle (ctx) {
        people.remove(ctx.caller, ctx.params[0])
        return { removed: true }
      }
    })
  ]
}
