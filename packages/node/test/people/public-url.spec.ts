/**
 * Reaching the node from other computers (docs/people.md): HTTPS with a certificate the node made
 * for its public name, the Host and Origin checks for that name, and a loopback HTTP listener for
 * the API token's holder.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { X509Certificate } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHttpApi } from '../../src/http-api.ts'
import type { HttpApiServer } from '../../src/http-api.ts'
import type { LocalApi } from '@commonplace/api'
import { makeCertificate, selfMadeTls } from '../../src/web/certificate.ts'

const HOST = 'commonplace.riverside.test'
const dirs: string[] = []
const servers: HttpApiServer[] = []

afterEach(async () => {
  await Promise.all(servers.splice(0).map(async s => { await s.stop() }))
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const api = { status: async () => ({ orgId: 'x', name: 'Riverside Surgery' }) } as unknown as LocalApi

/** A GET over TLS to 127.0.0.2 naming `host`, trusting `ca`. */
async function get (port: number, host: string, ca: string, path = '/api/status'): Promise<{ status: number, body: string }> {
  return await new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.2', port, path, servername: HOST, ca, headers: { host, authorization: 'Bearer secret' } }, res => {
      let body = ''
      res.on('data', (chunk: Buffer) => { body += chunk.toString() })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body }) })
    })
    req.on('error', reject)
    req.end()
  })
}

describe('reaching the node from other computers', () => {
  it('makes a certificate for its public name once, and again only when the name changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cp-tls-'))
    dirs.push(dir)
    const first = await selfMadeTls(dir, [HOST])
    expect(first.created).toBe(true)
    expect(new X509Certificate(first.cert).checkHost(HOST)).toBe(HOST)
    expect(first.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
    const again = await selfMadeTls(dir, [HOST])
    expect(again).toMatchObject({ created: false, fingerprint: first.fingerprint })
    const renamed = await selfMadeTls(dir, ['commonplace.hillview.test'])
    expect(renamed.created).toBe(true)
    expect(renamed.fingerprint).not.toBe(first.fingerprint)
  })

  it('makes certificates OpenSSL reads whatever serial number it draws', () => {
    // the serial is random: before it was kept in DER's shortest form, one in 256 failed to parse
    for (let i = 0; i < 1024; i++) expect(makeCertificate([HOST]).fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
  })

  it('serves HTTPS under the public name, refuses other names, and gives the token\'s holder a loopback listener', async () => {
    const tls = makeCertificate([HOST])
    const server = createHttpApi({ api, token: 'secret', host: '127.0.0.2', port: 0, publicUrl: `https://${HOST}`, tls: { cert: tls.cert, key: tls.key } })
    servers.push(server)
    await server.start()
    expect(server.publicUrl).toBe(`https://${HOST}`)
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const port = (server.server.address() as { port: number }).port
    expect(await get(port, HOST, tls.cert)).toMatchObject({ status: 200 })
    const rebound = await get(port, 'attacker.example', tls.cert)
    expect(rebound.status).toBe(403)
    expect(JSON.parse(rebound.body).error.code).toBe('ERR_FORBIDDEN')
    const local = await fetch(`${server.url}/api/status`, { headers: { authorization: 'Bearer secret' } })
    expect(local.status).toBe(200)
  })

  it('refuses to serve beyond loopback without a public URL', () => {
    expect(() => createHttpApi({ api, token: 'secret', host: '0.0.0.0' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_INPUT' }))
    expect(() => createHttpApi({ api, token: 'secret', host: '0.0.0.0', publicUrl: 'https://x.test/app' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_INPUT' }))
  })
})
