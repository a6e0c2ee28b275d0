/**
 * Workload "history", in Chromium: a document with 200 comment threads is open in the web app and
 * its Comments panel is opened; the time from the click to the frame in which the 200 threads are
 * in the page (the page asks the node for them, the node checks every entry's author and resolves
 * every anchor, the page renders them).
 */
import type { Page } from 'playwright-core'
import type { DocId } from '@commonplace/core'
import type { CommonplaceNode } from '@commonplace/node'
import { median } from './measure.ts'
import { withNode } from './practice.ts'
import { WEB_ROOT, launchChromium } from './web-load.ts'
import type { Metrics, RunContext } from './types.ts'

/** Comment threads on one document, each anchored to a passage, with a reply. */
export const THREADS = 200
/** Timed openings of the panel (after one untimed). */
const OPENINGS = 5

/** `THREADS` threads on a record, each on a word of one of its sections in turn, each with a reply. */
export async function addThreads (node: CommonplaceNode, doc: DocId): Promise<void> {
  const view = await node.api.getDoc(doc)
  for (let i = 0; i < THREADS; i++) {
    const section = view.sections[i % view.sections.length]
    const words = section.markdown.split(/\s+/).filter(w => /^[a-z]{4,}$/i.test(w))
    const thread = await node.api.addComment(doc, { section: section.heading, quote: words[i % words.length], text: `Comment ${i} on this passage.` })
    await node.api.replyComment(thread.id, { text: `Reply to comment ${i}.` })
  }
}

/**
 * The page's side of opening the comments: `ms` (median) and `maxMs` from the click to the
 * threads' frame; `apiMs` (median) the comments request within it, from its start to its answer's
 * last byte (the rest is the page's: parsing and rendering).
 */
export async function threadsPaint (ctx: RunContext): Promise<Metrics> {
  return await withNode(ctx, async (node, doc) => {
    await addThreads(node, doc)
    const browser = await launchChromium()
    try {
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage()
      await page.goto(node.loginLink() as string)
      const times: Opening[] = []
      for (let i = 0; i <= OPENINGS; i++) {
        const opening = await openComments(page, `${node.apiUrl}/#/doc/${encodeURIComponent(doc)}`)
        if (i > 0) times.push(opening)
      }
      return { ms: median(times.map(t => t.ms)), maxMs: Math.max(...times.map(t => t.ms)), apiMs: median(times.map(t => t.apiMs)) }
    } finally {
      await browser.close()
    }
  }, { web: { root: WEB_ROOT } })
}

interface Opening { ms: number, apiMs: number }

/** Open the document's page afresh, click Comments, and time until the frame with every thread in it. */
async function openComments (page: Page, url: string): Promise<Opening> {
  await page.goto('about:blank')
  await page.goto(url)
  await page.locator('[aria-label="Connection"][data-online="true"]').waitFor()
  const button = page.getByRole('button', { name: 'Comments', exact: true })
  await button.waitFor()
  await page.evaluate(threads => {
    const w = window as { threadsShownAt?: number, clickedAt?: number }
    delete w.threadsShownAt
    const observer = new MutationObserver(() => {
      if (document.querySelectorAll('ol.threads > li').length < threads) return
      observer.disconnect()
      requestAnimationFrame(() => { w.threadsShownAt = performance.now() })
    })
    observer.observe(document, { childList: true, subtree: true })
    document.addEventListener('click', () => { w.clickedAt = performance.now() }, { capture: true, once: true })
  }, THREADS)
  await button.click()
  await page.waitForFunction(() => (window as { threadsShownAt?: number }).threadsShownAt != null, undefined, { timeout: 60_000 })
  return await page.evaluate(() => {
    const w = window as { threadsShownAt?: number, clickedAt?: number }
    const request = performance.getEntriesByType('resource').filter(r => r.name.endsWith('/comments')).pop() as PerformanceResourceTiming
    return { ms: (w.threadsShownAt as number) - (w.clickedAt as number), apiMs: request.responseEnd - request.startTime }
  })
}
