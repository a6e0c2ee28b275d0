/**
 * axe-core in a Chromium page: the WCAG 2.0, 2.1 and 2.2 A and AA violations of the page as it
 * is, each with the elements it found (for the test's output).
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { expect } from 'vitest'
import type { Page } from 'playwright-core'

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa']

export interface Violation { id: string, impact: string, help: string, nodes: string[] }

export async function axeViolations (page: Page): Promise<Violation[]> {
  // evaluated through the DevTools protocol, which the page's CSP (no inline scripts) does not stop
  if (!await page.evaluate(() => 'axe' in window)) await page.evaluate(AXE_SOURCE)
  return await page.evaluate(async tags => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: Array<{ id: string, impact: string, help: string, nodes: Array<{ target: string[], failureSummary: string }> }> }> } }).axe
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
    return result.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => `${n.target.join(' ')}: ${n.failureSummary}`) }))
  }, WCAG_TAGS)
}

/** How far the page scrolls sideways (0 when it fits). */
export async function sideways (page: Page): Promise<number> {
  return await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
}

/** axe-core's violations and the sideways overflow of the page as it is, at both widths; leaves it at 1100 px. */
export async function checkView (page: Page, what: string): Promise<void> {
  for (const width of [1280, 360]) {
    await page.setViewportSize({ width, height: width === 360 ? 780 : 900 })
    expect(await axeViolations(page), `${what} at ${width} px`).toEqual([])
    expect(await sideways(page), `${what} scrolls sideways at ${width} px`).toBe(0)
  }
  await page.setViewportSize({ width: 1100, height: 900 })
}
