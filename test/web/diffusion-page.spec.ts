/**
 * The diffusion view of a large network (50 organisations, 500 practice families, 10 adoption
 * changes each) draws in Chromium, in the app and opened cold: the matrix's first page of the
 * 500 families (asked of the node a page at a time), and the rest of the view. The figures are printed,
 * not asserted (docs/web.md lists them; `node test/web/diffusion-page.ts` measures 5 runs).
 */
import { afterAll, describe, expect, it } from 'vitest'
import { killAllChildren } from '../helpers/processes.ts'
import { FAMILIES, PAGE_ROWS, measureDiffusionPage } from './diffusion-page.ts'

describe('the diffusion view of 50 organisations × 500 practice families', () => {
  afterAll(async () => { await killAllChildren() })

  it('draws the matrix\'s first page of the 500 families, in the app and opened cold, and asks for the next page and a search', async () => {
    const figures = await measureDiffusionPage(1)
    console.log(`diffusion page: ${Math.round(figures.bytes / 1024)} KiB of JSON (the whole view ${Math.round(figures.wholeBytes / 1024)} KiB); in the app ${figures.inAppMs.map(Math.round).join(', ')} ms; cold ${figures.coldMs.map(Math.round).join(', ')} ms`)
    expect(figures.matrixRows).toBe(PAGE_ROWS)
    expect(figures.caption).toContain(`Families 1–${PAGE_ROWS} of ${FAMILIES}`)
    expect(figures.nextCaption).toContain(`Families ${PAGE_ROWS + 1}–${2 * PAGE_ROWS} of ${FAMILIES}`)
    expect(figures.foundCaption).toContain('Families 1–1 of 1')
    expect(figures.foundRows).toBe(1)
    // the page asks the node for one page of families, not the whole matrix
    expect(figures.bytes).toBeGreaterThan(0)
    expect(figures.bytes * 4).toBeLessThan(figures.wholeBytes)
    expect(figures.inAppMs).toHaveLength(1)
    expect(figures.coldMs).toHaveLength(1)
  }, 120_000)
})
