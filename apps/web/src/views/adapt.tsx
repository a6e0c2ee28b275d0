/**
 * "Adapt for our organisation": a variant of our own, with a permanent link to the source, and
 * the record of what we change and why. And, on a variant, that record: where it came from, the
 * reasons and the note, which the people who may edit the variant keep current.
 */
import { useEffect, useState } from 'preact/hooks'
import { errorText } from '../api.ts'
import type { Me } from '../api.ts'
import { REASONS, practiceApi, reasonsText } from '../practice-api.ts'
import type { AdaptationReason, AdaptationView } from '../practice-api.ts'
import type { NodeStatus } from '../node-status.ts'
import { whenText } from '../when.ts'
import { needsNode } from './badges.tsx'

interface AdaptProps {
  id: string
  title: string
  owner: string
  status: NodeStatus
  onCancel: () => void
}

/** The form: a title for our version, why we adapt it, one or more reasons. Opens the new variant. */
export function AdaptForm ({ id, title, owner, status, onCancel }: AdaptProps) {
  // the title follows the record's until someone edits it: the form may open before the record has synced
  const [name, setName] = useState<string | undefined>()
  const [why, setWhy] = useState('')
  const [reasons, setReasons] = useState<AdaptationReason[]>([])
  const [error, setError] = useState<string | undefined>()
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault()
    if (reasons.length === 0) { setError('Choose at least one reason for adapting it.'); return }
    try {
      const chosen = (name ?? title).trim()
      const variant = await practiceApi.adapt(id, { why: why.trim(), reasons, title: chosen === '' ? undefined : chosen })
      location.hash = `#/doc/${encodeURIComponent(variant.id)}`
    } catch (err) { setError(errorText(err)) }
  }
  const toggle = (reason: AdaptationReason, on: boolean): void => {
    setReasons(on ? [...reasons, reason] : reasons.filter(r => r !== reason))
    setError(undefined)
  }
  return (
    <form class="card adapt-form" aria-labelledby="adapt-heading" onSubmit={submit}>
      <h2 id="adapt-heading">Adapt for our organisation</h2>
      <p>Your organisation gets its own version to change, linked for good to this one by {owner}: you will see when they change it, and can propose your changes back.</p>
      <label>Title of your version <input aria-label="Title of your version" value={name ?? title} placeholder="The source's title" onInput={e => { setName(e.currentTarget.value) }} /></label>
      <label>What will you change, and why? <textarea aria-label="What will you change, and why?" required rows={3} maxLength={4000} value={why} onInput={e => { setWhy(e.currentTarget.value) }}
        placeholder="Two duty doctors on Mondays: we have twice the results after the weekend." /></label>
      <fieldset class="reasons-field">
        <legend>Reasons (one or more)</legend>
        {(Object.keys(REASONS) as AdaptationReason[]).map(r => (
          <label key={r} class="check"><input type="checkbox" checked={reasons.includes(r)} onChange={e => { toggle(r, e.currentTarget.checked) }} /> {REASONS[r]}</label>
        ))}
      </fieldset>
      {error != null && <p role="alert" class="error">{error}</p>}
      <div class="actions">
        <button type="submit" {...needsNode(status)}>Adapt</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  )
}

interface RecordProps {
  id: string
  me: Me | undefined
  readOnly: boolean
  status: NodeStatus
  /** Grows when the node says something changed. */
  tick: number
}

/** A variant's adaptation record: adapted from what, by whom and when, the reasons and the note. */
export function AdaptationRecord ({ id, me, readOnly, status, tick }: RecordProps) {
  const [record, setRecord] = useState<AdaptationView | undefined>()
  const [editing, setEditing] = useState(false)
  const [error, setError] = useState<string | undefined>()
  useEffect(() => {
    practiceApi.adaptation(id).then(r => { setRecord(r); setError(undefined) }, err => { setError(errorText(err)) })
  }, [id, tick])
  if (record == null) return error != null ? <p role="alert" class="error">{error}</p> : null
  const source = record.derivedFrom
  const by = record.by === me?.orgId ? `${me.name} (us)` : record.byName ?? 'another organisation'
  return (
    <section class="card adaptation" aria-labelledby="adaptation-heading">
      <h2 id="adaptation-heading">Adapted from</h2>
      <p>
        {source.held ? <a href={`#/doc/${encodeURIComponent(source.doc)}`}>{source.title ?? 'the source'}</a> : <span>a document this node does not hold</span>}
        {' '}by {source.orgName ?? 'an organisation not in your directory'}; adapted by {by} on {whenText(record.at)}.
      </p>
      <dl class="facts">
        <dt>Reasons</dt><dd>{reasonsText(record.reasons)}</dd>
        <dt>What was changed and why</dt><dd class="note-text">{record.note}</dd>
        <dt>Sections that differ from the source text it came from</dt>
        <dd>{record.changes.length === 0 ? 'none yet' : record.changes.map(c => c.heading).join(', ')}</dd>
      </dl>
      {error != null && <p role="alert" class="error">{error}</p>}
      {!readOnly && !editing && <div class="actions"><button type="button" {...needsNode(status)} onClick={() => { setEditing(true) }}>Edit the reasons and note</button></div>}
      {editing && (
        <EditRecord record={record} status={status} onDone={next => { if (next != null) setRecord(next); setEditing(false) }} onError={setError} />
      )}
    </section>
  )
}

function EditRecord ({ record, status, onDone, onError }: { record: AdaptationView, status: NodeStatus, onDone: (r?: AdaptationView) => void, onError: (e: string) => void }) {
  const [note, setNote] = useState(record.note)
  const [reasons, setReasons] = useState<AdaptationReason[]>(record.reasons)
  return (
    <form class="stack-form" aria-label="Edit the reasons and note" onSubmit={async e => {
      e.preventDefault()
      if (reasons.length === 0) { onError('Choose at least one reason.'); return }
      try { onDone(await practiceApi.editAdaptation(record.doc, { note: note.trim(), reasons })) } catch (err) { onError(errorText(err)) }
    }}>
      <label>What was changed and why <textarea aria-label="What was changed and why" rows={3} maxLength={4000} value={note} onInput={e => { setNote(e.currentTarget.value) }} /></label>
      <fieldset class="reasons-field">
        <legend>Reasons</legend>
        {(Object.keys(REASONS) as AdaptationReason[]).map(r => (
          <label key={r} class="check"><input type="checkbox" checked={reasons.includes(r)}
            onChange={e => { setReasons(e.currentTarget.checked ? [...reasons, r] : reasons.filter(x => x !== r)) }} /> {REASONS[r]}</label>
        ))}
      </fieldset>
      <div class="actions"><button type="submit" {...needsNode(status)}>Save</button><button type="button" onClick={() => { onDone() }}>Cancel</button></div>
    </form>
  )
}
