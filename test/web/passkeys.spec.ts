/**
 * Passkeys end to end in Chromium (docs/people.md, "Passkeys"): the node serves HTTPS under a
 * host name that is not loopback (mapped to 127.0.0.2 in Chromium's resolver), and the person's
 * browser has a virtual platform authenticator (CDP WebAuthn domain: CTAP2, resident keys, user
 * verification). An invited colleague sets a password and adds a passkey on the invitation page,
 * sees it on their account page, removes it and adds another there (axe finds nothing on that page
 * nor on Sign in), signs out and signs in with it alone; under the node's loopback IP address the
 * page offers no passkey; once an admin removes them, the same passkey is refused with the page's
 * sentence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core'
import { cliOk } from '../helpers/cli.ts'
import { killAllChildren } from '../helpers/processes.ts'
import { checkView } from './helpers/axe.ts'
import { launchChromium } from './helpers/browser.ts'
import { PUBLIC_HOST_ADDRESS, WebNode } from './helpers/web-node.ts'

const HOST = 'commonplace.hillside.test'
const PASSWORD = 'correct horse battery'
const NAME = 'Dr Lena Fischer'

describe('web app: passkeys beside the password, over HTTPS under a host name', () => {
  const node = new WebNode('Hillside', { publicHost: HOST })
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let cdp: CDPSession
  let authenticatorId = ''

  beforeAll(async () => {
    ;[browser] = await Promise.all([
      launchChromium([`--host-resolver-rules=MAP ${HOST} ${PUBLIC_HOST_ADDRESS}`, '--ignore-certificate-errors']),
      node.start()
    ])
    context = await browser.newContext({ viewport: { width: 1100, height: 800 } })
    page = await context.newPage()
    cdp = await context.newCDPSession(page)
    await cdp.send('WebAuthn.enable', { enableUI: false })
    authenticatorId = (await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true }
    })).authenticatorId
  }, 60_000)

  afterAll(async () => {
    await context?.close()
    await browser?.close()
    await node.stop()
    await node.destroy()
    await killAllChildren()
  })

  it('lets an invited colleague add a passkey after setting a password, and lists it', async () => {
    const invited = await cliOk<{ url: string }>(node.dataDir, ['person', 'invite', '--name', NAME, '--role', 'editor'])
    await page.goto(invited.url.replace(/^https?:\/\/[^/]+/, node.webUrl))
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await page.getByLabel('Password again', { exact: true }).fill(PASSWORD)
    await page.getByRole('button', { name: 'Set password and join' }).click()
    await page.getByRole('region', { name: 'Add a passkey' }).getByRole('button', { name: 'Add a passkey' }).click()
    await page.getByText(`${NAME} (editor)`).click()
    await page.getByRole('heading', { name: 'Your passkeys' }).waitFor()
    await page.getByRole('list', { name: 'Your passkeys' }).getByText(/^Passkey added \d{4}-\d{2}-\d{2}$/).waitFor()
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId })
    expect(credentials).toHaveLength(1)
    expect(credentials[0]).toMatchObject({ isResidentCredential: true, rpId: HOST })
  })

  it('removes the passkey from the account page and adds another there', async () => {
    const list = page.getByRole('list', { name: 'Your passkeys' })
    const first = await list.getByText(/^Passkey added/).textContent() ?? ''
    await page.getByRole('button', { name: `Remove ${first}` }).click()
    await page.getByText('No passkeys yet: you sign in with your password.').waitFor()
    await page.getByRole('button', { name: 'Add a passkey' }).click()
    await list.getByText(/^Passkey added/).waitFor()
    // the authenticator replaced its credential for this person with the new one
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId })
    expect(credentials).toHaveLength(1)
    await checkView(page, 'the account page with a passkey')
  })

  it('signs out, then signs in with the passkey alone', async () => {
    await page.getByRole('button', { name: 'Sign out', exact: true }).click()
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    await checkView(page, 'the Sign in page with its passkey button')
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click()
    await page.getByText(`${NAME} (editor)`).waitFor()
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId })
    expect(credentials[0].signCount).toBeGreaterThan(1)
  })

  it('signs in with the passkey after the name is typed: the browser is offered that account\'s passkeys', async () => {
    await page.getByRole('button', { name: 'Sign out', exact: true }).click()
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    await page.getByRole('textbox', { name: 'Name or email' }).fill(NAME.toLowerCase())
    // what the page asked and the node offered, read as it arrives (the page reloads once signed in)
    let asked: string | null = null
    let offered: Promise<unknown> | undefined
    const listen = (response: { url: () => string, json: () => Promise<unknown>, request: () => { postData: () => string | null } }): void => {
      if (!response.url().endsWith('/api/people/passkey-sign-in/options')) return
      asked = response.request().postData()
      offered = response.json().then(json => (json as { allowCredentials?: unknown }).allowCredentials)
    }
    page.on('response', listen)
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click()
    await page.getByText(`${NAME} (editor)`).waitFor()
    page.off('response', listen)
    expect(JSON.parse(asked ?? '{}')).toEqual({ login: NAME.toLowerCase() })
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId })
    expect(await offered).toEqual([{ type: 'public-key', id: Buffer.from(credentials[0].credentialId, 'base64').toString('base64url') }])
  })

  it('offers no passkey under the node\'s loopback IP address (a secure context, but no host name to be the relying party)', async () => {
    const plain = await context.newPage()
    await plain.goto(`${node.apiUrl}/#/sign-in`)
    await plain.getByRole('heading', { name: 'Sign in' }).waitFor()
    expect(await plain.evaluate(() => window.isSecureContext && location.protocol === 'http:')).toBe(true)
    expect(await plain.getByRole('button', { name: 'Sign in with a passkey' }).count()).toBe(0)
    await plain.close()
  })

  it('refuses a removed person\'s passkey at once', async () => {
    await cliOk(node.dataDir, ['person', 'remove', NAME])
    await page.reload()
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click()
    await page.getByRole('alert').getByText('This passkey was not accepted: it is not known here').waitFor()
    // the browser still holds it; the node refuses it
    expect((await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials).toHaveLength(1)
    expect(await page.evaluate(async () => (await fetch('/api/people/me/passkeys')).status)).toBe(401)
  })
})
