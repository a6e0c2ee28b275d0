import { useEffect, useRef, useState } from 'preact/hooks'
import { Maturity, RecordKind, SECTION_TEMPLATES } from '@commonplace/record'
import { api, errorText } from '../api.ts'
import type { DocHit, Me, Network, Peer } from '../api.ts'
import type { NodeStatus } from '../node-status.ts'
import { recentDocs } from '../recent.ts'

const TEMPLATES = {
  goodPractice: { label: 'Good practice (problem, context, practice…)', sections: SECTION_TEMPLATES.goodPractice },
  construction: { label: 'Construction task sheet (task, hazards, measures…)', sections: SECTION_TEMPLATES.construction },
  blank: { label: 'Blank', sections: [] as readonly string[] }
} as const

export function orgName (orgId: string, me: Me | undefined, peers: Peer[]): string {
  if (me?.orgId === orgId) return `${me.name} (us)`
  return peers.find(p => p.orgId === orgId)?.name ?? `…${orgId.slice(-8)}`
}

export function DocList ({ status, me }: { status: NodeStatus, me: Me | undefined }) {
  const [query, setQuery] = useState({ q: '', kind: '', maturity: '', owner: '', network: '' })
  const [networks, setNetworks] = useState<Network[]>([])
  const [hits, setHits] = useState<DocHit[] | undefined>()
  const [peers, setPeers] = useState<Peer[]>([])
  const [error, setError] = useState<string | undefined>()
  const [creating, setCreating] = useState(false)
  const [tick, setTick] = useState(0)

  useEffect(() => status.onEvent(() => { setTick(t => t + 1) }), [status])
  useEffect(() => status.subscribe(() => { setTick(t => t + 1) }), [status])
  useEffect(() => {
    let stale = false
    api.search(query).then(result => { if (!stale) { setHits(result); setError(undefined) } }, err => { if (!stale) setError(errorText(err)) })
    api.peers().then(setPeers, () => {})
    api.networks().then(setNetworks, () => {})
    return () => { stale = true }
  }, [query, tick])

  const owners = [...new Set((hits ?? []).map(h => h.owner))]
  const set = (key: keyof typeof query) => (e: Event) => { setQuery({ ...query, [key]: (e.currentTarget as HTMLInputElement).value }) }

  return (
    <section aria-labelledby="docs-heading">
      <div class="bar">
        <h1 id="docs-heading">Documents</h1>
        <button type="button" onClick={() => { setCreating(true) }}>New document</button>
        <ImportMarkdown onError={setError} />
      </div>
      {creating && <NewDocForm onCancel={() => { setCreating(false) }} onError={setError} />}
      <form class="filters" role="search" onSubmit={e => { e.preventDefault() }}>
        <label>Search <input aria-label="Search" type="search" value={query.q} onInput={set('q')} placeholder="Titles and text" /></label>
        <label>Kind <select aria-label="Kind" value={query.kind} onChange={set('kind')}><option value="">Any</option>{Object.values(RecordKind).map(k => <option key={k} value={k}>{k}</option>)}</select></label>
        <label>Maturity <select aria-label="Maturity" value={query.maturity} onChange={set('maturity')}><option value="">Any</option>{Object.values(Maturity).map(k => <option key={k} value={k}>{k}</option>)}</select></label>
        <label>Owner <select aria-label="Owner" value={query.owner} onChange={set('owner')}><option value="">Anyone</option>{owners.map(o => <option key={o} value={o}>{orgName(o, me, peers)}</option>)}</select></label>
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
                  <span class="meta">{hit.kind} · {hit.maturity} · {hit.status} · {orgName(hit.owner, me, peers)} · {hit.access === 'read' ? 'read only' : hit.access}</span>
                  {hit.snippet != null && <span class="snippet">{hit.snippet}</span>}
                </li>
              ))}
            </ul>
            )
      )}
      <p class="peers">Connected organisations: {peers.length === 0 ? 'none' : peers.map(p => p.name ?? p.orgId.slice(-8)).join(', ')}</p>
    </section>
  )
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
      <label>Kind <select aria-label="Kind" value={kind} onChange={e => { setKind(e.currentTarget.value) }}>{Object.values(RecordKind).map(k => <option key={k} value={k}>{k}</option>)}</select></label>
      <div class="actions"><button type="submit">Create</button><button type="button" onClick={onCancel}>Cancel</button></div>
    </form>
  )
}

function ImportMarkdown ({ onError }: { onError: (text: string) => void }) {
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
  return <label class="file">Import Markdown <input aria-label="Import Markdown" type="file" accept=".md,.markdown,text/markdown,text/plain" onChange={onChange} /></label>
}

