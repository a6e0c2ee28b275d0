/**
 * Comments on a document (docs/history.md): select a passage in a section and comment on it; each
 * thread shows the passage as it reads now (or that it was deleted), who wrote what, the replies,
 * and resolve / reopen. Readers see the threads and cannot write.
 */
import { useEffect, useRef, useState } from 'preact/hooks'
import type * as Y from 'yjs'
import { listSections } from '@commonplace/record'
import { errorText } from '../api.ts'
import { historyApi } from '../history-api.ts'
import type { CommentView, ThreadView } from '../history-api.ts'
import { useNodeChanges } from '../node-changes.ts'
import type { NodeStatus } from '../node-status.ts'
import { whenText } from '../when.ts'

interface Props {
  id: string
  doc: Y.Doc
  /** Whether this organisation may comment (owner, edit or comment access). */
  mayComment: boolean
  status: NodeStatus
}

/** The section and passage selected in the page now, when the selection lies in one section. */
function selected (): { section: string, quote: string } | undefined {
  const selection = document.getSelection()
  const text = selection?.toString().trim() ?? ''
  if (selection == null || text === '' || selection.anchorNode == null) return undefined
  const host = (selection.anchorNode instanceof Element ? selection.anchorNode : selection.anchorNode.parentElement)?.closest('section.section')
  const heading = host?.querySelector('h2')?.firstChild?.textContent
  return heading == null ? undefined : { section: heading, quote: text }
}

export function CommentsPanel ({ id, doc, mayComment, status }: Props) {
  const [threads, setThreads] = useState<ThreadView[] | undefined>()
  const [error, setError] = useState<string | undefined>()
  const [section, setSection] = useState('')
  const [quote, setQuote] = useState('')
  const [text, setText] = useState('')
  const tick = useNodeChanges(status, e => e.type === 'doc')
  const latest = useRef(0)
  const load = (): void => {
    // answers may come back out of order (separate connections): only the latest asked counts,
    // so an earlier answer never hides a reply that a later one showed
    const asked = ++latest.current
    historyApi.comments(id).then(t => {
      if (asked === latest.current) { setThreads(t); setError(undefined) }
    }, err => { if (asked === latest.current) setError(errorText(err)) })
  }
  useEffect(load, [id, tick])
  useEffect(() => {
    // a passage selected in the document becomes the quote of the next comment
    const on = (): void => { const s = selected(); if (s != null) { setSection(s.section); setQuote(s.quote) } }
    document.addEventListener('selectionchange', on)
    return () => { document.removeEventListener('selectionchange', on) }
  }, [])
  const act = async (fn: () => Promise<unknown>): Promise<void> => {
    try { await fn(); load() } catch (err) { setError(errorText(err)) }
  }
  const headings = listSections(doc).map(s => s.heading)
  const open = threads?.filter(t => t.state === 'open').length ?? 0
  return (
    <section class="card comments" aria-labelledby="comments-heading">
      <h2 id="comments-heading">Comments {threads != null && <span class="meta">({open} open of {threads.length})</span>}</h2>
      {error != null && <p role="alert" class="error">{error}</p>}
      {mayComment
        ? (
          <form aria-label="New comment" onSubmit={e => {
            e.preventDefault()
            void act(async () => { await historyApi.addComment(id, { section: section || headings[0], text, ...(quote !== '' ? { quote } : {}) }); setText(''); setQuote('') })
          }}>
            <p class="hint">Select a passage in the document to comment on it, or comment on a whole section.</p>
            <label>Section <select aria-label="Section" value={section || headings[0]} onChange={e => { setSection(e.currentTarget.value) }}>
              {headings.map(h => <option key={h} value={h}>{h}</option>)}
            </select></label>
            <label>Passage <input aria-label="Passage" value={quote} placeholder="the whole section" onInput={e => { setQuote(e.currentTarget.value) }} /></label>
            <label>Comment <textarea aria-label="Comment" required maxLength={4000} value={text} onInput={e => { setText(e.currentTarget.value) }} /></label>
            <button type="submit" disabled={text.trim() === '' || headings.length === 0}>Comment</button>
          </form>
          )
        : <p role="note">Your organisation may read this document and its comments, not comment on it.</p>}
      {threads?.length === 0 && <p>No comments yet.</p>}
      <ol class="plain threads">
        {threads?.map(t => <Thread key={t.id} thread={t} mayComment={mayComment} act={act} />)}
      </ol>
    </section>
  )
}

function Thread ({ thread: t, mayComment, act }: { thread: ThreadView, mayComment: boolean, act: (fn: () => Promise<unknown>) => Promise<void> }) {
  const [reply, setReply] = useState('')
  const label = `Comment by ${t.orgName ?? t.org} on ${t.heading ?? 'a removed section'}`
  return (
    <li class={`thread ${t.state}`} aria-label={label}>
      <p class="anchor">
        <span class="badge">{t.state === 'open' ? 'open' : 'resolved'}</span> {t.heading ?? t.section}
        {t.detached
          ? <> · <span class="badge warn">passage deleted</span>{t.quote != null && <> <q class="gone">{t.quote}</q></>}</>
          : t.passage != null && <> · <q>{t.passage}</q></>}
      </p>
      <Comment c={t} />
      {t.replies.length > 0 && <ol class="plain replies">{t.replies.map(r => <li key={r.id}><Comment c={r} /></li>)}</ol>}
      {mayComment && (
        <form aria-label={`Reply to ${label}`} onSubmit={e => { e.preventDefault(); void act(async () => { await historyApi.reply(t.id, reply); setReply('') }) }}>
          <label>Reply <input aria-label="Reply" value={reply} maxLength={4000} onInput={e => { setReply(e.currentTarget.value) }} /></label>
          <button type="submit" disabled={reply.trim() === ''}>Reply</button>
          <button type="button" onClick={() => { void act(async () => await historyApi.setState(t.id, t.state === 'open' ? 'resolved' : 'open')) }}>
            {t.state === 'open' ? 'Resolve' : 'Reopen'}
          </button>
        </form>
      )}
    </li>
  )
}

function Comment ({ c }: { c: CommentView }) {
  return <p><strong>{c.orgName ?? c.org}</strong>{c.personName != null && ` (${c.personName})`} <span class="meta">{whenText(c.at)}</span><br />{c.text}</p>
}
