/**
 * The notices of this organisation (documents shared with it, introductions, acceptances), loaded
 * once and kept current from the node's `notice` events, for the header's count and the Notices
 * page.
 */
import { useEffect, useState } from 'preact/hooks'
import { api } from './api.ts'
import type { Notice } from './api.ts'
import type { NodeStatus } from './node-status.ts'

let notices: Notice[] | undefined
let following: NodeStatus | undefined
const listeners = new Set<() => void>()

function set (next: Notice[]): void {
  notices = next
  for (const l of listeners) l()
}

function load (): void {
  api.notices().then(set, () => {})
}

/** Keep the notices current from the node's events (once per page) and load them. */
function follow (status: NodeStatus): void {
  if (following === status) return
  following = status
  load()
  status.onEvent(e => {
    if (e.type !== 'notice' || e.notice == null) return
    const notice = e.notice
    set([notice, ...(notices ?? []).filter(n => n.id !== notice.id)])
  })
  // notices that came while the page could not hear the node
  status.subscribe(() => { if (status.reconnected) load() })
}

/** Mark notices read on the node (all of them without `ids`). */
export async function markRead (ids?: string[]): Promise<void> {
  set(await api.readNotices(ids))
}

/** The notices, newest first (undefined until loaded), re-rendering when they change. */
export function useNotices (status: NodeStatus): Notice[] | undefined {
  const [, setVersion] = useState(0)
  useEffect(() => {
    const on = (): void => { setVersion(v => v + 1) }
    listeners.add(on)
    follow(status)
    return () => { listeners.delete(on) }
  }, [status])
  return notices
}
