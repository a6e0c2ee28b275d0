import { useEffect, useState } from 'preact/hooks'
import { api, errorText } from '../api.ts'
import type { Invitation, OutstandingInvitation } from '../api.ts'
import type { NodeStatus } from '../node-status.ts'
import { needsNode } from './badges.tsx'
import { CopyField } from './copy.tsx'

const VALID_FOR = [['1d', '1 day'], ['7d', '7 days'], ['30d', '30 days']] as const
const USES = [1, 5, 10, 25] as const

/**
 * Codes made in this page, by invitation id. The node keeps no code (only the invitation it
 * signed), so a code can be shown again only here, and only until the page is closed.
 */
const made = new Map<string, Invitation>()
let newest: string | undefined

function until (iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}

function uses (n: number): string {
  return n === 1 ? 'one organisation' : `${n} organisations`
}

/**
 * A facilitator's invitation codes: make one (how long it is valid, how many organisations may
 * join with it), copy it; codes used up or expired are no longer shown (the node lists the
 * outstanding invitations; their codes are known only to the page that made them).
 */
export function Invitations ({ network, status, tick }: { network: string, status: NodeStatus, tick: number }) {
  const [expires, setExpires] = useState<string>('7d')
  const [count, setCount] = useState<number>(1)
  const [outstanding, setOutstanding] = useState<OutstandingInvitation[] | undefined>()
  const [error, setError] = useState<string | undefined>()
  const [again, setAgain] = useState(0)
  useEffect(() => {
    api.invitations(network).then(list => { setOutstanding(list); setError(undefined) }, err => { setError(errorText(err)) })
  }, [network, tick, again])
  const make = async (e: Event): Promise<void> => {
    e.preventDefault()
    try {
      const invitation = await api.invite(network, { expires, uses: count })
      made.set(invitation.id, invitation)
      newest = invitation.id
      setAgain(n => n + 1)
    } catch (err) {
      setError(errorText(err))
    }
  }
  const list = outstanding ?? []
  const mine = list.filter(i => made.has(i.id)).sort((a, b) => (a.id === newest ? -1 : b.id === newest ? 1 : b.issuedAt.localeCompare(a.issuedAt)))
  const others = list.length - mine.length
  return (
    <section class="card" aria-labelledby="invitations-heading">
      <h2 id="invitations-heading">Invitation codes</h2>
      <form class="stack-narrow" aria-label="Make an invitation code" onSubmit={make}>
        <label>Valid for <select aria-label="Valid for" value={expires} onChange={e => { setExpires(e.currentTarget.value) }}>
          {VALID_FOR.map(([value, text]) => <option key={value} value={value}>{text}</option>)}
        </select></label>
        <label>Number of uses <select aria-label="Number of uses" value={String(count)} onChange={e => { setCount(Number(e.currentTarget.value)) }}>
          {USES.map(n => <option key={n} value={String(n)}>{uses(n)}</option>)}
        </select></label>
        <div class="actions"><button type="submit" {...needsNode(status)}>Make an invitation code</button></div>
      </form>
      {error != null && <p role="alert" class="error">{error}</p>}
      {mine.map(i => {
        const code = made.get(i.id)!.code
        const what = `for ${uses(i.uses)} (${i.used} used), valid until ${until(i.expiresAt)}`
        return i.id === newest
          ? <CopyField key={i.id} label="New invitation code" text={code} buttonLabel="Copy the new invitation code" />
          : <CopyField key={i.id} label={`Invitation code ${what}`} text={code} buttonLabel={`Copy the invitation code ${what}`} />
      })}
      {mine.some(i => i.id === newest) && <p class="hint">Give the code to the organisation you invite: it pastes it under <strong>Join with an invitation code</strong> on its Networks page. {uses(made.get(newest!)!.uses).replace(/^./, c => c.toUpperCase())} can join with it.</p>}
      {others > 0 && <p class="hint">{others === 1 ? 'One more code is' : `${others} more codes are`} still valid, made earlier or in another window: a code is shown only in the page that made it.</p>}
    </section>
  )
}
