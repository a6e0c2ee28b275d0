import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import type * as Y from 'yjs'
import type { Editor } from '@tiptap/core'
import { Licence, Maturity, RecordKind, SECTION_PROMPTS, Status, appendSection, listSections, setMeta } from '@commonplace/record'
import type { MetaPatch, SectionRef } from '@commonplace/record'
import { api, errorText } from '../api.ts'
import type { DocView, Me, SectionView } from '../api.ts'
import { DocOpenError, openDocSession } from '../doc-session.ts'
import type { DocSession, OpenStep } from '../doc-session.ts'
import { colourFor, createSectionEditor } from '../editor.ts'
import { download, fileName, recordToHtml } from '../export.ts'
import { useNames } from '../names.ts'
import type { NodeStatus } from '../node-status.ts'
import { rememberDoc } from '../recent.ts'
import { wordFor } from '../words.ts'
import { NeedsNode, SaveBadge, needsNode, useSubscribe } from './badges.tsx'
import { CopyField } from './copy.tsx'
import { PracticeBottom, PracticeTop } from './practice-panels.tsx'
import { SharePanel } from './share-panel.tsx'
import { AuthorsPanel } from './authors-panel.tsx'
import { CommentsPanel } from './comments-panel.tsx'
import { HistoryPanel } from './history-panel.tsx'
import { changedSinceLastLook } from '../last-looked.ts'
import { Toolbar } from './toolbar.tsx'
import { LAST_CHANGED_REFRESH_MS, LastChanged } from './last-changed.tsx'

interface Props {
  id: string
  me: Me | undefined
  status: NodeStatus
  /** A version to open the History at (from `#/doc/ID/history/V`). */
  version?: string
}

/** What the page says while it opens the document, by the step it waits for. */
const OPEN_STEP_TEXT: Record<OpenStep, string> = {
  'local-copy': 'Opening this browser\'s copy of the document…',
  'client-id': 'Asking the node for an id to write this document with…'
}

export function DocPage ({ id, me, status, version }: Props) {
  // the cursor says "name · organisation" where a person is signed in (docs/people.md)
  const who = me?.person != null ? `${me.person.name} · ${me.name}` : me?.name ?? 'Someone'
  const user = useMemo(() => ({ name: who, color: colourFor(who) }), [who])
  const [session, setSession] = useState<DocSession | undefined>()
  const [step, setStep] = useState<OpenStep>('local-copy')
  const [openError, setOpenError] = useState<{ code: string, text: string } | undefined>()
  // opened again when a client id the node issued late is kept: the page can then edit
  const [opening, setOpening] = useState(0)
  const [view, setView] = useState<DocView | undefined>()
  const [error, setError] = useState<string | undefined>()
  const [sharing, setSharing] = useState(false)
  const [authors, setAuthors] = useState(false)
  const [commenting, setCommenting] = useState(false)
  const [history, setHistory] = useState(version != null)
  useEffect(() => { if (version != null) setHistory(true) }, [version])
  const [changed, setChanged] = useState<Set<string>>(new Set())
  const looked = useRef(false)
  const editors = useRef(new Map<string, Editor>())
  const [active, setActive] = useState<Editor | undefined>()
  const activeRef = useRef<Editor | undefined>(undefined)
  const lastEdit = useRef(0)
  const nameOf = useNames()
  const onFocus = (editor: Editor): void => { activeRef.current = editor; setActive(editor) }
  useSubscribe(status.subscribe)

  useEffect(() => {
    let live = true
    let stopWaiting = (): void => {}
    openDocSession(id, user, s => { if (live) setStep(s) }).then(async s => {
      // opened again for a late id: the first session stays on screen until this one has the document
      if (opening > 0) await new Promise<void>(resolve => { stopWaiting = resolve; whenLoaded(s, resolve) })
      if (!live) { s.destroy(); return }
      // a change typed in this page (IndexedDB and the node apply theirs as remote transactions)
      s.doc.on('afterTransaction', (tr: Y.Transaction) => { if (tr.local && tr.changed.size > 0) lastEdit.current = Date.now() })
      setSession(s)
      s.late?.then(() => { if (live) setOpening(n => n + 1) }, () => { /* not kept: stays read-only, as it says */ })
    }, err => {
      if (!live) return
      setOpenError(err instanceof DocOpenError
        ? { code: err.code, text: err.message }
        : { code: 'ERR_OPEN_FAILED', text: 'This document could not be opened in this browser. Reload the page.' })
    })
    return () => { live = false; stopWaiting() }
  }, [id, opening])
  // a session is destroyed once another replaced it on screen (its editors are gone), or the page closed
  useEffect(() => () => { session?.destroy() }, [session])
  useEffect(() => { session?.provider.awareness.setLocalStateField('user', user) }, [session, user])

  const refresh = (): void => {
    api.getDoc(id).then(v => {
      setView(v)
      setError(undefined)
      // what changed since this browser last opened the document: once per opening
      if (!looked.current) { looked.current = true; setChanged(changedSinceLastLook(id, v.sections)) }
    }, err => { setError(errorText(err)) })
  }
  useEffect(refresh, [id])
  useEffect(() => status.onEvent(e => { if ((e.type === 'doc' && e.id === id && e.accessChanged === true) || e.type === 'peer') refresh() }), [status, id])
  useEffect(() => status.subscribe(() => { if (status.reconnected) refresh() }), [status])
  // who last changed each section: asked again once a burst of changes (here or from elsewhere) settles
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const off = status.onEvent(e => {
      if (e.type !== 'doc' || e.id !== id || timer != null) return
      timer = setTimeout(() => { timer = undefined; refresh() }, LAST_CHANGED_REFRESH_MS)
    })
    return () => { off(); clearTimeout(timer) }
  }, [status, id])

  if (session == null) {
    // never a blank page: what it waits for, or why it cannot open the document
    if (openError != null) return <p role="alert" class="error" data-code={openError.code}>{openError.text}</p>
    return error != null ? <p role="alert" class="error">{error}</p> : <p role="status">{OPEN_STEP_TEXT[step]}</p>
  }
  const readOnly = view?.access === 'read' || view?.access === 'comment' || !session.writable || me?.role === 'viewer'
  const ownerName = view == null ? '' : view.owner === me?.orgId ? me.name : view.ownerName ?? nameOf(view.owner)
  const exportMarkdown = async (): Promise<void> => {
    try {
      download(fileName(title(session.doc), 'md'), 'text/markdown', await api.markdown(id))
    } catch (err) { setError(errorText(err)) }
  }
  const exportHtml = async (): Promise<void> => {
    // the node knows when the document last changed, whoever changed it; this page knows its own edits
    const known = await api.getDoc(id).catch(() => view)
    const meta = session.doc.getMap('meta')
    const updated = Math.max(Date.parse(known?.updatedAt ?? '') || 0, lastEdit.current, Number(meta.get('updated') ?? 0))
    const sections = listSections(session.doc).map(s => {
      const editor = editors.current.get(s.id)
      return { heading: s.heading, html: editor == null || editor.isEmpty ? '' : editor.getHTML() }
    })
    download(fileName(title(session.doc), 'html'), 'text/html', recordToHtml(meta, sections, { ownerName, updated }))
  }

  return (
    <article class={`doc${readOnly ? ' read-only' : ''}`} aria-labelledby="doc-title">
      <DocTitle doc={session.doc} visible={readOnly} />
      <div class="bar">
        <a href="#/">← All documents</a>
        <SaveBadge session={session} />
        {view?.access === 'read' && <span class="badge warn" role="note">Read only: your organisation may read this document, not change it</span>}
        {view?.access === 'comment' && <span class="badge warn" role="note">Comment only: your organisation may read and comment on this document, not change it</span>}
        {changed.size > 0 && <span class="badge" role="status">{changed.size === 1 ? '1 section' : `${changed.size} sections`} changed since you last looked</span>}
        {view?.access !== 'read' && view?.access !== 'comment' && me?.role === 'viewer' && <span class="badge warn" role="note">Read only: you are a viewer in your organisation</span>}
        {view?.access !== 'read' && view?.access !== 'comment' && !session.writable && <span class="badge warn" role="note" data-code={NO_CLIENT_CODE[session.noClient ?? 'unreachable']}>{NO_CLIENT_TEXT[session.noClient ?? 'unreachable']}</span>}
        <span class="spacer" />
        <button type="button" {...needsNode(status)} onClick={() => { setSharing(!sharing) }} aria-expanded={sharing}>Share</button>
        <button type="button" {...needsNode(status)} onClick={() => { setAuthors(!authors) }} aria-expanded={authors}>Who wrote what</button>
        <button type="button" {...needsNode(status)} onClick={() => { setCommenting(!commenting) }} aria-expanded={commenting}>Comments</button>
        <button type="button" {...needsNode(status)} onClick={() => { setHistory(!history) }} aria-expanded={history}>History</button>
        <button type="button" {...needsNode(status)} onClick={exportMarkdown}>Export Markdown</button>
        <button type="button" onClick={exportHtml}>Export HTML</button>
      </div>
      <NeedsNode status={status} />
      {error != null && <p role="alert" class="error">{error}</p>}
      {sharing && view != null && !status.offline && <SharePanel view={view} me={me} onChange={setView} status={status} />}
      {authors && !status.offline && <AuthorsPanel id={id} me={me} status={status} />}
      {commenting && !status.offline && <CommentsPanel id={id} doc={session.doc} mayComment={view != null && view.access !== 'read'} status={status} />}
      {history && !status.offline && <HistoryPanel id={id} focus={version} mayEdit={(view?.access === 'owner' || view?.access === 'edit') && me?.role !== 'viewer'} status={status} />}
      {(view?.access === 'read' || view?.access === 'comment') && me?.role !== 'viewer' && <ReadOnlyHelp doc={session.doc} owner={ownerName} me={me} />}
      <PracticeTop id={id} doc={session.doc} view={view} me={me} status={status} owner={ownerName} />
      <Present session={session} />
      <MetaForm doc={session.doc} readOnly={readOnly} id={id} />
      {!readOnly && <Toolbar editor={active} current={() => activeRef.current} disabled={false} />}
      <Sections session={session} user={user} readOnly={readOnly} editors={editors.current} onFocus={onFocus} changed={changed} nodeOffline={status.offline} view={view} />
      <PracticeBottom id={id} doc={session.doc} view={view} me={me} status={status} owner={ownerName} />
    </article>
  )
}

const NO_CLIENT_CODE: Record<NonNullable<DocSession['noClient']>, string> = { unreachable: 'ERR_UNREACHABLE', refused: 'ERR_NOT_FOUND', slow: 'ERR_TIMEOUT' }

/** Call `done` once `session` has the document (from this browser's copy or the node's sync). */
function whenLoaded (session: DocSession, done: () => void): void {
  if (session.loaded) { done(); return }
  const off = session.subscribe(() => { if (session.loaded) { off(); done() } })
}

/** Why a page shows a document read-only for want of a client id from the node. */
const NO_CLIENT_TEXT: Record<NonNullable<DocSession['noClient']>, string> = {
  unreachable: 'Read only in this browser until it reaches the node once: edits here need an id from the node',
  refused: 'Read only: the node gave this page no id to write with (it does not hold this document for your organisation)',
  slow: 'Read only for now: the node has not yet given this page an id to write with (it may be busy writing to its disk). The page becomes editable when it does.'
}

/**
 * The document's title as its heading: shown when the document is read-only (the title field is
 * hidden then), for screen readers only when the title field shows it.
 */
function DocTitle ({ doc, visible }: { doc: Y.Doc, visible: boolean }) {
  const meta = doc.getMap('meta')
  useObserve(meta, false)
  const text = String(meta.get('title') ?? '') || 'Untitled document'
  useEffect(() => { document.title = `${text} · Commonplace` }, [text])
  return <h1 id="doc-title" class={visible ? 'doc-heading' : 'sr-only'}>{text}</h1>
}

/**
 * What a reader can do instead of editing: ask the owner for edit access, with a message ready
 * to send, or make a version of one's own with **Adapt for our organisation** (just below).
 */
function ReadOnlyHelp ({ doc, owner, me }: { doc: Y.Doc, owner: string, me: Me | undefined }) {
  const [open, setOpen] = useState(false)
  const who = owner === '' ? 'the organisation that owns it' : owner
  const message = `Hello ${owner === '' ? '' : `${owner} `}team, could ${me?.name ?? 'our organisation'} have edit access to "${title(doc) || 'Untitled document'}" in Commonplace? ` +
    'You can share it with us by name from the document\'s Share panel. Thank you.'
  return (
    <section class="card instead" aria-label="What you can do">
      <p>To change this document, ask <strong>{who}</strong>, who owns it, for edit access. Or make your organisation's own version of it: <strong>Adapt for our organisation</strong>.</p>
      <div class="actions"><button type="button" aria-expanded={open} onClick={() => { setOpen(!open) }}>Ask for edit access</button></div>
      {open && <CopyField label={`A request to send to ${who}`} text={message} rows={4} buttonLabel="Copy the request" />}
    </section>
  )
}

function title (doc: Y.Doc): string {
  return String(doc.getMap('meta').get('title') ?? '')
}

/** Render again when `type` changes (`deep`: also when anything inside it does). */
function useObserve (type: Y.Map<unknown> | Y.Array<unknown>, deep: boolean): void {
  const [, setTick] = useState(0)
  useEffect(() => {
    const on = (): void => { setTick(t => t + 1) }
    if (deep) type.observeDeep(on)
    else type.observe(on)
    on() // a change may have arrived between the first render and this subscription
    return () => { if (deep) type.unobserveDeep(on); else type.unobserve(on) }
  }, [type, deep])
}

function MetaForm ({ doc, readOnly, id }: { doc: Y.Doc, readOnly: boolean, id: string }) {
  const meta = doc.getMap('meta')
  useObserve(meta, true)
  const value = (key: string): string => String(meta.get(key) ?? '')
  useEffect(() => { if (value('title') !== '') rememberDoc(id, value('title')) })
  const patch = (p: MetaPatch): void => {
    try { setMeta(doc, p) } catch { /* the form only offers valid values */ }
  }
  const tags = (meta.get('tags') as Y.Array<string> | undefined)?.toArray().join(', ') ?? ''
  const select = (label: string, key: 'kind' | 'maturity' | 'status' | 'licence', options: Record<string, string>) => (
    <label>{label} <select aria-label={label} disabled={readOnly} value={value(key)} onChange={e => { patch({ [key]: e.currentTarget.value } as MetaPatch) }}>
      {Object.values(options).map(o => <option key={o} value={o}>{wordFor(key, o)}</option>)}
    </select></label>
  )
  return (
    <form class="meta" aria-label="Metadata" onSubmit={e => { e.preventDefault() }}>
      <label class="title">Title <input aria-label="Title" readOnly={readOnly} value={value('title')} onInput={e => { patch({ title: e.currentTarget.value }) }} /></label>
      <div class="fields">
        {select('Kind', 'kind', RecordKind)}
        {select('Maturity', 'maturity', Maturity)}
        {select('Status', 'status', Status)}
        {select('Licence', 'licence', Licence)}
        {readOnly
          ? <label>Review by <input aria-label="Review by" readOnly value={value('reviewBy')} placeholder="not set" /></label>
          : <label>Review by <input aria-label="Review by" type="date" value={value('reviewBy')} onChange={e => { patch({ reviewBy: e.currentTarget.value === '' ? null : e.currentTarget.value }) }} /></label>}
        <label>Tags <input aria-label="Tags" readOnly={readOnly} value={tags} placeholder={readOnly ? 'none' : 'comma, separated'}
          onChange={e => { patch({ tags: e.currentTarget.value.split(',').map(t => t.trim()).filter(t => t !== '') }) }} /></label>
      </div>
    </form>
  )
}

interface SectionsProps {
  session: DocSession
  user: { name: string, color: string }
  readOnly: boolean
  editors: Map<string, Editor>
  onFocus: (editor: Editor) => void
  /** Sections changed since this browser last looked. */
  changed: Set<string>
  /** The node is known to be unreachable (a document not yet here cannot come). */
  nodeOffline: boolean
  /** The node's view of the document (who last changed each section). */
  view?: DocView
}

function Sections ({ session, user, readOnly, editors, onFocus, changed, nodeOffline, view }: SectionsProps) {
  useObserve(session.doc.getArray('sections'), false)
  useSubscribe(session.subscribe)
  const [heading, setHeading] = useState('')
  const refs = listSections(session.doc)
  return (
    <>
      {refs.length === 0 && (session.loaded ? <p>This document has no sections yet{readOnly ? '.' : ': add one below.'}</p> : <NotHereYet session={session} nodeOffline={nodeOffline} />)}
      {refs.map(ref => <SectionEditor key={ref.id} section={ref} session={session} user={user} readOnly={readOnly || ref.locked} editors={editors} onFocus={onFocus} changed={changed.has(ref.id)} lastChanged={view?.sections.find(s => s.id === ref.id)?.lastChanged} />)}
      {!readOnly && session.loaded && (
        <form class="add-section" aria-label="Add a section" onSubmit={e => {
          e.preventDefault()
          if (heading.trim() !== '') { appendSection(session.doc, heading.trim()); setHeading('') }
        }}>
          <label>New section heading <input aria-label="New section heading" value={heading} onInput={e => { setHeading(e.currentTarget.value) }} /></label>
          <button type="submit">Add section</button>
        </form>
      )}
    </>
  )
}

/**
 * A document this browser holds nothing of yet (opened here for the first time): it comes with the
 * node's sync. Says what the page waits for, or why it does not come.
 */
function NotHereYet ({ session, nodeOffline }: { session: DocSession, nodeOffline: boolean }) {
  if (session.save === 'refused') return <p role="alert" class="error" data-code="ERR_NOT_ON_NODE">This document is not in this browser, and the node does not hold it or your organisation may not read it: there is nothing to show.</p>
  if (nodeOffline) return <p role="status">This document is not in this browser yet, and the node is unreachable: it shows once the node is back.</p>
  return <p role="status">Loading the document from the node…</p>
}

function SectionEditor ({ section, session, user, readOnly, editors, onFocus, changed, lastChanged }: { section: SectionRef, changed: boolean, lastChanged: SectionView['lastChanged'] } & Omit<SectionsProps, 'editors' | 'changed' | 'nodeOffline' | 'view'> & { editors: Map<string, Editor> }) {
  const host = useRef<HTMLDivElement>(null)
  const headingId = `section-${section.id}`
  const hintId = `hint-${section.id}`
  // what belongs in a template's section: a hint while the section can be written, never text in it
  const prompt = readOnly ? undefined : SECTION_PROMPTS[section.heading]
  useEffect(() => {
    const editor = createSectionEditor({
      element: host.current!, body: section.body, provider: session.provider, user, label: section.heading, editable: !readOnly, onFocus
    })
    editors.set(section.id, editor)
    return () => { editors.delete(section.id); editor.destroy() }
  }, [section.body])
  useEffect(() => {
    const editor = editors.get(section.id)
    editor?.setEditable(!readOnly)
    // ProseMirror leaves attributes of its root that its props did not set alone
    if (prompt != null) editor?.view.dom.setAttribute('aria-describedby', hintId)
    else editor?.view.dom.removeAttribute('aria-describedby')
  }, [readOnly, section.body])
  return (
    <section class={`section${changed ? ' changed' : ''}`} aria-labelledby={headingId}>
      <h2 id={headingId}>{section.heading}{section.locked && <span class="badge">locked</span>}{changed && <span class="badge changed-badge">changed since you last looked</span>}</h2>
      <LastChanged change={lastChanged} id={`changed-${section.id}`} />
      {prompt != null && <p id={hintId} class="hint">{prompt}</p>}
      <div ref={host} />
    </section>
  )
}

function Present ({ session }: { session: DocSession }) {
  useSubscribe(fn => {
    session.provider.awareness.on('change', fn)
    return () => { session.provider.awareness.off('change', fn) }
  })
  const names = [...session.provider.awareness.getStates().entries()]
    .filter(([client]) => client !== session.doc.clientID)
    .map(([, state]) => (state as { user?: { name?: string } }).user?.name)
    .filter((name): name is string => typeof name === 'string')
  return <p class="present" aria-label="Also here">{names.length === 0 ? 'Nobody else is here.' : `Also here: ${[...new Set(names)].join(', ')}`}</p>
}
