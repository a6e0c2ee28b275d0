/**
 * Opening a document's page (docs/web.md, "Opening a document"), in Chromium against a real node
 * process: the page never stays blank. A document the node does not hold says so, with a stable
 * code. A page whose client id the node is slow to give (it answers once the id is on its disk)
 * shows the document read-only and says why, then becomes editable when the id comes, and its
 * edit reaches the node. The slow answer is the node's real answer, held in the browser until the
 * page has shown the read-only state (a route, so the test waits on what the page shows, not on time).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page, Route } from 'playwright-core'
import { cliOk, showDoc } from '../helpers/cli.ts'
import { eventually } from '../helpers/eventually.ts'
import { killAllChildren } from '../helpers/processes.ts'
import { launchChromium } from './helpers/browser.ts'
import { clickAtEnd } from './helpers/editors.ts'
import { WebNode } from './helpers/web-node.ts'

const PRACTICE = 'Move the vaccines to the back-up fridge within 20 minutes.'
const TYPED = ' Log the temperatures.'

describe('opening a document: the page says what it waits for, and why it cannot show it', () => {
  const a = new WebNode('Riverside Surgery')
  let browser: Browser
  let context: BrowserContext
  let page: Page

  beforeAll(async () => {
    ;[browser] = await Promise.all([launchChromium(), a.start()])
    // no service worker: the held route below sees the page's own requests
    context = await browser.newContext({ viewport: { width: 1100, height: 900 }, serviceWorkers: 'block' })
    page = await context.newPage()
    page.on('pageerror', err => { console.log(`[page] ${err.message}`) })
    await page.goto(a.login)
    await page.getByRole('button', { name: 'New document' }).waitFor()
  })

  afterAll(async () => {
    await context?.close()
    await browser?.close()
    await a.destroy()
    await killAllChildren()
  })

  it('says the node does not hold a document it does not hold, with a stable code', async () => {
    const unknown = 'a'.repeat(26)
    await page.goto(`${a.apiUrl}/#/doc/${unknown}`)
    const alert = page.locator('[data-code="ERR_NOT_ON_NODE"]')
    await alert.waitFor()
    expect(await alert.getAttribute('role')).toBe('alert')
    expect(await alert.innerText()).toContain('the node does not hold it')
    expect(await page.getByRole('textbox', { name: 'Practice' }).count()).toBe(0)
  })

  it('shows the document read-only while the node is slow to give the page an id, then lets it edit', async () => {
    const doc = (await cliOk<{ id: string }>(a.dataDir, ['doc', 'create', '--title', 'Cold-chain breach', '--section', `Practice=${PRACTICE}`])).id
    let held: Route | undefined
    await page.route('**/api/web/docs/*/clients', route => { held = route })
    try {
      await page.goto(`${a.apiUrl}/#/`)
      await page.getByRole('heading', { level: 1, name: 'Documents' }).waitFor()
      await page.goto(`${a.apiUrl}/#/doc/${encodeURIComponent(doc)}`)
      await page.getByRole('status').getByText('Asking the node for an id to write this document with').waitFor()

      // the node's sync brings the document: shown read-only, with the reason
      const note = page.locator('[data-code="ERR_TIMEOUT"]')
      await note.waitFor({ timeout: 60_000 })
      expect(await note.innerText()).toContain('has not yet given this page an id')
      await page.waitForFunction(t => document.querySelector('[aria-label="Practice"]')?.textContent?.includes(t) === true, PRACTICE)
      expect(await page.getByRole('textbox', { name: 'Practice' }).getAttribute('contenteditable')).toBe('false')

      // the node's answer arrives: the page opens the document again with the id, and can edit
      expect(held).toBeDefined()
      await held!.continue()
      await page.waitForFunction(() => document.querySelector('[aria-label="Practice"]')?.getAttribute('contenteditable') === 'true')
      expect(await page.locator('[data-code="ERR_TIMEOUT"]').count()).toBe(0)
    } finally {
      await page.unroute('**/api/web/docs/*/clients')
    }
    await clickAtEnd(page, 'Practice')
    await page.keyboard.type(TYPED)
    await page.getByRole('status', { name: 'Saved' }).getByText('All changes saved on the node').waitFor()
    await eventually(async () => {
      expect((await showDoc(a.dataDir, doc)).sections.find(s => s.heading === 'Practice')?.markdown).toContain(PRACTICE + TYPED)
    }, { what: 'the node holds the edit made with the late id' })
  }, 120_000) // the page waits CLIENT_ID_TIMEOUT_MS for the id before it shows the document without one
})
