import { useEffect, useState } from 'preact/hooks'
import { api, errorText } from '../api.ts'
import type { DocView, Me, Network, Peer } from '../api.ts'
import { orgName } from './doc-list.tsx'

interface Props { view: DocView, me: Me | undefined, peers: Peer[], onChange: (view: DocView) => void }

export function SharePanel ({ view, me, peers, onChange }: Props) {
  const [to, setTo] = useState('')
  const [role, setRole] = useState<'read' | 'edit'>('read')
  const [error, setError] = useState<string | undefined>()
  const [networks, setNetworks] = useState<Network[]>([])
  useEffect(() => { api.networks().then(setNetworks, () => {}) }, [])
  const nameOf = (id: string): string => {
    const network = networks.find(n => n.id === id)
    return network != null ? `the network ${network.name}` : orgName(id, me, peers)
  }
  const owner = view.access === 'owner'
  const run = async (action: () => Promise<DocView>): Promise<void> => {
    try {
      onChange(await action())
      setError(undefined)
    } catch (err) {
      setError(errorText(err))
    }
  }
  const grants = view.grants.filter(g => g.role !== 'none')
  return (
    <section class="card" aria-label="Sharing">
      <h2>Shared with</h2>
      {grants.length === 0
        ? <p>Nobody else yet: only {orgName(view.owner, me, peers)}.</p>
        : (
          <ul aria-label="Shared with">
            {grants.map(g => (
              <li key={g.to}>
                {nameOf(g.to)}: <strong>{g.role}</strong>, granted by {orgName(g.issuer, me, peers)} on {new Date(g.issuedAt).toLocaleString()}
                {owner && <button type="button" aria-label={`Revoke ${nameOf(g.to)}`} onClick={async () => { await run(async () => await api.unshare(view.id, g.to)) }}>Revoke</button>}
              </li>
            ))}
          </ul>
          )}
      {owner
        ? (
          <form aria-label="Share with an organisation" onSubmit={async e => {
            e.preventDefault()
            await run(async () => await api.share(view.id, to.trim(), role))
          }}>
            <label>Organisation <input aria-label="Organisation" list="known-orgs" required value={to} onInput={e => { setTo(e.currentTarget.value) }} placeholder="organisation id (12D3KooW…) or network id (net_…)" /></label>
            <datalist id="known-orgs">
              {peers.map(p => <option key={p.orgId} value={p.orgId}>{p.name ?? p.orgId}</option>)}
              {networks.filter(n => n.role === 'facilitator' || n.role === 'member').map(n => <option key={n.id} value={n.id}>network: {n.name}</option>)}
            </datalist>
            <label>Access <select aria-label="Access" value={role} onChange={e => { setRole(e.currentTarget.value as 'read' | 'edit') }}>
              <option value="read">read</option><option value="edit">edit</option>
            </select></label>
            <button type="submit">Grant access</button>
          </form>
          )
        : <p>Only the owner ({orgName(view.owner, me, peers)}) can share this document.</p>}
      {error != null && <p role="alert" class="error">{error}</p>}
    </section>
  )
}
