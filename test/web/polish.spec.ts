/**
 * What a person meets in the web app, in Chromium against real node processes: organisations by
 * name and codes as words, template prompts, search by word form with a plain snippet, the HTML
 * export (self-contained, printable, checklists inline, the real time of the last change, no
 * empty sections), a read-only document that says whom to ask, invitation codes (expiry and uses
 * chosen, Copy, used codes gone), attaching with a confirmation, every view at 360 px without
 * sideways scrolling, and actions that need the node turned off, with the reason, when it is down.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { SECTION_PROMPTS } from '@commonplace/record'
import { cliOk, peerIds, showDoc } from '../helpers/cli.ts'
import { eventually } from '../helpers/eventually.ts'
import { killAllChildren } from '../helpers/processes.ts'
import { launchChromium } from './helpers/browser.ts'
import { WebNode } from './helpers/web-node.ts'

const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
const NETWORK = 'Northfield & Canal PCN'
const TITLE = 'Vaccine fridge cold-chain breach: first-hour checklist'
const MARKDOWN = `---
kind: lesson-learned
maturity: agreed
status: in-review
licence: CC-BY-4.0
---
# ${TITLE}

## Problem

A fridge alarm at 07:40 went unnoticed until the first clinic.

## Practice

- [ ] Move the vaccines to the **back-up** fridge
- [x] Record the minimum and maximum temperatures in the [fridge log](https://example.org/log)
- [ ] The duty doctor decides with the pharmacist what may still be used

## Evidence

## Outcomes

Hillview may adapt the list to its two fridges.
`

/** Whether the page is wider than its window (it would scroll sideways). */
async function scrollsSideways (page: Page): Promise<boolean> {
  return await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)
}

/** The node's answer to a GET, with the page's session cookie. */
async function nodeGet<T> (page: Page, path: string): Promise<T> {
  return await page.evaluate(async p => await (await fetch(p)).json(), path) as T
}

describe('web app polish: names, templates, search, export, read-only, invitations, narrow screens, offline', () => {
  const a = new WebNode('Riverside Surgery')
  const b = new WebNode('Hillview Medical Practice')
  const c = new WebNode('Canal Street Health Centre')
  let browser: Browser
  let contexts: BrowserContext[] = []
  let pageA: Page
  let pageB: Page
  let network = ''
  let docId = ''

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true })
    ;[browser] = await Promise.all([launchChromium(), a.start(), b.start(), c.start()])
    const options = { viewport: { width: 1100, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] }
    contexts = await Promise.all([browser.newContext(options), browser.newContext(options)])
    ;[pageA, pageB] = await Promise.all(contexts.map(async context => await context.newPage()))
    for (const [name, page] of [['A', pageA], ['B', pageB]] as const) {
      page.on('pageerror', err => { console.log(`[page ${name}] ${err.message}`) })
    }
    // Riverside and Hillview are in one network; Riverside owns a record shared with Hillview to read
    network = (await cliOk<{ id: string }>(a.dataDir, ['network', 'create', NETWORK])).id
    await cliOk(b.dataDir, ['network', 'join', (await cliOk<{ code: string }>(a.dataDir, ['network', 'invite', network])).code])
    await eventually(async () => { expect(await peerIds(b.dataDir)).toContain(a.orgId) }, { what: 'Hillview is connected to Riverside' })
    const folder = mkdtempSync(join(tmpdir(), 'cp-polish-'))
    try {
      writeFileSync(join(folder, 'fridge.md'), MARKDOWN)
      docId = (await cliOk<{ id: string }>(a.dataDir, ['doc', 'create', '--from-markdown', join(folder, 'fridge.md')])).id
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
    await cliOk(a.dataDir, ['share', docId, '--with', b.orgId, '--role', 'read'])
    await eventually(async () => { expect((await showDoc(b.dataDir, docId)).access).toBe('read') }, { what: 'Hillview holds the record to read' })
    await Promise.all([pageA.goto(a.login), pageB.goto(b.login)])
  }, 120_000) // three node processes and seven CLI commands: on a shared machine, more than a minute

  afterAll(async () => {
    await Promise.all(contexts.map(async context => { await context.close() }))
    await browser?.close()
    await Promise.all([a.destroy(), b.destroy(), c.destroy()])
    await killAllChildren()
  })

  it('names organisations and says kinds, maturity and status in words', async () => {
    const item = pageB.getByRole('list', { name: 'Documents' }).getByRole('listitem').filter({ hasText: TITLE })
    await item.getByText('Lesson learned · Agreed · In review · Riverside Surgery · read only').waitFor()
    const text = await pageB.locator('main').innerText()
    expect(text).not.toContain(a.orgId.slice(-8))
    expect(await pageB.getByLabel('Owner', { exact: true }).locator('option').allInnerTexts()).toEqual(['Anyone', 'Riverside Surgery'])
    expect(await pageB.getByLabel('Kind', { exact: true }).locator('option').allInnerTexts()).toContain('Case study')
    expect(await pageB.getByLabel('Status', { exact: true }).locator('option').allInnerTexts()).toContain('In review')
  })

  it('shows a read-only document as a page to read, and says whom to ask for edit access', async () => {
    await pageB.goto(`${b.apiUrl}/#/doc/${encodeURIComponent(docId)}`)
    await pageB.getByRole('heading', { level: 1, name: TITLE }).waitFor()
    await pageB.waitForFunction(() => document.querySelector('[aria-label="Practice"]')?.getAttribute('contenteditable') === 'false')
    expect(await pageB.getByRole('toolbar', { name: 'Formatting' }).count()).toBe(0)
    expect(await pageB.getByRole('textbox', { name: 'Practice' }).evaluate(e => getComputedStyle(e).borderTopColor)).toBe('rgba(0, 0, 0, 0)')
    expect(await pageB.getByLabel('Status', { exact: true }).evaluate(e => getComputedStyle(e).appearance)).toBe('none')
    await pageB.getByText('To change this document, ask Riverside Surgery, who owns it, for edit access.').waitFor()
    // or make a version of its own (test/web/practice.spec.ts adapts one)
    await pageB.getByText('Or make your organisation\'s own version of it: Adapt for our organisation.').waitFor()
    expect(await pageB.getByRole('button', { name: 'Adapt for our organisation' }).count()).toBe(1)
    await pageB.getByRole('button', { name: 'Ask for edit access' }).click()
    const request = await pageB.getByLabel('A request to send to Riverside Surgery', { exact: true }).inputValue()
    expect(request).toContain('could Hillview Medical Practice have edit access to "Vaccine fridge cold-chain breach: first-hour checklist"')
    await pageB.getByRole('button', { name: 'Copy the request' }).click()
    await pageB.getByRole('status').getByText('Copied').waitFor()
    expect(await pageB.evaluate(async () => await navigator.clipboard.readText())).toBe(request)
    // no template prompt on a document that cannot be written
    expect(await pageB.locator('.section .hint').count()).toBe(0)
  })

  it('shows each template section\'s prompt as a hint, and writes none of it into the document', async () => {
    await pageA.getByRole('button', { name: 'New document' }).click()
    await pageA.getByLabel('Title', { exact: true }).fill('Handling abnormal blood results: who acts, by when')
    await pageA.getByRole('button', { name: 'Create' }).click()
    await pageA.waitForURL(/#\/doc\//)
    const id = decodeURIComponent(new URL(pageA.url()).hash.slice('#/doc/'.length))
    for (const heading of ['Problem', 'Practice', 'Transferability']) {
      const editor = pageA.getByRole('textbox', { name: heading })
      await editor.waitFor()
      const hint = pageA.locator(`#${await editor.getAttribute('aria-describedby')}`)
      expect(await hint.innerText()).toBe(SECTION_PROMPTS[heading])
      expect(await hint.isVisible()).toBe(true)
    }
    const record = await showDoc(a.dataDir, id)
    expect(record.sections.map(s => s.markdown).join('')).toBe('')
  })

  it('finds other forms of a word and shows a plain-text snippet with the match marked', async () => {
    await pageA.goto(`${a.apiUrl}/#/`)
    const search = pageA.getByLabel('Search', { exact: true })
    for (const [query, marked] of [['doctors', 'doctor'], ['adapted', 'adapt'], ['checklists', 'checklist']]) {
      await search.fill(query)
      const item = pageA.getByRole('list', { name: 'Documents' }).getByRole('listitem').filter({ hasText: TITLE })
      // the answer to this query (not the one before): its first mark is the word sought
      await pageA.waitForFunction(m => document.querySelector('.snippet mark')?.textContent?.toLowerCase() === m, marked)
      expect(await pageA.getByRole('list', { name: 'Documents' }).getByRole('listitem').count()).toBe(1)
      const snippet = await item.locator('.snippet').innerText()
      expect(snippet).not.toMatch(/\*\*|##|- \[[ x]\]|\]\(/)
    }
    await search.fill('doctors')
    await pageA.waitForFunction(() => document.querySelector('.snippet mark')?.textContent === 'doctor')
    expect(await pageA.locator('.snippet').innerText()).toContain('in the fridge log · The duty doctor decides with the pharmacist')
  })

  it('exports a self-contained, printable HTML page: checklists inline, the time of the last change, no empty sections', async () => {
    await pageA.goto(`${a.apiUrl}/#/doc/${encodeURIComponent(docId)}`)
    await pageA.getByRole('textbox', { name: 'Practice' }).waitFor()
    await pageA.waitForFunction(() => document.querySelector('[aria-label="Practice"]')?.textContent?.includes('back-up') === true)
    const started = Date.now()
    const [download] = await Promise.all([pageA.waitForEvent('download'), pageA.getByRole('button', { name: 'Export HTML' }).click()])
    const html = readFileSync(await download.path(), 'utf8')
    expect(html).toMatch(/<style>[\s\S]*@media print[\s\S]*<\/style>/)
    expect(html).not.toMatch(/<link|<script|src=|@import/)
    expect(html).toContain('<h2>Problem</h2>')
    expect(html).not.toContain('<h2>Evidence</h2>')
    expect(html).toMatch(/<p><span class="box">☐<\/span> Move the vaccines/)
    expect(html).toMatch(/<span class="box">☑<\/span> Record the minimum/)
    expect(html).not.toContain('type="checkbox"')
    expect(html).toContain('<th>Kind</th><td>Lesson learned</td>')
    expect(html).toContain('<th>Status</th><td>In review</td>')
    const node = await nodeGet<{ updatedAt: string }>(pageA, `/api/docs/${encodeURIComponent(docId)}`)
    const time = /<time datetime="([^"]+)">/.exec(html)?.[1]
    expect(time).toBe(node.updatedAt)
    expect(Date.parse(time!)).toBeLessThan(started)

    // printed, each box sits on the line of its words
    const printed = await contexts[0].newPage()
    try {
      await printed.setContent(html)
      await printed.emulateMedia({ media: 'print' })
      const lines = await printed.$$eval('li[data-type="taskItem"]', items => items.map(item => {
        const box = item.querySelector('.box')!.getBoundingClientRect()
        const range = document.createRange()
        range.selectNodeContents(item.querySelector('p')!)
        const rects = Array.from(range.getClientRects())
        return { box: Math.round(box.top), first: Math.round(rects[0].top), lines: new Set(rects.map(r => Math.round(r.top))).size }
      }))
      expect(lines).toHaveLength(3)
      for (const line of lines) expect(Math.abs(line.box - line.first)).toBeLessThanOrEqual(4)
    } finally {
      await printed.close()
    }
  })

  it('makes invitation codes with the expiry and uses chosen, copies them, and stops showing a used code', async () => {
    await pageA.goto(`${a.apiUrl}/#/network/${encodeURIComponent(network)}`)
    await pageA.getByRole('list', { name: 'Members' }).getByText('Hillview Medical Practice').waitFor()
    await pageA.getByLabel('Number of uses', { exact: true }).selectOption('5')
    await pageA.getByRole('button', { name: 'Make an invitation code' }).click()
    const first = await pageA.getByLabel('New invitation code', { exact: true }).inputValue()
    await pageA.getByLabel('Valid for', { exact: true }).selectOption('30d')
    await pageA.getByLabel('Number of uses', { exact: true }).selectOption('1')
    await pageA.getByRole('button', { name: 'Make an invitation code' }).click()
    await pageA.waitForFunction(code => (document.querySelector('textarea[aria-label="New invitation code"]') as HTMLTextAreaElement | null)?.value !== code, first)
    const second = await pageA.getByLabel('New invitation code', { exact: true }).inputValue()
    await pageA.getByRole('button', { name: 'Copy the new invitation code' }).click()
    await pageA.getByText('Copied').waitFor()
    expect(await pageA.evaluate(async () => await navigator.clipboard.readText())).toBe(second)
    // the earlier code is still shown, with what it admits
    expect(await pageA.locator('textarea').evaluateAll((fields, code) => fields.some(f => (f as HTMLTextAreaElement).value === code), first)).toBe(true)
    await pageA.getByText(/Invitation code for 5 organisations \(0 used\), valid until/).waitFor()
    const outstanding = await nodeGet<Array<{ uses: number, expiresAt: string }>>(pageA, `/api/networks/${encodeURIComponent(network)}/invitations`)
    const thirtyDays = outstanding.find(i => i.uses === 1)!
    expect(Date.parse(thirtyDays.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000)

    // Canal Street joins with the single-use code: the page no longer shows it
    await cliOk(c.dataDir, ['network', 'join', second])
    await pageA.getByRole('list', { name: 'Members' }).getByText('Canal Street Health Centre').waitFor()
    await pageA.getByLabel('New invitation code', { exact: true }).waitFor({ state: 'detached' })
    expect(await pageA.locator('textarea').evaluateAll((fields, code) => fields.some(f => (f as HTMLTextAreaElement).value === code), first)).toBe(true)
  })

  it('asks before attaching a document to a topic, and does not offer a topic to itself', async () => {
    const topic = await cliOk<{ id: string }>(a.dataDir, ['topic', 'create', network, '--title', 'Cold chain across the PCN'])
    await pageA.goto(`${a.apiUrl}/#/`)
    await pageA.goto(`${a.apiUrl}/#/network/${encodeURIComponent(network)}`)
    const choose = pageA.getByLabel('Document to attach to Cold chain across the PCN', { exact: true })
    await choose.waitFor()
    const offered = await choose.locator('option').evaluateAll(options => options.map(o => (o as HTMLOptionElement).value))
    expect(offered).toContain(docId)
    expect(offered).not.toContain(topic.id)
    await choose.selectOption(docId)
    await pageA.getByRole('button', { name: 'Attach to Cold chain across the PCN' }).click()
    await pageA.getByText(`shares it with ${NETWORK}: every member of the network can read it.`).waitFor()
    expect((await showDoc(a.dataDir, docId)).grants.some(g => g.to === network)).toBe(false)
    await pageA.getByRole('button', { name: `Attach and share with ${NETWORK}` }).click()
    await pageA.getByRole('list', { name: 'Attached to Cold chain across the PCN' }).getByRole('link', { name: TITLE }).waitFor()
    await pageA.getByText('attached by Riverside Surgery (us)').waitFor()
    expect((await showDoc(a.dataDir, docId)).grants.some(g => g.to === network && g.role === 'read')).toBe(true)
  })

  it('works at 360 px wide without scrolling sideways', async () => {
    for (const page of [pageA, pageB]) await page.setViewportSize({ width: 360, height: 740 })
    const views: Array<[Page, string, string]> = [
      [pageA, `${a.apiUrl}/#/`, 'Documents'],
      [pageA, `${a.apiUrl}/#/networks`, 'Learning networks'],
      [pageA, `${a.apiUrl}/#/network/${encodeURIComponent(network)}`, NETWORK],
      [pageB, `${b.apiUrl}/#/doc/${encodeURIComponent(docId)}`, TITLE]
    ]
    for (const [page, url, heading] of views) {
      await page.goto(url)
      await page.getByRole('heading', { level: 1, name: heading }).waitFor()
      expect(await scrollsSideways(page), url).toBe(false)
    }
    await pageA.goto(`${a.apiUrl}/#/doc/${encodeURIComponent(docId)}`)
    await pageA.getByRole('textbox', { name: 'Practice' }).click()
    await pageA.getByRole('toolbar', { name: 'Formatting' }).waitFor()
    expect(await scrollsSideways(pageA)).toBe(false)
    // the sections, with the formatting toolbar wrapped into rows above them
    await pageA.evaluate(() => { document.querySelector('.toolbar')?.scrollIntoView() })
    await pageA.screenshot({ path: `${SCREENSHOTS}narrow-document.png` })
    await pageA.getByRole('button', { name: 'Share' }).click()
    expect(await scrollsSideways(pageA)).toBe(false)
    await pageA.getByRole('button', { name: 'Share' }).click()
    await pageB.getByRole('button', { name: 'Ask for edit access' }).click()
    expect(await scrollsSideways(pageB)).toBe(false)
    for (const page of [pageA, pageB]) await page.setViewportSize({ width: 1100, height: 900 })
  })

  it('turns off what needs the node while it is unreachable, and says why', async () => {
    await pageA.goto(`${a.apiUrl}/#/doc/${encodeURIComponent(docId)}`)
    await pageA.getByRole('textbox', { name: 'Practice' }).waitFor()
    await pageA.waitForFunction(() => navigator.serviceWorker.controller != null)
    await a.stop()
    const reason = pageA.locator('#needs-node')
    await reason.waitFor()
    expect(await reason.innerText()).toContain('The node is unreachable')
    for (const name of ['Share', 'Export Markdown']) {
      const button = pageA.getByRole('button', { name })
      expect(await button.isDisabled(), name).toBe(true)
      expect(await button.getAttribute('aria-describedby')).toBe('needs-node')
      expect(await button.getAttribute('title')).toContain('The node is unreachable')
    }
    expect(await pageA.getByRole('button', { name: 'Export HTML' }).isDisabled()).toBe(false)

    await pageA.evaluate(() => { location.hash = '#/' })
    await pageA.getByRole('heading', { level: 1, name: 'Documents' }).waitFor()
    expect(await pageA.getByRole('button', { name: 'New document' }).isDisabled()).toBe(true)
    expect(await pageA.getByLabel('Import Markdown', { exact: true }).isDisabled()).toBe(true)
    await pageA.locator('#needs-node').waitFor()

    await pageA.evaluate(() => { location.hash = '#/networks' })
    await pageA.getByRole('heading', { level: 1, name: 'Learning networks' }).waitFor()
    for (const name of ['Create network', 'Join']) expect(await pageA.getByRole('button', { name, exact: true }).isDisabled(), name).toBe(true)
    await pageA.locator('#needs-node').waitFor()
  })
})
