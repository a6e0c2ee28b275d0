/**
 * People in the page (docs/people.md): signing in, accepting an invitation, the first admin's
 * setup, the People page (invite, roles, removal, the names setting) and the account controls
 * (sign out, sign out everywhere). Every refusal is the node's sentence, shown in the page.
 */
import { useEffect, useState } from 'preact/hooks'
import { api, errorText } from '../api.ts'
import type { Me, Person, PersonInvitation, PersonRole } from '../api.ts'
import { CopyField } from './copy.tsx'
import { AddPasskeyButton, PasskeyList, PasskeySignIn, devicePasskeys } from './passkeys.tsx'
import '../directory.css'

const ROLES: Array<{ value: PersonRole, label: string }> = [
  { value: 'viewer', label: 'Viewer: reads documents' },
  { value: 'editor', label: 'Editor: creates and edits documents' },
  { value: 'admin', label: 'Admin: people, sharing, networks, everything' }
]

/** Start again from the documents with the new session: every open connection takes it. */
function restart (): void {
  localStorage.removeItem('commonplace:me')
  location.hash = '#/'
  location.reload()
}

/** A form that calls `submit` and shows its refusal. */
function useSubmit (submit: () => Promise<void>): { busy: boolean, error?: string, onSubmit: (e: Event) => void } {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>()
  return {
    busy,
    error,
    onSubmit: (e: Event) => {
      e.preventDefault()
      setBusy(true)
      submit().then(() => { setError(undefined) }, err => { setError(errorText(err)) }).finally(() => { setBusy(false) })
    }
  }
}

export function SignInPage ({ reason }: { reason?: string }) {
  const [login, setLogin] = useState('')
  const [password, setPassword] = useState('')
  const form = useSubmit(async () => { await api.signIn(login, password); restart() })
  useEffect(() => { document.title = 'Sign in · Commonplace' }, [])
  return (
    <section class="directory-view" aria-labelledby="sign-in-heading">
      <div class="bar"><h1 id="sign-in-heading">Sign in</h1></div>
      {reason != null && <p role="status" class="badge warn">{reason}</p>}
      <form class="card" aria-label="Sign in" onSubmit={form.onSubmit}>
        <label>Name or email <input aria-label="Name or email" autoComplete="username" required value={login} onInput={e => { setLogin(e.currentTarget.value) }} /></label>
        <label>Password <input aria-label="Password" type="password" autoComplete="current-password" required value={password} onInput={e => { setPassword(e.currentTarget.value) }} /></label>
        {form.error != null && <p role="alert" class="error">{form.error}</p>}
        <div class="actions"><button type="submit" disabled={form.busy}>Sign in</button></div>
      </form>
      <PasskeySignIn login={login} done={restart} />
      <p class="meta">No account yet? Ask an admin of your organisation for an invitation link.</p>
    </section>
  )
}

export function JoinPage ({ token }: { token: string }) {
  const [info, setInfo] = useState<{ name: string, role: PersonRole, organisation: string } | undefined>()
  const [problem, setProblem] = useState<string | undefined>()
  const [password, setPassword] = useState('')
  const [again, setAgain] = useState('')
  const [joined, setJoined] = useState(false)
  const form = useSubmit(async () => {
    if (password !== again) throw new Error('mismatch')
    await api.acceptInvitation(token, password)
    // where the device can hold a passkey, the new person may add one before going on
    if (await devicePasskeys()) setJoined(true)
    else restart()
  })
  useEffect(() => { document.title = 'Join · Commonplace' }, [])
  useEffect(() => { api.invitation(token).then(setInfo, err => { setProblem(errorText(err)) }) }, [token])
  return (
    <section class="directory-view" aria-labelledby="join-heading">
      <div class="bar"><h1 id="join-heading">{info == null ? 'Join your organisation' : `Join ${info.organisation}`}</h1></div>
      {problem != null && <p role="alert" class="error">{problem}</p>}
      {joined && (
        <div class="card" role="region" aria-label="Add a passkey">
          <p>You have joined. You may also add a passkey: then this device signs you in with your fingerprint, face or PIN, without the password.</p>
          <div class="actions">
            <AddPasskeyButton added={restart} />
            <button type="button" onClick={restart}>Not now</button>
          </div>
        </div>
      )}
      {info != null && !joined && (
        <form class="card" aria-label="Set your password" onSubmit={form.onSubmit}>
          <p>You are invited as <strong>{info.name}</strong>, {info.role}. Choose a password (at least 10 characters): you will sign in with your name and this password.</p>
          <label>Password <input aria-label="Password" type="password" autoComplete="new-password" minLength={10} required value={password} onInput={e => { setPassword(e.currentTarget.value) }} /></label>
          <label>Password again <input aria-label="Password again" type="password" autoComplete="new-password" required value={again} onInput={e => { setAgain(e.currentTarget.value) }} /></label>
          {form.error != null && <p role="alert" class="error">{password !== again ? 'The two passwords differ.' : form.error}</p>}
          <div class="actions"><button type="submit" disabled={form.busy}>Set password and join</button></div>
        </form>
      )}
    </section>
  )
}

/** For the admin link's holder on an organisation without people: name it and become its first admin. */
export function SetupCard ({ me }: { me: Me }) {
  const [organisation, setOrganisation] = useState(me.name)
  const [name, setName] = useState('')
  const [password, setPassword] = useState('')
  const form = useSubmit(async () => { await api.setup({ organisation, name, password }); restart() })
  return (
    <form class="card" aria-label="Set up your organisation" onSubmit={form.onSubmit}>
      <h2>Set up your organisation</h2>
      <p>Name the organisation and yourself. You become its first admin and then invite your colleagues from People.</p>
      <label>Organisation name <input aria-label="Organisation name" required value={organisation} onInput={e => { setOrganisation(e.currentTarget.value) }} /></label>
      <label>Your name <input aria-label="Your name" autoComplete="name" required value={name} onInput={e => { setName(e.currentTarget.value) }} /></label>
      <label>Password <input aria-label="Your password" type="password" autoComplete="new-password" minLength={10} required value={password} onInput={e => { setPassword(e.currentTarget.value) }} /></label>
      {form.error != null && <p role="alert" class="error">{form.error}</p>}
      <div class="actions"><button type="submit" disabled={form.busy}>Become the first admin</button></div>
    </form>
  )
}

/** Who is signed in, with sign out and sign out everywhere. */
export function AccountControls ({ me }: { me: Me }) {
  const out = (everywhere: boolean): void => { api.signOut(everywhere).then(restart, restart) }
  return (
    <span class="account">
      <a class="person" href="#/account">{me.person?.name ?? 'Node administrator'}{me.role != null ? ` (${me.role})` : ''}</a>
      <button type="button" class="link" onClick={() => { out(false) }}>Sign out</button>
      <button type="button" class="link" onClick={() => { out(true) }}>Sign out everywhere</button>
    </span>
  )
}

/** The person's own sessions: where they are signed in, each to end, or all at once. */
export function AccountPage ({ me }: { me: Me | undefined }) {
  const [sessions, setSessions] = useState<Awaited<ReturnType<typeof api.sessions>>>([])
  const [error, setError] = useState<string | undefined>()
  const [tick, setTick] = useState(0)
  useEffect(() => { document.title = 'Your sessions · Commonplace' }, [])
  useEffect(() => { api.sessions().then(setSessions, err => { setError(errorText(err)) }) }, [tick])
  return (
    <section class="directory-view" aria-labelledby="account-heading">
      <div class="bar"><h1 id="account-heading">Your sessions</h1></div>
      {error != null && <p role="alert" class="error">{error}</p>}
      <ul class="doc-list" aria-label="Where you are signed in">
        {sessions.map(s => (
          <li key={s.id}>
            <span>{s.agent === '' ? 'A browser' : s.agent}{s.current ? ' (this browser)' : ''}</span>
            <span class="meta">signed in {new Date(s.createdAt).toLocaleString()}, until {new Date(s.expiresAt).toLocaleDateString()}</span>
            {!s.current && <div class="actions"><button type="button" onClick={() => { api.endSession(s.id).then(() => { setTick(t => t + 1) }, err => { setError(errorText(err)) }) }}>End this session</button></div>}
          </li>
        ))}
      </ul>
      <div class="actions"><button type="button" onClick={() => { api.signOut(true).then(restart, restart) }}>Sign out everywhere</button></div>
      <PasskeyList person={me?.person != null} />
    </section>
  )
}

export function PeoplePage ({ me }: { me: Me | undefined }) {
  const [people, setPeople] = useState<Person[]>([])
  const [error, setError] = useState<string | undefined>()
  const [showNames, setShowNames] = useState<boolean | undefined>()
  const [tick, setTick] = useState(0)
  useEffect(() => { document.title = 'People · Commonplace' }, [])
  useEffect(() => {
    api.people().then(setPeople, err => { setError(errorText(err)) })
    api.peopleSettings().then(s => { setShowNames(s.showPeopleNames) }, () => {})
  }, [tick])
  const act = (p: Promise<unknown>): void => { p.then(() => { setError(undefined); setTick(t => t + 1) }, err => { setError(errorText(err)) }) }
  return (
    <section class="directory-view" aria-labelledby="people-heading">
      <div class="bar"><h1 id="people-heading">People</h1></div>
      {error != null && <p role="alert" class="error">{error}</p>}
      <table class="people" aria-label="People of the organisation">
        <thead><tr><th>Name</th><th>Role</th><th /></tr></thead>
        <tbody>
          {people.map(p => (
            <tr key={p.id}>
              <td>{p.name}{p.id === me?.person?.id ? ' (you)' : ''}</td>
              <td>
                <select aria-label={`Role of ${p.name}`} value={p.role} onChange={e => { act(api.setPersonRole(p.id, e.currentTarget.value as PersonRole)) }}>
                  {ROLES.map(r => <option key={r.value} value={r.value}>{r.value}</option>)}
                </select>
              </td>
              <td><button type="button" aria-label={`Remove ${p.name}`} onClick={() => { act(api.removePerson(p.id)) }}>Remove</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <InviteForm onInvited={() => { setTick(t => t + 1) }} />
      {showNames != null && (
        <label class="card">
          <input type="checkbox" checked={showNames} onChange={e => {
            // shown as clicked at once: a render before the node answers must not undo the click
            const show = e.currentTarget.checked
            setShowNames(show)
            api.setPeopleSettings(show).then(() => { setError(undefined); setTick(t => t + 1) }, err => { setShowNames(!show); setError(errorText(err)) })
          }} />
          {' '}Show our people's names to other organisations (otherwise they see only the organisation's name)
        </label>
      )}
    </section>
  )
}

function InviteForm ({ onInvited }: { onInvited: () => void }) {
  const [name, setName] = useState('')
  const [role, setRole] = useState<PersonRole>('editor')
  const [expires, setExpires] = useState('7d')
  const [invited, setInvited] = useState<PersonInvitation | undefined>()
  const form = useSubmit(async () => {
    setInvited(await api.invitePerson({ name, role, expires }))
    setName('')
    onInvited()
  })
  return (
    <form class="card" aria-label="Invite a colleague" onSubmit={form.onSubmit}>
      <h2>Invite a colleague</h2>
      <label>Name <input aria-label="Colleague's name" required value={name} onInput={e => { setName(e.currentTarget.value) }} /></label>
      <label>Role <select aria-label="Colleague's role" value={role} onChange={e => { setRole(e.currentTarget.value as PersonRole) }}>
        {ROLES.map(r => <option key={r.value} value={r.value}>{r.label}</option>)}
      </select></label>
      <label>Link works for <select aria-label="Link works for" value={expires} onChange={e => { setExpires(e.currentTarget.value) }}>
        <option value="1d">1 day</option><option value="7d">7 days</option><option value="30d">30 days</option>
      </select></label>
      {form.error != null && <p role="alert" class="error">{form.error}</p>}
      <div class="actions"><button type="submit" disabled={form.busy}>Invite</button></div>
      {invited != null && (
        <div role="status">
          <p>Give {invited.name} this link. It works once, until {new Date(invited.expiresAt).toLocaleString()}.</p>
          <CopyField label="Invitation link" text={invited.url} rows={2} />
        </div>
      )}
    </form>
  )
}
