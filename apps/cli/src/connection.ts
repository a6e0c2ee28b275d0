import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CommonplaceError } from '@commonplace/core'
import { NodeNotRunningError } from './errors.ts'

/** `<dataDir>/node.json`, written by a running node. */
export interface NodeInfo {
  orgId: string
  name: string
  listen: string[]
  /** The local API url, e.g. http://127.0.0.1:7420 */
  api: string
  pid?: number
}

export interface Connection {
  info: NodeInfo
  url: string
  token: string
}

export const NODE_INFO_FILE = 'node.json'
export const API_TOKEN_FILE = 'api-token'

/**
 * How to reach the node of `dataDir`: its node.json and api-token. Throws NodeNotRunningError
 * when there is no node.json or the process it names is gone.
 */
export async function readConnection (dataDir: string): Promise<Connection> {
  const infoPath = join(dataDir, NODE_INFO_FILE)
  const text = await readText(infoPath)
  if (text == null) throw new NodeNotRunningError(dataDir)
  const info = parseNodeInfo(text, infoPath)
  if (info.pid != null && !isAlive(info.pid)) throw new NodeNotRunningError(dataDir)
  const tokenPath = join(dataDir, API_TOKEN_FILE)
  const token = (await readText(tokenPath))?.trim()
  if (token == null || token === '') {
    throw new CommonplaceError(`${tokenPath} is missing or empty; restart the node to write a new one`, 'ERR_API_TOKEN_MISSING')
  }
  return { info, url: info.api, token }
}

/** The file's text, or undefined when it does not exist. */
async function readText (path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
    throw new CommonplaceError(`Cannot read ${path} (${code ?? (err as Error).message})`, 'ERR_READ_FAILED', { cause: err })
  }
}

function parseNodeInfo (text: string, path: string): NodeInfo {
  let value: Partial<NodeInfo> | undefined
  try {
    value = JSON.parse(text)
  } catch {
    value = undefined
  }
  if (value == null || typeof value !== 'object' || typeof value.api !== 'string' || !URL.canParse(value.api)) {
    throw new CommonplaceError(`${path} is not a valid node description (no "api" url)`, 'ERR_INVALID_INPUT')
  }
  return {
    orgId: String(value.orgId ?? ''),
    name: String(value.name ?? ''),
    listen: Array.isArray(value.listen) ? value.listen.map(String) : [],
    api: value.api,
    pid: Number.isInteger(value.pid) ? value.pid : undefined
  }
}

function isAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
