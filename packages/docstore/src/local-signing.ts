/**
 * Signing this organisation's changes (docs/authorship.md, Signing per batch): the client ids it
 * writes with are derived from a fresh nonce per load (or issued to a browser tab), and each local
 * burst the store announces is signed once into the next envelope of this organisation's chain.
 */
import { MAX_AUTHOR_BYTES, MAX_ENVELOPE_UPDATE_BYTES, NO_PREVIOUS, encodeEnvelopeBody, envelopeSigningBytes, joinSigned, structOwners } from '@commonplace/core'
import type { DocId, EnvelopeClient, KeyValueStore, OrgId } from '@commonplace/core'
import { StagedOps } from './signed-docs.ts'
import type { DocState, SignedDocs } from './signed-docs.ts'
import { deriveClient, randomNonce, sha256 } from './signing.ts'
import type { Signer } from './signing.ts'
import { MAX_ISSUED_CLIENTS } from './constants.ts'

/** Why a local change could not be signed (it is applied and stored, but not relayed as signed). */
export type UnsignedReason = 'foreign-client' | 'too-large'

export class LocalSigner {
  readonly org: OrgId
  readonly signer: Signer
  private readonly signed: SignedDocs
  private readonly storage: KeyValueStore
  /** `${doc}/${client}` → nonce of the clients derived here since the store opened. */
  private readonly issued = new Map<string, number>()

  constructor (signer: Signer, signed: SignedDocs, storage: KeyValueStore) {
    this.org = signer.org
    this.signer = signer
    this.signed = signed
    this.storage = storage
  }

  /** A client id for this store's own Y.Doc of `id`, from a fresh nonce (each load writes with a new one). */
  newClient (id: DocId): number {
    const nonce = randomNonce()
    const client = deriveClient(this.org, id, nonce)
    if (this.issued.size >= MAX_ISSUED_CLIENTS) this.issued.delete(this.issued.keys().next().value as string)
    this.issued.set(`${id}/${client}`, nonce)
    return client
  }

  /** A client for an editor outside the store; its binding goes to disk now, as the editor may outlive this process. */
  issueClient (id: DocId): { client: number, nonce: number } {
    const client = this.newClient(id)
    const nonce = this.issued.get(`${id}/${client}`) as number
    const state = this.signed.state(id)
    const ops = new StagedOps()
    this.signed.bind(state, { kind: 'derived', client, nonce, org: this.org }, ops)
    this.storage.write([...ops.values()])
    return { client, nonce }
  }

  /**
   * Sign one local burst of `id` as the next envelope of this organisation and stage it. Returns
   * the envelope, or why it cannot be signed: the update writes with a client this organisation
   * did not derive (an editor from before client ids were derived), or is past the envelope limit.
   */
  sign (id: DocId, update: Uint8Array, author: string, ops: StagedOps): Uint8Array | UnsignedReason {
    if (update.byteLength > MAX_ENVELOPE_UPDATE_BYTES) return 'too-large'
    const state = this.signed.state(id)
    const owners = structOwners(update)
    const clients: EnvelopeClient[] = []
    for (const client of owners.clients) {
      const nonce = this.nonceOf(state, client)
      if (nonce === undefined) return 'foreign-client'
      clients.push({ client, nonce })
    }
    clients.sort((a, b) => a.client - b.client)
    const head = state.record.heads.get(this.org) ?? { seq: 0, hash: NO_PREVIOUS }
    const fields = { doc: id, signer: this.org, author: validAuthor(author), seq: head.seq + 1, prev: head.hash, clients, update }
    const body = encodeEnvelopeBody(fields)
    const sig = this.signer.sign(envelopeSigningBytes(body))
    const bytes = joinSigned(body, sig)
    const envelope = { ...fields, sig, bytes, body: bytes.subarray(0, body.length) }
    const bindings = clients.map(c => ({ kind: 'derived' as const, client: c.client, nonce: c.nonce, org: this.org }))
    this.signed.accept(state, { envelope, hash: sha256(body), owners, bindings, apply: update }, ops)
    return bytes
  }

  private nonceOf (state: DocState, client: number): number | undefined {
    const nonce = this.issued.get(`${state.id}/${client}`)
    if (nonce !== undefined) return nonce
    const binding = state.bindings.bindingOf(client)
    return binding?.kind === 'derived' && binding.org === this.org ? binding.nonce : undefined
  }

  /** Sign a document's checkpoint body (the store's owner compaction and migration). */
  signBody (sign: (body: Uint8Array) => Uint8Array, body: Uint8Array): Uint8Array {
    return joinSigned(body, this.signer.sign(sign(body)))
  }
}

/** An author the envelope grammar accepts; anything else signs as the organisation (''). */
function validAuthor (author: string): string {
  // eslint-disable-next-line no-control-regex
  return new TextEncoder().encode(author).length <= MAX_AUTHOR_BYTES && !/[\u0000-\u001f\u007f]/.test(author) ? author : ''
}
