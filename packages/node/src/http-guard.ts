/**
 * The local HTTP server's gate checks (docs/security.md, docs/people.md): the Host header must name
 * this node as configured (the DNS-rebinding defence), a browser's request must come from one of
 * this node's origins (the cross-origin defence), and a non-browser client must present the API
 * token.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { CommonplaceError, ForbiddenError } from '@commonplace/core'
import type { IncomingMessage } from 'node:http'

/** The names this node answers to, and the origins its pages are served from. */
export interface Guard {
  hosts: Set<string>
  origins: Set<string>
}

/** One listening address of the server. */
export interface Listener { scheme: 'http' | 'https', host: string, port: number }

const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]']

/**
 * What to accept for `listeners`: each one's loopback names, its own address when it is a
 * particular one, and the public URL's host (a reverse proxy passes it on as the Host header).
 */
export function guardFor (listeners: Listener[], publicUrl?: string): Guard {
  const hosts = new Set<string>()
  const origins = new Set<string>()
  const add = (scheme: string, host: string): void => {
    hosts.add(host)
    origins.add(`${scheme}://${host}`)
  }
  for (const { scheme, host, port } of listeners) {
    for (const name of LOOPBACK) add(scheme, `${name}:${port}`)
    if (!isWildcard(host)) add(scheme, `${urlHost(host)}:${port}`)
  }
  if (publicUrl != null) {
    const url = new URL(publicUrl)
    hosts.add(url.host)
    origins.add(url.origin)
  }
  return { hosts, origins }
}

/** @throws ForbiddenError unless the Host header names this node */
export function checkHost (req: IncomingMessage, guard: Guard): void {
  const host = (req.headers.host ?? '').toLowerCase()
  if (!guard.hosts.has(host)) {
    throw new ForbiddenError('The Host header must name this node: a loopback address or its public URL')
  }
}

/** A browser request must come from this node's own origin (`required`), or name no other one. */
export function checkOrigin (req: IncomingMessage, guard: Guard, required: boolean): void {
  const origin = req.headers.origin?.toLowerCase()
  if (origin == null && !required) return
  if (origin == null || !guard.origins.has(origin)) {
    throw new ForbiddenError('This request must come from the web app of this node (Origin)')
  }
}

/** @throws CommonplaceError ERR_UNAUTHORISED unless the request carries the API token */
export function checkToken (req: IncomingMessage, expected: Buffer): void {
  const match = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '')
  if (match == null || !timingSafeEqual(digest(match[1]), expected)) {
    throw new CommonplaceError('A valid API token is required (Authorization: Bearer <token>)', 'ERR_UNAUTHORISED')
  }
}

/** Hash first so both sides of timingSafeEqual have the same length whatever was sent. */
export function digest (token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest()
}

export function isWildcard (host: string): boolean {
  return host === '0.0.0.0' || host === '::'
}

export function isLoopback (host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1'
}

/** A host as it appears in a URL (IPv6 in brackets); a wildcard as the loopback address that reaches it. */
export function urlHost (host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1'
  if (host === '::') return '[::1]'
  return host.includes(':') ? `[${host}]` : host
}
