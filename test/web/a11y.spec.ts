/**
 * Accessibility of every view, checked by axe-core in Chromium against WCAG 2.0, 2.1 and 2.2 A
 * and AA, at 1280 px and at 360 px wide, with content in each view: the document list, a
 * document to edit, a document shared read-only by another organisation, the learning networks, a
 * network with a topic, our organisation's card, the directory, the notices, the proposals and
 * a network's diffusion view. At 360 px no view
 * scrolls sideways. Screenshots of the narrow document list and document go to docs/screenshots.
 */
import { mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { cliOk, peerIds, showDoc } from '../helpers/cli.ts'
import { eventually } from '../helpers/eventually.ts'
import { killAllChildren } from '../helpers/processes.ts'
import { launchChromium } from './helpers/browser.ts'
import { WebNode } from './helpers/web-node.ts'

const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa']
const TITLE = 'Handling abnormal blood results: who acts, by when'
const SHARED_TITLE = 'Repeat prescription requests: 2-working-day turnaround'
const NETWORK = 'Northfield & Canal PCN'
const TOPIC = 'Results handling across the PCN'

interface View {
  name: string
  hash: string
  /** What shows once the view has its content. */
  ready: (page: Page) => Promise<void>
}

interface Violation { id: string, impact: string, help: string, nodes: string[] }

/** axe-core's violations on the page as it is, each with the elements it found (for the test's output). */
async function axeViolations (page: Page): Promise<Violation[]> {
  if (!await page.evaluate(() => 'axe' in window)) await page.addScriptTag({ content: AXE_SOURCE })
  return await page.evaluate(async tags => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: Array<{ id: string, impact: string, help: string, nodes: Array<{ target: string[], failureSummary: string }> }> }> } }).axe
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
    return result.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => `${n.target.join(' ')}: ${n.failureSummary}`) }))
  }, WCAG_TAGS)
}

/** Controls that share their accessible name with another control of the view (role: name). */
async function sameNamedControls (page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page)
  try {
    const { nodes } = await cdp.send('Accessibility.getFullAXTree') as { nodes: Array<{ ignored: boolean, role?: { value: string }, name?: { value: string } }> }
    const controls = ['button', 'link', 'textbox', 'searchbox', 'combobox', 'checkbox', 'radio', 'listbox', 'slider', 'spinbutton', 'switch', 'menuitem', 'tab']
    const names = nodes.filter(n => !n.ignored && controls.includes(n.role?.value ?? '')).map(n => `${n.role!.value}: ${(n.name?.value ?? '').trim()}`)
    return [...new Set(names.filter((name, i) => names.indexOf(name) !== i))]
  } finally {
    await cdp.detach()
  }
}

/** Relative luminance of a CSS rgb()/rgba() colour (WCAG 2). */
function luminance (css: string): number {
  const [r, g, b] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number).map(v => {
    const c = v / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  })
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

function contrast (a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (hi + 0.05) / (lo + 0.05)
}

/** Tab until the element named `name` has the keyboard focus; its focus outline and the background around it. */
async function focusRing (page: Page, name: string): Promise<{ style: string, width: number, colour: string, background: string }> {
  await page.evaluate(() => { (document.activeElement as HTMLElement | null)?.blur() })
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab')
    const ring = await page.evaluate(wanted => {
      const el = document.activeElement as HTMLElement | null
      if (el == null || el.textContent?.trim() !== wanted) return undefined
      const style = getComputedStyle(el)
      // the outline is drawn outside the element: what it must stand out from is the parent's background
      let bg = 'rgb(255, 255, 255)'
      for (let p = el.parentElement; p != null; p = p.parentElement) {
        const c = getComputedStyle(p).backgroundColor
        if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') { bg = c; break }
      }
      return { style: style.outlineStyle, width: parseFloat(style.outlineWidth), colour: style.outlineColor, background: bg }
    }, name)
    if (ring != null) return ring
  }
  throw new Error(`"${name}" never had the keyboard focus`)
}

/** How far the page scrolls sideways (0 when it fits the viewport). */
async function sidewaysOverflow (page: Page): Promise<number> {
  return await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
}

describe('accessibility: axe-core finds no WCAG 2.2 A/AA violation on any view, wide or narrow', () => {
  const a = new WebNode('Riverside Surgery')
  const b = new WebNode('Hillview Medical Practice')
  let browser: Browser
  let context: BrowserContext
  let page: Page
  const views: View[] = []

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true })
    ;[browser] = await Promise.all([launchChromium(), a.start(), b.start()])
    // the node's Content-Security-Policy allows no inline script: axe-core is injected as one
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true })
    page = await context.newPage()
    page.on('pageerror', err => { console.log(`[page] ${err.message}`) })
    await page.goto(a.login)
    await page.getByRole('button', { name: 'New document' }).waitFor()

    // a document from the good-practice template, made in the page
    await page.getByRole('button', { name: 'New document' }).click()
    await page.getByLabel('Title', { exact: true }).fill(TITLE)
    await page.getByRole('button', { name: 'Create' }).click()
    await page.waitForURL(/#\/doc\//)
    const docId = decodeURIComponent(new URL(page.url()).hash.slice('#/doc/'.length))

    // a learning network with a topic: the two practices meet in it, so Hillview can share with Riverside
    const network = await cliOk<{ id: string }>(a.dataDir, ['network', 'create', NETWORK])
    const invitation = await cliOk<{ code: string }>(a.dataDir, ['network', 'invite', network.id])
    await cliOk(b.dataDir, ['network', 'join', invitation.code])
    await cliOk(a.dataDir, ['topic', 'create', network.id, '--title', TOPIC, '--brief', 'How each practice makes sure abnormal results are acted on the same day'])
    // checklists in both documents: their boxes are targets too
    await cliOk(a.dataDir, ['doc', 'edit', docId, '--append=- [ ] Audit the results inbox every Friday', '--section', 'Outcomes'])
    const shared = await cliOk<{ id: string }>(b.dataDir, ['doc', 'create', '--title', SHARED_TITLE,
      '--section', 'Practice=Requests logged by 11:00 are ready in two working days.', '--section', 'Outcomes=- [x] Turnaround audited in March'])
    await eventually(async () => { expect(await peerIds(b.dataDir)).toContain(a.orgId) }, { what: 'Hillview is connected to Riverside' })
    await cliOk(b.dataDir, ['share', shared.id, '--with', a.orgId, '--role', 'read'])
    await eventually(async () => { expect((await showDoc(a.dataDir, shared.id)).access).toBe('read') }, { what: 'Riverside holds the document Hillview shared to read' })

    const heading = (name: string) => async (p: Page) => { await p.getByRole('heading', { level: 1, name }).waitFor() }
    views.push(
      { name: 'document list', hash: '#/', ready: async p => { await p.getByRole('link', { name: SHARED_TITLE }).waitFor() } },
      { name: 'document', hash: `#/doc/${encodeURIComponent(docId)}`, ready: async p => { await p.getByRole('textbox', { name: 'Outcomes' }).getByRole('checkbox').waitFor() } },
      {
        name: 'read-only document',
        hash: `#/doc/${encodeURIComponent(shared.id)}`,
        ready: async p => { await p.getByRole('textbox', { name: 'Outcomes' }).getByRole('checkbox').waitFor() }
      },
      { name: 'networks', hash: '#/networks', ready: async p => { await p.getByRole('link', { name: NETWORK }).waitFor() } },
      { name: 'network', hash: `#/network/${encodeURIComponent(network.id)}`, ready: async p => { await p.getByRole('link', { name: TOPIC }).waitFor() } },
      { name: 'our organisation', hash: '#/organisation', ready: async p => { await p.getByRole('button', { name: 'Copy' }).waitFor() } },
      { name: 'directory', hash: '#/directory', ready: heading('Directory') },
      { name: 'notices', hash: '#/notices', ready: heading('Notices') },
      { name: 'proposals', hash: '#/proposals', ready: heading('Proposals') },
      { name: 'diffusion view', hash: `#/network/${encodeURIComponent(network.id)}/diffusion`, ready: heading(`How practices spread in ${NETWORK}`) }
    )
  })

  afterAll(async () => {
    await context?.close()
    await browser?.close()
    await Promise.all([a.destroy(), b.destroy()])
    await killAllChildren()
  })

  async function open (view: View): Promise<void> {
    await page.goto(`${a.apiUrl}/${view.hash}`)
    await view.ready(page)
    await page.getByRole('status', { name: 'Connection' }).getByText('Connected to the node').waitFor()
  }

  for (const width of [1280, 360]) {
    it(`has no violations at ${width} px${width === 360 ? ', and nothing scrolls sideways' : ''}`, async () => {
      await page.setViewportSize({ width, height: width === 360 ? 780 : 900 })
      const found: Record<string, Violation[]> = {}
      const overflow: Record<string, number> = {}
      const sameNames: Record<string, string[]> = {}
      for (const view of views) {
        await open(view)
        const violations = await axeViolations(page)
        if (violations.length > 0) found[view.name] = violations
        const twice = await sameNamedControls(page)
        if (twice.length > 0) sameNames[view.name] = twice
        if (width === 360) {
          const pixels = await sidewaysOverflow(page)
          if (pixels > 0) overflow[view.name] = pixels
          if (view.name === 'document list') await page.screenshot({ path: `${SCREENSHOTS}narrow-documents.png` })
          if (view.name === 'document') await page.screenshot({ path: `${SCREENSHOTS}narrow-document.png` })
        }
        // every view has its own title in the browser's tab
        expect(await page.title(), view.name).toMatch(/.+ · Commonplace$/)
      }
      expect(found).toEqual({})
      expect(overflow).toEqual({})
      expect(sameNames).toEqual({})
    }, 180_000)
  }

  it('shows the keyboard focus with an outline of at least 3:1, in the header and on the page', async () => {
    await page.setViewportSize({ width: 1280, height: 900 })
    await open(views[0])
    for (const name of ['Documents', 'New document']) {
      const ring = await focusRing(page, name)
      expect(ring.style, name).not.toBe('none')
      expect(ring.width, name).toBeGreaterThanOrEqual(2)
      expect(contrast(ring.colour, ring.background), `${name}: ${ring.colour} on ${ring.background}`).toBeGreaterThanOrEqual(3)
    }
  })

  it('gives checklist boxes a target of at least 24 × 24 px', async () => {
    await open(views[1])
    const box = await page.getByRole('textbox', { name: 'Outcomes' }).getByRole('checkbox').boundingBox()
    expect(box?.width).toBeGreaterThanOrEqual(24)
    expect(box?.height).toBeGreaterThanOrEqual(24)
  })
})
