/**
 * People of one organisation on one node, end to end in Chromium (docs/people.md): the node serves
 * HTTPS with a certificate it made itself, under a host name that is not loopback (mapped to
 * 127.0.0.2 in Chromium's resolver). The admin link's holder names the organisation and becomes its
 * first admin, invites an editor and a viewer, who each join in a browser of their own and sign in
 * again after signing out; the admin and the editor see each other's cursors with their names;
 * the viewer's page is read-only and a write forged over its live connection is refused; a second
 * organisation's node (its own process) shows the edits with the organisation's name only, then with
 * the people's names once the admin turns the setting on; the admin removes the editor, whose open
 * page loses its connection at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { cliOk, showDoc } from '../helpers/cli.ts'
import { eventually } from '../helpers/eventually.ts'
import { killAllChildren } from '../helpers/processes.ts'
import { launchChromium } from './helpers/browser.ts'
import { PUBLIC_HOST_ADDRESS, WebNode } from './helpers/web-node.ts'

const HOST = 'commonplace.riverside.test'
const PASSWORD = 'correct horse battery'

async function join (page: Page, link: string, name: string, role: string): Promise<void> {
  await page.goto(link)
  await page.getByRole('heading', { name: 'Join Riverside Surgery' }).waitFor()
  await page.getByText(`You are invited as ${name}, ${role}.`).waitFor()
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
  await page.getByLabel('Password again', { exact: true }).fill(PASSWORD)
  await page.getByRole('button', { name: 'Set password and join' }).click()
  await page.getByText(`${name} (${role})`).waitFor()
}

async function invite (page: Page, name: string, role: string): Promise<string> {
  await page.getByLabel('Colleague\'s name', { exact: true }).fill(name)
  await page.getByLabel('Colleague\'s role', { exact: true }).selectOption(role)
  await page.getByRole('button', { name: 'Invite', exact: true }).click()
  await page.getByText(`Give ${name} this link.`).waitFor()
  return await page.getByLabel('Invitation link', { exact: true }).inputValue()
}

/** An update setting the document's title, written as `client` (what a changed page could send). */
function forgedTitle (doc: string, client: number): number[] {
  const forged = new Y.Doc({ guid: doc })
  forged.clientID = client
  forged.getMap('meta').set('title', 'Forged by a viewer')
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 0) // sync
  encoding.writeVarUint(encoder, 2) // update
  encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(forged))
  return [...encoding.toUint8Array(encoder)]
}

describe('web app: the people of one organisation, over HTTPS under a host name', () => {
  const node = new WebNode('Riverside', { publicHost: HOST })
  const hillview = new WebNode('Hillview Medical Practice')
  let browser: Browser
  const contexts: BrowserContext[] = []
  let admin: Page
  let editor: Page
  let viewer: Page
  let other: Page
  let docId = ''

  beforeAll(async () => {
    ;[browser] = await Promise.all([
      launchChromium([`--host-resolver-rules=MAP ${HOST} ${PUBLIC_HOST_ADDRESS}`, '--ignore-certificate-errors']),
      node.start(),
      hillview.start()
    ])
    for (let i = 0; i < 4; i++) contexts.push(await browser.newContext({ viewport: { width: 1100, height: 800 } }))
    ;[admin, editor, viewer, other] = await Promise.all(contexts.map(async c => await c.newPage()))
  }, 60_000)

  afterAll(async () => {
    for (const c of contexts) await c.close()
    await browser?.close()
    await node.stop()
    await node.destroy()
    await hillview.stop()
    await hillview.destroy()
    await killAllChildren()
  })

  it('serves HTTPS under its public name with a certificate it made, and prints its fingerprint', async () => {
    expect(node.webUrl).toMatch(new RegExp(`^https://${HOST.replaceAll('.', '\\.')}:\\d+$`))
    expect(node.login.startsWith(`${node.webUrl}/login?token=`)).toBe(true)
    expect(node.tlsFingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
  })

  it('lets the admin link\'s holder name the organisation and become its first admin', async () => {
    await admin.goto(node.login)
    await admin.getByRole('heading', { name: 'Set up your organisation' }).waitFor()
    await admin.getByLabel('Organisation name', { exact: true }).fill('Riverside Surgery')
    await admin.getByLabel('Your name', { exact: true }).fill('Amara Okafor')
    await admin.getByLabel('Your password', { exact: true }).fill(PASSWORD)
    await admin.getByRole('button', { name: 'Become the first admin' }).click()
    await admin.getByText('Amara Okafor (admin)').waitFor()
    await admin.locator('.top .org', { hasText: 'Riverside Surgery' }).waitFor()
    const cookies = await contexts[0].cookies()
    expect(cookies.find(c => c.name.startsWith('commonplace_session_'))).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Strict' })
  })

  it('invites an editor and a viewer, who join in their own browsers and sign in again after signing out', async () => {
    await admin.getByRole('link', { name: 'People' }).click()
    const editorLink = await invite(admin, 'Dr Lena Fischer', 'editor')
    const viewerLink = await invite(admin, 'Sam Patel', 'viewer')
    expect(editorLink.startsWith(`${node.webUrl}/#/join/`)).toBe(true)
    await Promise.all([join(editor, editorLink, 'Dr Lena Fischer', 'editor'), join(viewer, viewerLink, 'Sam Patel', 'viewer')])

    // a used link says so
    const again = await contexts[2].newPage()
    await again.goto(viewerLink)
    await again.getByRole('alert').getByText('already been used').waitFor()
    await again.close()

    await editor.getByRole('button', { name: 'Sign out', exact: true }).click()
    await editor.getByRole('heading', { name: 'Sign in' }).waitFor()
    await editor.getByLabel('Name or email', { exact: true }).fill('Dr Lena Fischer')
    await editor.getByLabel('Password', { exact: true }).fill('not the password')
    await editor.getByRole('button', { name: 'Sign in', exact: true }).click()
    await editor.getByRole('alert').getByText('The name or the password is wrong').waitFor()
    await editor.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await editor.getByRole('button', { name: 'Sign in', exact: true }).click()
    await editor.getByText('Dr Lena Fischer (editor)').click()
    await editor.getByRole('heading', { name: 'Your sessions' }).waitFor()
    await editor.getByRole('list', { name: 'Where you are signed in' }).getByText('(this browser)').waitFor()
    // the admin's People page lists both once they joined
    await admin.reload()
    await admin.getByRole('table', { name: 'People of the organisation' }).getByText('Sam Patel').waitFor()
    await admin.getByRole('combobox', { name: 'Role of Dr Lena Fischer' }).waitFor()
  })

  it('shows the admin and the editor each other\'s cursors with their names while they type in one document', async () => {
    docId = (await cliOk<{ id: string }>(node.dataDir, ['doc', 'create', '--title', 'Hand hygiene', '--section', 'Practice=Wash hands before and after each patient.'])).id
    await Promise.all([admin, editor, viewer].map(async page => { await page.goto(`${node.webUrl}/#/doc/${encodeURIComponent(docId)}`) }))
    for (const [page, text] of [[admin, ' Gel at every door.'], [editor, ' Audit monthly.']] as const) {
      await page.getByRole('textbox', { name: 'Practice' }).click()
      await page.keyboard.press('Control+End')
      await page.keyboard.type(text)
    }
    await admin.locator('.collaboration-cursor__label', { hasText: 'Dr Lena Fischer · Riverside Surgery' }).waitFor()
    await editor.locator('.collaboration-cursor__label', { hasText: 'Amara Okafor · Riverside Surgery' }).waitFor()
    // each one's typing is recorded as theirs: the node names its own people in "who wrote what"
    await eventually(async () => {
      const practice = (await showDoc(node.dataDir, docId)).sections.find(s => s.heading === 'Practice') as unknown as { authors: Array<{ personName?: string }> }
      expect(practice.authors.map(a => a.personName).filter(n => n != null).sort()).toEqual(['Amara Okafor', 'Dr Lena Fischer'])
    }, { what: 'the section\'s authors name both people' })
  })

  it('gives the viewer a read-only page, and refuses a write forged over its live connection', async () => {
    await viewer.getByText('Read only: you are a viewer in your organisation').waitFor()
    expect(await viewer.getByRole('textbox', { name: 'Practice' }).getAttribute('contenteditable')).toBe('false')
    // the page's own code sends no such update: a changed page could, and the node must refuse it
    const issued = await viewer.evaluate(async doc => await (await fetch(`/api/web/docs/${doc}/clients`, { method: 'POST' })).json() as { client: number }, docId)
    const bytes = forgedTitle(docId, issued.client)
    const denied = await viewer.evaluate(async ([doc, client, update]) => await new Promise<string>(resolve => {
      const ws = new WebSocket(`wss://${location.host}/ws/${doc}?clients=${client}`)
      ws.binaryType = 'arraybuffer'
      ws.onopen = () => { ws.send(new Uint8Array(update)) }
      ws.onmessage = (e: MessageEvent<ArrayBuffer>) => {
        const m = new Uint8Array(e.data)
        if (m[0] === 2) resolve(new TextDecoder().decode(m.subarray(3)))
      }
    }), [docId, issued.client, bytes] as const)
    expect(denied).toBe('read-only')
    expect((await showDoc(node.dataDir, docId)).title).toBe('Hand hygiene')
  })

  it('shows another organisation the edits under the organisation\'s name, and the people\'s names once the setting is on', async () => {
    const network = (await cliOk<{ id: string }>(node.dataDir, ['network', 'create', 'Northfield PCN'])).id
    const code = (await cliOk<{ code: string }>(node.dataDir, ['network', 'invite', network])).code
    await cliOk(hillview.dataDir, ['network', 'join', code])
    await cliOk(node.dataDir, ['share', docId, '--with', hillview.orgId, '--role', 'read'])
    const authors = async (): Promise<string> => {
      // loaded afresh: the page asks the node for the document's authors when it opens
      await other.goto(`${hillview.apiUrl}/#/doc/${encodeURIComponent(docId)}`)
      await other.reload()
      await other.waitForFunction(() => document.querySelector('[aria-label="Practice"]')?.textContent?.includes('Audit monthly.') === true)
      await other.getByRole('button', { name: 'Who wrote what' }).click()
      const panel = other.getByRole('region', { name: 'Who wrote what' })
      await panel.locator('.who').first().waitFor()
      return await panel.innerText()
    }
    await other.goto(hillview.login)
    const before = await authors()
    // one line for the organisation: its people unnamed are not told apart
    expect(before.match(/\d+% \(\d+ characters\)/g)).toHaveLength(1)
    expect(before).not.toMatch(/Amara Okafor|Dr Lena Fischer/)

    await admin.goto(`${node.webUrl}/#/people`)
    await admin.getByLabel('Show our people\'s names to other organisations', { exact: false }).check()
    await eventually(async () => {
      const practice = (await showDoc(hillview.dataDir, docId)).sections.find(s => s.heading === 'Practice') as unknown as { authors: Array<{ personName?: string }> }
      expect(practice.authors.map(a => a.personName).filter(n => n != null).sort()).toEqual(['Amara Okafor', 'Dr Lena Fischer'])
    }, { what: 'Hillview names Riverside\'s people' })
    const after = await authors()
    expect(after).toMatch(/Dr Lena Fischer, \S/)
    expect(after).toMatch(/Amara Okafor, \S/)
  })

  it('disconnects the editor\'s open page at once when the admin removes them', async () => {
    await admin.goto(`${node.webUrl}/#/people`)
    await admin.getByRole('button', { name: 'Remove Dr Lena Fischer' }).click()
    await editor.locator('[data-refusal="signed-out"]').waitFor()
    await editor.getByText('Signed out: your role changed or you were removed').waitFor()
    await editor.reload()
    await editor.getByRole('heading', { name: 'Sign in' }).waitFor()
    const people = await cliOk<Array<{ name: string }>>(node.dataDir, ['person', 'list'])
    expect(people.map(p => p.name)).toEqual(['Amara Okafor', 'Sam Patel'])
  })
})
