/**
 * The signatures a frame carries (envelopes' and grants'), to be checked on the worker before the
 * frame is applied (docstore's preverify.ts). Only gathered here: anything that does not decode is
 * left out, and is refused with its typed error when the session applies it.
 */
import { ENVELOPE_KIND, decodeEnvelope, envelopeSigningBytes, grantSigningBytes, signedItemKind } from '@commonplace/core'
import { MIN_PREVERIFY } from '@commonplace/docstore'
import type { SignatureToCheck } from '@commonplace/docstore'
import type { Message } from './messages.ts'

export function signaturesIn (messages: Message[]): SignatureToCheck[] {
  // a frame of a few (a live edit) is verified as it is applied: nothing is decoded twice for it
  let count = 0
  for (const m of messages) count += m.type === 'access' ? m.grants.length : m.type === 'envelopes' || m.type === 'reply' ? m.items.length : 0
  if (count < MIN_PREVERIFY) return []
  const out: SignatureToCheck[] = []
  for (const m of messages) {
    if (m.type === 'access') {
      for (const grant of m.grants) {
        try {
          out.push({ signer: m.header.owner, bytes: grantSigningBytes(grant), sig: grant.sig })
        } catch { /* refused when applied */ }
      }
    } else if (m.type === 'envelopes' || m.type === 'reply') {
      for (const item of m.items) {
        try {
          if (signedItemKind(item) !== ENVELOPE_KIND) continue
          const envelope = decodeEnvelope(item)
          out.push({ signer: envelope.signer, bytes: envelopeSigningBytes(envelope.body), sig: envelope.sig })
        } catch { /* refused when applied */ }
      }
    }
  }
  return out
}
