import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { InvalidInputError, MAX_SHORT_TEXT, StorageCorruptError, StorageFullError } from '@commonplace/core'
import type { OrgId } from '@commonplace/core'
import type { PrivateKey } from '@libp2p/interface'
import { FILES } from './constants.ts'

export interface Identity {
  key: PrivateKey
  orgId: OrgId
  name: string
}

/** Create the data folder if it is missing; it holds a private key, so it is made owner-only (0700). */
export async function ensureDataFolder (dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 }).catch(fullDisk(dataDir))
  if (((await stat(dataDir)).mode & 0o077) !== 0) await chmod(dataDir, 0o700)
}

/**
 * Load the organisation's identity, creating the Ed25519 key (mode 0600) on first use.
 * A given `name` replaces the stored display name.
 */
export async function loadIdentity (dataDir: string, name?: string): Promise<Identity & { created: boolean }> {
  await ensureDataFolder(dataDir)
  const keyPath = join(dataDir, FILES.identity)
  let key: PrivateKey
  let created = false
  const existing = await readIfExists(keyPath)
  if (existing != null) {
    try {
      key = privateKeyFromProtobuf(existing)
    } catch (err) {
      throw new StorageCorruptError(`The identity key in ${keyPath} is corrupt`, { cause: err })
    }
    if (((await stat(keyPath)).mode & 0o077) !== 0) await chmod(keyPath, 0o600)
  } else {
    key = await generateKeyPair('Ed25519')
    await writeFile(keyPath, privateKeyToProtobuf(key), { mode: 0o600, flag: 'wx' }).catch(fullDisk(keyPath))
    created = true
  }
  const orgId = peerIdFromPrivateKey(key).toString() as OrgId
  const config = await readConfig(dataDir)
  if (name != null) config.name = await saveName(dataDir, name)
  return { key, orgId, name: typeof config.name === 'string' ? config.name : orgId.slice(-8), created }
}

/**
 * The introduction secret of this organisation's card (32 bytes, mode 0600), created on first use.
 * Whoever holds the card holds it too: it derives the one identity this node admits to introduce itself.
 */
export async function loadIntroSecret (dataDir: string): Promise<Uint8Array> {
  const path = join(dataDir, FILES.introSecret)
  const existing = await readIfExists(path)
  if (existing != null) {
    if (existing.length !== 32) throw new StorageCorruptError(`The introduction secret in ${path} is corrupt`)
    return existing
  }
  const secret = new Uint8Array(randomBytes(32))
  await writeFile(path, secret, { mode: 0o600, flag: 'wx' }).catch(fullDisk(path))
  return secret
}

/** Store the organisation's display name; returns it as stored. */
export async function saveName (dataDir: string, name: string): Promise<string> {
  const config = await readConfig(dataDir)
  config.name = checkName(name)
  const path = join(dataDir, FILES.config)
  await writeFile(path, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 }).catch(fullDisk(path))
  return config.name as string
}

/** A fresh token for the local API, readable by the owner only. */
export async function writeApiToken (dataDir: string): Promise<string> {
  const token = randomBytes(32).toString('hex')
  await writeFile(join(dataDir, FILES.token), token + '\n', { mode: 0o600 }).catch(fullDisk(join(dataDir, FILES.token)))
  await chmod(join(dataDir, FILES.token), 0o600)
  return token
}

export interface NodeInfoFile {
  orgId: string
  name: string
  listen: string[]
  api: string
  pid: number
}

export async function writeNodeInfo (dataDir: string, info: NodeInfoFile): Promise<void> {
  const path = join(dataDir, FILES.nodeInfo)
  await writeFile(path, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 }).catch(fullDisk(path))
}

export async function removeNodeInfo (dataDir: string): Promise<void> {
  await rm(join(dataDir, FILES.nodeInfo), { force: true })
  await rm(join(dataDir, FILES.token), { force: true })
}

/**
 * A rethrow for a failed write of `path`: a full disk (or a used-up quota) becomes
 * StorageFullError saying what to do, anything else is rethrown as it is.
 */
function fullDisk (path: string): (err: unknown) => never {
  return err => {
    const code = (err as NodeJS.ErrnoException | null)?.code
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      throw new StorageFullError(`The disk is full: cannot write ${path}. Free some space on that disk (or move the data folder to another one) and start the node again.`, { cause: err })
    }
    throw err
  }
}

function checkName (name: string): string {
  const trimmed = name.trim()
  if (trimmed.length === 0 || trimmed.length > MAX_SHORT_TEXT) {
    throw new InvalidInputError(`An organisation name must be 1 to ${MAX_SHORT_TEXT} characters`)
  }
  return trimmed
}

async function readConfig (dataDir: string): Promise<{ name?: unknown }> {
  const bytes = await readIfExists(join(dataDir, FILES.config))
  if (bytes == null) return {}
  try {
    return JSON.parse(new TextDecoder().decode(bytes))
  } catch (err) {
    throw new StorageCorruptError(`${join(dataDir, FILES.config)} is not valid JSON`, { cause: err })
  }
}

async function readIfExists (path: string): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await readFile(path))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}
