/**
 * Client bindings: which organisation a Yjs client id of a document belongs to (docs/authorship.md).
 *
 * A binding is either *derived*, the client id being a hash of the organisation, the document and a
 * nonce (anyone can recompute it; nobody else can produce it short of about 2^53 hashes), or
 * *signed*: the organisation's signature over (document, client, organisation), the form the
 * `_clients` claims of existing documents already have. Per document a client id is bound to one
 * organisation; the first binding a {@link ClientBindings} table takes wins.
 */
import { sha256 } from 'multiformats/hashes/sha2'
import { fromString as u8FromString } from 'uint8arrays'
import type { PrivateKey } from '@libp2p/interface'
import { ForeignClientError, InvalidStatementError } from './errors.ts'
import { orgPublicKey, parseDocId, parseOrgId } from './ids.ts'
import type { DocId, OrgId } from './ids.ts'
import type { UpdateOwners } from './update-structs.ts'

/** Domain separation for derived client ids. */
export const CLIENT_ID_PREFIX = 'commonplace-client-id/1\n'
/** Domain separation for signed bindings: the prefix of the `_clients` claims, so those carry over. */
export const CLIENT_CLAIM_PREFIX = 'commonplace-client-claim/1\n'
/** Largest nonce of a derived binding (a uint32, so it costs at most 5 bytes in an envelope). */
export const MAX_BINDING_NONCE = 0xffff_ffff

/** A client id that is a hash of its organisation, document and nonce. */
export interface DerivedBinding { kind: 'derived', doc: DocId, client: number, org: OrgId, nonce: number }
/** A client id its organisation signed as its own (the `_clients` claims of existing documents). */
export interface SignedBinding { kind: 'signed', doc: DocId, client: number, org: OrgId, sig: Uint8Array }
export type ClientBinding = DerivedBinding | SignedBinding
/** A binding whose derivation or signature has been checked. */
export type VerifiedBinding = ClientBinding & { readonly __verified: true }
/** A derived binding known to be right (made here, or checked). */
export type VerifiedDerivedBinding = DerivedBinding & { readonly __verified: true }
/** A signed binding known to be right (made here, or checked). */
export type VerifiedSignedBinding = SignedBinding & { readonly __verified: true }

const DERIVED = new Map<string, number>()
const MAX_DERIVED = 4096

/**
 * The client id `org` writes `doc` with under `nonce`: the first 53 bits of
 * sha256(prefix ‖ doc ‖ org ‖ nonce), a safe integer as Yjs needs (cached).
 */
export async function deriveClientId (org: OrgId, doc: DocId, nonce: number): Promise<number> {
  const key = `${doc}\n${org}\n${nonce}`
  const cached = DERIVED.get(key)
  if (cached != null) return cached
  const digest = (await sha256.digest(u8FromString(CLIENT_ID_PREFIX + key))).digest
  let client = digest[0] & 0x1f
  for (let i = 1; i < 7; i++) client = client * 256 + digest[i]
  if (DERIVED.size >= MAX_DERIVED) DERIVED.delete(DERIVED.keys().next().value as string)
  DERIVED.set(key, client)
  return client
}

/** A fresh derived binding for this organisation's next session on `doc` (random nonce). */
export async function newClientBinding (org: OrgId, doc: DocId): Promise<VerifiedDerivedBinding> {
  const nonce = crypto.getRandomValues(new Uint32Array(1))[0]
  return { kind: 'derived', doc, org, nonce, client: await deriveClientId(org, doc, nonce) } as VerifiedDerivedBinding
}

/** The bytes a signed binding covers (identical to a `_clients` claim's). */
export function bindingSigningBytes (doc: DocId, client: number, org: OrgId): Uint8Array {
  return u8FromString(`${CLIENT_CLAIM_PREFIX}${doc}\n${client}\n${org}`)
}

/** Sign a binding of `client` to this organisation. */
export async function signBinding (key: PrivateKey, doc: DocId, client: number, org: OrgId): Promise<VerifiedSignedBinding> {
  const sig = await key.sign(bindingSigningBytes(doc, client, org))
  return { kind: 'signed', doc, client, org, sig } as VerifiedSignedBinding
}

/**
 * Check a binding: its shape, then its derivation or its organisation's signature.
 * @throws InvalidStatementError on a bad shape or signature; ForeignClientError when a derived id does not match
 */
export async function verifyBinding (binding: ClientBinding): Promise<VerifiedBinding> {
  try {
    parseDocId(binding.doc)
    parseOrgId(binding.org)
    if (!Number.isSafeInteger(binding.client) || binding.client < 0) throw new Error('bad client id')
    if (binding.kind === 'derived') {
      if (!Number.isInteger(binding.nonce) || binding.nonce < 0 || binding.nonce > MAX_BINDING_NONCE) throw new Error('bad nonce')
    } else if (binding.kind === 'signed') {
      if (!(binding.sig instanceof Uint8Array) || binding.sig.length !== 64) throw new Error('bad signature length')
    } else {
      throw new Error('unknown kind')
    }
  } catch (err) {
    throw new InvalidStatementError(`Invalid client binding: ${(err as Error).message}`, { cause: err })
  }
  if (binding.kind === 'derived') {
    if (await deriveClientId(binding.org, binding.doc, binding.nonce) !== binding.client) {
      throw new ForeignClientError(`Client ${binding.client} does not derive from ${binding.org}`)
    }
  } else if (!(await orgPublicKey(binding.org).verify(bindingSigningBytes(binding.doc, binding.client, binding.org), binding.sig))) {
    throw new InvalidStatementError('Invalid client binding: bad signature')
  }
  return binding as VerifiedBinding
}

/**
 * The bindings of one document, first binding wins. Pure and in memory; the caller decides the
 * order bindings are added in (docs/authorship.md says which order makes it the same everywhere).
 */
export class ClientBindings {
  private readonly owners = new Map<number, VerifiedBinding>()
  readonly doc: DocId

  constructor (doc: DocId) {
    this.doc = doc
  }

  /**
   * Take a verified binding. Returns true when it is new, false when the client was already
   * bound to the same organisation.
   * @throws ForeignClientError when the client is bound to another organisation (the earlier binding stays)
   */
  add (binding: VerifiedBinding): boolean {
    if (binding.doc !== this.doc) throw new ForeignClientError(`Binding is for document ${binding.doc}, not ${this.doc}`)
    const held = this.owners.get(binding.client)
    if (held == null) {
      this.owners.set(binding.client, binding)
      return true
    }
    if (held.org === binding.org) return false
    throw new ForeignClientError(`Client ${binding.client} is bound to ${held.org}, not ${binding.org}`)
  }

  /** The organisation `client` is bound to, if any. */
  orgOf (client: number): OrgId | undefined {
    return this.owners.get(client)?.org
  }

  /** The binding that holds `client`, if any. */
  bindingOf (client: number): VerifiedBinding | undefined {
    return this.owners.get(client)
  }

  /** The clients bound to `org`. */
  clientsOf (org: OrgId): number[] {
    return [...this.owners.values()].filter(b => b.org === org).map(b => b.client)
  }

  /** Every binding held, in the order they were taken. */
  all (): VerifiedBinding[] {
    return [...this.owners.values()]
  }

  get size (): number { return this.owners.size }

  /**
   * Check that every struct of an update (items, GC, skips) is written with a client bound to
   * `signer`. Its delete set may name any client: an editor may delete what others wrote.
   * @throws ForeignClientError naming the first client that is not the signer's
   */
  checkWrites (owners: UpdateOwners, signer: OrgId): void {
    for (const client of owners.clients) {
      const org = this.orgOf(client)
      if (org !== signer) {
        throw new ForeignClientError(org == null
          ? `Client ${client} is not bound to any organisation`
          : `Client ${client} is bound to ${org}, not to the signer ${signer}`)
      }
    }
  }
}
