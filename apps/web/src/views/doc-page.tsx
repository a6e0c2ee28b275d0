import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import type * as Y from 'yjs'
import type { Editor } from '@tiptap/core'
import { Licence, Maturity, RecordKind, Status, appendSection, listSections, setMeta } from '@commonplace/record'
import type { MetaPatch, SectionRef } from '@commonplace/record'
import { api, errorText } from '../api.ts'
import type { DocView, Me, Peer } from '../api.ts'
import { openDocSession } from '../doc-session.ts'
import type { DocSession } from '../doc-session.ts'
import { colourFor, createSectionEditor } from '../editor.ts'
import { download, fileName, recordToHtml } from '../export.ts'
import type { NodeStatus } from '../node-status.ts'
import { rememberDoc } from '../recent.ts'
import { SaveBadge, useSubscribe } from './badges.tsx'
import { orgName } from './doc-list.tsx'
import { SharePanel } from './share-panel.tsx'
import { Toolbar } from './toolbar.tsx'

interface Props { id: string, me: Me | undefined, status: NodeStatus }

export function DocPage ({ id, me, status }: Props) {
  const user = useMemo(() => ({ name: me?.name ?? 'Someone', color: colourFor(me?.name ?? '') }), [me?.name])
  const [session, setSession] = useState<DocSession | undefined>()
  const [view, setView] = useState<DocView | undefined>()
  const [peers, setPeers] = useState<Peer[]>([])
  const [error, setError] = useState<string | undefined>()
  const [sharing, setSharing] = useState(false)
  const editors = useRef(new Map<string, Editor>())
  const [active, setActive] = useState<Editor | undefined>()
  const activeRef = useRef<Editor | undefined>(undefined)
  const onFocus = (editor: Editor): void => { activeRef.current = editor; setActive(editor) }

  useEffect(() => {
    const s = openDocSession(id, user)
    setSession(s)
    return () => { s.destroy() }
  }, [id])
  useEffect(() => { session?.provider.awareness.setLocalStateField('user', user) }, [session, user])

  const refresh = (): void => {
    api.getDoc(id).then(v => { setView(v); setError(undefined) }, err => { setError(errorText(err)) })
    api.peers().then(setPeers, () => {})
  }
  useEffect(refresh, [id])
  useEffect(() => status.onEvent(e => { if ((e.type === 'doc' && e.id === id && e.accessChanged === true) || e.type === 'peer') refresh() }), [status, id])
  useEffect(() => status.subscribe(() => { if (status.online) refresh() }), [status])

  if (session == null) return <p>Loading…</p>
  const readOnly = view?.access === 'read'
  const exportMarkdown = async (): Promise<void> => {
    try {
      download(fileName(title(session.doc), 'md'), 'text/markdown', await api.markdown(id))
    } catch (err) { setError(errorText(err)) }
  }
  const exportHtml = (): void => {
    const sections = listSections(session.doc).map(s => ({ heading: s.heading, html: editors.current.get(s.id)?.getHTML() ?? '' }))
    download(fileName(title(session.doc), 'html'), 'text/html', recordToHtml(session.doc.getMap('meta'), sections, orgName(view?.owner ?? '', me, peers).replace(' (us)', '')))
  }

  return (
    <article class="doc" aria-label="Document">
      <div class="bar">
        <a href="#/">← All documents</a>
        <SaveBadge session={session} />
        {readOnly && <span class="badge warn" role="note">Read only: your organisation may read this document, not change it</span>}
        <span class="spacer" />
        <button type="button" onClick={() => { setSharing(!sharing) }} aria-expanded={sharing}>Share</button>
        <button type="button" onClick={exportMarkdown}>Export Markdown</button>
        <button type="button" onClick={exportHtml}>Export HTML</button>
      </div>
      {error != null && <p role="alert" class="error">{error}</p>}
      {sharing && view != null && <SharePanel view={view} me={me} peers={peers} onChange={setView} />}
      <Present session={session} />
      <MetaForm doc={session.doc} readOnly={readOnly} id={id} />
      <Toolbar editor={active} current={() => activeRef.current} disabled={readOnly} />
      <Sections session={session} user={user} readOnly={readOnly} editors={editors.current} onFocus={onFocus} />
    </article>
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
  const select = (label: string, key: keyof MetaPatch, options: Record<string, string>) => (
    <label>{label} <select aria-label={label} disabled={readOnly} value={value(key)} onChange={e => { patch({ [key]: e.currentTarget.value } as MetaPatch) }}>
      {Object.values(options).map(o => <option key={o} value={o}>{o}</option>)}
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
        <label>Review by <input aria-label="Review by" type="date" readOnly={readOnly} value={value('reviewBy')} onChange={e => { patch({ reviewBy: e.currentTarget.value === '' ? null : e.currentTarget.value }) }} /></label>
        <label>Tags <input aria-label="Tags" readOnly={readOnly} value={tags} placeholder="comma, separated"
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
}

function Sections ({ session, user, readOnly, editors, onFocus }: SectionsProps) {
  useObserve(session.doc.getArray('sections'), false)
  const [heading, setHeading] = useState('')
  const refs = listSections(session.doc)
  return (
    <>
      {refs.length === 0 && <p>This document has no sections yet{readOnly ? '.' : ': add one below.'}</p>}
      {refs.map(ref => <SectionEditor key={ref.id} section={ref} session={session} user={user} readOnly={readOnly || ref.locked} editors={editors} onFocus={onFocus} />)}
      {!readOnly && (
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

function SectionEditor ({ section, session, user, readOnly, editors, onFocus }: { section: SectionRef } & Omit<SectionsProps, 'editors'> & { editors: Map<string, Editor> }) {
  const host = useRef<HTMLDivElement>(null)
  const headingId = `section-${section.id}`
  useEffect(() => {
    const editor = createSectionEditor({
      element: host.current!, body: section.body, provider: session.provider, user, label: section.heading, editable: !readOnly, onFocus
    })
    editors.set(section.id, editor)
    return () => { editors.delete(section.id); editor.destroy() }
  }, [section.body])
  useEffect(() => { editors.get(section.id)?.setEditable(!readOnly) }, [readOnly])
  return (
    <section class="section" aria-labelledby={headingId}>
      <h2 id={headingId}>{section.heading}{section.locked && <span class="badge">locked</span>}</h2>
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
