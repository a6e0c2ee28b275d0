/**
 * Proposals (`#/proposals`): the changes other organisations propose to our documents, each
 * previewed as a diff against our current text, to accept (applied to our document) or decline,
 * with a reply; and the proposals we sent, with their owners' answers.
 */
import { useEffect, useState } from 'preact/hooks'
import { errorText } from '../api.ts'
import { otherDocChanged, useNodeChanges } from '../node-changes.ts'
import type { NodeStatus } from '../node-status.ts'
import { practiceApi } from '../practice-api.ts'
import type { ProposalView } from '../practice-api.ts'
import { whenText } from '../when.ts'
import { NeedsNode, needsNode, useSubscribe } from './badges.tsx'
import { SentProposals } from './propose.tsx'
import { SectionDiff } from './section-diff.tsx'
import '../practice.css'

export function ProposalsPage ({ status }: { status: NodeStatus }) {
  const [proposals, setProposals] = useState<ProposalView[] | undefined>()
  const [error, setError] = useState<string | undefined>()
  const [done, setDone] = useState<string | undefined>()
  const tick = useNodeChanges(status, otherDocChanged())
  const [local, setLocal] = useState(0)
  useSubscribe(status.subscribe)
  useEffect(() => { document.title = 'Proposals · Commonplace' }, [])
  useEffect(() => {
    practiceApi.proposals().then(p => { setProposals(p); setError(undefined) }, err => { setError(errorText(err)) })
  }, [tick, local])
  const decide = async (p: ProposalView, accept: boolean, reply: string): Promise<void> => {
    try {
      await (accept ? practiceApi.accept(p.id, reply) : practiceApi.decline(p.id, reply))
      setDone(accept
        ? `Accepted the proposal from ${p.proposerName ?? 'that organisation'}: “${p.sourceTitle ?? 'your document'}” now has their text. They will see your answer.`
        : `Declined the proposal from ${p.proposerName ?? 'that organisation'}. They will see your answer.`)
      setError(undefined)
      setLocal(n => n + 1)
    } catch (err) { setDone(undefined); setError(errorText(err)) }
  }
  const incoming = (proposals ?? []).filter(p => p.direction === 'in')
  const open = incoming.filter(p => p.status === 'open')
  const decided = incoming.filter(p => p.status !== 'open')
  const sent = (proposals ?? []).filter(p => p.direction === 'out')
  return (
    <section class="proposals-view" aria-labelledby="proposals-heading">
      <div class="bar"><h1 id="proposals-heading">Proposals</h1></div>
      <p>Changes other organisations propose to your documents from their own versions, and the ones you proposed to theirs.</p>
      <NeedsNode status={status} />
      {error != null && <p role="alert" class="error">{error}</p>}
      {done != null && <p role="status" class="note">{done}</p>}
      {proposals == null && error == null && <p role="status">Loading…</p>}
      {proposals != null && (
        <>
          <h2>To answer</h2>
          {open.length === 0
            ? <p>No proposal waits for an answer.</p>
            : <ul class="plain">{open.map(p => <Incoming key={p.id} proposal={p} status={status} onDecide={decide} />)}</ul>}
          {decided.length > 0 && (
            <>
              <h2>Answered</h2>
              <ul class="plain entries" aria-label="Answered proposals">
                {decided.map(p => (
                  <li key={p.id} class="entry">
                    <div class="who"><span class={`badge ${p.status === 'accepted' ? 'ok' : 'warn'}`}>{p.status === 'accepted' ? 'Accepted' : 'Declined'}</span>
                      <span>{p.proposerName ?? 'An organisation'} on <a href={`#/doc/${encodeURIComponent(p.source)}`}>{p.sourceTitle ?? 'a document'}</a>{p.decidedAt != null ? `, answered ${whenText(p.decidedAt)}` : ''}</span></div>
                  </li>
                ))}
              </ul>
            </>
          )}
          {sent.length === 0 ? <><h2>Sent</h2><p>You have proposed nothing yet: open a version you adapted and use <strong>Propose back</strong>.</p></> : <SentProposals proposals={sent} />}
        </>
      )}
    </section>
  )
}

interface IncomingProps {
  proposal: ProposalView
  status: NodeStatus
  onDecide: (p: ProposalView, accept: boolean, reply: string) => Promise<void>
}

/** One proposal to answer: who, on what, their message, the diff, a reply, Accept and Decline. */
function Incoming ({ proposal: p, status, onDecide }: IncomingProps) {
  const [reply, setReply] = useState('')
  const from = p.proposerName ?? 'An organisation not in your directory'
  const title = p.sourceTitle ?? 'your document'
  const what = `${from}'s proposal on “${title}”, ${whenText(p.at)}`
  return (
    <li>
      <article class="card proposal" aria-label={what}>
        <h3>{from} proposes a change to <a href={`#/doc/${encodeURIComponent(p.source)}`}>{title}</a></h3>
        <p class="meta">{whenText(p.at)} · from their version adapted from yours · their text against your current text</p>
        <blockquote class="message">{p.message}</blockquote>
        <SectionDiff sections={p.sections} label={`Proposed changes to ${title}`} />
        <label>Reply to {from} (optional) <textarea aria-label={`Reply to ${what}`} rows={2} maxLength={4000} value={reply} onInput={e => { setReply(e.currentTarget.value) }} /></label>
        <div class="actions">
          <button type="button" {...needsNode(status)} aria-label={`Accept ${what}`} onClick={async () => { await onDecide(p, true, reply.trim()) }}>Accept</button>
          <button type="button" {...needsNode(status)} aria-label={`Decline ${what}`} onClick={async () => { await onDecide(p, false, reply.trim()) }}>Decline</button>
        </div>
      </article>
    </li>
  )
}
