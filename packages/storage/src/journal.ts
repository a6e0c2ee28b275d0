import { closeSync, ftruncateSync, openSync, readSync, fstatSync, writeSync } from 'node:fs'
import { StorageFullError, StorageWriteError } from '@commonplace/core'
import type { Journal } from '@commonplace/core'
import type { Logger } from '@libp2p/interface'
import { MAX_JOURNAL_BYTES } from './constants.ts'

/** Bytes of a record's length prefix (big-endian uint32). */
const PREFIX = 4

export interface FileJournal extends Journal {
  close(): void
}

/**
 * Open (or create) the journal at `path`: read the records left in it (at most
 * MAX_JOURNAL_BYTES of them: it is emptied after every batch written, so more is damage), then
 * append to it. Each record is one `write` of its length prefix and bytes, so a killed process
 * leaves whole records; a torn tail (a power cut) is dropped.
 */
export function openJournal (path: string, log?: Logger): FileJournal {
  let fd: number | undefined = openSync(path, 'a+')
  const recovered = readRecords(fd, path, log)
  let size = fstatSync(fd).size

  const open = (): number => {
    if (fd === undefined) throw new StorageWriteError(`Journal ${path} is closed`)
    return fd
  }

  return {
    recovered,
    append (record) {
      const frame = new Uint8Array(PREFIX + record.byteLength)
      new DataView(frame.buffer).setUint32(0, record.byteLength)
      frame.set(record, PREFIX)
      try {
        writeSync(open(), frame)
      } catch (err) {
        throw journalError(path, err)
      }
      size += frame.byteLength
    },
    settle () {
      if (size === 0) return
      try {
        ftruncateSync(open(), 0)
      } catch (err) {
        // the records stay; the next open skips those the store already holds
        log?.error('emptying %s failed - %e', path, err)
        return
      }
      size = 0
    },
    close () {
      if (fd === undefined) return
      closeSync(fd)
      fd = undefined
    }
  }
}

function readRecords (fd: number, path: string, log?: Logger): Uint8Array[] {
  const length = Math.min(fstatSync(fd).size, MAX_JOURNAL_BYTES)
  if (length === 0) return []
  const bytes = new Uint8Array(length)
  let read = 0
  while (read < length) {
    const n = readSync(fd, bytes, read, length - read, read)
    if (n === 0) break
    read += n
  }
  const records: Uint8Array[] = []
  const view = new DataView(bytes.buffer)
  let at = 0
  while (at + PREFIX <= read) {
    const size = view.getUint32(at)
    if (at + PREFIX + size > read) break
    records.push(bytes.slice(at + PREFIX, at + PREFIX + size))
    at += PREFIX + size
  }
  if (at < read) log?.error('%s ends in %d bytes that are not a whole record; they are dropped', path, read - at)
  return records
}

function journalError (path: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException | null)?.code
  const message = err instanceof Error ? err.message : String(err)
  if (code === 'ENOSPC' || code === 'EDQUOT') return new StorageFullError(`The disk is full: ${path} could not be written`, { cause: err })
  return new StorageWriteError(`Writing ${path} failed: ${message}`, { cause: err })
}
