/**
 * The built web app (apps/web/dist) served from the node: hashed assets cached for good, the
 * page itself and the service worker always revalidated, any unknown path answered with the
 * page (the app routes in the browser). A strict Content-Security-Policy: nothing from
 * elsewhere, connections only to this node.
 */
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import type { ServerResponse } from 'node:http'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8'
}

const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY'
}

export interface StaticFiles {
  /** Answer GET/HEAD for `pathname`; false when it is not ours to answer. */
  serve(pathname: string, method: string, res: ServerResponse): Promise<boolean>
}

/** Serve files under `root`; when `root` holds no build, a page that says how to build it. */
export function staticFiles (root: string): StaticFiles {
  return {
    async serve (pathname, method, res) {
      if (method !== 'GET' && method !== 'HEAD') return false
      const file = await resolve(root, pathname)
      if (file == null) {
        const index = await resolve(root, '/index.html')
        if (index == null) {
          send(res, 503, 'text/html; charset=utf-8', Buffer.from(NOT_BUILT), 'no-store', method)
          return true
        }
        send(res, 200, CONTENT_TYPES['.html'], await readFile(index), 'no-cache', method)
        return true
      }
      const immutable = pathname.startsWith('/assets/')
      send(res, 200, CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', await readFile(file),
        immutable ? 'public, max-age=31536000, immutable' : 'no-cache', method)
      return true
    }
  }
}

async function resolve (root: string, pathname: string): Promise<string | undefined> {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return undefined
  }
  if (decoded.includes('\0')) return undefined
  const path = normalize(join(root, decoded === '/' ? '/index.html' : decoded))
  if (!path.startsWith(normalize(root) + sep)) return undefined
  try {
    return (await stat(path)).isFile() ? path : undefined
  } catch {
    return undefined
  }
}

function send (res: ServerResponse, status: number, type: string, body: Buffer, cache: string, method: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': body.length, 'Cache-Control': cache })
  res.end(method === 'HEAD' ? undefined : body)
}

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Commonplace</title>
<h1>The web app has not been built</h1><p>Run <code>npm run build:web</code> (or <code>npm start</code>, which builds it) and reload.</p></html>`
