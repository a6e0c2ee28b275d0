/**
 * Browser sessions: a one-time login token (printed as a link by `commonplace start`) is
 * exchanged for an HttpOnly, SameSite=Strict session cookie. The cookie is
 * `<expiry>.<nonce>.<HMAC>` signed with a key kept in the data folder, so a session outlives a
 * node restart (a page left open reconnects on its own); deleting the key ends every session.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { IncomingMessage } from 'node:http'
import { LOGIN_TOKEN_TTL, SESSION_KEY_FILE, SESSION_TTL } from './constants.ts'

export interface Sessions {
  /** A fresh one-time login token. */
  mintLoginToken(): string
  /** Spend a login token; the Set-Cookie value of a new session, or undefined if the token is not valid. */
  redeem(token: string, port: number): string | undefined
  /** Whether the request carries a valid session cookie for this node's port. */
  verify(req: IncomingMessage, port: number): boolean
}

export interface SessionsInit {
  dataDir: string
  now?: () => number
}

/** Load (or create) the signing key and return the session keeper. */
export async function createSessions (init: SessionsInit): Promise<Sessions> {
  const key = await loadKey(join(init.dataDir, SESSION_KEY_FILE))
  const now = init.now ?? Date.now
  const loginTokens = new Map<string, number>()
  const sign = (payload: string): string => createHmac('sha256', key).update(payload).digest('base64url')

  return {
    mintLoginToken () {
      for (const [token, expiry] of loginTokens) if (expiry < now()) loginTokens.delete(token)
      const token = randomBytes(24).toString('base64url')
      loginTokens.set(token, now() + LOGIN_TOKEN_TTL)
      return token
    },
    redeem (token, port) {
      const expiry = loginTokens.get(token)
      loginTokens.delete(token)
      if (expiry == null || expiry < now()) return undefined
      const payload = `${now() + SESSION_TTL}.${randomBytes(16).toString('base64url')}`
      return `${cookieName(port)}=${payload}.${sign(payload)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_TTL / 1000}`
    },
    verify (req, port) {
      const value = readCookie(req.headers.cookie, cookieName(port))
      if (value == null) return false
      const cut = value.lastIndexOf('.')
      if (cut < 0) return false
      const payload = value.slice(0, cut)
      const expected = Buffer.from(sign(payload))
      const given = Buffer.from(value.slice(cut + 1))
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false
      return Number(payload.split('.')[0]) > now()
    }
  }
}

/** Cookies are shared by every port of a host: one name per node port keeps two nodes apart. */
export function cookieName (port: number): string {
  return `commonplace_session_${port}`
}

function readCookie (header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

async function loadKey (path: string): Promise<Buffer> {
  try {
    const key = await readFile(path)
    if (key.length >= 32) return key
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  const key = randomBytes(32)
  await writeFile(path, key, { mode: 0o600 })
  return key
}
