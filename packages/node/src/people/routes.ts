/**
 * The people routes of the local API (docs/people.md), added to it by the web part: setup, sign-in
 * and out, invitations, the list of people, roles and removal, and the organisation's setting for
 * names seen by other organisations. What each needs is in roles.ts; bodies are checked here.
 */
import { InvalidInputError } from '@commonplace/core'
import type { ApiRoute, RouteContext } from '../api-routes.ts'
import { object, string } from '../request-body.ts'
import { PERSON_ROLES } from './constants.ts'
import type { PersonRole } from './constants.ts'
import type { NewSession, People } from './people.ts'

export interface PeopleRoutesInit {
  people: People
  organisation: { id: string, name(): string }
  /** The node's public origin (links are made under it). */
  origin(): string
  /** The Set-Cookie value for a session token, or to clear the cookie with ''. */
  cookie(token: string): string
}

/** The invitation link's path: the token rides in the fragment, so it is never sent in a request line or a Referer. */
export const JOIN_PATH = '/#/join/'

export function peopleRoutes (init: PeopleRoutesInit): ApiRoute[] {
  const { people } = init
  const started = (ctx: RouteContext, session: NewSession): unknown => {
    ctx.setCookie(init.cookie(session.token))
    return me(session.caller)
  }
  const me = (caller: RouteContext['caller']): unknown => ({
    ...(caller.person != null ? { person: people.list().find(p => p.id === caller.person?.id) } : {}),
    role: caller.role,
    organisation: { id: init.organisation.id, name: init.organisation.name() },
    needsSetup: people.needsSetup()
  })

  return [
    {
      method: 'POST',
      path: '/api/people/setup',
      async handle (ctx) {
        const body = object(await ctx.body(), ['organisation', 'name', 'email', 'password'])
        const session = await people.setup(ctx.caller, {
          ...(body.organisation != null ? { organisation: string(body.organisation, 'organisation') } : {}),
          name: string(body.name, 'name'),
          ...(body.email != null ? { email: string(body.email, 'email') } : {}),
          password: string(body.password, 'password')
        }, ctx.client.agent)
        people.signOut(ctx.caller)
        return started(ctx, session)
      }
    },
    {
      method: 'POST',
      path: '/api/people/sign-in',
      async handle (ctx) {
        const body = object(await ctx.body(), ['login', 'password'])
        return started(ctx, await people.signIn({ login: string(body.login, 'login'), password: string(body.password, 'password') }, ctx.client.address, ctx.client.agent))
      }
    },
    {
      method: 'POST',
      path: '/api/people/sign-out',
      async handle (ctx) {
        people.signOut(ctx.caller)
        ctx.setCookie(init.cookie(''))
        return { signedOut: true }
      }
    },
    {
      method: 'POST',
      path: '/api/people/sign-out-everywhere',
      async handle (ctx) {
        people.signOutEverywhere(ctx.caller)
        ctx.setCookie(init.cookie(''))
        return { signedOut: true }
      }
    },
    { method: 'GET', path: '/api/people/me', handle: async ctx => me(ctx.caller) },
    { method: 'GET', path: '/api/people/me/sessions', handle: async ctx => people.sessions(ctx.caller) },
    {
      method: 'DELETE',
      path: '/api/people/me/sessions/([A-Za-z0-9_-]{43})',
      async handle (ctx) {
        people.endSession(ctx.caller, ctx.params[0])
        return { ended: true }
      }
    },
    { method: 'GET', path: '/api/people', handle: async () => people.list() },
    {
      method: 'POST',
      path: '/api/people/invitations',
      async handle (ctx) {
        const body = object(await ctx.body(), ['name', 'email', 'role', 'expires'])
        const { token, invitation } = people.invite(ctx.caller, {
          name: string(body.name, 'name'),
          ...(body.email != null ? { email: string(body.email, 'email') } : {}),
          role: role(body.role),
          ...(body.expires != null ? { expiresInMs: parseDuration(string(body.expires, 'expires')) } : {})
        })
        return { url: `${init.origin()}${JOIN_PATH}${token}`, name: invitation.name, role: invitation.role, expiresAt: new Date(invitation.expiresAt).toISOString() }
      }
    },
    { method: 'GET', path: '/api/people/invitations/([A-Za-z0-9_-]+)', handle: async ({ params }) => people.invitation(params[0]) },
    {
      method: 'POST',
      path: '/api/people/invitations/accept',
      async handle (ctx) {
        const body = object(await ctx.body(), ['token', 'password'])
        return started(ctx, await people.accept({ token: string(body.token, 'token'), password: string(body.password, 'password') }, ctx.client.agent))
      }
    },
    { method: 'GET', path: '/api/people/settings', handle: async () => people.settings() },
    {
      method: 'PATCH',
      path: '/api/people/settings',
      async handle (ctx) {
        const body = object(await ctx.body(), ['showPeopleNames'])
        return people.setSettings({ showPeopleNames: body.showPeopleNames as boolean })
      }
    },
    {
      method: 'PATCH',
      path: '/api/people/([^/]+)',
      async handle (ctx) {
        const body = object(await ctx.body(), ['role'])
        return people.setRole(ctx.caller, ctx.params[0], role(body.role))
      }
    },
    {
      method: 'DELETE',
      path: '/api/people/([^/]+)',
      async handle (ctx) {
        people.remove(ctx.caller, ctx.params[0])
        return { removed: true }
      }
    }
  ]
}

function role (value: unknown): PersonRole {
  if (!PERSON_ROLES.includes(value as PersonRole)) throw new InvalidInputError(`"role" must be one of ${PERSON_ROLES.join(', ')}`)
  return value as PersonRole
}

/** "30m", "12h", "7d" → milliseconds. @throws InvalidInputError */
export function parseDuration (text: string): number {
  const match = /^(\d{1,4})([mhd])$/.exec(text.trim())
  if (match == null) throw new InvalidInputError(`"${text.slice(0, 20)}" is not a duration such as 30m, 12h or 7d`)
  return Number(match[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'm' | 'h' | 'd']
}
