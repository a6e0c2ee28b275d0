/**
 * Times as a person reads them: "14:02" for today, "3 Mar, 14:02" for another day.
 */

// made once: `toLocaleTimeString` with options builds a formatter on every call (about 0.5 ms
// each), which a list of hundreds of comments pays hundreds of times
const CLOCK = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })
const DAY_THIS_YEAR = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' })
const DAY_AND_YEAR = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' })

/** A time of today as the clock, another day with its date. */
export function whenText (iso: string, now = new Date()): string {
  const at = new Date(iso)
  if (Number.isNaN(at.getTime())) return ''
  const time = CLOCK.format(at)
  if (at.toDateString() === now.toDateString()) return time
  return `${(at.getFullYear() === now.getFullYear() ? DAY_THIS_YEAR : DAY_AND_YEAR).format(at)}, ${time}`
}

/** "online", "last seen 14:02" or "not seen yet". */
export function seenText (online: boolean, lastSeen?: string): string {
  if (online) return 'online'
  return lastSeen != null ? `last seen ${whenText(lastSeen)}` : 'not seen yet'
}

/** One formatter for every date of a large view (a matrix has up to tens of thousands). */
const DAY = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' })

/** "3 Mar 2026": a date without the time. */
export function dayText (iso: string): string {
  const at = new Date(iso)
  return Number.isNaN(at.getTime()) ? '' : DAY.format(at)
}

/**
 * How long ago, as a person says it: "just now", "3 min ago", "2 h ago", then the day and time
 * (whenText) from a day on. A time ahead of this browser's clock (another computer's) is "just now".
 */
export function agoText (iso: string, now = new Date()): string {
  const at = new Date(iso)
  if (Number.isNaN(at.getTime())) return ''
  const minutes = Math.floor((now.getTime() - at.getTime()) / 60_000)
  if (minutes < 1) return 'just now'
  if (minutes < 60) return `${minutes} min ago`
  if (minutes < 24 * 60) return `${Math.floor(minutes / 60)} h ago`
  return whenText(iso, now)
}
