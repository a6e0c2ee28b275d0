/**
 * How practices spread in a learning network (`#/network/<id>/diffusion`), built by the node only
 * from what members chose to share with the network: the adoption matrix (practice families ×
 * organisations, state and date), the diffusion curve, the lineage tree of each family, activity
 * per organisation by month, and the members quiet for a chosen number of weeks. Members and
 * facilitators see the same view.
 */
import { useEffect, useState } from 'preact/hooks'
import { errorText } from '../api.ts'
import { otherDocChanged, useNodeChanges } from '../node-changes.ts'
import type { NodeStatus } from '../node-status.ts'
import { DIFFUSION_QUIET_WEEKS, STATES, diffusionOptions, practiceApi } from '../practice-api.ts'
import type { DiffusionView } from '../practice-api.ts'
import { AdoptionChart } from './adoption-chart.tsx'
import type { Series } from './adoption-chart.tsx'
import { ActivityTable, QuietMembers } from './activity.tsx'
import { NeedsNode, useSubscribe } from './badges.tsx'
import { FamilyTree, familySize } from './family.tsx'
import { Matrix } from './matrix.tsx'
import { dayText } from '../when.ts'
import '../practice.css'

export function DiffusionPage ({ id, status }: { id: string, status: NodeStatus }) {
  const [view, setView] = useState<DiffusionView | undefined>()
  const [error, setError] = useState<string | undefined>()
  const [weeks, setWeeks] = useState(DIFFUSION_QUIET_WEEKS)
  // the node sends one page of families at a time: a large network's whole matrix is megabytes
  const [page, setPage] = useState(0)
  const [find, setFind] = useState('')
  const tick = useNodeChanges(status, otherDocChanged())
  useSubscribe(status.subscribe)
  useEffect(() => { document.title = `${view?.name ?? 'Network'}: how practices spread · Commonplace` }, [view?.name])
  useEffect(() => {
    let stale = false
    practiceApi.diffusion(id, diffusionOptions(weeks, page, find.trim()))
      .then(v => { if (!stale) { setView(v); setError(undefined) } }, err => { if (!stale) setError(errorText(err)) })
    return () => { stale = true }
  }, [id, tick, weeks, page, find])
  return (
    <section class="diffusion" aria-labelledby="diffusion-heading">
      <div class="bar">
        <a href={`#/network/${encodeURIComponent(id)}`}>← {view?.name ?? 'Network'}</a>
        <h1 id="diffusion-heading">How practices spread{view != null ? ` in ${view.name}` : ''}</h1>
      </div>
      <NeedsNode status={status} />
      {error != null && <p role="alert" class="error">{error}</p>}
      {view == null
        ? error == null && <p role="status">Loading…</p>
        : (
          <>
            <p class="meta">Only what members chose to share with this network, as this node holds it on {dayText(view.at)}: {count(view.orgs.length, 'organisation')}, {count(view.page?.families ?? view.families.length, 'practice family', 'practice families')}.</p>
            <Matrix view={view} find={find} onFind={text => { setFind(text); setPage(0) }} onPage={setPage} />
            <Curve view={view} />
            <Trees view={view} />
            <ActivityTable view={view} />
            <QuietMembers view={view} weeks={weeks} onWeeks={setWeeks} />
          </>
          )}
    </section>
  )
}

/** "1 organisation", "4 organisations". */
function count (n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}

/** The curve over all families, or one family's. */
function Curve ({ view }: { view: DiffusionView }) {
  const [picked, setPicked] = useState('')
  // the choices are the matrix page's families: one picked on another page is not here
  const family = view.families.some(f => f.id === picked) ? picked : ''
  const months = view.curve.map(c => c.month)
  const series: Series[] = []
  if (family === '') {
    series.push({ key: 'total', label: 'Trialling, adopted or adapted', short: 'In all', values: view.curve.map(c => c.total) })
    for (const s of ['trialling', 'adopted', 'adapted'] as const) series.push({ key: s, label: STATES[s], values: view.curve.map(c => c.byState[s]) })
  } else {
    series.push({ key: family, label: 'Trialling, adopted or adapted', values: view.curve.map(c => c.byFamily[family] ?? 0) })
  }
  const chosen = view.families.find(f => f.id === family)
  return (
    <section aria-labelledby="curve-heading">
      <h2 id="curve-heading">Adoption over time</h2>
      {view.families.length > 1 && (
        <label class="inline-field">Practice family <select aria-label="Practice family" value={family} onChange={e => { setPicked(e.currentTarget.value) }}>
          <option value="">All practice families</option>
          {view.families.map(f => <option key={f.id} value={f.id}>{f.title || 'Untitled'}</option>)}
        </select></label>
      )}
      <AdoptionChart months={months} series={series}
        title={`Organisations trialling, adopted or adapted, cumulative by month: ${chosen != null ? chosen.title : 'all practice families'}`} />
    </section>
  )
}

/** Up to this many families, every tree shows; above it, the tree of a family a person picks. */
const TREES_SHOWN = 5

/**
 * The lineage tree of each family: all of them in a small network; in a large one (hundreds of
 * families) the tree of the family chosen, so that the page draws one tree, not hundreds.
 */
function Trees ({ view }: { view: DiffusionView }) {
  const [picked, setChosen] = useState('')
  const chosen = view.families.some(f => f.id === picked) ? picked : ''
  const many = view.families.length > TREES_SHOWN
  const shown = many ? view.families.filter(f => f.id === (chosen || view.families[0]?.id)) : view.families
  return (
    <section aria-labelledby="trees-heading">
      <h2 id="trees-heading">Family trees</h2>
      {(view.page?.families ?? view.families.length) === 0 && <p>No practice shared with this network yet.</p>}
      {many && (
        <label class="inline-field">Family tree of <select aria-label="Family tree of" value={chosen || view.families[0]?.id} onChange={e => { setChosen(e.currentTarget.value) }}>
          {view.families.map(f => <option key={f.id} value={f.id}>{f.title || 'Untitled'}</option>)}
        </select></label>
      )}
      {shown.map(f => {
        const size = familySize(f.tree)
        return (
          <div key={f.id} class="tree">
            <h3>{f.title || 'Untitled'} <span class="meta">· {size === 1 ? 'no variants' : `${size - 1} variant${size === 2 ? '' : 's'}`}</span></h3>
            <FamilyTree root={f.tree} label={`Family of ${f.title || 'Untitled'}`} />
          </div>
        )
      })}
    </section>
  )
}
