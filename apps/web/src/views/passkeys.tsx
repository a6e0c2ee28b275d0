/**
 * Passkeys in the page (docs/people.md, "Passkeys"): adding one (the account page, and the
 * invitation page after the password), the person's list with removal, and "Sign in with a
 * passkey". The node makes the challenges and verifies what the browser answers; the page only
 * moves bytes between the two, as base64url. Offered only where the browser can: a secure context
 * (HTTPS, or localhost) with WebAuthn, under a host name (an IP address cannot be a relying party).
 */
import { useEffect, useState } from 'preact/hooks'
import { api, errorText } from '../api.ts'
import type { PasskeyCreationOptions, PasskeyRequestOptions, PasskeyView } from '../api.ts'

/** Whether this page may offer passkeys at all. */
export function passkeysOffered (): boolean {
  return window.isSecureContext && typeof window.PublicKeyCredential === 'function' && !/^[\d.]+$|^\[/.test(location.hostname)
}

/** Whether this device itself can hold a passkey (fingerprint, face, PIN): the invitation page offers one then. */
export async function devicePasskeys (): Promise<boolean> {
  if (!passkeysOffered()) return false
  return await PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable().catch(() => false)
}

const toBytes = (text: string): Uint8Array<ArrayBuffer> => {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
  return Uint8Array.from(binary, c => c.charCodeAt(0))
}
const toText = (buffer: ArrayBuffer): string =>
  btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

/** The browser's refusal as a sentence (cancelled, timed out, or no authenticator). */
function browserText (err: unknown): string {
  if (err instanceof DOMException) {
    if (err.name === 'NotAllowedError') return 'The browser did not use a passkey: it was cancelled or took too long.'
    if (err.name === 'InvalidStateError') return 'This device already holds a passkey for you here.'
    return `The browser refused: ${err.message}`
  }
  return errorText(err)
}

async function createPasskey (options: PasskeyCreationOptions): Promise<void> {
  const credential = await navigator.credentials.create({
    publicKey: {
      ...options,
      challenge: toBytes(options.challenge),
      user: { ...options.user, id: toBytes(options.user.id) },
      excludeCredentials: options.excludeCredentials.map(c => ({ ...c, id: toBytes(c.id) }))
    }
  }) as PublicKeyCredential | null
  if (credential == null) throw new DOMException('No passkey made', 'NotAllowedError')
  const response = credential.response as AuthenticatorAttestationResponse
  await api.addPasskey({ id: credential.id, clientDataJSON: toText(response.clientDataJSON), attestationObject: toText(response.attestationObject) })
}

async function usePasskey (options: PasskeyRequestOptions): Promise<void> {
  const { allowCredentials, ...rest } = options
  const publicKey: PublicKeyCredentialRequestOptions = {
    ...rest,
    challenge: toBytes(options.challenge),
    ...(allowCredentials != null ? { allowCredentials: allowCredentials.map(c => ({ ...c, id: toBytes(c.id) })) } : {})
  }
  const credential = await navigator.credentials.get({ publicKey }) as PublicKeyCredential | null
  if (credential == null) throw new DOMException('No passkey used', 'NotAllowedError')
  const response = credential.response as AuthenticatorAssertionResponse
  await api.passkeySignIn({
    id: credential.id,
    clientDataJSON: toText(response.clientDataJSON),
    authenticatorData: toText(response.authenticatorData),
    signature: toText(response.signature),
    ...(response.userHandle != null ? { userHandle: toText(response.userHandle) } : {})
  })
}

/**
 * "Sign in with a passkey" on the Sign in page; `done` runs once signed in. Nothing where the
 * browser cannot. With a name or email typed (`login`), the browser is offered that account's
 * passkeys; without, any it holds for the node.
 */
export function PasskeySignIn ({ login, done }: { login?: string, done: () => void }) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>()
  if (!passkeysOffered()) return null
  const go = (): void => {
    setBusy(true)
    api.passkeyRequestOptions(login).then(usePasskey).then(() => { setError(undefined); done() }, err => { setError(browserText(err)) }).finally(() => { setBusy(false) })
  }
  return (
    <div class="card" role="group" aria-label="Passkey">
      {error != null && <p role="alert" class="error">{error}</p>}
      <div class="actions"><button type="button" disabled={busy} onClick={go}>Sign in with a passkey</button></div>
      <p class="meta">With your name typed above, the browser offers your passkeys; without, any it holds for this node.</p>
    </div>
  )
}

/** The button that adds a passkey; `added` runs after the node kept it. */
export function AddPasskeyButton ({ added, label = 'Add a passkey' }: { added: () => void, label?: string }) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>()
  const go = (): void => {
    setBusy(true)
    api.passkeyCreationOptions().then(createPasskey).then(() => { setError(undefined); added() }, err => { setError(browserText(err)) }).finally(() => { setBusy(false) })
  }
  return (
    <>
      {error != null && <p role="alert" class="error">{error}</p>}
      <button type="button" disabled={busy} onClick={go}>{label}</button>
    </>
  )
}

/** The account page's passkeys: the list, removal, and adding one where the browser can. */
export function PasskeyList ({ person }: { person: boolean }) {
  const [keys, setKeys] = useState<PasskeyView[]>([])
  const [error, setError] = useState<string | undefined>()
  const [tick, setTick] = useState(0)
  useEffect(() => { if (person) api.passkeys().then(setKeys, err => { setError(errorText(err)) }) }, [tick, person])
  if (!person) return null
  const again = (): void => { setTick(t => t + 1) }
  return (
    <section aria-labelledby="passkeys-heading">
      <h2 id="passkeys-heading">Your passkeys</h2>
      {error != null && <p role="alert" class="error">{error}</p>}
      {keys.length === 0 && <p class="meta">No passkeys yet: you sign in with your password.</p>}
      <ul class="doc-list" aria-label="Your passkeys">
        {keys.map(k => (
          <li key={k.id}>
            <span>{k.name}</span>
            <span class="meta">added {new Date(k.createdAt).toLocaleDateString()}{k.lastUsedAt != null ? `, last used ${new Date(k.lastUsedAt).toLocaleString()}` : ''}{k.backedUp ? ', synced' : ''}</span>
            <div class="actions"><button type="button" aria-label={`Remove ${k.name}`} onClick={() => { api.removePasskey(k.id).then(again, err => { setError(errorText(err)) }) }}>Remove</button></div>
          </li>
        ))}
      </ul>
      {passkeysOffered()
        ? <div class="actions"><AddPasskeyButton added={again} /></div>
        : <p class="meta">Passkeys need the node's HTTPS address, or http://localhost on the node's own computer. This page is served otherwise (plain HTTP, or an IP address such as 127.0.0.1), so the browser cannot add one here.</p>}
    </section>
  )
}
