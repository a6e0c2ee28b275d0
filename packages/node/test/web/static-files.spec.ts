/**
 * The web app's files as the node serves them: compressed as the browser accepts (the build's
 * copies when there are any), hashed assets cached for good, the page revalidated with its ETag.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, brotliDecompressSync, gunzipSync } from 'node:zlib'
import { chooseEncoding, staticFiles } from '../../src/web/static-files.ts'

const PAGE = `<!doctype html><title>Commonplace</title>${'<p>the app shell</p>'.repeat(100)}`
const SCRIPT = `console.log(${JSON.stringify('the document list '.repeat(200))})`

interface Answer { status: number, headers: Record<string, string | string[] | undefined>, body: Buffer }

describe('static files', () => {
  let root: string
  let server: Server
  let base: string

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'cp-static-'))
    mkdirSync(join(root, 'assets'))
    writeFileSync(join(root, 'index.html'), PAGE)
    writeFileSync(join(root, 'assets', 'main-abc123.js'), SCRIPT)
    // the build's brotli copy of the script: served as it is
    writeFileSync(join(root, 'assets', 'main-abc123.js.br'), brotliCompressSync(SCRIPT))
    const files = staticFiles(root)
    server = createServer((req, res) => {
      void files.serve(new URL(req.url ?? '/', 'http://x').pathname, req.method ?? 'GET', res, req.headers).then(served => {
        if (!served) { res.writeHead(405); res.end() }
      })
    })
    await new Promise<void>(resolve => { server.listen(0, '127.0.0.1', resolve) })
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  })

  afterAll(async () => {
    await new Promise(resolve => server.close(resolve))
    rmSync(root, { recursive: true, force: true })
  })

  // node:http rather than fetch: fetch decompresses and hides Content-Encoding's effect on the bytes
  async function get (path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
    return await new Promise((resolve, reject) => {
      const req = request(`${base}${path}`, { method, headers }, res => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }) })
      })
      req.on('error', reject)
      req.end()
    })
  }

  it('sends brotli when accepted, else gzip, else the file as it is', async () => {
    const br = await get('/assets/main-abc123.js', { 'accept-encoding': 'gzip, deflate, br' })
    expect(br.headers['content-encoding']).toBe('br')
    expect(brotliDecompressSync(br.body).toString()).toBe(SCRIPT)
    expect(br.body.length).toBeLessThan(SCRIPT.length / 4)
    expect(br.headers.vary).toBe('Accept-Encoding')

    const gz = await get('/assets/main-abc123.js', { 'accept-encoding': 'gzip, br;q=0' })
    expect(gz.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(gz.body).toString()).toBe(SCRIPT)

    const plain = await get('/assets/main-abc123.js', { 'accept-encoding': 'identity' })
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.body.toString()).toBe(SCRIPT)
    expect(Number(plain.headers['content-length'])).toBe(SCRIPT.length)
  })

  it('caches hashed assets for good and has the page revalidated', async () => {
    expect((await get('/assets/main-abc123.js')).headers['cache-control']).toBe('public, max-age=31536000, immutable')
    const page = await get('/', { 'accept-encoding': 'br' })
    expect(page.headers['cache-control']).toBe('no-cache')
    expect(page.headers['content-security-policy']).toContain("default-src 'self'")
    // an app route is the page too
    expect((await get('/networks')).body.toString()).toBe(PAGE)
  })

  it('answers 304 to the ETag of any of its encodings, and 200 when the file changed', async () => {
    const first = await get('/', { 'accept-encoding': 'gzip' })
    const etag = String(first.headers.etag)
    expect(etag).toMatch(/^".+-gzip"$/)
    const again = await get('/', { 'accept-encoding': 'br', 'if-none-match': etag })
    expect(again.status).toBe(304)
    expect(again.body.length).toBe(0)
    expect((await get('/', { 'if-none-match': '"something-else"' })).status).toBe(200)

    writeFileSync(join(root, 'index.html'), `${PAGE}<!-- a new build -->`)
    const changed = await get('/', { 'if-none-match': etag })
    expect(changed.status).toBe(200)
    expect(changed.body.toString()).toContain('a new build')
  })

  it('answers HEAD without a body and leaves other methods alone', async () => {
    const head = await get('/assets/main-abc123.js', { 'accept-encoding': 'br' }, 'HEAD')
    expect(head.status).toBe(200)
    expect(head.body.length).toBe(0)
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0)
    expect((await get('/', {}, 'POST')).status).toBe(405)
  })

  it('serves a folder named with a trailing slash, and nothing outside it', async () => {
    const files = staticFiles(`${root}/`)
    const served = await new Promise<{ status: number, body: string }>(resolve => {
      const server = createServer((req, res) => { void files.serve(req.url ?? '/', 'GET', res, req.headers) })
      server.listen(0, '127.0.0.1', () => {
        const port = (server.address() as { port: number }).port
        void fetch(`http://127.0.0.1:${port}/`).then(async r => {
          const body = await r.text()
          server.close()
          resolve({ status: r.status, body })
        })
      })
    })
    expect(served.status).toBe(200)
    expect(served.body).toContain('the app shell')
    // a path that climbs out of the folder is answered with the page, not with the file
    expect((await get('/%2e%2e/%2e%2e/etc/passwd')).body.toString()).toContain('the app shell')
  })

  it('reads Accept-Encoding as browsers and proxies write it', () => {
    expect(chooseEncoding('gzip, deflate, br, zstd')).toBe('br')
    expect(chooseEncoding('BR;q=0.5, gzip;q=1')).toBe('br')
    expect(chooseEncoding('br;q=0, gzip')).toBe('gzip')
    expect(chooseEncoding('identity')).toBeUndefined()
    expect(chooseEncoding(undefined)).toBeUndefined()
  })
})
