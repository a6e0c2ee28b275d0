import { parseArgs } from 'node:util'
import { UsageError } from './errors.ts'

/** Every option of every command; each command says which of them it accepts. */
export const OPTIONS = {
  data: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  name: { type: 'string' },
  listen: { type: 'string', multiple: true },
  announce: { type: 'string', multiple: true },
  http: { type: 'string' },
  title: { type: 'string' },
  kind: { type: 'string' },
  section: { type: 'string', multiple: true },
  'from-markdown': { type: 'string' },
  format: { type: 'string' },
  'append-section': { type: 'string', multiple: true },
  append: { type: 'string' },
  with: { type: 'string' },
  role: { type: 'string' },
  network: { type: 'string', multiple: true },
  visibility: { type: 'string' },
  expires: { type: 'string' },
  uses: { type: 'string' },
  brief: { type: 'string' },
  relay: { type: 'boolean' },
  'no-mdns': { type: 'boolean' },
  maturity: { type: 'string' },
  status: { type: 'string' },
  owner: { type: 'string' },
  read: { type: 'boolean' },
  why: { type: 'string' },
  reasons: { type: 'string' },
  message: { type: 'string' },
  reply: { type: 'string' },
  state: { type: 'string' },
  note: { type: 'string' },
  variant: { type: 'string' },
  reason: { type: 'string' },
  diff: { type: 'boolean' },
  take: { type: 'string', multiple: true },
  dismiss: { type: 'string', multiple: true },
  weeks: { type: 'string' },
  at: { type: 'string' },
  quote: { type: 'string' },
  text: { type: 'string' },
  label: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  version: { type: 'string' },
  since: { type: 'string' },
  'public-url': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' }
} as const

export type OptionName = keyof typeof OPTIONS

/** Options every command accepts. */
export const GLOBAL_OPTIONS: readonly OptionName[] = ['data', 'json', 'help']

export interface CliOptions {
  data?: string
  json?: boolean
  help?: boolean
  name?: string
  listen?: string[]
  announce?: string[]
  http?: string
  'public-url'?: string
  'tls-cert'?: string
  'tls-key'?: string
  title?: string
  kind?: string
  section?: string[]
  'from-markdown'?: string
  format?: string
  'append-section'?: string[]
  append?: string
  with?: string
  role?: string
  /** Repeatable (`adoption set`); `share` takes exactly one. */
  network?: string[]
  visibility?: string
  expires?: string
  uses?: string
  brief?: string
  relay?: boolean
  'no-mdns'?: boolean
  maturity?: string
  status?: string
  owner?: string
  read?: boolean
  why?: string
  reasons?: string
  message?: string
  reply?: string
  state?: string
  note?: string
  variant?: string
  reason?: string
  diff?: boolean
  take?: string[]
  dismiss?: string[]
  weeks?: string
  /** `adoption set`: when the change happened (a past date). */
  at?: string
  quote?: string
  text?: string
  label?: string
  from?: string
  to?: string
  version?: string
  since?: string
}

export interface ParsedArgs {
  options: CliOptions
  positionals: string[]
}

/** Parse argv against {@link OPTIONS}; throws UsageError with a short message. */
export function parseCommandLine (argv: string[]): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true })
    return { options: values as CliOptions, positionals }
  } catch (err) {
    throw new UsageError(describeParseError(err))
  }
}

function describeParseError (err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  const option = /'(-[^' ]+)/.exec(message)?.[1]
  switch ((err as { code?: string }).code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `Unknown option ${option ?? message}`
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return message.includes('argument missing')
        ? `Option ${option} needs a value`
        : message.includes('does not take an argument')
          ? `Option ${option} takes no value`
          : `Option ${option} needs a value (write ${option}=VALUE for a value starting with '-')`
    default:
      return message
  }
}

/** Refuse options that the command does not take. */
export function checkOptions (options: CliOptions, allowed: readonly OptionName[], command: string): void {
  for (const name of Object.keys(options) as OptionName[]) {
    if (!GLOBAL_OPTIONS.includes(name) && !allowed.includes(name)) {
      throw new UsageError(`Option --${name} does not apply to '${command}'`, command)
    }
  }
}

/** `HEADING=TEXT` → { heading, text } (split at the first '='). */
export function parseSectionPair (value: string, flag: string, command: string): { heading: string, text: string } {
  const at = value.indexOf('=')
  const heading = at < 0 ? '' : value.slice(0, at).trim()
  if (heading === '') throw new UsageError(`${flag} expects HEADING=TEXT, got ${JSON.stringify(value)}`, command)
  return { heading, text: value.slice(at + 1) }
}

/** `HOST:PORT`, `[IPV6]:PORT` or a bare `PORT` (host 127.0.0.1). */
export function parseHttpAddress (value: string, command: string): { host: string, port: number } {
  const match = /^(?:(\[[0-9a-fA-F:.]+\]|[^:[\]]+):)?(\d{1,5})$/.exec(value)
  const port = Number(match?.[2])
  if (match == null || port > 65535) {
    throw new UsageError(`--http expects HOST:PORT (e.g. 127.0.0.1:7420), got ${JSON.stringify(value)}`, command)
  }
  const host = match[1] ?? '127.0.0.1'
  return { host: host.startsWith('[') ? host.slice(1, -1) : host, port }
}

/** A value that must be one of `allowed`, e.g. `--role read|edit`. */
export function parseChoice<T extends string> (value: string, allowed: readonly T[], flag: string, command: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`${flag} must be ${allowed.join(' or ')}, not ${JSON.stringify(value)}`, command)
  }
  return value as T
}

/** `30m`, `12h`, `7d`: a duration the node understands (minutes, hours or days). */
export function parseDuration (value: string, flag: string, command: string): string {
  if (!/^[1-9]\d{0,4}[mhd]$/.test(value)) {
    throw new UsageError(`${flag} expects a duration such as 30m, 12h or 7d, got ${JSON.stringify(value)}`, command)
  }
  return value
}

/**
 * A past day or moment, `2026-06-01` or ISO 8601 (`2026-06-01T09:30Z`), as ISO 8601 for the node.
 * A day alone is midnight UTC. Not after `now` (the node checks again against its own clock).
 */
export function parsePastDate (value: string, flag: string, command: string, now = Date.now()): string {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value)
  const ms = value.length <= 40 && /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(day ? `${value}T00:00:00Z` : value) : NaN
  // Date.parse rolls 2026-02-31 over to March: the day must read back as written
  if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== value.slice(0, 10)) {
    throw new UsageError(`${flag} expects a date such as 2026-06-01 (or an ISO 8601 time), got ${JSON.stringify(value)}`, command)
  }
  if (ms > now) throw new UsageError(`${flag} may not be in the future (${JSON.stringify(value)})`, command)
  return new Date(ms).toISOString()
}

/** A whole number from 1 up. */
export function parsePositiveInteger (value: string, flag: string, command: string): number {
  const n = /^\d{1,9}$/.test(value) ? Number(value) : NaN
  if (!(n >= 1)) throw new UsageError(`${flag} expects a whole number from 1 up, got ${JSON.stringify(value)}`, command)
  return n
}
