/**
 * Under each section heading, a quiet line: who last changed the section and when
 * (docs/people.md, "Who last changed a section"), as the node recorded it.
 */
import { useEffect, useState } from 'preact/hooks'
import type { SectionView } from '../api.ts'
import { agoText, whenText } from '../when.ts'

/** How long the page waits after a change to the document before it asks the node again (one request per burst of typing). */
export const LAST_CHANGED_REFRESH_MS = 2000

/** "Changed by Dr Amara Okafor · 3 min ago"; the exact time in the element's `datetime` and title. */
export function LastChanged ({ change, id }: { change: SectionView['lastChanged'], id: string }) {
  // "3 min ago" stays true while the page is open
  const [now, setNow] = useState(() => new Date())
  useEffect(() => {
    const timer = setInterval(() => { setNow(new Date()) }, 60_000)
    return () => { clearInterval(timer) }
  }, [])
  if (change == null) return null
  return (
    <p class="last-changed" id={id}>
      Changed by {change.by} · <time dateTime={change.at} title={whenText(change.at, now)}>{agoText(change.at, now)}</time>
    </p>
  )
}
