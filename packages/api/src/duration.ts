import { InvalidInputError } from '@commonplace/core'

/**
 * `30m`, `12h`, `7d`, `2w` (or a bare number of milliseconds) → milliseconds: how long an
 * invitation (a network's or a person's) works. At most six digits, so the value stays exact.
 * @throws InvalidInputError
 */
export function parseDuration (text: string): number {
  const match = /^(\d{1,6})\s*(ms|s|m|h|d|w)?$/.exec(String(text).trim())
  if (match == null) throw new InvalidInputError(`Not a duration: ${JSON.stringify(String(text).slice(0, 20))} (use e.g. 30m, 12h, 7d)`)
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[match[2] ?? 'ms'] as number
  const ms = Number(match[1]) * unit
  if (ms <= 0) throw new InvalidInputError('The duration must be positive')
  return ms
}
