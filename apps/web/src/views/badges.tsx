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

/** When the node refused an edit of this page (written with a client id it did not issue). */
const FOREIGN_CLIENT_TEXT = 'The node refused an edit made in this page, so it cannot sign it as your organisation\'s. Reload the page; what you type now stays in this browser only.'

/** When the node closed the page's connection because the person was signed out. */
const SIGNED_OUT_TEXT = 'Signed out: your role changed or you were removed from the organisation, so this page lost its connection. Sign in again.'

export function SaveBadge ({ session }: { session: DocSession }) {
  useSubscribe(session.subscribe)
  const refusal = session.save !== 'refused' ? undefined : session.refusal === 'foreign-client' ? FOREIGN_CLIENT_TEXT : session.refusal === 'signed-out' ? SIGNED_OUT_TEXT : undefined
  return (
    <span role="status" aria-label="Saved" class={`badge ${session.save === 'saved' ? 'ok' : 'warn'}`} data-save={session.save} data-refusal={session.refusal}>
      {refusal ?? SAVE_TEXT[session.save]}
    </span>
  )
}

/** The id of the sentence that says why an action is turned off while the node is unreachable. */
export const NEEDS_NODE_ID = 'needs-node'
const NEEDS_NODE_TEXT = 'The node is unreachable: this needs it. Try again when the node is back.'

/**
 * The attributes of a control whose action needs the node: disabled while the node is known to
 * be unreachable, with the reason as its description and tooltip (shown by `<NeedsNode>`).
 */
export function needsNode (status: NodeStatus): { disabled: boolean, title?: string, 'aria-describedby'?: string } {
  return status.offline ? { disabled: true, title: NEEDS_NODE_TEXT, 'aria-describedby': NEEDS_NODE_ID } : { disabled: false }
}

/** Re-render on connection changes; while the node is unreachable, say what that turns off. */
export function NeedsNode ({ status }: { status: NodeStatus }) {
  useSubscribe(status.subscribe)
  if (!status.offline) return null
  return <p id={NEEDS_NODE_ID} class="needs-node" role="note">The node is unreachable: creating, sharing, joining and other actions that need it are turned off until it is back. What you have opened in this browser stays readable and editable here.</p>
}
