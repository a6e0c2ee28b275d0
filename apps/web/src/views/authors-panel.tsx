/**
 * Who wrote what: per section, the organisations (and people, where the node knows them) whose
 * text it holds, with their share of the section's text. The node works it out from the signed
 * bindings of the document's Yjs client ids (docs/authorship.md, Attribution): a passage's
 * organisation is the one that signed it, whichever node relayed it.
 */
import { useEffect, useState } from 'preact/hooks'
import { api, errorText } from '../api.ts'
import type { AuthorShare, DocView, Me } from '../api.ts'
import { useNames } from '../names.ts'
import type { NodeStatus } from '../node-status.ts'

/** Asking the node again while the panel is open: at most this often (ms), not per keystroke. */
const REFRESH_DELAY = 1500

interface Props { id: string, me: Me | undefined, status: NodeStatus }

export function AuthorsPanel ({ id, me, status }: Props) {
  const [view, setView] = useState<DocView | undefined>()
  const [error, setError] = useState<string | undefined>()
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    let live = true
    const load = (): void => {
      api.getDoc(id).then(v => { if (live) { setView(v); setError(undefined) } }, err => { if (live) setError(errorText(err)) })
    }
    load()
    const off = status.onEvent(e => {
      if (e.type !== 'doc' || e.id !== id || timer != null) return
      timer = setTimeout(() => { timer = undefined; load() }, REFRESH_DELAY)
    })
    return () => { live = false; off(); clearTimeout(timer) }
  }, [id, status])

  return (
    <section class="card authors" aria-labelledby="authors-heading">
      <h2 id="authors-heading">Who wrote what</h2>
      <p class="hint">Each passage counts for the organisation that signed it, whichever node passed it on.</p>
      {error != null && <p role="alert" class="error">{error}</p>}
      {view == null && error == null && <p role="status">Asking the node…</p>}
      {view?.sections.map(section => <SectionAuthors key={section.id} heading={section.heading} authors={section.authors ?? []} known={knownNames(view, me)} />)}
    </section>
  )
}

/**
 * Names the document itself gives: ours, its owner's and those of the organisations it is shared
 * with or by (an author is usually one of them, known by name even when not in the directory).
 */
function knownNames (view: DocView, me: Me | undefined): Map<string, string> {
  const names = new Map<string, string>()
  for (const g of view.grants) {
    if (g.name != null) names.set(g.to, g.name)
    if (g.issuerName != null) names.set(g.issuer, g.issuerName)
  }
  if (view.ownerName != null) names.set(view.owner, view.ownerName)
  if (me != null) names.set(me.orgId, me.name)
  return names
}

/**
 * The authors to list: a person's own line where their name is shown, and one line per
 * organisation for its people whose names are not (as many lines of one organisation's name would
 * say nothing but how many people wrote), most characters first.
 */
function byShownName (authors: AuthorShare[]): AuthorShare[] {
  const lines = new Map<string, AuthorShare>()
  for (const a of authors) {
    if (a.chars <= 0) continue
    const key = a.personName != null ? `${a.org}/${a.person ?? ''}` : a.org
    const held = lines.get(key)
    lines.set(key, held == null ? (a.personName != null ? a : { org: a.org, chars: a.chars }) : { ...held, chars: held.chars + a.chars })
  }
  return [...lines.values()].sort((x, y) => y.chars - x.chars)
}

function SectionAuthors ({ heading, authors, known }: { heading: string, authors: AuthorShare[], known: Map<string, string> }) {
  const nameOf = useNames()
  const total = authors.reduce((sum, a) => sum + a.chars, 0)
  const orgName = (org: string): string => known.get(org) ?? nameOf(org)
  return (
    <div class="section-authors">
      <h3>{heading}</h3>
      {total === 0
        ? <p>No text yet.</p>
        : (
          <ul>
            {byShownName(authors).map(a => {
              const share = Math.round(100 * a.chars / total)
              // another organisation's people are opaque ids: its name says who
              const who = a.personName != null ? `${a.personName}, ${orgName(a.org)}` : orgName(a.org)
              return (
                <li key={`${a.org}/${a.person ?? ''}`}>
                  <span class="who">{who}</span>{' '}
                  <span class="share">{share}% ({a.chars} {a.chars === 1 ? 'character' : 'characters'})</span>
                  <span class="share-bar" aria-hidden="true"><span style={{ width: `${share}%` }} /></span>
                </li>
              )
            })}
          </ul>
          )}
    </div>
  )
}
