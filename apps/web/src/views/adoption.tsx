/**
 * Our organisation's adoption state of a practice: what it is now and since when, its history,
 * a form to record a change (state, a note on outcomes, a reason when discontinued) and with which
 * of our learning networks the states are shared (none by default; remembered per practice).
 */
import { useEffect, useState } from 'preact/hooks'
import { errorText } from '../api.ts'
import { useDirectory } from '../names.ts'
import { STATES, practiceApi } from '../practice-api.ts'
import type { AdoptionStateName, AdoptionView } from '../practice-api.ts'
import type { NodeStatus } from '../node-status.ts'
import { whenText } from '../when.ts'
import { needsNode } from './badges.tsx'

interface Props {
  id: string
  /** The practice's title, for the sentences. */
  title: string
  status: NodeStatus
  tick: number
}

export function AdoptionPanel ({ id, title, status, tick }: Props) {
  const [view, setView] = useState<AdoptionView | undefined>()
  const [state, setState] = useState<AdoptionStateName>('aware')
  const [note, setNote] = useState('')
  const [reason, setReason] = useState('')
  const [networks, setNetworks] = useState<string[]>([])
  const [error, setError] = useState<string | undefined>()
  const [done, setDone] = useState<string | undefined>()
  const ours = useDirectory().networks.filter(n => n.role === 'facilitator' || n.role === 'member')
  /** Show what the node holds; the form starts from it only on first load and after our own change, never while a person fills it in. */
  const show = (v: AdoptionView, form: boolean): void => {
    setView(v)
    if (!form) return
    setNetworks(v.networks)
    if (v.current != null) setState(v.current.state)
  }
  const [loaded, setLoaded] = useState(false)
  useEffect(() => {
    practiceApi.adoption(id).then(v => { show(v, !loaded); setLoaded(true); setError(undefined) }, err => { setError(errorText(err)) })
  }, [id, tick])
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault()
    try {
      show(await practiceApi.setAdoption({
        doc: id,
        state,
        ...(note.trim() !== '' ? { note: note.trim() } : {}),
        ...(state === 'discontinued' ? { reason: reason.trim() } : {}),
        networks
      }), true)
      const shared = ours.filter(n => networks.includes(n.id)).map(n => n.name)
      setDone(`Recorded: ${STATES[state]}.${shared.length > 0 ? ` Shared with ${shared.join(', ')}.` : ' Not shared with any network.'}`)
      setNote(''); setReason(''); setError(undefined)
    } catch (err) { setDone(undefined); setError(errorText(err)) }
  }
  const current = view?.current
  return (
    <section class="card adoption" aria-labelledby="adoption-heading">
      <h2 id="adoption-heading">Our adoption of this practice</h2>
      <p>{current == null ? 'Nothing recorded yet.' : <>Now: <strong>{STATES[current.state]}</strong> since {whenText(current.at)}{current.note != null ? ` — ${current.note}` : ''}{current.reason != null ? ` (${current.reason})` : ''}</>}</p>
      {done != null && <p role="status" class="note">{done}</p>}
      {error != null && <p role="alert" class="error">{error}</p>}
      {view != null && <form class="stack-form" aria-label={`Record our adoption of ${title || 'this practice'}`} onSubmit={submit}>
        <label>State <select aria-label="State" value={state} onChange={e => { setState(e.currentTarget.value as AdoptionStateName) }}>
          {(Object.keys(STATES) as AdoptionStateName[]).map(s => <option key={s} value={s}>{STATES[s]}</option>)}
        </select></label>
        {state === 'discontinued' && <label>Why it was discontinued <input aria-label="Why it was discontinued" required maxLength={4000} value={reason} onInput={e => { setReason(e.currentTarget.value) }} /></label>}
        <label>Note on outcomes (optional) <textarea aria-label="Note on outcomes (optional)" rows={2} maxLength={4000} value={note} onInput={e => { setNote(e.currentTarget.value) }} /></label>
        <fieldset class="reasons-field">
          <legend>Share our states of this practice with</legend>
          {ours.length === 0 && <p class="meta">Your organisation is in no learning network: the states stay on this node.</p>}
          {ours.map(n => (
            <label key={n.id} class="check"><input type="checkbox" checked={networks.includes(n.id)}
              onChange={e => { setNetworks(e.currentTarget.checked ? [...networks, n.id] : networks.filter(x => x !== n.id)) }} /> {n.name}</label>
          ))}
          {ours.length > 0 && <p class="meta">Nothing is shared unless you tick a network. Its members see every state of this practice, as recorded; only your organisation can set them.</p>}
        </fieldset>
        <div class="actions"><button type="submit" {...needsNode(status)}>Record the state</button></div>
      </form>}
      {view != null && view.history.length > 0 && (
        <>
          <h3>History</h3>
          <ol class="plain history" aria-label="Adoption history" reversed>
            {[...view.history].reverse().map(c => (
              <li key={c.seq}><strong>{STATES[c.state]}</strong> · {whenText(c.at)}{c.note != null ? ` · ${c.note}` : ''}{c.reason != null ? ` · ${c.reason}` : ''}</li>
            ))}
          </ol>
        </>
      )}
    </section>
  )
}
