/**
 * The binary layout of a grant, shared by the document store (access lists on disk) and the sync
 * protocol (ACCESS messages): docs/protocol.md.
 */
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import type { Grant } from './access.ts'
import type { Role } from './constants.ts'
import type { DocId, OrgId } from './ids.ts'

/**
 * Write a grant. The issuer is not written: a grant is valid only when issued by the document's
 * owner, so the reader takes it from the header.
 */
export function writeGrant (e: encoding.Encoder, g: Grant): void {
  encoding.writeVarString(e, g.to)
  encoding.writeVarString(e, g.role)
  encoding.writeVarUint(e, g.seq)
  encoding.writeVarUint(e, g.issuedAt)
  encoding.writeVarUint8Array(e, g.sig)
}

/** Read a grant of `doc`, issued by its `owner` (unverified: see verifyGrant). */
export function readGrant (d: decoding.Decoder, doc: DocId, owner: OrgId): Grant {
  return {
    doc,
    to: decoding.readVarString(d) as OrgId,
    role: decoding.readVarString(d) as Role,
    seq: decoding.readVarUint(d),
    issuer: owner,
    issuedAt: decoding.readVarUint(d),
    sig: decoding.readVarUint8Array(d).slice()
  }
}
