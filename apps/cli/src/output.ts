import { isCommonplaceError } from '@commonplace/core'
import { EXIT, REFUSALS, UsageError } from './errors.ts'

/** Something to write text to (process.stdout, or a buffer in tests). */
export interface TextSink {
  write(text: string): unknown
}

export interface Output {
  readonly json: boolean
  /** The command's result: one JSON document with --json, else the human text. */
  result(value: unknown, human: string | (() => string)): void
  /** A human-only remark on stderr (progress, hints); silent with --json. */
  note(text: string): void
  /** Report a failure (stderr, or stdout as JSON) and return the exit code. */
  failure(err: unknown): number
}

export function createOutput (io: { stdout: TextSink, stderr: TextSink }, json: boolean): Output {
  return {
    json,
    result (value, human) {
      if (json) {
        io.stdout.write(JSON.stringify(value, null, 2) + '\n')
      } else {
        io.stdout.write(withNewline(typeof human === 'string' ? human : human()))
      }
    },
    note (text) {
      if (!json) io.stderr.write(withNewline(text))
    },
    failure (err) {
      const { code, message } = describeFailure(err)
      if (json) {
        io.stdout.write(JSON.stringify({ error: { code, message } }, null, 2) + '\n')
      } else {
        io.stderr.write(`commonplace: ${oneLine(message)}${hint(err)}\n`)
      }
      return exitCode(code)
    }
  }
}

function describeFailure (err: unknown): { code: string, message: string } {
  if (isCommonplaceError(err)) return { code: err.code, message: err.message }
  return { code: 'ERR_INTERNAL', message: err instanceof Error ? err.message : String(err) }
}

function exitCode (code: string): number {
  if (code === 'ERR_USAGE') return EXIT.usage
  if (code === 'ERR_NODE_NOT_RUNNING') return EXIT.notRunning
  return EXIT.failure
}

function hint (err: unknown): string {
  if (!(err instanceof UsageError)) {
    const advice = isCommonplaceError(err) ? REFUSALS[err.code]?.advice : undefined
    return advice == null ? '' : ` (${advice})`
  }
  return err.command == null ? " (see 'commonplace help')" : ` (see 'commonplace help ${err.command}')`
}

function oneLine (text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim()
}

function withNewline (text: string): string {
  return text === '' || text.endsWith('\n') ? text : text + '\n'
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function table (headers: string[], rows: string[][]): string {
  const all = [headers, ...rows]
  const widths = headers.map((_, i) => Math.max(...all.map(row => [...(row[i] ?? '')].length)))
  return all
    .map(row => row.map((cell, i) => i === row.length - 1 ? cell : cell.padEnd(widths[i] + (cell.length - [...cell].length))).join('  '))
    .join('\n') + '\n'
}

/** Shorten to `max` characters with an ellipsis. */
export function truncate (text: string, max: number): string {
  const chars = [...text.replace(/\s+/g, ' ')]
  return chars.length <= max ? chars.join('') : chars.slice(0, max - 1).join('') + '…'
}
