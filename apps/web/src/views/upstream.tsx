/**
 * The upstream panel of a variant: whether its source changed since the variant was made from it
 * (or since a person last took or dismissed its changes), what changed, section by section, and
 * per section **Take this change** (the source's text into our version) or **Dismiss**.
 */
import { useEffect, useState } from 'preact/hooks'
import { ApiError, errorText } from '../api.ts'
import { practiceApi } from '../practice-api.ts'
import type { SectionChangeView, UpstreamView } from '../practice-api.ts'
import type { NodeStatus } from '../node-status.ts'
import { needsNode } from './badges.tsx'
import { SectionDiff } from './section-diff.tsx'

interface Props {
  id: string
  readOnly: boolean
  status: NodeStatus
  tick: number
}

export function UpstreamPanel ({ id, readOnly, status, tick }: Props) {
  const [view, setView] = useState<UpstreamView | undefined>()
  const [error, setError] = useState<string | undefined>()
  const [done, setDone] = useState<string | undefined>()
  useEffect(() => {
    practiceApi.upstream(id).then(v => { setView(v); setError(undefined) }, err => {
      setView(undefined)
      setError(err instanceof ApiError && err.code === 'ERR_SOURCE_UNAVAILABLE'
        ? 'The source this version was adapted from is not on this node (it is not shared with your organisation, or has not arrived yet), so its changes cannot be shown.'
        : errorText(err))
    })
  }, [id, tick])
  const decide = async (section: SectionChangeView, take: boolean): Promise<void> => {
    try {
      setView(take ? await practiceApi.take(id, [section.id]) : await practiceApi.dismiss(id, [section.id]))
      setDone(take ? `Took the source's change to “${section.heading}” into your version.` : `Dismissed the source's change to “${section.heading}”.`)
      setError(undefined)
    } catch (err) { setError(errorText(err)) }
  }
  if (view == null) return error != null ? <p role="note" class="needs-node">{error}</p> : null
  const source = view.source
  const sourceName = <>{source.held ? <a href={`#/doc/${encodeURIComponent(source.doc)}`}>{source.title ?? 'the source'}</a> : 'the source'} by {source.orgName ?? 'an organisation not in your directory'}</>
  const pending = view.sections.filter(s => s.status !== 'unchanged')
  return (
    <section class={`card upstream${view.changed ? ' changed' : ''}`} aria-labelledby="upstream-heading">
      <h2 id="upstream-heading">{view.changed && pending.length > 0 ? 'The source changed since you adapted it' : 'Up to date with the source'}</h2>
      {done != null && <p role="status" class="note">{done}</p>}
      {error != null && <p role="alert" class="error">{error}</p>}
      {view.changed && pending.length > 0
        ? (
          <>
            <p>{sourceName} changed since your version was made from it or since you last took or dismissed its changes. {readOnly ? 'Your organisation may only read this version.' : 'Take a change into your version, or dismiss it.'}</p>
            <SectionDiff sections={pending} label="Changes in the source" actions={readOnly ? undefined : s => (
              <div class="actions">
                <button type="button" {...needsNode(status)} aria-label={`Take this change to “${s.heading}”`} onClick={async () => { await decide(s, true) }}>Take this change</button>
                <button type="button" {...needsNode(status)} aria-label={`Dismiss the change to “${s.heading}”`} onClick={async () => { await decide(s, false) }}>Dismiss</button>
              </div>
            )} />
          </>
          )
        : <p>Nothing changed in {sourceName} that you have not taken or dismissed.</p>}
    </section>
  )
}
