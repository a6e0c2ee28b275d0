/**
 * A request to a node's local API with the token of its data folder: for the node's tests, and for
 * the root scenarios as `@commonplace/node/test/api-request` (a relative import across the two
 * TypeScript projects fails with TS2878, a package subpath does not).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { FILES } from '../src/index.ts'
import type { CommonplaceNode } from '../src/index.ts'

/** The answer's status, and its body parsed when it is JSON (text otherwise, e.g. metrics). */
export async function apiRequest (node: CommonplaceNode, dataDir: string, method: string, path: string, body?: unknown): Promise<{ status: number, json: any }> {
  const token = readFileSync(join(dataDir, FILES.token), 'utf8').trim()
  const res = await fetch(`${node.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {})
  })
  const text = await res.text()
  return { status: res.status, json: res.headers.get('content-type')?.includes('json') === true ? JSON.parse(text) : text }
}
