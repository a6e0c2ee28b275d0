import { useEffect, useState } from 'preact/hooks'
import { api, errorText } from '../api.ts'
import type { Contact, Introduction } from '../api.ts'
import { refreshNames } from '../names.ts'
import type { NodeStatus } from '../node-status.ts'
import { seenText } from '../when.ts'
import { NeedsNode, needsNode, useSubscribe } from './badges.tsx'
import '../directory.css'

type Status = Contact['status']

/** The directory's groups, in the order a person meets them. */
const GROUPS: Array<{ status: Status, heading: string, empty?: string }> = [
  { status: 'contact', heading: 'Contacts', empty: 'No contacts yet: add an organisation with its card.' },
  { status: 'awaiting', heading: 'Awaiting their acceptance' },
  { status: 'network', heading: 'Members of our networks' },
  { status: 'met', heading: 'Organisations met' }
]

/**
 * The directory: add an organisation with its card, the introductions waiting here, and every
 * organisation this node knows, by status, with who is online. Follows the node's directory,
 * peer and network events.
 */
export function DirectoryPage ({ status }: { status: NodeStatus }) {
  const [contacts, setContacts] = useState<Contact[] | undefined>()
  const [intros, setIntros] = useState<Introduction[]>([])
  const [error, setError] = useState<string | undefined>()
  const [note, setNote] = useState<string | undefined>()
  const [tick, setTick] = useState(0)
  useSubscribe(status.subscribe) // the actions that need the node follow whether it is reachable
  useEffect(() => { document.title = 'Directory · Commonplace' }, [])
  useEffect(() => status.onEvent(e => {
    if (e.type === 'directory' || e.type === 'peer' || e.type === 'network') setTick(t => t + 1)
  }), [status])
  useEffect(() => status.subscribe(() => { if (status.reconnected) setTick(t => t + 1) }), [status])
  useEffect(() => {
    let stale = false
    Promise.all([api.contacts(), api.introductions()]).then(([c, i]) => {
      if (stale) return
      setContacts(c); setIntros(i); setError(undefined)
    }, err => { if (!stale) setError(errorText(err)) })
    return () => { stale = true }
  }, [tick])

  /** Run a change, say what happened, and load the directory (and every view's names) again. */
  const run = async (action: () => Promise<string>): Promise<boolean> => {
    try {
      setNote(await action())
      setError(undefined)
      setTick(t => t + 1)
      refreshNames()
      return true
    } catch (err) {
      setNote(undefined)
      setError(errorText(err))
      return false
    }
  }

  return (
    <section class="directory-view" aria-labelledby="directory-heading">
      <div class="bar"><h1 id="directory-heading">Directory</h1></div>
      <p>The organisations this node knows. Contacts and members of our networks may connect to our node; they get no document that is not shared with them. <a href="#/organisation">Our own card</a> is what others paste to add us.</p>
      {error != null && <p role="alert" class="error">{error}</p>}
      {note != null && <p role="status" class="note">{note}</p>}
      <NeedsNode status={status} />
      <AddOrganisation run={run} status={status} />
      {intros.length > 0 && (
        <section aria-labelledby="intros-heading" class="card">
          <h2 id="intros-heading">Introductions</h2>
          <ul class="plain entries" aria-label="Introductions">
            {intros.map(i => (
              <li key={i.orgId} class="entry">
                <span><strong>{i.name}</strong> added you</span>
                <div class="actions">
                  <button type="button" {...needsNode(status)} aria-label={`Accept ${i.name}`} onClick={async () => { await run(async () => { await api.acceptContact(i.orgId); return `${i.name} is now a contact: your nodes may connect.` }) }}>Accept</button>
                  <button type="button" {...needsNode(status)} aria-label={`Ignore ${i.name}`} onClick={async () => { await run(async () => { await api.removeContact(i.orgId); return `Ignored the introduction from ${i.name}.` }) }}>Ignore</button>
                </div>
              </li>
            ))}
          </ul>
        </section>
      )}
      {contacts != null && GROUPS.map(g => (
        <Group key={g.status} heading={g.heading} empty={g.empty} contacts={contacts.filter(c => c.status === g.status)} run={run} status={status} />
      ))}
    </section>
  )
}

type Run = (action: () => Promise<string>) => Promise<boolean>

function AddOrganisation ({ run, status }: { run: Run, status: NodeStatus }) {
  const [card, setCard] = useState('')
  return (
    <form class="card stack" aria-labelledby="add-heading" onSubmit={async e => {
      e.preventDefault()
      const ok = await run(async () => addedText(await api.addContact(card.trim())))
      if (ok) setCard('')
    }}>
      <h2 id="add-heading">Add an organisation</h2>
      <label for="add-card">Their card <span class="hint">(they find it under “Our organisation” and copy it to you)</span></label>
      <textarea id="add-card" required rows={3} value={card} onInput={e => { setCard(e.currentTarget.value) }} placeholder="cpc1.…" />
      <div class="actions"><button type="submit" {...needsNode(status)}>Add organisation</button></div>
    </form>
  )
}

/** What adding a card did, as a sentence. */
function addedText (contact: Contact): string {
  if (contact.status === 'contact') return `${contact.name} is now a contact: they had introduced themselves to you.`
  return contact.pending == null
    ? `Introduced to ${contact.name}: they will see your introduction.`
    : `Introduced to ${contact.name}: the introduction is waiting to reach them; it goes as soon as their node answers.`
}

function Group ({ heading, empty, contacts, run, status }: { heading: string, empty?: string, contacts: Contact[], run: Run, status: NodeStatus }) {
  if (contacts.length === 0 && empty == null) return null
  return (
    <section class="group" aria-label={heading}>
      <h2>{heading}</h2>
      {contacts.length === 0
        ? <p>{empty}</p>
        : <ul class="plain entries">{contacts.map(c => <Entry key={c.orgId} contact={c} run={run} status={status} />)}</ul>}
    </section>
  )
}

function Entry ({ contact: c, run, status }: { contact: Contact, run: Run, status: NodeStatus }) {
  const [confirming, setConfirming] = useState(false)
  const removable = c.status === 'contact' || c.status === 'awaiting'
  return (
    <li class="entry">
      <div class="who">
        <strong>{c.name}</strong>
        <span class={`badge ${c.online ? 'ok' : ''}`}>{seenText(c.online, c.lastSeen)}</span>
        {c.networks.length > 0 && <span class="meta">in {c.networks.map(n => n.name).join(', ')}</span>}
        {c.pending === 'introduce' && <span class="meta">our introduction has not reached them yet; the node keeps trying</span>}
        {c.pending === 'accept' && <span class="meta">our acceptance has not reached them yet; the node keeps trying</span>}
      </div>
      {removable && !confirming && (
        <div class="actions"><button type="button" {...needsNode(status)} aria-label={`Remove ${c.name}`} onClick={() => { setConfirming(true) }}>Remove</button></div>
      )}
      {confirming && (
        <div class="confirm" role="group" aria-label={`Remove ${c.name}?`}>
          <span>Remove {c.name} from the directory? Their node may then connect to ours only while we share a document or a network with them; documents already shared stay shared until you revoke them.</span>
          <div class="actions">
            <button type="button" {...needsNode(status)} aria-label={`Yes, remove ${c.name}`} onClick={async () => { await run(async () => { await api.removeContact(c.orgId); return `Removed ${c.name} from the directory.` }) }}>Yes, remove</button>
            <button type="button" aria-label={`Keep ${c.name}`} onClick={() => { setConfirming(false) }}>Keep</button>
          </div>
        </div>
      )}
    </li>
  )
}
