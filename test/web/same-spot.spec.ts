/**
 * Two people typing at the same spot: both click at the end of one paragraph and type different
 * sentences at the same time, in real Chromium pages, (i) two people of one organisation on its
 * node and (ii) two organisations on their own nodes (separate processes). Each person keeps their
 * cursor after their own text, so each sentence comes out whole in both pages and in the record
 * (`commonplace doc show`). Also the formatting toolbar from the keyboard (Alt+F10, arrows,
 * Escape) and other people's cursor labels hidden from screen readers.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { cliOk, listenAddress, showDoc } from '../helpers/cli.ts'
import { eventually } from '../helpers/eventually.ts'
import { killAllChildren } from '../helpers/processes.ts'
import { CARET, clickAtEnd, editorText, expectWordsWhole, waitForEditorLength } from './helpers/editors.ts'
import { launchChromium } from './helpers/browser.ts'
import { WebNode } from './helpers/web-node.ts'

const BASE = 'The duty doctor reviews red results by 11 am.'
const FIRST = ' Nurses phone the patient on the same day.'
const SECOND = ' Send a text message when there is no answer.'
/** Per key (ms): long enough for each keystroke's update to cross the other person's. */
const KEY_DELAY = 25

/**
 * Wait until the page shows the other person's cursor right after `text` (their own sentence):
 * the text before the caret, cursor labels aside, ends with it.
 */
async function waitForCaretAfter (page: Page, label: string, text: string): Promise<void> {
  await page.waitForFunction(([l, caret, t]) => {
    const editor = document.querySelector(`[aria-label="${l}"]`)
    const mark = editor?.querySelector(caret)
    if (editor == null || mark == null) return false
    const range = document.createRange()
    range.setStart(editor, 0)
    range.setEndBefore(mark)
    const before = range.cloneContents()
    before.querySelectorAll(caret).forEach(c => { c.remove() })
    return (before.textContent ?? '').endsWith(t)
  }, [label, CARET, text] as const)
}

async function openDoc (page: Page, node: WebNode, id: string): Promise<void> {
  await page.goto(`${node.apiUrl}/#/doc/${encodeURIComponent(id)}`)
  await page.waitForFunction(([l, t]) => document.querySelector(`[aria-label="${l}"]`)?.textContent?.includes(t) === true, ['Practice', BASE] as const)
}

/** Both people type their sentence at the end of the Practice paragraph at the same time. */
async function typeAtOnce (one: Page, two: Page): Promise<void> {
  await Promise.all([clickAtEnd(one, 'Practice'), clickAtEnd(two, 'Practice')])
  await Promise.all([one.keyboard.type(FIRST, { delay: KEY_DELAY }), two.keyboard.type(SECOND, { delay: KEY_DELAY })])
}

/** Each sentence whole, one after the other in either order, after the paragraph's text. */
const WHOLE = [BASE + FIRST + SECOND, BASE + SECOND + FIRST]

async function expectWholeInPages (pages: Page[]): Promise<void> {
  const length = WHOLE[0].length
  await Promise.all(pages.map(async page => { await waitForEditorLength(page, 'Practice', length) }))
  const texts = await Promise.all(pages.map(async page => await editorText(page, 'Practice')))
  for (const text of texts) expectWordsWhole(text, BASE, [FIRST, SECOND])
  expect(new Set(texts).size, 'both pages show the same paragraph').toBe(1)
}

async function expectWholeOnNode (node: WebNode, id: string): Promise<void> {
  const practice = (doc: Awaited<ReturnType<typeof showDoc>>): string => doc.sections.find(s => s.heading === 'Practice')?.markdown.trim() ?? ''
  const doc = await eventually(async () => {
    const shown = await showDoc(node.dataDir, id)
    expect(practice(shown).length).toBeGreaterThanOrEqual(WHOLE[0].length)
    return shown
  }, { what: `${node.name}'s record holds both sentences` })
  expectWordsWhole(practice(doc), BASE, [FIRST, SECOND])
}

/** A second person's login link on the same node (as `POST /api/web/login-links` mints it). */
async function anotherLogin (node: WebNode): Promise<string> {
  const token = readFileSync(join(node.dataDir, 'api-token'), 'utf8').trim()
  const res = await fetch(`${node.apiUrl}/api/web/login-links`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })
  expect(res.status).toBe(200)
  return ((await res.json()) as { url: string }).url
}

async function createDoc (node: WebNode, title: string): Promise<string> {
  return (await cliOk<{ id: string }>(node.dataDir, ['doc', 'create', '--title', title, '--section', `Practice=${BASE}`])).id
}

describe('web app: typing at the same spot keeps words whole', () => {
  const a = new WebNode('Riverside Surgery')
  const b = new WebNode('Hillview Medical Practice')
  let browser: Browser
  let contexts: BrowserContext[] = []
  let pages: Page[] = []

  beforeAll(async () => {
    ;[browser] = await Promise.all([launchChromium(), a.start(), b.start()])
    contexts = await Promise.all([0, 1, 2].map(async () => await browser.newContext({ viewport: { width: 1000, height: 800 } })))
    pages = await Promise.all(contexts.map(async c => await c.newPage()))
    pages.forEach((page, i) => { page.on('pageerror', err => { console.log(`[page ${i}] ${err.message}`) }) })
    // two people of Riverside, one of Hillview
    const second = await anotherLogin(a)
    await Promise.all([pages[0].goto(a.login), pages[1].goto(second), pages[2].goto(b.login)])
    await Promise.all(pages.map(async page => { await page.getByRole('button', { name: 'New document' }).waitFor() }))
  })

  afterAll(async () => {
    await Promise.all(contexts.map(async c => { await c.close() }))
    await browser?.close()
    await Promise.all([a.destroy(), b.destroy()])
    await killAllChildren()
  })

  it('two people of one organisation type at the end of one paragraph at once; each sentence stays whole', async () => {
    const [one, two] = pages
    const id = await createDoc(a, 'Abnormal results: same-day call back')
    await Promise.all([openDoc(one, a, id), openDoc(two, a, id)])
    await typeAtOnce(one, two)
    await expectWholeInPages([one, two])
    // each page shows the other person's cursor after that person's own sentence
    await Promise.all([waitForCaretAfter(one, 'Practice', SECOND), waitForCaretAfter(two, 'Practice', FIRST)])
    await expectWholeOnNode(a, id)
  })

  it('two organisations type at the end of one paragraph at once; each sentence stays whole on both nodes', async () => {
    const [one, , other] = pages
    const id = await createDoc(a, 'Abnormal results across two practices')
    await cliOk(a.dataDir, ['share', id, '--with', b.orgId, '--role', 'edit'])
    await cliOk(b.dataDir, ['connect', await listenAddress(a.dataDir)])
    await eventually(async () => { expect((await showDoc(b.dataDir, id)).access).toBe('edit') }, { what: 'Hillview holds the shared document' })
    await Promise.all([openDoc(one, a, id), openDoc(other, b, id)])
    await typeAtOnce(one, other)
    await expectWholeInPages([one, other])
    await Promise.all([waitForCaretAfter(one, 'Practice', SECOND), waitForCaretAfter(other, 'Practice', FIRST)])
    await expectWholeOnNode(a, id)
    await expectWholeOnNode(b, id)
  })

  it('hides other people\'s cursor labels from screen readers', async () => {
    const [one] = pages
    const carets = one.locator(CARET)
    expect(await carets.count()).toBeGreaterThan(0)
    for (const caret of await carets.all()) expect(await caret.getAttribute('aria-hidden')).toBe('true')
    // the editor's text, as a screen reader gets it, does not read the other organisation's name
    expect(await one.getByRole('textbox', { name: 'Practice' }).ariaSnapshot()).not.toContain('Hillview')
  })

  it('reaches the formatting toolbar with Alt+F10: arrows move between its buttons, Enter formats, Escape returns', async () => {
    const [one] = pages
    /** Wait until the focus is on the toolbar's button `name`, or on the editor `name`. */
    const focusOn = async (name: string): Promise<void> => {
      await one.waitForFunction(n => {
        const el = document.activeElement
        return el?.closest('[role="toolbar"]') != null ? el.firstChild?.textContent === n : el?.getAttribute('aria-label') === n
      }, name)
    }
    const bold = one.getByRole('toolbar', { name: 'Formatting' }).getByRole('button', { name: 'Bold' })
    expect(await bold.getAttribute('aria-keyshortcuts')).toBe('Control+B')

    await clickAtEnd(one, 'Practice')
    await one.keyboard.press('Alt+F10')
    await focusOn('Bold')
    // the shortcut shows on the focused button, outside its accessible name
    await bold.locator('.shortcut-hint', { hasText: 'Ctrl+B' }).waitFor({ state: 'visible' })
    await one.keyboard.press('ArrowRight')
    await focusOn('Italic')
    await one.keyboard.press('ArrowLeft')
    await one.keyboard.press('ArrowLeft') // wraps round to the last button
    await focusOn('Link')
    await one.keyboard.press('Home')
    await focusOn('Bold')
    await one.keyboard.press('Escape')
    await focusOn('Practice')

    // the toolbar remembers its button; Enter applies it and gives the editor back
    await one.keyboard.press('Alt+F10')
    await one.keyboard.press('ArrowRight')
    await one.keyboard.press('Enter')
    await focusOn('Practice')
    await one.keyboard.type(' Call twice.')
    await waitForEditorLength(one, 'Practice', WHOLE[0].length + ' Call twice.'.length)
    // (another person's cursor may sit at the same spot, inside the <em>: leave it out)
    expect(await one.evaluate(([caret]) => {
      const copy = document.querySelector('[aria-label="Practice"]')?.cloneNode(true) as HTMLElement | undefined
      copy?.querySelectorAll(caret).forEach(c => { c.remove() })
      return Array.from(copy?.querySelectorAll('em') ?? [], em => em.textContent)
    }, [CARET] as const)).toEqual([' Call twice.'])
    // only one button of the toolbar is a Tab stop
    expect(await one.getByRole('toolbar', { name: 'Formatting' }).locator('button[tabindex="0"]').count()).toBe(1)
  })
})
