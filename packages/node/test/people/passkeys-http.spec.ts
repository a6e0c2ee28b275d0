/**
 * Passkeys through the node's HTTP API (docs/people.md, "Passkeys"), one real node in process:
 * the routes' roles (a person's own passkeys need their session, signing in is public), the
 * relying party taken from the page's Origin (one of the node's own: `localhost` with the port),
 * an IP address refused as relying party, the API token's holder (no page, no person) refused,
 * bad bodies refused with ERR_INVALID_INPUT, and a sign-in with a passkey giving a session.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { Browser, api, cleanUp, organisation } from './browsers.ts'
import { softAuthenticator } from './soft-authenticator.ts'

afterEach(cleanUp)

/** A browser whose page is `http://localhost:<port>`: what a person opening the node on its own computer has. */
const localhost = (node: Browser['node']): Browser => new Browser(node, node.apiUrl.replace('127.0.0.1', 'localhost'))

describe('passkeys over the local API', () => {
  it('adds a passkey under the page\'s host name and signs in with it; refuses an IP address, the token and bad bodies', async () => {
    const { node, token, editor } = await organisation()
    const page = localhost(node)
    page.cookie = editor.cookie
    const key = softAuthenticator(node.apiUrl.replace('127.0.0.1', 'localhost'))

    // under 127.0.0.1 the browser could not make one: the node says what to open instead
    const byAddress = await editor.request('POST', '/api/people/me/passkeys/options', {})
    expect(byAddress).toMatchObject({ status: 400, json: { error: { code: 'ERR_PASSKEY_INVALID' } } })
    expect(byAddress.json.error.message).toMatch(/open the app under http:\/\/localhost:\d+/)

    const options = await page.request('POST', '/api/people/me/passkeys/options', {})
    expect(options.json).toMatchObject({ rp: { id: 'localhost', name: 'Riverside Surgery' }, user: { displayName: 'Dr Lena Fischer' } })
    expect((await page.request('POST', '/api/people/me/passkeys', { id: 'x', clientDataJSON: 'not base64url!', attestationObject: 'AA' })).json.error.code).toBe('ERR_INVALID_INPUT')
    const added = await page.request('POST', '/api/people/me/passkeys', key.create(options.json))
    expect(added).toMatchObject({ status: 200, json: { id: key.id, backedUp: false } })
    expect((await page.request('GET', '/api/people/me/passkeys', undefined)).json).toHaveLength(1)

    // the API token's holder has no page and no person
    expect((await api(node, token, 'POST', '/api/people/me/passkeys/options', {})).json.error.code).toBe('ERR_FORBIDDEN')

    // a stranger's browser: signing in is public, and the passkey alone makes the session
    const laptop = localhost(node)
    expect((await laptop.request('GET', '/api/people/me/passkeys', undefined)).json.error.code).toBe('ERR_UNAUTHORISED')
    const challenge = await laptop.request('POST', '/api/people/passkey-sign-in/options', {})
    expect(challenge.json).toMatchObject({ rpId: 'localhost', userVerification: 'required' })
    const signedIn = await laptop.request('POST', '/api/people/passkey-sign-in', key.get(challenge.json))
    expect(signedIn).toMatchObject({ status: 200, json: { role: 'editor', person: { name: 'Dr Lena Fischer' } } })
    expect((await laptop.request('GET', '/api/web/me', undefined)).json).toMatchObject({ person: { name: 'Dr Lena Fischer' } })
    // after typing a name: that account's passkeys; an unknown name gets the same shape; a bad name is refused
    const named = await localhost(node).request('POST', '/api/people/passkey-sign-in/options', { login: 'Dr Lena Fischer' })
    expect(named.json.allowCredentials).toEqual([{ type: 'public-key', id: key.id }])
    const unknown = await localhost(node).request('POST', '/api/people/passkey-sign-in/options', { login: 'Nobody Here' })
    expect({ status: unknown.status, keys: Object.keys(unknown.json).sort() }).toEqual({ status: named.status, keys: Object.keys(named.json).sort() })
    expect(unknown.json.allowCredentials[0]).toMatchObject({ type: 'public-key', id: expect.stringMatching(/^[A-Za-z0-9_-]+$/) })
    expect((await localhost(node).request('POST', '/api/people/passkey-sign-in/options', { login: 'x'.repeat(255) })).json.error.code).toBe('ERR_INVALID_INPUT')
    expect((await localhost(node).request('POST', '/api/people/passkey-sign-in/options', { login: 7 })).json.error.code).toBe('ERR_INVALID_INPUT')
    // the same assertion again: its challenge is spent
    expect((await localhost(node).request('POST', '/api/people/passkey-sign-in', key.get(challenge.json))))
      .toMatchObject({ status: 401, json: { error: { code: 'ERR_PASSKEY_SIGN_IN_FAILED' } } })
  })
})
