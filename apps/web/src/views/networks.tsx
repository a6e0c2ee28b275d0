import { useEffect, useState } from 'preact/hooks'
import { api, errorText } from '../api.ts'
import type { DocHit, Invitation, Me, Member, Network, Topic } from '../api.ts'
import type { NodeStatus } from '../node-status.ts'

/** Learning networks: the ones this organisation is in, create one, join one with a code. */
export function NetworksPage ({ status }: { status: NodeStatus }) {
  const [networks, setNetworks] = useState<Network[] | undefined>()
  const [error, setError] = useState<string | undefined>()
  const [name, setName] = useState('')
  const [visibility, setVisibility] = useState<'invite' | 'approval'>('invite')
  const [code, setCode] = useState('')
  const [note, setNote] = useState<string | undefined>()
  const [tick, setTick] = useState(0)
  useEffect(() => status.onEvent(e => { if ((e.type as string) === 'network' || e.type === 'peer') setTick(t => t + 1) }), [status])
  useEffect(() => { api.networks().then(n => { setNetworks(n); setError(undefined) }, err => { setError(errorText(err)) }) }, [tick])
  const run = async (action: () => Promise<string | undefined>): Promise<void> => {
    try {
      setNote(await action())
      setError(undefined)
      setTick(t => t + 1)
    } catch (err) {
      setError(errorText(err))
    }
  }
  return (
    <section aria-labelledby="networks-heading">
      <div class="bar"><h1 id="networks-heading">Learning networks</h1></div>
      {error != null && <p role="alert" class="error">{error}</p>}
      {note != null && <p role="status">{note}</p>}
      {networks != null && (networks.length === 0
        ? <p>This organisation is in no network yet.</p>
        : (
          <ul class="doc-list" aria-label="Networks">
            {networks.map(n => (
              <li key={n.id}>
                <a href={`#/network/${encodeURIComponent(n.id)}`}>{n.name}</a>
                <span class="meta">{n.role} · {n.memberCount} member{n.memberCount === 1 ? '' : 's'} · {n.visibility === 'invite' ? 'by invitation' : 'joins approved by a facilitator'}</span>
              </li>
            ))}
          </ul>
          ))}
      <form class="card" aria-label="Create a network" onSubmit={async e => {
        e.preventDefault()
        await run(async () => { const n = await api.createNetwork(name.trim(), visibility); setName(''); return `Created ${n.name}.` })
      }}>
        <h2>Create a network</h2>
        <label>Network name <input aria-label="Network name" required value={name} onInput={e => { setName(e.currentTarget.value) }} /></label>
        <label>Who may join <select aria-label="Who may join" value={visibility} onChange={e => { setVisibility(e.currentTarget.value as 'invite' | 'approval') }}>
          <option value="invite">anyone with an invitation code</option><option value="approval">with a code, approved by a facilitator</option>
        </select></label>
        <div class="actions"><button type="submit">Create network</button></div>
      </form>
      <form class="card" aria-label="Join a network" onSubmit={async e => {
        e.preventDefault()
        await run(async () => {
          const joined = await api.join(code.trim())
          setCode('')
          return joined.status === 'joined' ? `Joined ${joined.network.name}.` : `Asked to join ${joined.network.name}: a facilitator has to accept.`
        })
      }}>
        <h2>Join with an invitation code</h2>
        <label>Invitation code <input aria-label="Invitation code" required value={code} onInput={e => { setCode(e.currentTarget.value) }} /></label>
        <div class="actions"><button type="submit">Join</button></div>
      </form>
    </section>
  )
}

/** One network: members and who is online, invitation codes, topics. */
export function NetworkPage ({ id, me, status }: { id: string, me: Me | undefined, status: NodeStatus }) {
  const [network, setNetwork] = useState<Network | undefined>()
  const [members, setMembers] = useState<Member[]>([])
  const [topics, setTopics] = useState<Topic[]>([])
  const [docs, setDocs] = useState<DocHit[]>([])
  const [invitation, setInvitation] = useState<Invitation | undefined>()
  const [error, setError] = useState<string | undefined>()
  const [topic, setTopic] = useState({ title: '', brief: '' })
  const [tick, setTick] = useState(0)
  useEffect(() => status.onEvent(e => { if ((e.type as string) === 'network' || e.type === 'peer') setTick(t => t + 1) }), [status])
  useEffect(() => {
    Promise.all([api.networks(), api.members(id), api.topics(id), api.search({})]).then(([all, m, t, d]) => {
      setNetwork(all.find(n => n.id === id)); setMembers(m); setTopics(t); setDocs(d); setError(undefined)
    }, err => { setError(errorText(err)) })
  }, [id, tick])
  const facilitator = network?.role === 'facilitator'
  const run = async (action: () => Promise<void>): Promise<void> => {
    try { await action(); setError(undefined); setTick(t => t + 1) } catch (err) { setError(errorText(err)) }
  }
  return (
    <section aria-labelledby="network-heading">
      <div class="bar"><a href="#/networks">← Networks</a><h1 id="network-heading">{network?.name ?? 'Network'}</h1></div>
      {error != null && <p role="alert" class="error">{error}</p>}
      <h2>Members</h2>
      <ul aria-label="Members">
        {members.map(m => (
          <li key={m.orgId}>
            {m.name}{m.orgId === me?.orgId ? ' (us)' : ''} · {m.role} · <span class={`badge ${m.online || m.orgId === me?.orgId ? 'ok' : ''}`}>{m.online || m.orgId === me?.orgId ? 'online' : m.lastSeen != null ? `last seen ${new Date(m.lastSeen).toLocaleString()}` : 'not seen yet'}</span>
          </li>
        ))}
      </ul>
      {facilitator && (
        <div class="card">
          <button type="button" onClick={async () => { await run(async () => { setInvitation(await api.invite(id)) }) }}>Make an invitation code</button>
          {invitation != null && (
            <label>Invitation code (one organisation, until {new Date(invitation.expiresAt).toLocaleString()})
              <textarea aria-label="New invitation code" readOnly rows={3} value={invitation.code} onFocus={e => { e.currentTarget.select() }} />
            </label>
          )}
        </div>
      )}
      <h2>Topics</h2>
      {topics.length === 0 ? <p>No topics yet.</p> : (
        <ul aria-label="Topics">
          {topics.map(t => (
            <li key={t.id}>
              <a href={`#/doc/${encodeURIComponent(t.id)}`}>{t.title}</a> {t.brief !== '' && <span class="meta">— {t.brief}</span>}
              {t.attachments.length > 0 && <ul>{t.attachments.map(a => <li key={a.id}><a href={`#/doc/${encodeURIComponent(a.id)}`}>{a.title ?? a.id}</a></li>)}</ul>}
              <AttachForm docs={docs} onAttach={async doc => { await run(async () => { await api.attach(id, t.id, doc) }) }} />
            </li>
          ))}
        </ul>
      )}
      {facilitator && (
        <form class="card" aria-label="Seed a topic" onSubmit={async e => {
          e.preventDefault()
          await run(async () => { await api.createTopic(id, topic.title.trim(), topic.brief.trim()); setTopic({ title: '', brief: '' }) })
        }}>
          <label>Topic title <input aria-label="Topic title" required value={topic.title} onInput={e => { setTopic({ ...topic, title: e.currentTarget.value }) }} /></label>
          <label>Brief <input aria-label="Brief" value={topic.brief} onInput={e => { setTopic({ ...topic, brief: e.currentTarget.value }) }} /></label>
          <div class="actions"><button type="submit">Seed topic</button></div>
        </form>
      )}
    </section>
  )
}

function AttachForm ({ docs, onAttach }: { docs: DocHit[], onAttach: (doc: string) => Promise<void> }) {
  const [doc, setDoc] = useState('')
  if (docs.length === 0) return null
  return (
    <form class="inline" aria-label="Attach a document" onSubmit={async e => { e.preventDefault(); if (doc !== '') await onAttach(doc) }}>
      <select aria-label="Document to attach" value={doc} onChange={e => { setDoc(e.currentTarget.value) }}>
        <option value="">Choose a document…</option>
        {docs.map(d => <option key={d.id} value={d.id}>{d.title || 'Untitled'}</option>)}
      </select>
      <button type="submit">Attach</button>
    </form>
  )
}
