/**
 * Learning networks: ids and the signed statements a roster is made of (docs/networks.md).
 * Statements are JSON objects signed over a canonical encoding; every one names its signer.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { sha256 } from 'multiformats/hashes/sha2'
import { toString as u8ToString, fromString as u8FromString } from 'uint8arrays'
import type { PrivateKey } from '@libp2p/interface'
import { InvalidIdError, InvalidStatementError } from './errors.ts'
import { MAX_SHORT_TEXT } from './constants.ts'
import { parseDocId, parseNonce, parseOrgId } from './ids.ts'
import type { DocId, OrgId } from './ids.ts'

/** A learning network: `net_` + 26 base32 characters, bound to its creator. */
export type NetworkId = string & { readonly __brand: 'NetworkId' }

const NETWORK_ID = /^net_[a-z2-7]{26}$/
const STATEMENT_PREFIX = 'commonplace-statement/1\n'
/** Most addresses a presence statement may list. */
export const MAX_ADDRESSES = 16
/** Most documents a removal frontier may list. */
export const MAX_FRONTIER_DOCS = 10_000

export const NetworkRole = { facilitator: 'facilitator', member: 'member' } as const
export type NetworkRole = typeof NetworkRole[keyof typeof NetworkRole]
export const Visibility = { invite: 'invite', approval: 'approval' } as const
export type Visibility = typeof Visibility[keyof typeof Visibility]

export function parseNetworkId (value: unknown): NetworkId {
  if (typeof value !== 'string' || !NETWORK_ID.test(value)) {
    throw new InvalidIdError(`Invalid network id: ${typeof value === 'string' ? JSON.stringify(value.slice(0, 80)) : typeof value}`)
  }
  return value as NetworkId
}

export function isNetworkId (value: unknown): value is NetworkId {
  return typeof value === 'string' && NETWORK_ID.test(value)
}

export async function deriveNetworkId (creator: OrgId, nonce: string): Promise<NetworkId> {
  const digest = await sha256.digest(u8FromString(`commonplace-network\n${creator}\n${parseNonce(nonce)}`))
  return `net_${u8ToString(digest.digest.subarray(0, 16), 'base32')}` as NetworkId
}

/**
 * Per document, what of the removed organisation still counts: `seq`, the last of its envelopes
 * that counts (docs/authorship.md, Removal). Statements from before envelopes carry per Yjs
 * client id (decimal string) the first clock that no longer counts; those are no longer enforced.
 */
export type Frontier = Record<string, Record<string, number>>

/** The key of a document's frontier that holds the removed organisation's last envelope seq that counts. */
export const FRONTIER_SEQ = 'seq'

export interface GenesisStatement { type: 'genesis', network: NetworkId, name: string, visibility: Visibility, creator: OrgId, nonce: string, createdAt: number, sig: string }
export interface InvitationStatement { type: 'invitation', network: NetworkId, id: string, role: NetworkRole, expiresAt: number, uses: number, joinKey: string, issuer: OrgId, issuedAt: number, sig: string }
export interface JoinStatement { type: 'join', network: NetworkId, member: OrgId, name: string, invitation: InvitationStatement, joinedAt: number, sig: string }
export interface RequestStatement { type: 'request', network: NetworkId, member: OrgId, name: string, invitation: InvitationStatement, requestedAt: number, sig: string }
export interface MemberStatement { type: 'member', network: NetworkId, member: OrgId, role: NetworkRole | 'removed', seq: number, issuer: OrgId, issuedAt: number, frontier?: Frontier, sig: string }
export interface PresenceStatement { type: 'presence', org: OrgId, name: string, addresses: string[], at: number, sig: string }

export type Statement = GenesisStatement | InvitationStatement | JoinStatement | RequestStatement | MemberStatement | PresenceStatement
/** A statement before it is signed. */
export type Unsigned<S extends Statement> = S extends Statement ? Omit<S, 'sig'> : never

/** Who must have signed a statement. */
export function signerOf (s: Statement | Unsigned<Statement>): OrgId | string {
  switch (s.type) {
    case 'genesis': return s.creator
    case 'invitation': return s.issuer
    case 'join':
    case 'request': return s.member
    case 'member': return s.issuer
    case 'presence': return s.org
  }
}

/** JSON with object keys sorted at every level: the bytes a signature covers. */
export function canonicalJson (value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value != null && typeof value === 'object') {
    const entries = Object.keys(value).sort().filter(k => (value as Record<string, unknown>)[k] !== undefined)
    return `{${entries.map(k => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`
  }
  return JSON.stringify(value)
}

/**
 * The bytes a signed JSON statement's signature covers: a domain prefix (so a signature for one
 * kind of statement is never valid for another), then the statement without `sig` as canonical JSON.
 */
export function signedJsonBytes (prefix: string, statement: object): Uint8Array {
  const { sig: _sig, ...fields } = statement as { sig?: unknown }
  return u8FromString(prefix + canonicalJson(fields))
}

/** Sign a JSON statement under `prefix`; `sig` is base64url Ed25519. */
export async function signJson<S extends { sig: string }> (key: PrivateKey, prefix: string, unsigned: Omit<S, 'sig'>): Promise<S> {
  const sig = await key.sign(signedJsonBytes(prefix, unsigned))
  return { ...unsigned, sig: u8ToString(sig, 'base64url') } as unknown as S
}

/** Whether `statement.sig` is `signer`'s signature of it under `prefix` (false, never a throw, for any bad input). */
export async function verifyJsonSignature (prefix: string, statement: { sig: string }, signer: string): Promise<boolean> {
  try {
    const sig = u8FromString(statement.sig, 'base64url')
    const key = peerIdFromString(signer).publicKey
    return key != null && sig.length === 64 && await key.verify(signedJsonBytes(prefix, statement), sig)
  } catch {
    return false
  }
}

export function statementSigningBytes (s: Unsigned<Statement>): Uint8Array {
  return signedJsonBytes(STATEMENT_PREFIX, s)
}

export async function signStatement<S extends Statement> (key: PrivateKey, unsigned: Unsigned<S>): Promise<S> {
  return await signJson<S>(key, STATEMENT_PREFIX, unsigned as unknown as Omit<S, 'sig'>)
}

/**
 * Check a statement's shape and its signer's signature (not whether the signer had the right to
 * say it: that is the roster's job).
 * @throws InvalidStatementError
 */
export async function verifyStatement (value: unknown): Promise<Statement> {
  const s = checkShape(value)
  if (!(await verifyJsonSignature(STATEMENT_PREFIX, s, signerOf(s)))) {
    throw new InvalidStatementError(`Invalid ${s.type} statement: bad signature`)
  }
  if (s.type === 'join' || s.type === 'request') await verifyStatement(s.invitation)
  if (s.type === 'genesis' && await deriveNetworkId(s.creator, s.nonce) !== s.network) {
    throw new InvalidStatementError(`Network ${s.network} does not derive from its creator`)
  }
  return s
}

function checkShape (value: unknown): Statement {
  try {
    const s = value as Statement
    if (s == null || typeof s !== 'object') throw new Error('not an object')
    if (typeof s.sig !== 'string' || s.sig.length > 100) throw new Error('bad sig')
    if (s.type !== 'presence') parseNetworkId(s.network)
    switch (s.type) {
      case 'genesis':
        text(s.name); parseOrgId(s.creator); parseNonce(s.nonce); time(s.createdAt)
        if (!(s.visibility in Visibility)) throw new Error('bad visibility')
        break
      case 'invitation':
        parseOrgId(s.issuer); time(s.issuedAt); time(s.expiresAt); parseOrgId(s.joinKey); parseNonce(s.id)
        if (!(s.role in NetworkRole)) throw new Error('bad role')
        if (!Number.isSafeInteger(s.uses) || s.uses < 1 || s.uses > 10_000) throw new Error('bad uses')
        break
      case 'join':
      case 'request':
        parseOrgId(s.member); text(s.name); time(s.type === 'join' ? s.joinedAt : s.requestedAt)
        if (s.invitation?.type !== 'invitation' || s.invitation.network !== s.network) throw new Error('bad invitation')
        break
      case 'member':
        parseOrgId(s.member); parseOrgId(s.issuer); time(s.issuedAt)
        if (s.role !== 'removed' && !(s.role in NetworkRole)) throw new Error('bad role')
        if (!Number.isSafeInteger(s.seq) || s.seq < 1) throw new Error('bad seq')
        if (s.frontier !== undefined) frontier(s.frontier)
        break
      case 'presence':
        parseOrgId(s.org); text(s.name); time(s.at)
        if (!Array.isArray(s.addresses) || s.addresses.length > MAX_ADDRESSES || !s.addresses.every(a => typeof a === 'string' && a.length < 300)) throw new Error('bad addresses')
        break
      default:
        throw new Error('unknown type')
    }
    return s
  } catch (err) {
    throw new InvalidStatementError(`Invalid statement: ${(err as Error).message}`, { cause: err })
  }
}

function text (value: unknown): void {
  if (typeof value !== 'string' || value.length > MAX_SHORT_TEXT) throw new Error('bad text')
}

function time (value: unknown): void {
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw new Error('bad time')
}

function frontier (value: Frontier): void {
  if (value == null || typeof value !== 'object') throw new Error('bad frontier')
  const docs = Object.keys(value)
  if (docs.length > MAX_FRONTIER_DOCS) throw new Error('frontier too large')
  for (const doc of docs) {
    parseDocId(doc)
    const clients = value[doc as DocId]
    if (clients == null || typeof clients !== 'object' || Object.keys(clients).length > 1000) throw new Error('bad frontier')
    for (const [client, clock] of Object.entries(clients)) {
      if (!(client === FRONTIER_SEQ || /^\d{1,16}$/.test(client)) || !Number.isSafeInteger(clock) || clock < 0) throw new Error('bad frontier')
    }
  }
}

/** Who is in a network, as the roster says: for access checks outside the network package. */
export interface Membership {
  /** The organisation's role in the network, or null if it is not a (current) member. */
  roleOf(network: NetworkId, org: OrgId | string): NetworkRole | null
}
