/**
 * The directory's signed statements: a card (who an organisation is, where it is reached, and the
 * public key of its introduction identity), an introduction and an acceptance. Each is JSON signed
 * by its organisation's libp2p key over a canonical encoding, like the network statements.
 */
import { InvalidStatementError, MAX_SHORT_TEXT, parseOrgId, signJson, verifyJsonSignature } from '@commonplace/core'
import type { OrgId } from '@commonplace/core'
import type { PrivateKey } from '@libp2p/interface'
import { MAX_ADDRESS_LENGTH, MAX_CARD_ADDRESSES } from './constants.ts'

const SIGNING_PREFIX = 'commonplace-directory/1\n'

export interface CardStatement { type: 'card', org: OrgId, name: string, addresses: string[], introKey: string, issuedAt: number, sig: string }
/** "`from` introduces itself to `to`": sent with `from`'s card, so a card alone is no introduction. */
export interface IntroductionStatement { type: 'introduction', from: OrgId, to: OrgId, at: number, sig: string }
/** "`from` accepts `to`'s introduction". */
export interface AcceptanceStatement { type: 'acceptance', from: OrgId, to: OrgId, at: number, sig: string }

export type DirectoryStatement = CardStatement | IntroductionStatement | AcceptanceStatement
export type UnsignedDirectoryStatement<S extends DirectoryStatement> = S extends DirectoryStatement ? Omit<S, 'sig'> : never

/** Who signs a statement. */
export function signerOfStatement (s: DirectoryStatement | UnsignedDirectoryStatement<DirectoryStatement>): OrgId {
  return s.type === 'card' ? s.org : s.from
}

/** Sign with the organisation's key (the signer named in the statement). */
export async function signDirectoryStatement<S extends DirectoryStatement> (key: PrivateKey, unsigned: UnsignedDirectoryStatement<S>): Promise<S> {
  return await signJson<S>(key, SIGNING_PREFIX, unsigned as unknown as Omit<S, 'sig'>)
}

/**
 * Check a statement's shape, bounds and signature.
 * @throws InvalidStatementError
 */
export async function verifyDirectoryStatement (value: unknown): Promise<DirectoryStatement> {
  const s = checkShape(value)
  if (!(await verifyJsonSignature(SIGNING_PREFIX, s, signerOfStatement(s)))) throw new InvalidStatementError(`Invalid ${s.type}: bad signature`)
  return s
}

function checkShape (value: unknown): DirectoryStatement {
  try {
    const s = value as DirectoryStatement
    if (s == null || typeof s !== 'object' || Array.isArray(s)) throw new Error('not an object')
    if (typeof s.sig !== 'string' || s.sig.length > 100) throw new Error('bad sig')
    switch (s.type) {
      case 'card':
        onlyKeys(s, ['type', 'org', 'name', 'addresses', 'introKey', 'issuedAt', 'sig'])
        parseOrgId(s.org); parseOrgId(s.introKey); time(s.issuedAt)
        if (typeof s.name !== 'string' || s.name.trim() === '' || s.name.length > MAX_SHORT_TEXT) throw new Error('bad name')
        if (!Array.isArray(s.addresses) || s.addresses.length > MAX_CARD_ADDRESSES ||
          !s.addresses.every(a => typeof a === 'string' && a.startsWith('/') && a.length <= MAX_ADDRESS_LENGTH)) throw new Error('bad addresses')
        break
      case 'introduction':
      case 'acceptance':
        onlyKeys(s, ['type', 'from', 'to', 'at', 'sig'])
        parseOrgId(s.from); parseOrgId(s.to); time(s.at)
        break
      default:
        throw new Error('unknown type')
    }
    return s
  } catch (err) {
    throw new InvalidStatementError(`Invalid statement: ${(err as Error).message}`, { cause: err })
  }
}

function onlyKeys (value: object, keys: string[]): void {
  if (Object.keys(value).some(k => !keys.includes(k))) throw new Error('unknown field')
}

function time (value: unknown): void {
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw new Error('bad time')
}
