/**
 * The web app end to end: two organisations' nodes on loopback (separate processes), a real
 * Chromium page on each node's own origin. Create a document in one page, share it, type in both
 * pages at once; both pages and both nodes' CLI end with the same text; a reload keeps it; with
 * the node stopped the page still opens and edits the document, and once the node is back the
 * edit reaches the other organisation. Screenshots of the main views go to docs/screenshots.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { cliOk, peerIds, showDoc } from '../helpers/cli.ts'
import { sectionText } from '../helpers/documents.ts'
import { eventually } from '../helpers/eventually.ts'
import { killAllChildren } from '../helpers/processes.ts'
import { launchChromium } from './helpers/browser.ts'
import { WebNode } from './helpers/web-node.ts'

const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
const TITLE = 'Handling abnormal blood results: who acts, by when'

/** Wait until the labelled element (an editor, a badge) contains `text`. */
async function waitForText (page: Page, label: string, text: string): Promise<void> {
  await page.waitForFunction(([l, t]) => Array.from(document.querySelectorAll(`[aria-label="${l}"]`)).some(e => e.textContent?.includes(t) === true), [label, text] as const)
}

/** Controls Chromium's accessibility tree shows without a name (role: what it is). */
async function unnamedControls (page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page)
  try {
    const { nodes } = await cdp.send('Accessibility.getFullAXTree') as { nodes: Array<{ ignored: boolean, role?: { value: string }, name?: { value: string } }> }
    const controls = ['button', 'link', 'textbox', 'searchbox', 'combobox', 'checkbox', 'radio', 'listbox', 'slider', 'spinbutton']
    return nodes.filter(n => !n.ignored && controls.includes(n.role?.value ?? '') && (n.name?.value ?? '').trim() === '').map(n => n.role!.value)
  } finally {
    await cdp.detach()
  }
}

async function editorFocused (page: Page, label: string): Promise<void> {
  await page.waitForFunction(l => document.activeElement?.getAttribute('aria-label') === l, label)
}

async function typeAtEnd (page: Page, section: string, text: string): Promise<void> {
  const editor = page.getByRole('textbox', { name: section })
  await editor.click()
  await page.keyboard.press('Control+End')
  await page.keyboard.type(text)
}

describe('web app: write, share, co-edit and work offline from a browser', () => {
  const a = new WebNode('Riverside Surgery')
  const b = new WebNode('Hillview Medical Practice')
  let browser: Browser
  let contexts: BrowserContext[] = []
  let pageA: Page
  let pageB: Page
  let docId = ''

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true })
    ;[browser] = await Promise.all([launchChromium(), a.start(), b.start()])
    contexts = await Promise.all([browser.newContext({ viewport: { width: 1100, height: 900 } }), browser.newContext({ viewport: { width: 1100, height: 900 } })])
    ;[pageA, pageB] = await Promise.all(contexts.map(async c => await c.newPage()))
    // the pages' own errors, in the test output when something fails
    for (const [name, page] of [['A', pageA], ['B', pageB]] as const) {
      page.on('pageerror', err => { console.log(`[page ${name}] ${err.message}`) })
      page.on('console', m => { if (m.type() === 'error' || m.type() === 'warning') console.log(`[page ${name}] ${m.text()}`) })
    }
    await Promise.all([pageA.goto(a.login), pageB.goto(b.login)])
  })

  afterAll(async () => {
    await Promise.all(contexts.map(async c => { await c.close() }))
    await browser?.close()
    await Promise.all([a.destroy(), b.destroy()])
    await killAllChildren()
  })

  it('logs in with the one-time link, and the link does not work twice', async () => {
    await pageA.getByRole('button', { name: 'New document' }).waitFor()
    await waitForText(pageA, 'Connection', 'Connected to the node')
    // what loading the app cost (an observation for docs/web.md, not an assertion)
    const load = await pageA.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming
      const bytes = performance.getEntriesByType('resource').reduce((sum, r) => sum + (r as PerformanceResourceTiming).encodedBodySize, nav.encodedBodySize)
      return { ms: Math.round(nav.loadEventEnd - nav.startTime), kB: Math.round(bytes / 1024) }
    })
    console.log(`[web] the app loaded in ${load.ms} ms, ${load.kB} kB from the node`)
    const again = await contexts[1].request.get(a.login)
    expect(again.status()).toBe(403)
  })

  it('creates a learning network in one page and joins it with an invitation code in the other', async () => {
    // the two practices meet in a learning network (a node refuses connections from strangers);
    // its members dial each other again on their own after a restart
    await pageA.goto(`${a.apiUrl}/#/networks`)
    await pageA.getByLabel('Network name', { exact: true }).fill('Northfield & Canal PCN')
    await pageA.getByRole('button', { name: 'Create network' }).click()
    await pageA.getByRole('link', { name: 'Northfield & Canal PCN' }).click()
    await pageA.getByRole('button', { name: 'Make an invitation code' }).click()
    const code = await pageA.getByLabel('New invitation code', { exact: true }).inputValue()

    await pageB.goto(`${b.apiUrl}/#/networks`)
    await pageB.getByLabel('Invitation code', { exact: true }).fill('not-a-code')
    await pageB.getByRole('button', { name: 'Join' }).click()
    await pageB.getByRole('alert').getByText('invitation code').waitFor()
    await pageB.getByLabel('Invitation code', { exact: true }).fill(code)
    await pageB.getByRole('button', { name: 'Join' }).click()
    await pageB.getByText('Joined Northfield & Canal PCN.').waitFor()
    await eventually(async () => { expect(await peerIds(b.dataDir)).toContain(a.orgId) }, { what: 'Hillview is connected to Riverside' })
    await pageA.getByRole('list', { name: 'Members' }).getByText('Hillview Medical Practice').waitFor()

    // the facilitator seeds a topic; the member browses it
    await pageA.getByLabel('Topic title', { exact: true }).fill('Results handling across the PCN')
    await pageA.getByLabel('Brief', { exact: true }).fill('How each practice makes sure abnormal results are acted on the same day')
    await pageA.getByRole('button', { name: 'Seed topic' }).click()
    await pageA.getByRole('list', { name: 'Topics' }).getByRole('link', { name: 'Results handling across the PCN' }).waitFor()
    await pageA.screenshot({ path: `${SCREENSHOTS}network.png` })
    await pageB.getByRole('link', { name: 'Northfield & Canal PCN' }).click()
    await pageB.getByRole('list', { name: 'Topics' }).getByRole('link', { name: 'Results handling across the PCN' }).waitFor()
  })

  it('creates a record from the good-practice template and shares it for editing', async () => {
    await pageA.goto(`${a.apiUrl}/#/`)
    await pageA.getByRole('button', { name: 'New document' }).click()
    await pageA.getByLabel('Title', { exact: true }).fill(TITLE)
    await pageA.getByRole('button', { name: 'Create' }).click()
    await pageA.waitForURL(/#\/doc\//)
    docId = decodeURIComponent(new URL(pageA.url()).hash.slice('#/doc/'.length))
    await pageA.getByRole('textbox', { name: 'Practice' }).waitFor()
    expect(await pageA.getByLabel('Title', { exact: true }).inputValue()).toBe(TITLE)

    await pageA.getByRole('button', { name: 'Share' }).click()
    await pageA.getByLabel('Organisation', { exact: true }).fill(b.orgId)
    await pageA.getByLabel('Access', { exact: true }).selectOption('edit')
    await pageA.getByRole('button', { name: 'Grant access' }).click()
    await pageA.getByRole('list', { name: 'Shared with' }).getByText('edit').waitFor()
    await pageA.screenshot({ path: `${SCREENSHOTS}share.png` })
    await pageA.getByRole('button', { name: 'Share' }).click()

    const atB = await eventually(async () => {
      const doc = await showDoc(b.dataDir, docId)
      expect(doc.title).toBe(TITLE)
      return doc
    }, { what: 'Hillview holds the shared document' })
    expect(atB.access).toBe('edit')
  })

  it('two people type at once in two organisations\' pages; pages and nodes agree', async () => {
    await pageB.goto(`${b.apiUrl}/#/doc/${encodeURIComponent(docId)}`)
    await pageB.getByRole('textbox', { name: 'Problem' }).waitFor()
    await waitForText(pageB, 'Saved', 'All changes saved on the node')

    const fromA = 'Riverside: the duty doctor reviews red results by 11:00.'
    const fromB = 'Hillview: abnormal results sat in the inbox over the weekend.'
    await Promise.all([typeAtEnd(pageA, 'Practice', fromA), typeAtEnd(pageB, 'Problem', fromB)])
    await Promise.all([
      waitForText(pageA, 'Problem', fromB), waitForText(pageB, 'Practice', fromA),
      waitForText(pageA, 'Saved', 'All changes saved on the node'), waitForText(pageB, 'Saved', 'All changes saved on the node')
    ])

    // one more keystroke run, timed from A's last key to B's page showing it (an observation)
    const marker = ' Second reader on Mondays.'
    await typeAtEnd(pageA, 'Practice', marker.slice(0, -1))
    const sent = Date.now()
    await pageA.keyboard.type('.')
    await waitForText(pageB, 'Practice', marker)
    console.log(`[web] typing seen on the other organisation's page after ${Date.now() - sent} ms`)

    // A's cursor, named after its organisation, shows on B's page (awareness over the relay)
    await pageB.locator('.collaboration-cursor__label', { hasText: 'Riverside Surgery' }).waitFor()
    await pageB.getByText('Also here: Riverside Surgery').waitFor()
    await pageB.screenshot({ path: `${SCREENSHOTS}editor.png` })

    await eventually(async () => {
      const [atA, atB] = await Promise.all([showDoc(a.dataDir, docId), showDoc(b.dataDir, docId)])
      expect(sectionText(atA)).toContain(fromA + marker)
      expect(sectionText(atA)).toContain(fromB)
      expect(sectionText(atB)).toBe(sectionText(atA))
    }, { what: 'both nodes\' CLI show the same text, with both organisations\' typing' })
  })

  it('formats with the toolbar from the keyboard: a checklist and a table reach the record as Markdown', async () => {
    await pageA.getByRole('textbox', { name: 'Outcomes', exact: true }).click()
    await pageA.getByRole('button', { name: 'Checklist' }).focus()
    await pageA.keyboard.press('Enter')
    await editorFocused(pageA, 'Outcomes') // the tool gives the focus back to the editor
    await pageA.keyboard.type('Audit the inbox every Friday')
    await pageA.getByRole('textbox', { name: 'Resources' }).click()
    await pageA.getByRole('button', { name: 'Table' }).focus()
    await pageA.keyboard.press('Enter')
    await editorFocused(pageA, 'Resources')
    await pageA.keyboard.type('Result')
    await pageA.keyboard.press('Tab')
    await pageA.keyboard.type('Who acts')
    await waitForText(pageA, 'Saved', 'All changes saved on the node')
    expect(await unnamedControls(pageA)).toEqual([])
    await eventually(async () => {
      const text = sectionText(await showDoc(a.dataDir, docId))
      expect(text).toContain('- [ ] Audit the inbox every Friday')
      expect(text).toMatch(/\| Result \| Who acts \|/)
    }, { what: 'the checklist and the table are in the record' })
    await waitForText(pageB, 'Outcomes', 'Audit the inbox every Friday')
  })

  it('keeps the text over a reload', async () => {
    await pageB.reload()
    await waitForText(pageB, 'Practice', 'Second reader on Mondays.')
    await waitForText(pageB, 'Problem', 'Hillview: abnormal results')
  })

  it('edits offline with the node stopped; the edit reaches the other organisation when the node is back', async () => {
    // the app shell is cached by the service worker: the page opens with the node stopped
    await pageB.waitForFunction(() => navigator.serviceWorker.controller != null)
    await b.stop()
    await waitForText(pageB, 'Connection', 'Offline')
    await pageB.reload()
    await pageB.getByRole('textbox', { name: 'Practice' }).waitFor()
    await waitForText(pageB, 'Practice', 'Second reader on Mondays.')

    const offline = ' Offline note from Hillview: check the fridge log too.'
    await typeAtEnd(pageB, 'Practice', offline)
    await waitForText(pageB, 'Saved', 'Offline: changes kept in this browser')
    await pageB.screenshot({ path: `${SCREENSHOTS}offline.png` })

    await b.start()
    await waitForText(pageB, 'Saved', 'All changes saved on the node')
    await waitForText(pageA, 'Practice', offline.trim())
    for (const node of [a, b]) {
      await eventually(async () => {
        expect(sectionText(await showDoc(node.dataDir, docId))).toContain(offline.trim())
      }, { what: `${node.name}'s CLI shows the edit made offline` })
    }
  })

  it('finds the document by full-text search and filters', async () => {
    await pageA.goto(`${a.apiUrl}/#/`)
    expect(await unnamedControls(pageA)).toEqual([])
    await pageA.getByLabel('Search', { exact: true }).fill('fridge log')
    await pageA.getByRole('link', { name: TITLE }).waitFor()
    await pageA.getByLabel('Search', { exact: true }).fill('no such words anywhere')
    await pageA.getByText('No documents match.').waitFor()
    await pageA.getByLabel('Search', { exact: true }).fill('')
    await pageA.getByRole('link', { name: TITLE }).waitFor()
    await pageA.screenshot({ path: `${SCREENSHOTS}documents.png` })
  })

  it('exports Markdown and HTML with the metadata block and licence line, and imports Markdown as a new document', async () => {
    await pageA.goto(`${a.apiUrl}/#/doc/${encodeURIComponent(docId)}`)
    await pageA.getByRole('textbox', { name: 'Practice' }).waitFor()
    await pageA.getByLabel('Licence', { exact: true }).selectOption('CC-BY-4.0')
    await waitForText(pageA, 'Saved', 'All changes saved on the node')

    const [md] = await Promise.all([pageA.waitForEvent('download'), pageA.getByRole('button', { name: 'Export Markdown' }).click()])
    const markdown = readFileSync(await md.path(), 'utf8')
    expect(md.suggestedFilename()).toMatch(/\.md$/)
    expect(markdown).toMatch(/^---\n[\s\S]*licence: CC-BY-4.0[\s\S]*\n---\n/)
    expect(markdown).toContain(`# ${TITLE}`)
    expect(markdown).toContain('Second reader on Mondays.')

    const [html] = await Promise.all([pageA.waitForEvent('download'), pageA.getByRole('button', { name: 'Export HTML' }).click()])
    const page = readFileSync(await html.path(), 'utf8')
    expect(page).toContain(`<h1>${TITLE}</h1>`)
    expect(page).toMatch(/<th>Licence<\/th><td>CC BY 4.0<\/td>/)
    expect(page).toContain('Licensed under CC BY 4.0')
    expect(page).toContain('Second reader on Mondays.')

    const folder = mkdtempSync(join(tmpdir(), 'cp-import-'))
    try {
      const file = join(folder, 'cold-chain.md')
      writeFileSync(file, '# Vaccine fridge cold-chain breach: first-hour checklist\n\n## Practice\n\n- [ ] Move the vaccines to the back-up fridge\n- [ ] Record the minimum and maximum temperatures\n')
      await pageA.goto(`${a.apiUrl}/#/`)
      await pageA.getByLabel('Import Markdown', { exact: true }).setInputFiles(file)
      await pageA.waitForURL(url => url.hash.startsWith('#/doc/') && !url.hash.includes(encodeURIComponent(docId)))
      await waitForText(pageA, 'Practice', 'Record the minimum and maximum temperatures')
      expect(await pageA.getByLabel('Title', { exact: true }).inputValue()).toBe('Vaccine fridge cold-chain breach: first-hour checklist')
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
  })

  it('opens a document shared for reading read-only, and says why', async () => {
    const doc = await cliOk<{ id: string }>(a.dataDir, ['doc', 'create', '--title', 'Repeat prescription requests: 2-working-day turnaround',
      '--section', 'Practice=Requests logged by 11:00 are ready in two working days.'])
    await cliOk(a.dataDir, ['share', doc.id, '--with', b.orgId, '--role', 'read'])
    await eventually(async () => { expect((await showDoc(b.dataDir, doc.id)).access).toBe('read') }, { what: 'Hillview holds the document to read' })
    await pageB.goto(`${b.apiUrl}/#/doc/${encodeURIComponent(doc.id)}`)
    await waitForText(pageB, 'Practice', 'Requests logged by 11:00')
    await pageB.getByRole('note').getByText('Read only').waitFor()
    await pageB.waitForFunction(() => document.querySelector('[aria-label="Practice"]')?.getAttribute('contenteditable') === 'false')
    expect(await pageB.getByLabel('Title', { exact: true }).getAttribute('readonly')).not.toBeNull()
    await pageB.getByRole('button', { name: 'Share' }).click()
    await pageB.getByText('Only the owner (Riverside Surgery) can share this document.').waitFor()
  })
})
