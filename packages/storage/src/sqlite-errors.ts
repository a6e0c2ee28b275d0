import { DataFolderInUseError, StorageCorruptError, StorageFullError, StorageWriteError } from '@commonplace/core'
import type { CommonplaceError } from '@commonplace/core'
import { accessSync, constants } from 'node:fs'
import { dirname } from 'node:path'
import { SqliteCode } from './constants.ts'

/** The primary SQLite result code of an error thrown by `node:sqlite` (`errcode` may be extended). */
export function sqliteCode (err: unknown): number | undefined {
  const code = (err as { errcode?: unknown } | null)?.errcode
  return typeof code === 'number' ? code & 0xff : undefined
}

function reason (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/** An error met while opening the database at `path`, as the named error a caller can act on. */
export function openError (path: string, err: unknown): CommonplaceError {
  switch (sqliteCode(err)) {
    case SqliteCode.busy:
    case SqliteCode.locked:
      return new DataFolderInUseError(`The data folder ${dirname(path)} is in use by another process (${path} is locked)`, { cause: err })
    case SqliteCode.notADatabase:
    case SqliteCode.corrupt:
      return new StorageCorruptError(`${path} is not a readable SQLite database: ${reason(err)}`, { cause: err })
    case SqliteCode.full:
      return new StorageFullError(`Cannot open ${path}: the disk is full. Free some space on that disk (or move the data folder to another one) and start the node again.`, { cause: err })
    default:
      if (!writable(dirname(path))) {
        return new StorageWriteError(`The data folder ${dirname(path)} is read-only, so the node cannot open ${path} (${reason(err)}). ` +
          'Make the folder writable (or start with another data folder) and start the node again.', { cause: err })
      }
      return new StorageWriteError(`Cannot open ${path}: ${reason(err)}`, { cause: err })
  }
}

/** Whether this process may create and write files in `folder` (false on a read-only mount too). */
function writable (folder: string): boolean {
  try {
    accessSync(folder, constants.W_OK)
    return true
  } catch {
    return false
  }
}

/** An error met while writing a batch: SQLITE_FULL is StorageFullError, anything else StorageWriteError. */
export function writeError (path: string, err: unknown): CommonplaceError {
  if (err instanceof StorageWriteError) return err
  if (sqliteCode(err) === SqliteCode.full) {
    return new StorageFullError(`The disk or the size limit of ${path} is full; the batch was not applied`, { cause: err })
  }
  return new StorageWriteError(`Write to ${path} failed; the batch was not applied: ${reason(err)}`, { cause: err })
}

/** An error met while reading: the stored data could not be read back. */
export function readError (path: string, err: unknown): CommonplaceError {
  return new StorageCorruptError(`Reading ${path} failed: ${reason(err)}`, { cause: err })
}
