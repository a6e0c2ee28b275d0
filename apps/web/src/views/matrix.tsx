/**
 * The adoption matrix of the diffusion view: practice families as rows, organisations as columns,
 * each cell the latest state shared and its date. The node sends a page of families at a time,
 * those that spread furthest first, with **Find a practice family** over all of them, because a
 * network may hold hundreds: their whole matrix is megabytes (test/web/diffusion-page.ts).
 */
import { useMemo } from 'preact/hooks'
import { DIFFUSION_PAGE, STATES } from '../practice-api.ts'
import type { DiffusionCell, DiffusionView } from '../practice-api.ts'
import { dayText } from '../when.ts'

/** Families per page of the matrix (the node's `limit`). */
export const MATRIX_PAGE = DIFFUSION_PAGE

interface MatrixProps {
  /** The view with one page of its families (`view.page`), or all of them. */
  view: DiffusionView
  find: string
  onFind: (text: string) => void
  onPage: (page: number) => void
}

export function Matrix ({ view, find, onFind, onPage }: MatrixProps) {
  const cells = useMemo(() => new Map<string, DiffusionCell>(view.matrix.map(c => [`${c.family} ${c.org}`, c])), [view])
  const all = view.page?.families ?? view.families.length
  const found = view.page?.total ?? view.families.length
  const offset = view.page?.offset ?? 0
  const limit = view.page?.limit ?? MATRIX_PAGE
  const shown = view.families
  const at = Math.floor(offset / limit)
  const last = Math.max(0, Math.ceil(found / limit) - 1)
  const range = found === 0 ? 'none' : `${offset + 1}–${offset + shown.length} of ${found}`
  const words = find.trim()
  return (
    <section aria-labelledby="matrix-heading">
      <h2 id="matrix-heading">Adoption matrix</h2>
      {all === 0
        ? <p>No practice shared with this network yet.</p>
        : (
          <>
            {all > MATRIX_PAGE && (
              <div class="inline-field">
                <label>Find a practice family <input type="search" aria-label="Find a practice family" value={find} onInput={e => { onFind(e.currentTarget.value) }} /></label>
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
                <button type="button" disabled={at === 0} onClick={() => { onPage(at - 1) }}>Previous {MATRIX_PAGE}</button>
                <span>Families {range}</span>
                <button type="button" disabled={at === last} onClick={() => { onPage(at + 1) }}>Next {MATRIX_PAGE}</button>
              </nav>
            )}
          </>
          )}
    </section>
  )
}
