/**
 * Times as a person reads them: "14:02" for today, "3 Mar, 14:02" for another day.
 */

/** A time of today as the clock, another day with its date. */
export function whenText (iso: string, now = new Date()): string {
  const at = new Date(iso)
  if (Number.isNaN(at.getTime())) return ''
  const time = at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
  if (at.toDateString() === now.toDateString()) return time
  return `${at.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: at.getFullYear() === now.getFullYear() ? undefined : 'numeric' })}, ${time}`
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
