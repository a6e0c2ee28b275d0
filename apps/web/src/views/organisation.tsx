import { useEffect, useState } from 'preact/hooks'
import { api, errorText } from '../api.ts'
import type { Card } from '../api.ts'
import type { NodeStatus } from '../node-status.ts'
import { CopyField } from './copy.tsx'
import { QrCode } from './qr-code.tsx'
import '../directory.css'

/**
 * Our organisation: the card another organisation pastes into "Add an organisation", with a
 * Copy button and a QR code of the same code (for two practice managers in one meeting).
 */
export function OrganisationPage ({ status }: { status: NodeStatus }) {
  const [card, setCard] = useState<Card | undefined>()
  const [error, setError] = useState<string | undefined>()
  const [tick, setTick] = useState(0)
  useEffect(() => { document.title = 'Our organisation · Commonplace' }, [])
  // the addresses may change when the node restarts: load again when it is back
  useEffect(() => status.subscribe(() => { if (status.reconnected) setTick(t => t + 1) }), [status])
  useEffect(() => {
    api.card().then(c => { setCard(c); setError(undefined) }, err => { setError(errorText(err)) })
  }, [tick])
  return (
    <section class="directory-view" aria-labelledby="org-heading">
      <div class="bar"><h1 id="org-heading">Our organisation</h1></div>
      {error != null && <p role="alert" class="error">{error}</p>}
      {card != null && (
        <>
          <dl class="facts">
            <dt>Name</dt><dd>{card.name}</dd>
            <dt>Organisation id</dt><dd class="code">{card.orgId}</dd>
            <dt>Addresses</dt>
            <dd>{card.addresses.length === 0 ? 'None yet: the node is not listening on the network.' : <ul class="plain">{card.addresses.map(a => <li key={a} class="code">{a}</li>)}</ul>}</dd>
          </dl>
          <CardCode code={card.code} />
        </>
      )}
    </section>
  )
}

function CardCode ({ code }: { code: string }) {
  return (
    <div class="card org-card">
      <h2>Our card</h2>
      <p>Give this code to an organisation you want to work with: they paste it under <strong>Add an organisation</strong> in their Directory. It holds our name and where our node is reached, signed by our organisation; it lets them introduce themselves to us, nothing more.</p>
      <CopyField label="Card code" text={code} rows={4} />
      <figure class="qr-figure">
        <QrCode text={code} label="QR code of our card" />
        <figcaption>The same card as a QR code, to scan in a meeting.</figcaption>
      </figure>
    </div>
  )
}
