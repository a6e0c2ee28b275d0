/**
 * Workload "web-load": a person opens the web app for the first time. A node (in this process,
 * serving the built apps/web/dist on loopback) holds demo records; Chromium (Debian's, driven by
 * playwright-core) opens the login link in a fresh context, so with an empty cache, and the page
 * reports, from the start of the navigation: its first contentful paint, and the frame in which
 * the document list's entries first appear. Also counted: bytes transferred, API requests, and
 * API requests made more than once, in the load and until 250 ms after the page connected to the
 * node's event stream.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import type { Browser } from 'playwright-core'
import { createNode } from '@commonplace/node'
import type { CommonplaceNode } from '@commonplace/node'
import { SECTION_TEMPLATES } from '@commonplace/record'
import { prng } from './content.ts'
import { WorkloadId } from './types.ts'
import type { BenchConfig, Metrics, RunContext, Scenario } from './types.ts'

/** The built app; BENCH_WEB_ROOT names another build (e.g. one made with `vite build --outDir`). */
export const WEB_ROOT = process.env.BENCH_WEB_ROOT ?? fileURLToPath(new URL('../../apps/web/dist/', import.meta.url))
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
/** Records the node holds (the list shows them all). */
const DOCS = 50
/** Fresh-context loads timed in one run (after one untimed load: Chromium's and the node's first). */
const LOADS = 5
/** After the page connected to the node's event stream: time for requests it makes then. */
const SETTLE_MS = 250
const VERSION = 'commonplace 0.1.0 web app (Chromium, playwright-core)'

/** Titles from ../shared/DOMAIN.md's sample organisations and documents. */
const TITLES = [
  'Handling abnormal blood results: who acts, by when',
  'Repeat prescription requests: 2-working-day turnaround',
  'Vaccine fridge cold-chain breach: first-hour checklist',
  'Care navigation scripts for reception',
  'Baugrube sichern – Checkliste für Auszubildende',
  'Betonieren bei Frost',
  'Self-rostering in a 24/7 elderly-care unit',
  'Shift planning that staff help design'
]
const SENTENCES = [
  'The duty doctor reviews every abnormal result before the end of the working day.',
  'Reception logs each request and the pharmacy confirms collection within two working days.',
  'Move the vaccines to the backup fridge, record the temperatures and call the clinical lead.',
  'Apprentices check the shoring before anyone enters the trench, every shift.',
  'Concrete is covered and kept above +5 °C for three days after pouring.',
  'Staff choose their shifts within agreed limits; the rota is fixed two weeks ahead.'
]

export function webLoadScenarios (_config: BenchConfig): Scenario[] {
  return [{
    workload: WorkloadId.webLoad,
    variant: `first load, ${DOCS} records, median of ${LOADS} fresh contexts`,
    system: 'commonplace',
    version: VERSION,
    run: async ctx => await webLoad(ctx)
  }]
}

async function webLoad (ctx: RunContext): Promise<Metrics> {
  if (!existsSync(join(WEB_ROOT, 'index.html'))) throw new Error(`${WEB_ROOT} holds no build: run \`npm run build:web\` first`)
  const node = await createNode({
    dataDir: ctx.tmpDir(), name: 'Riverside Surgery', listen: ['/ip4/127.0.0.1/tcp/0'], http: { host: '127.0.0.1', port: 0 }, web: { root: WEB_ROOT }
  })
  let browser: Browser | undefined
  try {
    await node.start()
    await seed(node, ctx.config.seed)
    browser = await launchChromium()
    await firstLoad(browser, node)
    const loads: Load[] = []
    for (let i = 0; i < LOADS; i++) loads.push(await firstLoad(browser, node))
    const median = (pick: (l: Load) => number): number => {
      const xs = loads.map(pick).sort((a, b) => a - b)
      return xs[Math.floor((xs.length - 1) / 2)]
    }
    return {
      fcpMs: median(l => l.fcpMs),
      listMs: median(l => l.listMs),
      maxFcpMs: Math.max(...loads.map(l => l.fcpMs)),
      maxListMs: Math.max(...loads.map(l => l.listMs)),
      kB: median(l => l.kB),
      apiCalls: median(l => l.apiCalls),
      repeatedApiCalls: Math.max(...loads.map(l => l.repeatedApiCalls))
    }
  } finally {
    await browser?.close()
    await node.stop()
  }
}

/** Debian's Chromium, headless, without its background traffic. */
export async function launchChromium (): Promise<Browser> {
  return await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
}

/** Demo records: DOMAIN.md's titles, the good-practice template's sections, a few sentences each. */
async function seed (node: CommonplaceNode, seed: number): Promise<void> {
  const rand = prng(seed)
  for (let i = 0; i < DOCS; i++) {
    const sections = SECTION_TEMPLATES.goodPractice.map(heading => ({
      heading, text: Array.from({ length: 2 }, () => SENTENCES[Math.floor(rand() * SENTENCES.length)]).join(' ')
    }))
    await node.api.createDoc({ title: `${TITLES[i % TITLES.length]} (${Math.floor(i / TITLES.length) + 1})`, sections })
  }
}

interface Load { fcpMs: number, listMs: number, kB: number, apiCalls: number, repeatedApiCalls: number }

/** One load in a fresh context (empty cache, no service worker), through the login link. */
async function firstLoad (browser: Browser, node: CommonplaceNode): Promise<Load> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  try {
    const page = await context.newPage()
    const api: string[] = []
    page.on('request', r => {
      const url = new URL(r.url())
      if (url.pathname.startsWith('/api/')) api.push(`${r.method()} ${url.pathname}${url.search}`)
    })
    // set before the page's own scripts run: the frame in which the list's first entry appears
    await page.addInitScript(() => {
      const seen = (): boolean => document.querySelector('ul.doc-list[aria-label="Documents"] li') != null
      const observer = new MutationObserver(() => {
        if (!seen()) return
        observer.disconnect()
        requestAnimationFrame(() => { (window as { listShownAt?: number }).listShownAt = performance.now() })
      })
      observer.observe(document, { childList: true, subtree: true })
    })
    await page.goto(node.loginLink()!)
    await page.waitForFunction(() => (window as { listShownAt?: number }).listShownAt != null).catch(async (err: Error) => {
      const shown = await page.evaluate(() => document.body.innerText.slice(0, 300)).catch(() => '')
      throw new Error(`the document list did not show (${err.message.split('\n')[0]}); the page showed: ${JSON.stringify(shown)}`)
    })
    // requests the page makes once its event stream is open (a refresh on reconnect) count too
    await page.locator('[aria-label="Connection"][data-online="true"]').waitFor()
    await page.evaluate(async ms => { await new Promise(resolve => setTimeout(resolve, ms)) }, SETTLE_MS)
    const timing = await page.evaluate(async () => {
      const fcp = await new Promise<number>(resolve => {
        new PerformanceObserver(list => {
          const entry = list.getEntries().find(e => e.name === 'first-contentful-paint')
          if (entry != null) resolve(entry.startTime)
        }).observe({ type: 'paint', buffered: true })
      })
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming
      const bytes = performance.getEntriesByType('resource').reduce((sum, r) => sum + (r as PerformanceResourceTiming).transferSize, nav.transferSize)
      return { fcpMs: fcp, listMs: (window as { listShownAt?: number }).listShownAt!, kB: bytes / 1024 }
    })
    const counts = new Map<string, number>()
    for (const call of api) counts.set(call, (counts.get(call) ?? 0) + 1)
    return { ...timing, apiCalls: api.length, repeatedApiCalls: [...counts.values()].filter(n => n > 1).length }
  } finally {
    await context.close()
  }
}
