import { useEffect, useState } from 'preact/hooks'
import { errorText } from '../api.ts'
import type { Notice } from '../api.ts'
import type { NodeStatus } from '../node-status.ts'
import { markRead, useNotices } from '../notices.ts'
import { whenText } from '../when.ts'
import { NeedsNode, needsNode, useSubscribe } from './badges.tsx'
import '../directory.css'

/** The header's link to the notices, with how many are unread. */
export function NoticesLink ({ status, current }: { status: NodeStatus, current: boolean }) {
  const unread = (useNotices(status) ?? []).filter(n => !n.read).length
  return (
    // the name holds the visible text ("Notices 2") and says what the number counts
    <a href="#/notices" aria-current={current ? 'page' : undefined} aria-label={unread > 0 ? `Notices ${unread} unread` : undefined}>
      Notices{unread > 0 && <> <span class="count">{unread}</span></>}
    </a>
  )
}

/** Notices, newest first: unread ones marked "New"; opening one marks it read. */
export function NoticesPage ({ status }: { status: NodeStatus }) {
  const notices = useNotices(status)
  const [error, setError] = useState<string | undefined>()
  useSubscribe(status.subscribe)
  useEffect(() => { document.title = 'Notices · Commonplace' }, [])
  const read = async (ids?: string[]): Promise<void> => {
    try { await markRead(ids); setError(undefined) } catch (err) { setError(errorText(err)) }
  }
  const unread = (notices ?? []).filter(n => !n.read)
  return (
    <section class="directory-view" aria-labelledby="notices-heading">
      <div class="bar">
        <h1 id="notices-heading">Notices</h1>
        {unread.length > 0 && <button type="button" {...needsNode(status)} onClick={async () => { await read() }}>Mark all as read</button>}
      </div>
      {error != null && <p role="alert" class="error">{error}</p>}
      <NeedsNode status={status} />
      {notices == null
        ? <p>Loading…</p>
        : notices.length === 0
          ? <p>Nothing yet. When an organisation shares a document with you, introduces itself, accepts your introduction, proposes a change to your practice or decides on yours, it shows here.</p>
          : <ul class="plain entries" aria-label="Notices">{notices.map(n => <NoticeItem key={n.id} notice={n} onOpen={read} />)}</ul>}
    </section>
  )
}

function NoticeItem ({ notice: n, onOpen }: { notice: Notice, onOpen: (ids: string[]) => Promise<void> }) {
  const href = n.doc != null ? `#/doc/${encodeURIComponent(n.doc)}` : '#/directory'
  const open = (): void => { if (!n.read) onOpen([n.id]).catch(() => {}) }
  return (
    <li class={`entry notice ${n.read ? '' : 'unread'}`}>
      <div class="who">
        {!n.read && <span class="badge warn">New</span>}
        <a href={href} onClick={open}>{n.text}</a>
      </div>
      <span class="meta">{whenText(n.at)}</span>
    </li>
  )
}
