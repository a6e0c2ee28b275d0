/**
 * The adoption matrix of the diffusion view: practice families as rows, organisations as columns,
 * each cell the latest state shared and its date. The families that spread furthest come first;
 * a page of them at a time with **Find a practice family** over all, because a network may hold
 * hundreds: drawing 500 × 50 cells at once took the page seconds (test/web/diffusion-page.ts).
 */
import { useMemo, useState } from 'preact/hooks'
import { STATES } from '../practice-api.ts'
import type { DiffusionCell, DiffusionView } from '../practice-api.ts'
import { dayText } from '../when.ts'

/** Families per page of the matrix. */
export const MATRIX_PAGE = 50

type Family = DiffusionView['families'][number]

/** Families by how many organisations shared a state of them, then by title. */
function bySpread (view: DiffusionView): Family[] {
  const count = new Map<string, number>()
  for (const c of view.matrix) count.set(c.family, (count.get(c.family) ?? 0) + 1)
  return [...view.families].sort((a, b) => (count.get(b.id) ?? 0) - (count.get(a.id) ?? 0) || a.title.localeCompare(b.title))
}

export function Matrix ({ view }: { view: DiffusionView }) {
  const cells = useMemo(() => new Map<string, DiffusionCell>(view.matrix.map(c => [`${c.family} ${c.org}`, c])), [view])
  const ordered = useMemo(() => bySpread(view), [view])
  const [find, setFind] = useState('')
  const [page, setPage] = useState(0)
  const words = find.trim().toLowerCase()
  const found = words === '' ? ordered : ordered.filter(f => f.title.toLowerCase().includes(words))
  const last = Math.max(0, Math.ceil(found.length / MATRIX_PAGE) - 1)
  const at = Math.min(page, last)
  const shown = found.slice(at * MATRIX_PAGE, (at + 1) * MATRIX_PAGE)
  const range = found.length === 0 ? 'none' : `${at * MATRIX_PAGE + 1}–${at * MATRIX_PAGE + shown.length} of ${found.length}`
  return (
    <section aria-labelledby="matrix-heading">
      <h2 id="matrix-heading">Adoption matrix</h2>
      {view.families.length === 0
        ? <p>No practice shared with this network yet.</p>
        : (
          <>
            {view.families.length > MATRIX_PAGE && (
              <div class="inline-field">
                <label>Find a practice family <input type="search" aria-label="Find a practice family" value={find} onInput={e => { setFind(e.currentTarget.value); setPage(0) }} /></label>
              </div>
            )}
            <div class="scroll" role="region" aria-labelledby="matrix-caption" tabIndex={0}>
              <table class="matrix">
                <caption id="matrix-caption">Adoption of each practice family by each organisation: the latest state shared, and since when (a dash: no state shared){last > 0 || words !== '' ? `. Families ${range}, most adopted first.` : ''}</caption>
                <colgroup><col class="family" />{view.orgs.map(o => <col key={o.org} class="org" />)}</colgroup>
                <thead>
                  <tr><th scope="col">Practice family</th>{view.orgs.map(o => <th key={o.org} scope="col">{o.name}{o.role === 'facilitator' ? ' (facilitator)' : ''}</th>)}</tr>
                </thead>
                <tbody>
                  {shown.map(f => (
                    <tr key={f.id}>
                      <th scope="row"><a href={`#/doc/${encodeURIComponent(f.id)}`}>{f.title || 'Untitled'}</a></th>
                      {view.orgs.map(o => {
                        const cell = cells.get(`${f.id} ${o.org}`)
                        return cell == null
                          ? <td key={o.org} class="none">—</td>
                          // one text node per cell, the state on its first line (CSS): a page of the matrix is thousands of cells
                          : <td key={o.org} class={`state-${cell.state}`}>{`${STATES[cell.state]}\n${dayText(cell.at)}`}</td>
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {last > 0 && (
              <nav class="pager" aria-label="Pages of the matrix">
                <button type="button" disabled={at === 0} onClick={() => { setPage(at - 1) }}>Previous {MATRIX_PAGE}</button>
                <span>Families {range}</span>
                <button type="button" disabled={at === last} onClick={() => { setPage(at + 1) }}>Next {MATRIX_PAGE}</button>
              </nav>
            )}
          </>
          )}
    </section>
  )
}
