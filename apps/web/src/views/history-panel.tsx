/**
 * A document's versions (docs/history.md): the versions this node kept and those other
 * organisations shared, a label for the text as it
 * is now, the diff from a chosen version to now, and restoring one section of it (a new edit).
 */
import { useEffect, useRef, useState } from 'preact/hooks'
import { errorText } from '../api.ts'
import { historyApi } from '../history-api.ts'
import type { DiffView, VersionRef, VersionView } from '../history-api.ts'
import { useNodeChanges } from '../node-changes.ts'
import type { NodeStatus } from '../node-status.ts'
import { whenText } from '../when.ts'
import { SectionDiff } from './section-diff.tsx'

const REASONS: Record<string, string> = {
  first: 'first seen here',
  daily: 'daily',
  changes: 'after many changes',
  label: 'labelled',
  adaptation: 'adapted',
  'proposal-accepted': 'proposal accepted',
  'upstream-taken': 'upstream change taken',
  restore: 'restored'
}

interface Props {
  id: string
  mayEdit: boolean
  status: NodeStatus
  /** A version to point at and compare with now, as a link names it: this node's number or a shared id. */
  focus?: string
}

export function HistoryPanel ({ id, mayEdit, status, focus }: Props) {
  const [versions, setVersions] = useState<VersionView[] | undefined>()
  const [diff, setDiff] = useState<DiffView | undefined>()
  const [label, setLabel] = useState('')
  const [error, setError] = useState<string | undefined>()
  const tick = useNodeChanges(status, e => e.type === 'doc' && e.id === id)
  const load = (): void => { historyApi.versions(id).then(v => { setVersions(v); setError(undefined) }, err => { setError(errorText(err)) }) }
  useEffect(load, [id, tick])
  const act = async (fn: () => Promise<unknown>): Promise<void> => {
    try { await fn(); load() } catch (err) { setError(errorText(err)) }
  }
  const compare = (ref: VersionRef): void => { void act(async () => { setDiff(await historyApi.diff(id, ref)) }) }
  // another organisation's shared version is named by its organisation and number, and diffed by its id
  const refOf = (v: VersionView): VersionRef => v.org != null && v.id != null ? v.id : v.n
  const nameOf = (v: VersionView): string => v.org != null ? `${v.orgName ?? v.org}'s version ${v.n}` : `version ${v.n}`
  const named = (ref: VersionRef): string => { const v = versions?.find(v => refOf(v) === ref); return v != null ? nameOf(v) : `version ${ref}` }
  const focused = focus == null ? undefined : /^\d+$/.test(focus) ? Number(focus) : focus
  // a link to a version shows the changes since it, once the list names it
  const shown = useRef<VersionRef | undefined>(undefined)
  useEffect(() => {
    if (focused === undefined || shown.current === focused || versions?.some(v => refOf(v) === focused) !== true) return
    shown.current = focused
    compare(focused)
  }, [focused, versions])
  return (
    <section class="card history" aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      {error != null && <p role="alert" class="error">{error}</p>}
      <form aria-label="Label this version" onSubmit={e => { e.preventDefault(); void act(async () => { await historyApi.takeVersion(id, label); setLabel('') }) }}>
        <label>Label <input aria-label="Label" value={label} maxLength={200} placeholder="Agreed at the March meeting" onInput={e => { setLabel(e.currentTarget.value) }} /></label>
        <button type="submit" disabled={label.trim() === ''}>Keep this version</button>
      </form>
      {versions?.length === 0 && <p>No versions yet.</p>}
      <ol class="plain versions">
        {[...(versions ?? [])].reverse().map(v => (
          <li key={refOf(v)} aria-current={refOf(v) === focused ? 'true' : undefined}>
            <strong>{v.org != null ? nameOf(v) : `Version ${v.n}`}</strong> <span class="meta">{whenText(v.at)} · {REASONS[v.reason] ?? v.reason}{v.personName != null && <> · {v.personName}</>}</span>
            {v.label != null && <> · {v.label}</>}{' '}
            <button type="button" aria-pressed={diff?.from === refOf(v)} onClick={() => { compare(refOf(v)) }}>Changes since {nameOf(v)}</button>
          </li>
        ))}
      </ol>
      {diff != null && (
        <div>
          <h3>Changes since {named(diff.from)}</h3>
          <SectionDiff
            sections={diff.changes}
            label={`Changes since ${named(diff.from)}`}
            actions={s => mayEdit && s.status !== 'added' && (
              <button type="button" onClick={() => { void act(async () => { await historyApi.restore(id, diff.from, s.id); setDiff(await historyApi.diff(id, diff.from)) }) }}>
                Restore “{s.heading}” as in {named(diff.from)}
              </button>
            )}
          />
        </div>
      )}
    </section>
  )
}
