/**
 * The first hour, from the browser alone: two practices' nodes started as the README says
 * (separate processes, in no network together), and nothing typed in a terminal after that.
 * Riverside copies its card from "Our organisation"; Hillview pastes it in "Add an organisation";
 * Riverside sees the introduction and accepts it; Riverside shares a document with "Hillview
 * Medical Practice" chosen by name from the type-ahead, and it appears at Hillview with a notice;
 * both people then type at the same spot of one paragraph at once, and each one's words come out
 * whole in both pages and in both nodes' `commonplace doc show` (CLI reads only). Screenshots of
 * the card, the directory, the share panel and a narrow directory go to docs/screenshots.
 */
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { showDoc } from '../helpers/cli.ts'
import type { DocJson } from '../helpers/cli.ts'
import { eventually } from '../helpers/eventually.ts'
import { killAllChildren } from '../helpers/processes.ts'
import { axeViolations } from './helpers/axe.ts'
import { clickAtEnd, editorText, expectWordsWhole, waitForEditorLength } from './helpers/editors.ts'
import { launchChromium } from './helpers/browser.ts'
import { WebNode } from './helpers/web-node.ts'

const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
const TITLE = 'Handling abnormal blood results: who acts, by when'
const BASE = 'The duty doctor reviews red results by 11 am.'
const FROM_RIVERSIDE = ' Riverside phones the patient the same day.'
const FROM_HILLVIEW = ' Hillview sends a text when nobody answers.'
/** Each sentence whole, one after the other in either order, after the paragraph's text. */
const WHOLE = [BASE + FROM_RIVERSIDE + FROM_HILLVIEW, BASE + FROM_HILLVIEW + FROM_RIVERSIDE]
/** Per key (ms): as a person types, so the two people's keystrokes cross on the way. */
const KEY_DELAY = 25

/**
 * What of the view (the page's `main`) sticks out of the window sideways, as "tag.class" of each
 * element (the header is the app's frame, checked with the other views).
 */
async function outOfWindow (page: Page): Promise<string[]> {
  return await page.evaluate(() => {
    const width = document.documentElement.clientWidth
    const main = document.querySelector('main')
    if (main == null) return ['no main']
    const out = main.scrollWidth > main.clientWidth ? ['main scrolls'] : []
    for (const el of Array.from(main.querySelectorAll('*'))) {
      const box = el.getBoundingClientRect()
      if (box.width > 0 && (box.right > width + 0.5 || box.left < -0.5)) out.push(`${el.tagName.toLowerCase()}.${el.className}`)
    }
    return out
  })
}

/** Controls Chromium's accessibility tree shows without a name (role: what it is). */
async function unnamedControls (page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page)
  try {
    const { nodes } = await cdp.send('Accessibility.getFullAXTree') as { nodes: Array<{ ignored: boolean, role?: { value: string }, name?: { value: string } }> }
    const controls = ['button', 'link', 'textbox', 'searchbox', 'combobox', 'checkbox', 'listbox', 'option']
    return nodes.filter(n => !n.ignored && controls.includes(n.role?.value ?? '') && (n.name?.value ?? '').trim() === '').map(n => n.role!.value)
  } finally {
    await cdp.detach()
  }
}

/** A link of the header's navigation. */
function nav (page: Page, name: string | RegExp) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link', typeof name === 'string' ? { name, exact: true } : { name })
}

const practiceText = (doc: DocJson): string => doc.sections.find(s => s.heading === 'Practice')?.markdown.trim() ?? ''

describe('the first hour: two practices find each other, share and co-edit from the browser alone', () => {
  const riverside = new WebNode('Riverside Surgery')
  const hillview = new WebNode('Hillview Medical Practice')
  let browser: Browser
  let contexts: BrowserContext[] = []
  let pageR: Page
  let pageH: Page
  let card = ''
  let docId = ''

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true })
    ;[browser] = await Promise.all([launchChromium(), riverside.start(), hillview.start()])
    const options = { viewport: { width: 1100, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] }
    contexts = await Promise.all([browser.newContext(options), browser.newContext(options)])
    ;[pageR, pageH] = await Promise.all(contexts.map(async c => await c.newPage()))
    for (const [name, page] of [['Riverside', pageR], ['Hillview', pageH]] as const) {
      page.on('pageerror', err => { console.log(`[${name} page] ${err.message}`) })
      page.on('console', m => { if (m.type() === 'error') console.log(`[${name} page] ${m.text()}`) })
    }
    // each practice manager opens the login link their node printed
    await Promise.all([pageR.goto(riverside.login), pageH.goto(hillview.login)])
    await Promise.all([pageR, pageH].map(async page => { await page.getByRole('button', { name: 'New document' }).waitFor() }))
  })

  afterAll(async () => {
    await Promise.all(contexts.map(async c => { await c.close() }))
    await browser?.close()
    await Promise.all([riverside.destroy(), hillview.destroy()])
    await killAllChildren()
  })

  it('Riverside copies its card from Our organisation', async () => {
    await nav(pageR, 'Our organisation').click()
    const field = pageR.getByRole('textbox', { name: 'Card code' })
    await field.waitFor()
    card = await field.inputValue()
    expect(card).toMatch(/^cpc1\./)
    await pageR.getByText(riverside.orgId, { exact: true }).waitFor()
    await pageR.getByRole('img', { name: 'QR code of our card' }).waitFor()
    await pageR.getByRole('button', { name: 'Copy' }).click()
    await pageR.getByRole('status').getByText('Copied').waitFor()
    expect(await pageR.evaluate(async () => await navigator.clipboard.readText())).toBe(card)
    expect(await unnamedControls(pageR)).toEqual([])
    expect(await axeViolations(pageR)).toEqual([])
    await pageR.screenshot({ path: `${SCREENSHOTS}card.png`, fullPage: true })
  })

  it('Hillview adds the card; a mangled card and its own card are refused with a sentence', async () => {
    await nav(pageH, 'Directory').click()
    const field = pageH.getByRole('textbox', { name: 'Their card' })
    await field.fill(card.slice(0, -6) + 'AAAAAA')
    await pageH.getByRole('button', { name: 'Add organisation' }).click()
    await pageH.getByRole('alert').getByText('not a valid organisation card').waitFor()

    await nav(pageH, 'Our organisation').click()
    const own = await pageH.getByRole('textbox', { name: 'Card code' }).inputValue()
    await nav(pageH, 'Directory').click()
    await field.fill(own)
    await pageH.getByRole('button', { name: 'Add organisation' }).click()
    await pageH.getByRole('alert').getByText('your own organisation\'s card').waitFor()

    await field.fill(card)
    await pageH.getByRole('button', { name: 'Add organisation' }).click()
    await pageH.getByRole('status').getByText('Introduced to Riverside Surgery').waitFor()
    await pageH.getByRole('region', { name: 'Awaiting their acceptance' }).getByText('Riverside Surgery').waitFor()
  })

  it('Riverside sees "Hillview Medical Practice added you" and accepts; each is in the other\'s contacts', async () => {
    await nav(pageR, 'Directory').click()
    // the introduction arrives on the node's event stream: no reload
    const intro = pageR.getByRole('list', { name: 'Introductions' }).getByText('Hillview Medical Practice added you')
    await intro.waitFor()
    expect(await unnamedControls(pageR)).toEqual([])
    expect(await axeViolations(pageR)).toEqual([])
    await pageR.screenshot({ path: `${SCREENSHOTS}directory.png`, fullPage: true })
    await pageR.getByRole('button', { name: 'Accept Hillview Medical Practice' }).click()
    const contactsR = pageR.getByRole('region', { name: 'Contacts' })
    await contactsR.getByText('Hillview Medical Practice').waitFor()
    await contactsR.getByText('online').waitFor()
    await pageH.getByRole('region', { name: 'Contacts' }).getByText('Riverside Surgery').waitFor()
  })

  it('Riverside shares a document with Hillview chosen by name; it appears at Hillview with a notice', async () => {
    await nav(pageR, 'Documents').click()
    await pageR.getByRole('button', { name: 'New document' }).click()
    await pageR.getByLabel('Title', { exact: true }).fill(TITLE)
    await pageR.getByRole('button', { name: 'Create' }).click()
    await pageR.waitForURL(/#\/doc\//)
    docId = decodeURIComponent(new URL(pageR.url()).hash.slice('#/doc/'.length))
    await clickAtEnd(pageR, 'Practice')
    await pageR.keyboard.type(BASE)

    await pageR.getByRole('button', { name: 'Share' }).click()
    const field = pageR.getByRole('combobox', { name: 'Organisation' })
    await field.click()
    await pageR.keyboard.type('hill')
    const option = pageR.getByRole('listbox', { name: 'Organisations and networks' }).getByRole('option', { name: /Hillview Medical Practice/ })
    await option.waitFor()
    expect(await axeViolations(pageR)).toEqual([])
    await pageR.screenshot({ path: `${SCREENSHOTS}share-panel.png` })
    await pageR.keyboard.press('ArrowDown')
    await pageR.keyboard.press('Enter')
    expect(await field.inputValue()).toBe('Hillview Medical Practice')
    await pageR.getByLabel('Access', { exact: true }).selectOption('edit')
    await pageR.getByRole('button', { name: 'Grant access' }).click()
    const grants = pageR.getByRole('list', { name: 'Shared with' })
    await grants.getByText('Hillview Medical Practice: can edit').waitFor()
    // the panel follows the node: the state changes without a reload
    await grants.getByText('Delivered').waitFor()
    expect(await grants.textContent()).not.toMatch(/12D3KooW|…[A-Za-z0-9]{8}/)

    // at Hillview: the header counts the notice; the document is in the list
    await nav(pageH, 'Documents').click()
    await pageH.getByRole('list', { name: 'Documents' }).getByRole('link', { name: TITLE }).waitFor()
    await nav(pageH, /^Notices \d+ unread$/).click()
    const notice = pageH.getByRole('list', { name: 'Notices' }).getByRole('link', { name: /^Riverside Surgery shared .Handling abnormal blood results: who acts, by when. with you$/ })
    await notice.click()
    await pageH.waitForURL(url => url.hash === `#/doc/${encodeURIComponent(docId)}`)
    await pageH.goBack()
    await pageH.getByRole('heading', { level: 1, name: 'Notices' }).waitFor()
    expect(await axeViolations(pageH)).toEqual([])
    await pageH.goForward()
    await pageH.getByRole('textbox', { name: 'Practice' }).waitFor()
  })

  it('both people type at the end of one paragraph at once; each one\'s words come out whole in both pages and both nodes', async () => {
    await pageH.waitForFunction(([t]) => document.querySelector('[aria-label="Practice"]')?.textContent?.includes(t) === true, [BASE] as const)
    await Promise.all([clickAtEnd(pageR, 'Practice'), clickAtEnd(pageH, 'Practice')])
    await Promise.all([
      pageR.keyboard.type(FROM_RIVERSIDE, { delay: KEY_DELAY }),
      pageH.keyboard.type(FROM_HILLVIEW, { delay: KEY_DELAY })
    ])
    await Promise.all([pageR, pageH].map(async page => { await waitForEditorLength(page, 'Practice', WHOLE[0].length) }))
    const texts = await Promise.all([pageR, pageH].map(async page => await editorText(page, 'Practice')))
    for (const text of texts) expectWordsWhole(text, BASE, [FROM_RIVERSIDE, FROM_HILLVIEW])
    expect(new Set(texts).size, 'both pages show the same paragraph').toBe(1)
    for (const node of [riverside, hillview]) {
      const doc = await eventually(async () => {
        const shown = await showDoc(node.dataDir, docId)
        expect(practiceText(shown).length).toBeGreaterThanOrEqual(WHOLE[0].length)
        return shown
      }, { what: `${node.name}'s record holds both sentences` })
      expectWordsWhole(practiceText(doc), BASE, [FROM_RIVERSIDE, FROM_HILLVIEW])
    }
  })

  it('works at 360 px wide without sideways scrolling', async () => {
    await pageH.setViewportSize({ width: 360, height: 780 })
    for (const [link, heading] of [['Our organisation', 'Our organisation'], ['Directory', 'Directory'], [/^Notices/, 'Notices']] as const) {
      await nav(pageH, link).click()
      await pageH.getByRole('heading', { level: 1, name: heading }).waitFor()
      expect(await outOfWindow(pageH), `${heading} at 360 px`).toEqual([])
    }
    await nav(pageH, 'Directory').click()
    await pageH.getByRole('region', { name: 'Contacts' }).getByText('Riverside Surgery').waitFor()
    await pageH.screenshot({ path: `${SCREENSHOTS}narrow-directory.png`, fullPage: true })
    await pageR.setViewportSize({ width: 360, height: 780 })
    // the share panel fits (the document page around it is the editor's business)
    const panel = pageR.getByRole('region', { name: 'Sharing' })
    await panel.getByRole('combobox', { name: 'Organisation' }).waitFor()
    const box = await panel.evaluate(e => ({ right: e.getBoundingClientRect().right, overflows: e.scrollWidth > e.clientWidth }))
    expect(box.overflows).toBe(false)
    expect(box.right).toBeLessThanOrEqual(360)
  })

  it('removes a contact only after confirming; it stays listed as an organisation met', async () => {
    await pageR.setViewportSize({ width: 1100, height: 900 })
    await nav(pageR, 'Directory').click()
    const contacts = pageR.getByRole('region', { name: 'Contacts' })
    await pageR.getByRole('button', { name: 'Remove Hillview Medical Practice' }).click()
    await pageR.getByRole('button', { name: 'Keep Hillview Medical Practice' }).click()
    await contacts.getByText('Hillview Medical Practice').waitFor()
    await pageR.getByRole('button', { name: 'Remove Hillview Medical Practice' }).click()
    await pageR.getByRole('button', { name: 'Yes, remove Hillview Medical Practice' }).click()
    await pageR.getByRole('status').getByText('Removed Hillview Medical Practice from the directory.').waitFor()
    // the document shared with it keeps it in the directory, by name
    await pageR.getByRole('region', { name: 'Organisations met' }).getByText('Hillview Medical Practice').waitFor()
    expect(await contacts.getByText('Hillview Medical Practice').count()).toBe(0)
  })

  it('says when an introduction is waiting to reach an organisation whose node is stopped', async () => {
    const canal = new WebNode('Canal Street Health Centre')
    try {
      await canal.start()
      const token = readFileSync(join(canal.dataDir, 'api-token'), 'utf8').trim()
      const res = await fetch(`${canal.apiUrl}/api/card`, { headers: { authorization: `Bearer ${token}` } })
      const canalCard = (await res.json() as { code: string }).code
      await canal.stop()
      await nav(pageH, 'Directory').click()
      await pageH.getByRole('textbox', { name: 'Their card' }).fill(canalCard)
      await pageH.getByRole('button', { name: 'Add organisation' }).click()
      await pageH.getByRole('status').getByText('Introduced to Canal Street Health Centre: the introduction is waiting to reach them').waitFor()
      await pageH.getByRole('region', { name: 'Awaiting their acceptance' }).getByText('our introduction has not reached them yet').waitFor()
    } finally {
      await canal.destroy()
    }
  })
})
