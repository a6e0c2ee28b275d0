/**
 * The names on cursors (docs/people.md, "Who wrote what, seen from other organisations"): the node
 * sets the `user.name` of every awareness state a page sends to who its session says it is, and,
 * unless the organisation shows its people's names to other organisations, to the organisation's
 * name alone in what goes to peers.
 */
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'

/**
 * An awareness update (y-protocols: count, then client, clock and JSON state each) with every
 * state's `user.name` set to `name`; states without a `user` are left as they are.
 * @throws when the update does not decode (the caller treats it as a bad message)
 */
export function withUserName (update: Uint8Array, name: string): Uint8Array {
  const decoder = decoding.createDecoder(update)
  const encoder = encoding.createEncoder()
  const count = decoding.readVarUint(decoder)
  encoding.writeVarUint(encoder, count)
  for (let i = 0; i < count; i++) {
    encoding.writeVarUint(encoder, decoding.readVarUint(decoder))
    encoding.writeVarUint(encoder, decoding.readVarUint(decoder))
    const json = decoding.readVarString(decoder)
    const state = JSON.parse(json) as unknown
    const user = typeof state === 'object' && state != null ? (state as { user?: unknown }).user : undefined
    if (typeof user === 'object' && user != null) (user as { name?: unknown }).name = name
    encoding.writeVarString(encoder, user == null ? json : JSON.stringify(state))
  }
  return encoding.toUint8Array(encoder)
}
