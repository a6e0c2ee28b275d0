/**
 * The passkey routes of the local API (docs/people.md, "Passkeys"): a signed-in person's own
 * passkeys (options, add, list, remove) and signing in with one. What each needs is in roles.ts.
 */
import { addPasskeyRequest, passkeySignInOptionsRequest, passkeySignInRequest } from '@commonplace/api'
import { apiRoute } from '../api-routes.ts'
import type { ApiRoute, RouteContext } from '../api-routes.ts'
import type { People } from './people.ts'
import type { PasskeyClient } from './passkeys.ts'

/** The passkey routes; `signedIn` answers a new session (sets its cookie, says who it is). */
export function passkeyRoutes (people: People, signedIn: (ctx: RouteContext<unknown>, session: ReturnType<People['passkeys']['signIn']>) => unknown): ApiRoute[] {
  const { passkeys } = people
  const client = (ctx: RouteContext<unknown>): PasskeyClient => ctx.client
  return [
    apiRoute({ method: 'POST', path: '/api/people/me/passkeys/options', handle: async ctx => passkeys.creationOptions(ctx.caller, client(ctx)) }),
    apiRoute({ method: 'GET', path: '/api/people/me/passkeys', handle: async ctx => passkeys.list(ctx.caller) }),
    apiRoute({
      method: 'POST',
      path: '/api/people/me/passkeys',
      input: { body: addPasskeyRequest },
      handle: async ctx => passkeys.add(ctx.caller, ctx.input, client(ctx))
    }),
    apiRoute({
      method: 'DELETE',
      path: '/api/people/me/passkeys/([A-Za-z0-9_-]+)',
      async handle (ctx) {
        passkeys.remove(ctx.caller, ctx.params[0])
        return { removed: true }
      }
    }),
    apiRoute({
      method: 'POST',
      path: '/api/people/passkey-sign-in/options',
      input: { body: passkeySignInOptionsRequest },
      handle: async ctx => passkeys.requestOptions(client(ctx), ctx.input.login)
    }),
    apiRoute({
      method: 'POST',
      path: '/api/people/passkey-sign-in',
      input: { body: passkeySignInRequest },
      handle: async ctx => signedIn(ctx, passkeys.signIn(ctx.input, client(ctx)))
    })
  ]
}
