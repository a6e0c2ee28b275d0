import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'

/**
 * What a burst of changes to one document adds, as one Yjs update (v1): the structs made since
 * the burst began and the deletions made during it.
 *
 * `Y.encodeStateAsUpdate(doc, stateVector)` writes the same structs but the delete set of the
 * whole document, which it first collects by walking every struct: for a long typed text that is
 * most of the cost of announcing a burst, and applying the whole delete set again is most of the
 * cost of receiving one. This writes the structs the way Yjs 13 does (`writeClientsStructs`) and
 * only the burst's own deletions. It relies on Yjs internals (`doc.store.clients`, each struct's
 * `write(encoder, offset)`); the tests check it byte for byte against Y.encodeStateAsUpdate.
 */
export function encodeBurstUpdate (doc: Y.Doc, since: Map<number, number>, deleted: DeleteSet): Uint8Array {
  const encoder = new Y.UpdateEncoderV1()
  writeStructsSince(encoder, doc, since)
  writeDeleteSet(encoder, deleted)
  return encoder.toUint8Array()
}

export type DeleteSet = ReturnType<typeof Y.createDeleteSet>

interface Struct {
  id: { client: number, clock: number }
  length: number
  write(encoder: Y.UpdateEncoderV1, offset: number): void
}

/** Yjs's writeClientsStructs: per client with anything past `since`, highest client id first. */
function writeStructsSince (encoder: Y.UpdateEncoderV1, doc: Y.Doc, since: Map<number, number>): void {
  const clients = (doc.store as unknown as { clients: Map<number, Struct[]> }).clients
  const from: Array<[number, number]> = []
  for (const [client, structs] of clients) {
    const clock = since.get(client) ?? 0
    const last = structs[structs.length - 1]
    if (last.id.clock + last.length > clock) from.push([client, clock])
  }
  from.sort((a, b) => b[0] - a[0])
  encoding.writeVarUint(encoder.restEncoder, from.length)
  for (const [client, after] of from) {
    const structs = clients.get(client) as Struct[]
    const clock = Math.max(after, structs[0].id.clock)
    const start = structIndex(structs, clock)
    encoding.writeVarUint(encoder.restEncoder, structs.length - start)
    encoder.writeClient(client)
    encoding.writeVarUint(encoder.restEncoder, clock)
    structs[start].write(encoder, clock - structs[start].id.clock)
    for (let i = start + 1; i < structs.length; i++) structs[i].write(encoder, 0)
  }
}

/** The index of the struct holding `clock` (structs are sorted by clock and contiguous). */
function structIndex (structs: Struct[], clock: number): number {
  let left = 0
  let right = structs.length - 1
  while (left <= right) {
    const mid = (left + right) >>> 1
    const s = structs[mid]
    if (s.id.clock > clock) right = mid - 1
    else if (clock >= s.id.clock + s.length) left = mid + 1
    else return mid
  }
  throw new Error(`No struct holds clock ${clock}`)
}

/** Yjs's writeDeleteSet (v1): clients highest first, each with its ranges in order. */
export function writeDeleteSet (encoder: Y.UpdateEncoderV1, ds: DeleteSet): void {
  const clients = [...ds.clients.entries()].sort((a, b) => b[0] - a[0])
  encoding.writeVarUint(encoder.restEncoder, clients.length)
  for (const [client, ranges] of clients) {
    encoder.resetDsCurVal()
    encoding.writeVarUint(encoder.restEncoder, client)
    encoding.writeVarUint(encoder.restEncoder, ranges.length)
    for (const range of ranges) {
      encoder.writeDsClock(range.clock)
      encoder.writeDsLen(range.len)
    }
  }
}
