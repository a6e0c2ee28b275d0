/**
 * What each route of the local API needs (docs/people.md, "People and roles"), in one table: reads
 * need a viewer, writes an editor, and what acts for the whole organisation an admin. A write the
 * table does not name needs an admin, so a new route is closed until it is placed here.
 */
import { RoleForbiddenError, SignedOutError } from '@commonplace/core'
import { PERSON_ROLES } from '@commonplace/api'
import type { PersonRole } from '@commonplace/api'
import type { Caller } from './people.ts'

/** `public`: no session needed; `signed-in`: any role; else the least role. */
export type Requirement = 'public' | 'signed-in' | PersonRole

const PUBLIC: ReadonlyArray<[string, RegExp]> = [
  ['POST', /^\/api\/people\/sign-in$/],
  ['GET', /^\/api\/people\/invitations\/[A-Za-z0-9_-]+$/],
  ['POST', /^\/api\/people\/invitations\/accept$/],
  ['POST', /^\/api\/people\/passkey-sign-in(\/options)?$/]
]

const SIGNED_IN: ReadonlyArray<[string, RegExp]> = [
  ['GET', /^\/api\/people\/me$/],
  ['GET', /^\/api\/people\/me\/sessions$/],
  ['DELETE', /^\/api\/people\/me\/sessions\/[A-Za-z0-9_-]+$/],
  ['POST', /^\/api\/people\/sign-out$/],
  // a person's own passkeys
  ['GET', /^\/api\/people\/me\/passkeys$/],
  ['POST', /^\/api\/people\/me\/passkeys(\/options)?$/],
  ['DELETE', /^\/api\/people\/me\/passkeys\/[A-Za-z0-9_-]+$/],
  ['POST', /^\/api\/people\/sign-out-everywhere$/],
  // the handler lets only the admin link's holder set the organisation up
  ['POST', /^\/api\/people\/setup$/]
]

/** Reads an admin alone may make: the list of people, outstanding invitations. */
const ADMIN_READS = /^\/api\/people(\/|$)/

/** Writes an editor may make: documents, their versions (a restore is an edit) and their practice (adapt, propose, adopt). */
const EDITOR_WRITES: ReadonlyArray<[string, RegExp]> = [
  ['POST', /^\/api\/docs$/],
  ['PATCH', /^\/api\/docs\/[^/]+$/],
  ['POST', /^\/api\/docs\/[^/]+\/(versions|restore)$/],
  ['POST', /^\/api\/docs\/[^/]+\/adapt$/],
  ['PATCH', /^\/api\/docs\/[^/]+\/adaptation$/],
  ['POST', /^\/api\/docs\/[^/]+\/proposals$/],
  ['POST', /^\/api\/docs\/[^/]+\/upstream\/(take|dismiss)$/],
  ['POST', /^\/api\/proposals\/[^/]+\/(accept|decline)$/],
  ['POST', /^\/api\/adoption$/]
]

/**
 * Writes a viewer may make: they change nothing of a document. A comment goes to the record's
 * comments document, and only where the organisation may comment on the record (the issue's "comment
 * where the document allows it").
 */
const VIEWER_WRITES: ReadonlyArray<[string, RegExp]> = [
  ['POST', /^\/api\/docs\/[^/]+\/comments$/],
  ['POST', /^\/api\/comments\/[^/]+\/(replies|state)$/],
  ['POST', /^\/api\/notices\/read$/],
  // a tab's client id: a viewer's tab needs one to open the document; its writes are refused on the socket
  ['POST', /^\/api\/web\/docs\/[^/]+\/clients$/]
]

const listed = (table: ReadonlyArray<[string, RegExp]>, method: string, path: string): boolean =>
  table.some(([m, re]) => m === method && re.test(path))

/** The least a caller needs for `method` on `path`. */
export function requiredRole (method: string, path: string): Requirement {
  if (listed(PUBLIC, method, path)) return 'public'
  if (listed(SIGNED_IN, method, path)) return 'signed-in'
  if (method === 'GET' || method === 'HEAD') return ADMIN_READS.test(path) ? 'admin' : 'viewer'
  if (listed(VIEWER_WRITES, method, path)) return 'viewer'
  if (listed(EDITOR_WRITES, method, path)) return 'editor'
  return 'admin'
}

/** Whether `role` is at least `least`. */
export function atLeast (role: PersonRole, least: PersonRole): boolean {
  return PERSON_ROLES.indexOf(role) >= PERSON_ROLES.indexOf(least)
}

/**
 * @throws SignedOutError without a caller where one is needed, RoleForbiddenError when the
 * caller's role is below the route's
 */
export function authorize (caller: Caller | undefined, method: string, path: string): void {
  const need = requiredRole(method, path)
  if (need === 'public') return
  if (caller == null) throw new SignedOutError()
  if (need === 'signed-in' || atLeast(caller.role, need)) return
  throw new RoleForbiddenError(`Your role (${caller.role}) does not allow this: it needs ${need === 'admin' ? 'an admin' : `an ${need}`}`)
}
