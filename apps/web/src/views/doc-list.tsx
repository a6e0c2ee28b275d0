import { useEffect, useRef, useState } from 'preact/hooks'
import type { ComponentChildren } from 'preact'
import { Maturity, RecordKind, SECTION_TEMPLATES, Status } from '@commonplace/record'
import { api, errorText } from '../api.ts'
import type { DocHit, Me, Peer } from '../api.ts'
import { useDirectory, useNames } from '../names.ts'
import type { NodeStatus } from '../node-status.ts'
import { recentDocs } from '../recent.ts'
import { orgLabel, wordFor } from '../words.ts'
import { ActivityFeed } from './activity.tsx'
import { NeedsNode, needsNode } from './badges.tsx'

const TEMPLATES = {
  goodPractice: { label: 'Good practice (problem, context, practice…)', sections: SECTION_TEMPLATES.goodPractice },
  construction: { label: 'Construction task sheet (task, hazards, measures…)', sections: SECTION_TEMPLATES.construction },
  blank: { label: 'Blank', sections: [] as readonly string[] }
} as const

/** A page opened on the list asks for it as its script starts, not after the first paint. */
let firstSearch: Promise<DocHit[]> | undefined = /^(#\/?)?$/.test(location.hash) ? api.search({}) : undefined

export function DocList ({ status, me }: { status: NodeStatus, me: Me | undefined }) {
  const [query, setQuery] = useState({ q: '', kind: '', maturity: '', status: '', owner: '', network: '' })
  const [hits, setHits] = useState<DocHit[] | undefined>()
  const [peers, setPeers] = useState<Peer[]>([])
  const [error, setError] = useState<string | undefined>()
  const [creating, setCreating] = useState(false)
  const [tick, setTick] = useState(0)

  useEffect(() => { document.title = 'Documents · Commonplace' }, [])
  useEffect(() => status.onEvent(() => { setTick(t => t + 1) }), [status])
  useEffect(() => status.subscribe(() => { if (!status.online || status.reconnected) setTick(t => t + 1) }), [status])
  useEffect(() => {
    let stale = false
    const search = firstSearch ?? api.search(query)
    firstSearch = undefined
    search.then(result => { if (!stale) { setHits(result); setError(undefined) } }, err => { if (!stale) setError(errorText(err)) })
    api.peers().then(setPeers, () => {})
    return () => { stale = true }
  }, [query, tick])

  const nameOf = useNames()
  const networks = useDirectory().networks.filter(n => n.role === 'facilitator' || n.role === 'member')
  const owners = [...new Set((hits ?? []).map(h => h.owner))]
  const owner = (id: string): string => orgLabel(id, me, nameOf)
  const set = (key: keyof typeof query) => (e: Event) => { setQuery({ ...query, [key]: (e.currentTarget as HTMLInputElement).value }) }

  return (
    <section aria-labelledby="docs-heading">
      <div class="bar">
        <h1 id="docs-heading">Documents</h1>
        <button type="button" {...needsNode(status)} onClick={() => { setCreating(true) }}>New document</button>
        <ImportMarkdown status={status} onError={setError} />
      </div>
      <NeedsNode status={status} />
      {creating && !status.offline && <NewDocForm onCancel={() => { setCreating(false) }} onError={setError} />}
      <form class="filters" role="search" onSubmit={e => { e.preventDefault() }}>
        <label>Search <input aria-label="Search" type="search" value={query.q} onInput={set('q')} placeholder="Titles and text" /></label>
        <label>Kind <select aria-label="Kind" value={query.kind} onChange={set('kind')}><option value="">Any</option>{Object.values(RecordKind).map(k => <option key={k} value={k}>{wordFor('kind', k)}</option>)}</select></label>
        <label>Maturity <select aria-label="Maturity" value={query.maturity} onChange={set('maturity')}><option value="">Any</option>{Object.values(Maturity).map(k => <option key={k} value={k}>{wordFor('maturity', k)}</option>)}</select></label>
        <label>Status <select aria-label="Status" value={query.status} onChange={set('status')}><option value="">Any</option>{Object.values(Status).map(k => <option key={k} value={k}>{wordFor('status', k)}</option>)}</select></label>
        <label>Owner <select aria-label="Owner" value={query.owner} onChange={set('owner')}><option value="">Anyone</option>{owners.map(o => <option key={o} value={o}>{owner(o)}</option>)}</select></label>
        <label>Network <select aria-label="Network" value={query.network} onChange={set('network')}><option value="">Any</option>{networks.map(n => <option key={n.id} value={n.id}>{n.name}</option>)}</select></label>
      </form>
      {error != null && <p role="alert" class="error">{error}</p>}
      {error != null && <OfflineList />}
      {hits != null && error == null && (
        hits.length === 0
          ? <p>No documents match.</p>
          : (
            <ul class="doc-list" aria-label="Documents">
              {hits.map(hit => (
                <li key={hit.id}>
                  <a href={`#/doc/${encodeURIComponent(hit.id)}`}>{hit.title || 'Untitled'}</a>
                  <span class="meta">{wordFor('kind', hit.kind)} · {wordFor('maturity', hit.maturity)} · {wordFor('status', hit.status)} · {owner(hit.owner)} · {wordFor('access', hit.access)}</span>
                  {hit.snippet != null && <Snippet text={hit.snippet} marks={hit.marks} />}
                </li>
              ))}
            </ul>
            )
      )}
      <p class="peers">Connected organisations: {peers.length === 0 ? 'none' : peers.map(p => p.name ?? nameOf(p.orgId)).join(', ')}</p>
      {!status.offline && <ActivityFeed status={status} />}
    </section>
  )
}

/** The plain-text snippet the node found, its matching words marked. */
function Snippet ({ text, marks }: { text: string, marks?: Array<[number, number]> }) {
  const parts: ComponentChildren[] = []
  let at = 0
  for (const [start, end] of marks ?? []) {
    if (start < at || end > text.length) continue
    parts.push(text.slice(at, start), <mark key={start}>{text.slice(start, end)}</mark>)
    at = end
  }
  parts.push(text.slice(at))
  return <span class="snippet">{parts}</span>
}

function OfflineList () {
  const recent = recentDocs()
  if (recent.length === 0) return null
  return (
    <>
      <h2>Opened in this browser</h2>
      <ul class="doc-list" aria-label="Opened in this browser">
        {recent.map(r => <li key={r.id}><a href={`#/doc/${encodeURIComponent(r.id)}`}>{r.title || 'Untitled'}</a></li>)}
      </ul>
    </>
  )
}

function NewDocForm ({ onCancel, onError }: { onCancel: () => void, onError: (text: string) => void }) {
  const [title, setTitle] = useState('')
  const [template, setTemplate] = useState<keyof typeof TEMPLATES>('goodPractice')
  const [kind, setKind] = useState<string>(RecordKind.practice)
  const titleRef = useRef<HTMLInputElement>(null)
  useEffect(() => { titleRef.current?.focus() }, [])
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault()
    try {
      const doc = await api.createDoc({ title, kind, sections: TEMPLATES[template].sections.map(heading => ({ heading, text: '' })) })
      location.hash = `#/doc/${encodeURIComponent(doc.id)}`
    } catch (err) {
      onError(errorText(err))
    }
  }
  return (
    <form class="card" aria-label="New document" onSubmit={submit}>
      <label>Title <input aria-label="Title" ref={titleRef} required value={title} onInput={e => { setTitle(e.currentTarget.value) }} /></label>
      <label>Template <select aria-label="Template" value={template} onChange={e => { setTemplate(e.currentTarget.value as keyof typeof TEMPLATES) }}>
        {Object.entries(TEMPLATES).map(([key, t]) => <option key={key} value={key}>{t.label}</option>)}
      </select></label>
      <label>Kind <select aria-label="Kind" value={kind} onChange={e => { setKind(e.currentTarget.value) }}>{Object.values(RecordKind).map(k => <option key={k} value={k}>{wordFor('kind', k)}</option>)}</select></label>
      <div class="actions"><button type="submit">Create</button><button type="button" onClick={onCancel}>Cancel</button></div>
    </form>
  )
}

function ImportMarkdown ({ status, onError }: { status: NodeStatus, onError: (text: string) => void }) {
  const onChange = async (e: Event): Promise<void> => {
    const file = (e.currentTarget as HTMLInputElement).files?.[0]
    if (file == null) return
    try {
      const doc = await api.createDoc({ markdown: await file.text() })
      location.hash = `#/doc/${encodeURIComponent(doc.id)}`
    } catch (err) {
      onError(errorText(err))
    }
  }
  return <label class="file">Import Markdown <input aria-label="Import Markdown" type="file" accept=".md,.markdown,text/markdown,text/plain" {...needsNode(status)} onChange={onChange} /></label>
}

