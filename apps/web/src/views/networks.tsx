import { useEffect, useState } from 'preact/hooks'
import { api, errorText } from '../api.ts'
import type { DocHit, Me, Member, Network, Topic } from '../api.ts'
import { refreshNames, useNames } from '../names.ts'
import type { NodeStatus } from '../node-status.ts'
import { orgLabel } from '../words.ts'
import { NeedsNode, needsNode, useSubscribe } from './badges.tsx'
import { Invitations } from './invitations.tsx'

const ROLE_WORDS: Record<Network['role'], string> = {
  facilitator: 'we facilitate it',
  member: 'we are a member',
  pending: 'waiting for a facilitator to accept us',
  removed: 'we were removed'
}

/** Learning networks: the ones this organisation is in, create one, join one with a code. */
export function NetworksPage ({ status }: { status: NodeStatus }) {
  const [networks, setNetworks] = useState<Network[] | undefined>()
  const [error, setError] = useState<string | undefined>()
  const [name, setName] = useState('')
  const [visibility, setVisibility] = useState<'invite' | 'approval'>('invite')
  const [code, setCode] = useState('')
  const [note, setNote] = useState<string | undefined>()
  const [tick, setTick] = useState(0)
  useSubscribe(status.subscribe)
  useEffect(() => { document.title = 'Learning networks · Commonplace' }, [])
  useEffect(() => status.onEvent(e => { if (e.type === 'network' || e.type === 'peer') setTick(t => t + 1) }), [status])
  useEffect(() => { api.networks().then(n => { setNetworks(n); setError(undefined) }, err => { setError(errorText(err)) }) }, [tick])
  const run = async (action: () => Promise<string | undefined>): Promise<void> => {
    try {
      setNote(await action())
      setError(undefined)
      setTick(t => t + 1)
      refreshNames()
    } catch (err) {
      setError(errorText(err))
    }
  }
  return (
    <section aria-labelledby="networks-heading">
      <div class="bar"><h1 id="networks-heading">Learning networks</h1></div>
      <NeedsNode status={status} />
      {error != null && <p role="alert" class="error">{error}</p>}
      {note != null && <p role="status">{note}</p>}
      {networks != null && (networks.length === 0
        ? <p>This organisation is in no network yet.</p>
        : (
          <ul class="doc-list" aria-label="Networks">
            {networks.map(n => (
              <li key={n.id}>
                <a href={`#/network/${encodeURIComponent(n.id)}`}>{n.name}</a>
                <span class="meta">{ROLE_WORDS[n.role]} · {n.memberCount} member{n.memberCount === 1 ? '' : 's'} · {n.visibility === 'invite' ? 'by invitation' : 'joins approved by a facilitator'}</span>
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
        <div class="actions"><button type="submit" {...needsNode(status)}>Create network</button></div>
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
        <div class="actions"><button type="submit" {...needsNode(status)}>Join</button></div>
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
  const [error, setError] = useState<string | undefined>()
  const [topic, setTopic] = useState({ title: '', brief: '' })
  const [tick, setTick] = useState(0)
  const nameOf = useNames()
  useSubscribe(status.subscribe)
  useEffect(() => { document.title = `${network?.name ?? 'Network'} · Commonplace` }, [network?.name])
  useEffect(() => status.onEvent(e => { if (e.type === 'network' || e.type === 'peer') setTick(t => t + 1) }), [status])
  useEffect(() => {
    Promise.all([api.networks(), api.members(id), api.topics(id), api.search({})]).then(([all, m, t, d]) => {
      setNetwork(all.find(n => n.id === id)); setMembers(m); setTopics(t); setDocs(d); setError(undefined)
    }, err => { setError(errorText(err)) })
  }, [id, tick])
  const facilitator = network?.role === 'facilitator'
  const who = (org: string): string => orgLabel(org, me, o => members.find(m => m.orgId === o)?.name ?? nameOf(o))
  const run = async (action: () => Promise<void>): Promise<void> => {
    try { await action(); setError(undefined); setTick(t => t + 1) } catch (err) { setError(errorText(err)) }
  }
  return (
    <section aria-labelledby="network-heading">
      <div class="bar"><a href="#/networks">← Networks</a><h1 id="network-heading">{network?.name ?? 'Network'}</h1><a href={`#/network/${encodeURIComponent(id)}/diffusion`}>How practices spread</a></div>
      <NeedsNode status={status} />
      {error != null && <p role="alert" class="error">{error}</p>}
      <h2>Members</h2>
      <ul aria-label="Members">
        {members.map(m => (
          <li key={m.orgId}>
            {who(m.orgId)} · {m.role === 'facilitator' ? 'facilitator' : 'member'} · <span class={`badge ${m.online || m.orgId === me?.orgId ? 'ok' : ''}`}>{m.online || m.orgId === me?.orgId ? 'online' : m.lastSeen != null ? `last seen ${new Date(m.lastSeen).toLocaleString()}` : 'not seen yet'}</span>
          </li>
        ))}
      </ul>
      {facilitator && <Invitations network={id} status={status} tick={tick} />}
      <h2>Topics</h2>
      {topics.length === 0 ? <p>No topics yet.</p> : (
        <ul aria-label="Topics" class="topics">
          {topics.map(t => (
            <li key={t.id}>
              <a href={`#/doc/${encodeURIComponent(t.id)}`}>{t.title}</a> <span class="meta">seeded by {who(t.createdBy)}</span>
              {t.brief !== '' && <p class="meta">{t.brief}</p>}
              {t.attachments.length > 0 && (
                <ul aria-label={`Attached to ${t.title}`}>
                  {t.attachments.map(a => <li key={a.id}><a href={`#/doc/${encodeURIComponent(a.id)}`}>{a.title ?? 'A document this node does not hold'}</a> <span class="meta">attached by {who(a.attachedBy)}</span></li>)}
                </ul>
              )}
              <AttachForm topic={t} network={network?.name ?? 'this network'} docs={docs} me={me} status={status} ownerName={who}
                onAttach={async doc => { await run(async () => { await api.attach(id, t.id, doc) }) }} />
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
          <div class="actions"><button type="submit" {...needsNode(status)}>Seed topic</button></div>
        </form>
      )}
    </section>
  )
}

interface AttachProps {
  topic: Topic
  network: string
  docs: DocHit[]
  me: Me | undefined
  status: NodeStatus
  ownerName: (org: string) => string
  onAttach: (doc: string) => Promise<void>
}

/**
 * Attach a document to a topic, after saying what that does: a document of ours is shared with
 * the whole network. Topics themselves and documents already attached are not offered.
 */
function AttachForm ({ topic, network, docs, me, status, ownerName, onAttach }: AttachProps) {
  const [doc, setDoc] = useState('')
  const [confirming, setConfirming] = useState(false)
  const attached = new Set(topic.attachments.map(a => a.id))
  const offered = docs.filter(d => d.id !== topic.id && d.kind !== 'topic-seed' && !attached.has(d.id))
  if (offered.length === 0) return null
  const chosen = offered.find(d => d.id === doc)
  const ours = chosen?.owner === me?.orgId
  return (
    <form class="inline attach" aria-label={`Attach a document to ${topic.title}`} onSubmit={async e => {
      e.preventDefault()
      if (chosen == null) return
      if (!confirming) { setConfirming(true); return }
      await onAttach(chosen.id)
      setConfirming(false)
      setDoc('')
    }}>
      <select aria-label={`Document to attach to ${topic.title}`} value={doc} onChange={e => { setDoc(e.currentTarget.value); setConfirming(false) }}>
        <option value="">Choose a document…</option>
        {offered.map(d => <option key={d.id} value={d.id}>{d.title || 'Untitled'}</option>)}
      </select>
      {!confirming && <button type="submit" aria-label={`Attach to ${topic.title}`} {...needsNode(status)}>Attach</button>}
      {confirming && chosen != null && (
        <div class="confirm" role="group" aria-label="Confirm attaching">
          <p>{ours
            ? <>Attaching “{chosen.title || 'Untitled'}” shares it with <strong>{network}</strong>: every member of the network can read it.</>
            : <>“{chosen.title || 'Untitled'}” belongs to {ownerName(chosen.owner)}: members of <strong>{network}</strong> can open it only if {ownerName(chosen.owner)} shares it with them.</>}</p>
          <div class="actions">
            <button type="submit" {...needsNode(status)}>{ours ? `Attach and share with ${network}` : 'Attach'}</button>
            <button type="button" onClick={() => { setConfirming(false) }}>Cancel</button>
          </div>
        </div>
      )}
    </form>
  )
}
