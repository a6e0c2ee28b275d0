import { useEffect, useRef, useState } from 'preact/hooks'
import { api, errorText } from '../api.ts'
import type { Contact, DocView, Grant, Me, Network } from '../api.ts'
import { useDirectory, useNames } from '../names.ts'
import type { NodeStatus } from '../node-status.ts'
import { whenText } from '../when.ts'
import { Combobox } from './org-combobox.tsx'
import type { Choice } from './org-combobox.tsx'
import '../directory.css'

interface Props {
  view: DocView
  me: Me | undefined
  onChange: (view: DocView) => void
  /** The node's events: the delivery states follow them while the panel is open. */
  status?: NodeStatus
}

const STATUS_WORDS: Record<Contact['status'], string> = {
  contact: 'contact',
  awaiting: 'awaiting their acceptance',
  introduced: 'introduced itself to us',
  network: 'network member',
  met: 'met before'
}

/** What the share field offers: the directory's organisations and our networks, by name. */
function choices (contacts: Contact[], networks: Network[], me: Me | undefined): Choice[] {
  const orgs = contacts.filter(c => c.orgId !== me?.orgId).map(c => ({
    id: c.orgId,
    name: c.name,
    detail: `${STATUS_WORDS[c.status]}${c.online ? ' · online' : ''}`
  }))
  const nets = networks.filter(n => n.role === 'facilitator' || n.role === 'member').map(n => ({
    id: n.id,
    name: n.name,
    detail: `network · ${n.memberCount} member${n.memberCount === 1 ? '' : 's'}`
  }))
  return [...orgs, ...nets].sort((a, b) => a.name.localeCompare(b.name))
}

/** How the document is getting to an organisation, as a sentence. */
function deliveryText (grant: Grant, name: string) {
  const d = grant.delivery
  if (d == null) return null
  switch (d.state) {
    case 'delivered': return <span class="badge ok">Delivered</span>
    case 'connecting': return <span class="badge">Connecting…</span>
    case 'unreachable': return <span class="badge warn">Can't reach {name}{d.since != null ? ` since ${whenText(d.since)}` : ''} — the document will go as soon as it can</span>
    case 'no-address': return <span class="badge warn">No address known: <a href="#/directory">add their card in the Directory</a></span>
  }
}

/** How often the panel asks again while a document is on its way (the node sends no event when it arrives). */
const RECHECK_MS = 2000

/**
 * Load the view again on the node's events for this document and the directory, and, while a
 * document is being sent, every few seconds.
 */
function useFollow (view: DocView, onChange: (view: DocView) => void, status?: NodeStatus): void {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  // (an unreachable organisation that comes back shows as a peer event, which reloads the view)
  const underway = view.grants.some(g => g.role !== 'none' && g.delivery?.state === 'connecting')
  useEffect(() => {
    if (!underway) return
    const recheck = setTimeout(() => { api.getDoc(view.id).then(onChange, () => {}) }, RECHECK_MS)
    return () => { clearTimeout(recheck) }
  }, [view])
  useEffect(() => {
    if (status == null) return
    const off = status.onEvent(e => {
      // (the document page itself loads the view again on peer events and access changes)
      const relevant = (e.type === 'doc' && e.id === view.id && e.accessChanged !== true) || e.type === 'directory'
      if (!relevant) return
      // a burst of edits is one load, not one per keystroke
      clearTimeout(timer.current)
      timer.current = setTimeout(() => { api.getDoc(view.id).then(onChange, () => {}) }, 300)
    })
    return () => { off(); clearTimeout(timer.current) }
  }, [status, view.id])
}

export function SharePanel ({ view, me, onChange, status }: Props) {
  const nameOf = useNames()
  const { contacts, networks } = useDirectory()
  const [to, setTo] = useState('')
  const [chosen, setChosen] = useState<Choice | undefined>()
  const [role, setRole] = useState<'read' | 'comment' | 'edit'>('read')
  const [error, setError] = useState<string | undefined>()
  useFollow(view, onChange, status)
  const orgLabel = (id: string, known?: string): string => id === me?.orgId ? `${me.name} (us)` : known ?? nameOf(id)
  const grantName = (g: Grant): string => g.to.startsWith('net_') ? `the network ${g.name ?? nameOf(g.to)}` : orgLabel(g.to, g.name)
  const owner = view.access === 'owner'
  const ownerName = orgLabel(view.owner, view.ownerName)
  const run = async (action: () => Promise<DocView>): Promise<boolean> => {
    try {
      onChange(await action())
      setError(undefined)
      return true
    } catch (err) {
      setError(errorText(err))
      return false
    }
  }
  const grants = view.grants.filter(g => g.role !== 'none')
  return (
    <section class="card share-panel" aria-label="Sharing">
      <h2>Shared with</h2>
      {grants.length === 0
        ? <p>Nobody else yet: only {ownerName}.</p>
        : (
          <ul aria-label="Shared with" class="plain entries">
            {grants.map(g => (
              <li key={g.to} class="entry">
                <div class="who">
                  <span>{grantName(g)}: <strong>{g.role === 'edit' ? 'can edit' : g.role === 'comment' ? 'can comment' : 'can read'}</strong>, granted by {orgLabel(g.issuer, g.issuerName)} on {whenText(g.issuedAt)}</span>
                  {deliveryText(g, g.name ?? nameOf(g.to))}
                </div>
                {owner && <div class="actions"><button type="button" aria-label={`Revoke ${grantName(g)}`} onClick={async () => { await run(async () => await api.unshare(view.id, g.to)) }}>Revoke</button></div>}
              </li>
            ))}
          </ul>
          )}
      {owner
        ? (
          <form class="stack" aria-label="Share with an organisation or network" onSubmit={async e => {
            e.preventDefault()
            // a picked choice goes by its id (two entries may share a name); typed text as it is
            const target = chosen != null && chosen.name === to ? chosen.id : to.trim()
            if (await run(async () => await api.share(view.id, target, role))) { setTo(''); setChosen(undefined) }
          }}>
            <Combobox
              id="share-with" label="Organisation" listLabel="Organisations and networks" value={to}
              choices={choices(contacts, networks, me)}
              onInput={(text, choice) => { setTo(text); setChosen(choice) }}
              placeholder="Start typing a name, or paste an organisation id"
            />
            <label>Access <select aria-label="Access" value={role} onChange={e => { setRole(e.currentTarget.value as 'read' | 'comment' | 'edit') }}>
              <option value="read">can read</option><option value="comment">can comment</option><option value="edit">can edit</option>
            </select></label>
            <div class="actions"><button type="submit">Grant access</button></div>
          </form>
          )
        : <p>Only the owner ({ownerName}) can share this document.</p>}
      {error != null && <p role="alert" class="error">{error}</p>}
    </section>
  )
}
