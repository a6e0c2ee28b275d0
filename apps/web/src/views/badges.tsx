import { useEffect, useState } from 'preact/hooks'
import type { NodeStatus } from '../node-status.ts'
import type { DocSession } from '../doc-session.ts'

export function useSubscribe (subscribe: (fn: () => void) => () => void): void {
  const [, setTick] = useState(0)
  useEffect(() => subscribe(() => { setTick(t => t + 1) }), [subscribe])
}

export function ConnectionBadge ({ status }: { status: NodeStatus }) {
  useSubscribe(status.subscribe)
  return (
    <span role="status" aria-label="Connection" class={`badge ${status.online ? 'ok' : 'warn'}`} data-online={String(status.online)}>
      {status.online ? 'Connected to the node' : 'Offline: the node is unreachable'}
    </span>
  )
}

const SAVE_TEXT: Record<DocSession['save'], string> = {
  saved: 'All changes saved on the node',
  saving: 'Saving to the node…',
  offline: 'Offline: changes kept in this browser',
  loading: 'Loading…',
  refused: 'Not on the node: it does not hold this document, or your organisation no longer has access. Edits stay in this browser only.'
}

export function SaveBadge ({ session }: { session: DocSession }) {
  useSubscribe(session.subscribe)
  return (
    <span role="status" aria-label="Saved" class={`badge ${session.save === 'saved' ? 'ok' : 'warn'}`} data-save={session.save}>
      {SAVE_TEXT[session.save]}
    </span>
  )
}
