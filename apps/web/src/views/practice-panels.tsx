/**
 * The practice layer on a document's page (docs/practice.md): above the editors, **Adapt for our
 * organisation**, **Propose back** (on a variant) and the upstream panel; below them, where the
 * variant came from, its family as a tree, the proposals it sent or received, and our adoption
 * state. Each part loads from the node and again when the node says another document changed.
 */
import { useEffect, useState } from 'preact/hooks'
import type * as Y from 'yjs'
import { errorText } from '../api.ts'
import type { DocView, Me } from '../api.ts'
import { otherDocChanged, useNodeChanges } from '../node-changes.ts'
import type { NodeStatus } from '../node-status.ts'
import { practiceApi } from '../practice-api.ts'
import type { FamilyView, ProposalView } from '../practice-api.ts'
import { AdaptForm, AdaptationRecord } from './adapt.tsx'
import { AdoptionPanel } from './adoption.tsx'
import { needsNode } from './badges.tsx'
import { FamilyTree, familySize } from './family.tsx'
import { ProposeForm, SentProposals } from './propose.tsx'
import { UpstreamPanel } from './upstream.tsx'
import '../practice.css'

interface Props {
  id: string
  doc: Y.Doc
  view: DocView | undefined
  me: Me | undefined
  status: NodeStatus
  /** The owner's name. */
  owner: string
}

/** The source this record was adapted from (`meta.derivedFrom`, a plain value), when it is a variant. */
function sourceOf (doc: Y.Doc): string | undefined {
  const value = doc.getMap('meta').get('derivedFrom') as { doc?: unknown } | undefined
  return typeof value?.doc === 'string' ? value.doc : undefined
}

/**
 * Whether the record is a variant, and its title, following its metadata as it syncs: a page may
 * show before the record has arrived from the node.
 */
function useRecordMeta (doc: Y.Doc): { source: string | undefined, title: string } {
  const [source, setSource] = useState(() => sourceOf(doc))
  const [title, setTitle] = useState(() => titleOf(doc))
  useEffect(() => {
    const meta = doc.getMap('meta')
    const on = (): void => { setSource(sourceOf(doc)); setTitle(titleOf(doc)) }
    on() // the metadata may have arrived between the first render and now
    meta.observe(on)
    return () => { meta.unobserve(on) }
  }, [doc])
  return { source, title }
}

function titleOf (doc: Y.Doc): string {
  return String(doc.getMap('meta').get('title') ?? '')
}

/** Above the editors: the actions and the upstream panel. */
export function PracticeTop ({ id, doc, view, status, owner }: Props) {
  const [adapting, setAdapting] = useState(false)
  const [proposing, setProposing] = useState(false)
  const [sent, setSent] = useState<string | undefined>()
  const { source, title } = useRecordMeta(doc)
  const tick = useNodeChanges(status, e => e.type === 'doc' && e.id === source)
  const readOnly = view?.access === 'read' || view?.access === 'comment'
  return (
    <>
      <div class="bar practice-actions">
        <button type="button" {...needsNode(status)} aria-expanded={adapting} onClick={() => { setAdapting(!adapting) }}>Adapt for our organisation</button>
        {source != null && !readOnly && <button type="button" {...needsNode(status)} aria-expanded={proposing} onClick={() => { setProposing(!proposing); setSent(undefined) }}>Propose back</button>}
      </div>
      {sent != null && <p role="status" class="note">{sent}</p>}
      {adapting && <AdaptForm id={id} title={title} owner={owner} status={status} onCancel={() => { setAdapting(false) }} />}
      {proposing && source != null && (
        <ProposeForm id={id} status={status}
          onSent={p => { setProposing(false); setSent(`Proposal sent to ${p.sourceOwnerName ?? 'the source\'s owner'}: they will see it among their proposals, and you will see their answer here.`) }}
          onCancel={() => { setProposing(false) }} />
      )}
      {source != null && <UpstreamPanel id={id} readOnly={readOnly} status={status} tick={tick} />}
    </>
  )
}

/** Below the editors: where it came from, its family, proposals and our adoption state. */
export function PracticeBottom ({ id, doc, view, me, status }: Props) {
  const { source, title } = useRecordMeta(doc)
  const tick = useNodeChanges(status, otherDocChanged(id))
  const [family, setFamily] = useState<FamilyView | undefined>()
  const [proposals, setProposals] = useState<ProposalView[]>([])
  const [error, setError] = useState<string | undefined>()
  useEffect(() => {
    Promise.all([practiceApi.family(id), practiceApi.proposals(id)]).then(([f, p]) => {
      setFamily(f); setProposals(p); setError(undefined)
    }, err => { setError(errorText(err)) })
  }, [id, tick, source])
  const readOnly = view?.access === 'read' || view?.access === 'comment'
  const incoming = proposals.filter(p => p.direction === 'in' && p.source === id && p.status === 'open')
  return (
    <div class="practice">
      {error != null && <p role="alert" class="error">{error}</p>}
      {incoming.length > 0 && (
        <p role="note" class="note">
          {incoming.length === 1 ? `${incoming[0].proposerName ?? 'An organisation'} proposed a change to this document.` : `${incoming.length} proposals wait for an answer.`}
          {' '}<a href="#/proposals">Review in Proposals</a>
        </p>
      )}
      {source != null && <AdaptationRecord id={id} me={me} readOnly={readOnly} status={status} tick={tick} />}
      <SentProposals proposals={proposals.filter(p => p.direction === 'out' && p.variant === id)} />
      {family != null && (
        <section class="card" aria-labelledby="family-heading">
          <h2 id="family-heading">Family</h2>
          {familySize(family.root) === 1
            ? <p>No variants: this document was not adapted from another, and this node holds no version adapted from it.</p>
            : <FamilyTree root={family.root} current={id} label={`Family of ${title || 'this document'}`} />}
        </section>
      )}
      <AdoptionPanel id={id} title={title} status={status} tick={tick} />
    </div>
  )
}
