/**
 * The built web app (apps/web/dist) served from the node: hashed assets cached for good, the
 * page itself and the service worker always revalidated (ETag, 304), any unknown path answered
 * with the page (the app routes in the browser). Text files go compressed, brotli or gzip as the
 * browser accepts: the copies the build made (`file.br`, `file.gz`), or else compressed once and
 * kept in memory; nothing is compressed per request. A strict Content-Security-Policy: nothing
 * from elsewhere, connections only to this node.
 */
import { createHash } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, resolve as absolute, sep } from 'node:path'
import { promisify } from 'node:util'
import { brotliCompress, constants, gzip } from 'node:zlib'
import type { IncomingHttpHeaders, ServerResponse } from 'node:http'

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

/** Types worth compressing (images and fonts are compressed already). */
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.webmanifest', '.txt'])
/** Below this, compression saves less than its header costs. */
const MIN_COMPRESS_BYTES = 512
/** Files kept in memory at most: a build has a handful. */
const MAX_ENTRIES = 200
const IMMUTABLE = 'public, max-age=31536000, immutable'

const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY'
}

const brotli = promisify(brotliCompress)
const gzipAsync = promisify(gzip)

type Encoding = 'br' | 'gzip'

/** One file as it is served: its bytes, compressed forms and validator, for one version on disk. */
interface Entry {
  mtimeMs: number
  size: number
  type: string
  body: Buffer
  /** Strong validator of the file's bytes; the encoding is added to it (a different representation). */
  hash: string
  encoded: Partial<Record<Encoding, Buffer>>
}

export interface StaticFiles {
  /** Answer GET/HEAD for `pathname`; false when it is not ours to answer. */
  serve(pathname: string, method: string, res: ServerResponse, headers?: IncomingHttpHeaders): Promise<boolean>
}

/**
 * Serve files under `folder`; when it holds no build, a page that says how to build it, and
 * without a folder (a node assembled without the web app's files) a page that says so.
 */
export function staticFiles (folder: string | undefined): StaticFiles {
  // absolute and without a trailing separator, so that `root + sep` prefixes every file in it
  const root = folder != null ? absolute(folder) : undefined
  const entries = new Map<string, Promise<Entry>>()

  const entry = async (file: string): Promise<Entry> => {
    const info = await stat(file)
    const kept = entries.get(file)
    if (kept != null) {
      const current = await kept.catch(() => undefined)
      if (current != null && current.mtimeMs === info.mtimeMs && current.size === info.size) return current
    }
    // a rebuild leaves the old hashed names behind: start afresh rather than keep them all
    if (entries.size >= MAX_ENTRIES) entries.clear()
    const loading = load(file, info.mtimeMs, info.size)
    entries.set(file, loading)
    loading.catch(() => { entries.delete(file) })
    return await loading
  }

  return {
    async serve (pathname, method, res, headers = {}) {
      if (method !== 'GET' && method !== 'HEAD') return false
      const file = root == null ? undefined : await resolve(root, pathname) ?? await resolve(root, '/index.html')
      if (root == null || file == null) {
        res.writeHead(503, { ...SECURITY_HEADERS, 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' })
        res.end(method === 'HEAD' ? undefined : root == null ? NO_FOLDER : NOT_BUILT)
        return true
      }
      const immutable = pathname.startsWith('/assets/') && file.startsWith(normalize(join(root, 'assets')) + sep)
      send(res, await entry(file), immutable ? IMMUTABLE : 'no-cache', method, headers)
      return true
    }
  }
}

async function load (file: string, mtimeMs: number, size: number): Promise<Entry> {
  const body = await readFile(file)
  const ext = extname(file)
  const entry: Entry = {
    mtimeMs,
    size,
    type: CONTENT_TYPES[ext] ?? 'application/octet-stream',
    body,
    hash: createHash('sha256').update(body).digest('base64url').slice(0, 22),
    encoded: {}
  }
  if (!COMPRESSIBLE.has(ext) || body.length < MIN_COMPRESS_BYTES) return entry
  entry.encoded.br = await prebuilt(`${file}.br`, mtimeMs) ??
    await brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } })
  entry.encoded.gzip = await prebuilt(`${file}.gz`, mtimeMs) ?? await gzipAsync(body, { level: 9 })
  return entry
}

/** The build's compressed copy of a file, unless it is missing or older than the file. */
async function prebuilt (path: string, mtimeMs: number): Promise<Buffer | undefined> {
  try {
    if ((await stat(path)).mtimeMs < mtimeMs) return undefined
    return await readFile(path)
  } catch {
    return undefined
  }
}

/** The encoding to send: brotli, else gzip, when the browser accepts it (`q=0` refuses). */
export function chooseEncoding (acceptEncoding: string | undefined): Encoding | undefined {
  const accepted = new Set<string>()
  for (const part of (acceptEncoding ?? '').slice(0, 1000).split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';')
    const q = params.map(p => p.trim()).find(p => p.startsWith('q='))
    if (q != null && Number(q.slice(2)) === 0) continue
    accepted.add(name)
  }
  if (accepted.has('br')) return 'br'
  if (accepted.has('gzip')) return 'gzip'
  return undefined
}

function send (res: ServerResponse, entry: Entry, cache: string, method: string, headers: IncomingHttpHeaders): void {
  const encoding = chooseEncoding(headers['accept-encoding'] as string | undefined)
  const encoded = encoding != null ? entry.encoded[encoding] : undefined
  const etag = `"${entry.hash}${encoded != null ? `-${encoding}` : ''}"`
  const common: Record<string, string | number> = { ...SECURITY_HEADERS, 'Content-Type': entry.type, 'Cache-Control': cache, ETag: etag }
  if (Object.keys(entry.encoded).length > 0) common.Vary = 'Accept-Encoding'
  if (notModified(headers['if-none-match'], entry.hash)) {
    res.writeHead(304, common)
    res.end()
    return
  }
  const body = encoded ?? entry.body
  res.writeHead(200, { ...common, ...(encoded != null ? { 'Content-Encoding': encoding } : {}), 'Content-Length': body.length })
  res.end(method === 'HEAD' ? undefined : body)
}

/** Whether If-None-Match names this content, in any of its encodings. */
function notModified (ifNoneMatch: string | undefined, hash: string): boolean {
  if (ifNoneMatch == null) return false
  return ifNoneMatch.slice(0, 2000).split(',').some(tag => {
    const value = tag.trim().replace(/^W\//, '').replace(/^"|"$/g, '')
    return value === '*' || value === hash || value.startsWith(`${hash}-`)
  })
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

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Commonplace</title>
<h1>The web app has not been built</h1><p>Run <code>npm run build:web</code> (or <code>npm start</code>, which builds it) and reload.</p></html>`
const NO_FOLDER = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Commonplace</title>
<h1>This node serves no web app</h1><p>It was started without the web app's folder. <code>commonplace start</code> serves the one in <code>apps/web/dist</code>.</p></html>`
