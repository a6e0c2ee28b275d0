/**
 * A checksum on every update log row. SQLite checks the structure of its pages but not the bytes
 * of a value: a flipped bit in a stored update would otherwise load as a different document (a
 * changed letter), or not at all. A sealed row is a 0 byte, the CRC-32 of the rest (4 bytes, big
 * endian), then the row as encodeLogRow writes it; a row that does not start with 0 was written
 * before rows were sealed and is read as it is (its own first byte, the update count, is 0 only in
 * an empty row, which is shorter than a seal). A sealed row cut short fails its checksum.
 */
import { crc32 } from 'node:zlib'

const SEALED = 0
/** Bytes in front of a sealed row: leave this many free at the start of a row's buffer for `seal`. */
export const ROW_HEADER = 5

/** Seal the row written from `ROW_HEADER` on in `buffer`: its checksum goes in front (no copy). */
export function seal (buffer: Uint8Array): Uint8Array {
  buffer[0] = SEALED
  new DataView(buffer.buffer, buffer.byteOffset, ROW_HEADER).setUint32(1, crc32(buffer.subarray(ROW_HEADER)))
  return buffer
}

/**
 * The row inside a sealed one (a row written before sealing as it is).
 * @throws Error when the checksum does not match or the row is cut short (the caller makes it StorageCorruptError)
 */
export function openRow (stored: Uint8Array): Uint8Array {
  // a row written before sealing (its first byte, the update count, is 0 only in an empty row)
  if (stored.byteLength < ROW_HEADER || stored[0] !== SEALED) return stored
  const row = stored.subarray(ROW_HEADER)
  const expected = new DataView(stored.buffer, stored.byteOffset + 1, 4).getUint32(0)
  if (crc32(row) !== expected) throw new Error('checksum does not match')
  return row
}
