/**
 * Learning networks through the CLI (`commonplace network …`), and invitation codes taken apart
 * and put back together the way a forger or a careless copy would.
 */
import { readFileSync } from 'node:fs'
import { join as joinPath } from 'node:path'
import { expect } from 'vitest'
import { generateKeyPairFromSeed, privateKeyFromProtobuf } from '@libp2p/crypto/keys'
import { randomNonce, signStatement } from '@commonplace/core'
import type { InvitationStatement, Unsigned } from '@commonplace/core'
import { cliOk, peerIds } from './cli.ts'
import { eventually } from './eventually.ts'
import type { NodeProc } from './node-process.ts'

// --- the shapes the CLI prints with --json (packages/node/src/api-types.ts) -------------------

export interface NetworkJson {
  id: string
  name: string
  visibility: 'invite' | 'approval'
  role: 'facilitator' | 'member' | 'pending' | 'removed'
  createdBy: string
  memberCount: number
}

export interface MemberJson {
  orgId: string
  name: string
  role: 'facilitator' | 'member'
  since: string
  online: boolean
  lastSeen?: string
  addresses: string[]
}

export interface InvitationJson { code: string, network: string, role: string, expiresAt: string, uses: number }

export interface TopicJson {
  id: string
  network: string
  title: string
  brief: string
  createdBy: string
  attachments: Array<{ id: string, title?: string, attachedBy: string }>
}

export interface JoinJson { network: NetworkJson, status: 'joined' | 'pending' }

// --- commands -------------------------------------------------------------------------------

export async function createNetwork (node: NodeProc, name: string, visibility: 'invite' | 'approval' = 'invite'): Promise<NetworkJson> {
  return await cliOk<NetworkJson>(node.dataDir, ['network', 'create', name, '--visibility', visibility])
}

export async function invite (node: NodeProc, network: string, options: string[] = []): Promise<string> {
  return (await cliOk<InvitationJson>(node.dataDir, ['network', 'invite', network, ...options])).code
}

export async function join (node: NodeProc, code: string): Promise<JoinJson> {
  return await cliOk<JoinJson>(node.dataDir, ['network', 'join', code])
}

export async function members (node: NodeProc, network: string): Promise<MemberJson[]> {
  return await cliOk<MemberJson[]>(node.dataDir, ['network', 'members', network])
}

export async function networks (node: NodeProc): Promise<NetworkJson[]> {
  return await cliOk<NetworkJson[]>(node.dataDir, ['network', 'list'])
}

/** The organisation ids on `node`'s roster of `network`, sorted. */
export async function memberIds (node: NodeProc, network: string): Promise<string[]> {
  return (await members(node, network)).map(m => m.orgId).sort()
}

/** The facilitator invites each node with a code of its own, and each joins with that code alone. */
export async function inviteAndJoin (facilitator: NodeProc, network: string, joiners: NodeProc[]): Promise<void> {
  for (const node of joiners) {
    const code = await invite(facilitator, network)
    const joined = await join(node, code)
    expect(joined.status, node.name).toBe('joined')
    expect(joined.network.id).toBe(network)
  }
}

/** Wait until every node's roster of `network` lists exactly `expected`. */
export async function rosterConverged (nodes: NodeProc[], network: string, expected: NodeProc[], what: string): Promise<void> {
  const ids = expected.map(n => n.orgId).sort()
  await eventually(async () => {
    for (const node of nodes) expect(await memberIds(node, network), `${node.name}'s roster`).toEqual(ids)
  }, { what })
}

/** Wait until each node is connected to exactly the others in `nodes` (and to no one else). */
export async function fullyConnected (nodes: NodeProc[], what: string): Promise<void> {
  await eventually(async () => {
    for (const node of nodes) {
      expect(await peerIds(node.dataDir), `${node.name}'s peers`).toEqual(nodes.filter(n => n !== node).map(n => n.orgId).sort())
    }
  }, { what })
}

// --- invitation codes (packages/network/src/invitation.ts: `cp1.` + base64url(JSON)) ---------

export interface CodeParts {
  g: { network: string, [key: string]: unknown }
  i: InvitationStatement
  s: string
  a: string[]
}

const CODE_PREFIX = 'cp1.'

export function readCode (code: string): CodeParts {
  if (!code.startsWith(CODE_PREFIX)) throw new Error(`Not an invitation code: ${code.slice(0, 20)}…`)
  return JSON.parse(Buffer.from(code.slice(CODE_PREFIX.length), 'base64url').toString('utf8')) as CodeParts
}

export function writeCode (parts: CodeParts): string {
  return CODE_PREFIX + Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url')
}

/** The code with its invitation raised to facilitator for 1,000 uses, the signature left as it was. */
export function forgedCode (code: string): string {
  const parts = readCode(code)
  return writeCode({ ...parts, i: { ...parts.i, role: 'facilitator', uses: 1000 } })
}

/** A validly signed invitation of `other`'s network carried under the network of `code`. */
export function wrongNetworkCode (code: string, other: string): string {
  const parts = readCode(code)
  const foreign = readCode(other)
  return writeCode({ ...parts, i: foreign.i, s: foreign.s })
}

/**
 * A code exactly as the facilitator whose data folder is `facilitatorDir` would have made it two
 * hours ago with `--expires 1h`: signed with its key, for the network of `code`, expired an hour ago.
 */
export async function expiredCode (code: string, facilitatorDir: string): Promise<string> {
  const parts = readCode(code)
  const key = privateKeyFromProtobuf(new Uint8Array(readFileSync(joinPath(facilitatorDir, 'identity.key'))))
  const secret = crypto.getRandomValues(new Uint8Array(32))
  const joinKey = (await generateKeyPairFromSeed('Ed25519', secret)).publicKey.toString()
  const now = Date.now()
  const unsigned: Unsigned<InvitationStatement> = {
    type: 'invitation',
    network: parts.i.network,
    id: randomNonce(),
    role: 'member',
    expiresAt: now - 3_600_000,
    uses: 1,
    joinKey,
    issuer: key.publicKey.toString() as InvitationStatement['issuer'],
    issuedAt: now - 7_200_000
  }
  const invitation = await signStatement<InvitationStatement>(key, unsigned)
  return writeCode({ ...parts, i: invitation, s: Buffer.from(secret).toString('base64url') })
}
