/**
 * Browser sessions' cookies and the admin link (docs/people.md, "Sessions"). A one-time login
 * token (printed as a link by `commonplace start` and `commonplace login`) is exchanged for a
 * session as the node's administrator; people sign in with their password. The cookie holds a
 * random token whose hash the people store keeps, so a session can be ended at once.
 */
import { randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { LOGIN_TOKEN_TTL } from './constants.ts'
import { SESSION_TTL } from '../people/constants.ts'

/** One-time admin-link tokens, kept in memory for {@link LOGIN_TOKEN_TTL}. */
export interface LoginTokens {
  /** A fresh one-time login token. */
  mint(): string
  /** Spend a token; whether it was valid. */
  redeem(token: string): boolean
}

export function createLoginTokens (now: () => number = Date.now): LoginTokens {
  const tokens = new Map<string, number>()
  return {
    mint () {
      for (const [token, expiry] of tokens) if (expiry < now()) tokens.delete(token)
      const token = randomBytes(24).toString('base64url')
      tokens.set(token, now() + LOGIN_TOKEN_TTL)
      return token
    },
    redeem (token) {
      const expiry = tokens.get(token)
      tokens.delete(token)
      return expiry != null && expiry >= now()
    }
  }
}

/** Cookies are shared by every port of a host: one name per node port keeps two nodes apart. */
export function cookieName (port: number): string {
  return `commonplace_session_${port}`
}

/** The Set-Cookie value carrying `token` ('' clears the cookie); `Secure` under HTTPS. */
export function sessionCookie (port: number, token: string, secure: boolean): string {
  const age = token === '' ? 0 : SESSION_TTL / 1000
  return `${cookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${age}${secure ? '; Secure' : ''}`
}

/** The session token the request's cookie carries for this node's port. */
export function sessionToken (req: IncomingMessage, port: number): string | undefined {
  const name = cookieName(port)
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}
