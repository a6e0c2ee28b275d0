/**
 * Activity: the diffusion view's activity over time, per organisation and month (edits, adaptations,
 * proposals, comments, adoption changes: what each member chose to share with the network), the
 * members that have been quiet for a chosen number of weeks; and the home page's feed of what
 * happened to the documents this organisation holds (docs/history.md).
 */
import { useEffect, useState } from 'preact/hooks'
import { errorText } from '../api.ts'
import { historyApi } from '../history-api.ts'
import type { ActivityItem } from '../history-api.ts'
import { useNodeChanges } from '../node-changes.ts'
import type { NodeStatus } from '../node-status.ts'
import { whenText } from '../when.ts'
import { DIFFUSION_MONTHS } from '../practice-api.ts'
import type { DiffusionView } from '../practice-api.ts'
import { dayText } from '../when.ts'
import { monthText } from './adoption-chart.tsx'

/** How many of the latest months the table shows (the curve shows every month). */
export const ACTIVITY_MONTHS = DIFFUSION_MONTHS

type Activity = DiffusionView['activity'][number]

const PARTS: Array<[keyof Omit<Activity, 'org' | 'orgName' | 'month'>, string, string]> = [
  ['edits', 'edit', 'edits'],
  ['adaptations', 'adaptation', 'adaptations'],
  ['proposals', 'proposal', 'proposals'],
  ['comments', 'comment', 'comments'],
  ['adoptionChanges', 'adoption change', 'adoption changes']
]

/** "3 edits, 1 proposal" (nothing for zero counts). */
function partsText (a: Activity): string {
  return PARTS.filter(([key]) => a[key] > 0).map(([key, one, many]) => `${a[key]} ${a[key] === 1 ? one : many}`).join(', ')
}

export function ActivityTable ({ view }: { view: DiffusionView }) {
  const months = [...new Set(view.activity.map(a => a.month))].sort().slice(-ACTIVITY_MONTHS)
  const byKey = new Map(view.activity.map(a => [`${a.org} ${a.month}`, a]))
  return (
    <section aria-labelledby="activity-heading">
      <h2 id="activity-heading">Activity by month</h2>
      {months.length === 0
        ? <p>No activity shared with this network yet.</p>
        : (
          <div class="scroll" role="region" aria-labelledby="activity-caption" tabIndex={0}>
            <table class="activity">
              <caption id="activity-caption">What each organisation did, by month, in the latest {months.length} months shared (a dash: nothing shared)</caption>
              <thead><tr><th scope="col">Organisation</th>{months.map(m => <th key={m} scope="col">{monthText(m)}</th>)}</tr></thead>
              <tbody>
                {view.orgs.map(o => (
                  <tr key={o.org}>
                    <th scope="row">{o.name}</th>
                    {months.map(m => {
                      const a = byKey.get(`${o.org} ${m}`)
                      const text = a == null ? '' : partsText(a)
                      return <td key={m}>{text === '' ? '—' : text}</td>
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          )}
    </section>
  )
}

interface QuietProps {
  view: DiffusionView
  weeks: number
  onWeeks: (weeks: number) => void
}

/** Members with no activity and no adoption change shared in the last N weeks. */
export function QuietMembers ({ view, weeks, onWeeks }: QuietProps) {
  const [value, setValue] = useState(String(weeks))
  return (
    <section aria-labelledby="quiet-heading">
      <h2 id="quiet-heading">Quiet members</h2>
      <form class="inline-field" aria-label="Quiet for how long" onSubmit={e => {
        e.preventDefault()
        const n = Number(value)
        if (Number.isInteger(n) && n >= 1 && n <= 520) onWeeks(n)
      }}>
        <label>Quiet for at least (weeks) <input aria-label="Quiet for at least (weeks)" type="number" min={1} max={520} step={1} value={value} onInput={e => { setValue(e.currentTarget.value) }} /></label>
        <button type="submit">Show</button>
      </form>
      {view.quiet.length === 0
        ? <p>Every member shared some activity in the last {view.quietWeeks} week{view.quietWeeks === 1 ? '' : 's'}.</p>
        : (
          <ul aria-label={`Quiet for ${view.quietWeeks} weeks or more`}>
            {view.quiet.map(q => <li key={q.org}>{q.name} <span class="meta">· {q.lastActive != null ? `last active ${dayText(q.lastActive)}` : 'no activity shared'}</span></li>)}
          </ul>
          )}
    </section>
  )
}

/** Where an item links: the version in the document's History, or the document. */
function hrefOf (i: ActivityItem): string {
  const doc = `#/doc/${encodeURIComponent(i.doc)}`
  return i.version != null ? `${doc}/history/${encodeURIComponent(String(i.version))}` : doc
}

/**
 * The home page's feed: changes (each saying who made them), comments, versions and restores,
 * variants, proposals and adoption changes, newest first.
 * Folded until opened (it names documents the list above names too) and loaded only then.
 */
export function ActivityFeed ({ status }: { status: NodeStatus }) {
  const [open, setOpen] = useState(false)
  const [items, setItems] = useState<ActivityItem[] | undefined>()
  const [error, setError] = useState<string | undefined>()
  const tick = useNodeChanges(status, e => e.type === 'doc')
  useEffect(() => {
    if (open) historyApi.activity().then(i => { setItems(i); setError(undefined) }, err => { setError(errorText(err)) })
  }, [tick, open])
  return (
    <details class="card activity-feed" aria-label="Activity" onToggle={e => { setOpen(e.currentTarget.open) }}>
      <summary>Activity: what happened lately to the documents you hold</summary>
      {error != null && <p role="alert" class="error">{error}</p>}
      {items?.length === 0 && <p>Nothing has happened yet.</p>}
      <ol class="plain">
        {items?.map((i, n) => (
          <li key={`${i.at} ${i.kind} ${n}`}><a href={hrefOf(i)}>{i.text}</a> <span class="meta">{whenText(i.at)}</span></li>
        ))}
      </ol>
    </details>
  )
}
