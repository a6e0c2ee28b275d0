/**
 * "Propose back": from a variant, propose our change to the source's owner: which sections, a
 * message, and a preview of exactly what they will see (our text against the source's current
 * text). And the proposals sent from this variant, with the owner's answer once it comes.
 */
import { useEffect, useState } from 'preact/hooks'
import { errorText } from '../api.ts'
import { practiceApi } from '../practice-api.ts'
import type { ProposalView, SectionChangeView } from '../practice-api.ts'
import type { NodeStatus } from '../node-status.ts'
import { whenText } from '../when.ts'
import { needsNode } from './badges.tsx'
import { SectionDiff } from './section-diff.tsx'

interface FormProps {
  id: string
  status: NodeStatus
  onSent: (proposal: ProposalView) => void
  onCancel: () => void
}

/**
 * What a proposal of every differing section would send, and to whom; from the adaptation record
 * (our text against the source text it came from) when the node offers no preview.
 */
async function loadPreview (id: string): Promise<{ owner: string, sections: SectionChangeView[], current: boolean }> {
  const record = await practiceApi.adaptation(id)
  const owner = record.derivedFrom.orgName ?? 'the source\'s owner'
  try {
    return { owner, sections: await practiceApi.preview(id), current: true }
  } catch {
    return { owner, sections: record.changes, current: false }
  }
}

export function ProposeForm ({ id, status, onSent, onCancel }: FormProps) {
  const [owner, setOwner] = useState('the source\'s owner')
  const [sections, setSections] = useState<SectionChangeView[] | undefined>()
  const [current, setCurrent] = useState(true)
  const [chosen, setChosen] = useState<string[]>([])
  const [message, setMessage] = useState('')
  const [error, setError] = useState<string | undefined>()
  useEffect(() => {
    loadPreview(id).then(found => {
      const differing = found.sections.filter(x => x.status !== 'unchanged')
      setOwner(found.owner)
      setCurrent(found.current)
      setSections(differing); setChosen(differing.map(x => x.id))
    }, err => { setError(errorText(err)) })
  }, [id])
  const send = async (e: Event): Promise<void> => {
    e.preventDefault()
    if (chosen.length === 0) { setError('Choose at least one section to propose.'); return }
    try { onSent(await practiceApi.propose(id, { message: message.trim(), sections: chosen })) } catch (err) { setError(errorText(err)) }
  }
  const preview = (sections ?? []).filter(s => chosen.includes(s.id))
  return (
    <form class="card propose-form" aria-labelledby="propose-heading" onSubmit={send}>
      <h2 id="propose-heading">Propose back to {owner}</h2>
      {sections == null && error == null && <p role="status">Comparing your version with the source…</p>}
      {sections?.length === 0 && <p>No section of your version differs from the source now: there is nothing to propose.</p>}
      {sections != null && sections.length > 0 && (
        <>
          <fieldset class="reasons-field">
            <legend>Sections to propose</legend>
            {sections.map(s => (
              <label key={s.id} class="check"><input type="checkbox" checked={chosen.includes(s.id)}
                onChange={e => { setChosen(e.currentTarget.checked ? [...chosen, s.id] : chosen.filter(c => c !== s.id)) }} /> {s.heading}</label>
            ))}
          </fieldset>
          <label>Message to {owner} <textarea aria-label={`Message to ${owner}`} required rows={3} maxLength={4000} value={message} onInput={e => { setMessage(e.currentTarget.value) }} /></label>
          <h3>Preview: what {owner} will see</h3>
          <p class="meta">{current ? 'Your text against their current text.' : 'Your text against the text you adapted it from (this node could not compare it with their current text).'}</p>
          <SectionDiff sections={preview} label="Preview of the proposal" />
        </>
      )}
      {error != null && <p role="alert" class="error">{error}</p>}
      <div class="actions">
        {sections != null && sections.length > 0 && <button type="submit" {...needsNode(status)}>Send the proposal</button>}
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  )
}

const OUTCOME: Record<ProposalView['status'], string> = { open: 'Waiting for an answer', accepted: 'Accepted', declined: 'Declined' }

/** The proposals sent from this variant, newest first, each with its outcome. */
export function SentProposals ({ proposals }: { proposals: ProposalView[] }) {
  if (proposals.length === 0) return null
  return (
    <section class="card" aria-labelledby="sent-heading">
      <h2 id="sent-heading">Proposed back</h2>
      <ul class="plain entries" aria-label="Proposals sent">
        {proposals.map(p => (
          <li key={p.id} class="entry proposal-outcome">
            <div class="who">
              <span class={`badge ${p.status === 'accepted' ? 'ok' : p.status === 'declined' ? 'warn' : ''}`}>{OUTCOME[p.status]}</span>
              <span>to {p.sourceOwnerName ?? 'the source\'s owner'} on {whenText(p.at)}: {p.sections.map(s => s.heading).join(', ')}</span>
            </div>
            {p.status !== 'open' && (
              <p class="meta">{p.status === 'accepted' ? 'Accepted' : 'Declined'}{p.decidedAt != null ? ` on ${whenText(p.decidedAt)}` : ''}{p.reply != null && p.reply !== '' ? `: “${p.reply}”` : ''}</p>
            )}
          </li>
        ))}
      </ul>
    </section>
  )
}
