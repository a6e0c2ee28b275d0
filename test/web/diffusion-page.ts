/**
 * How long the diffusion view takes to show in the page for a large network: 50 organisations,
 * 500 practice families (a source and a variant each), 10 adoption changes by every organisation of
 * every family over two years (250,000 statements, a full matrix of 25,000 cells), and each
 * organisation's monthly activity. The view is what the node's route answers (`diffusionView` of
 * packages/practice over generated statements, as the node's JSON, a page of 25 families at a time
 * as the page asks for it: `familyPage`, as the node pages); Chromium gets it from the route at
 * once (the node's own computing time is the `diffusion` workload of `npm run bench`), so the
 * figures are the page's: the request, parsing, and drawing the matrix, the curve and the rest.
 *
 * - **in the app**: the app is open; from following the link to the view until the frame in which
 *   it is drawn: the matrix's first page (25 families × 50 organisations, the most adopted), the
 *   curve, the tree of one family, the activity table and the quiet members.
 * - **opened cold**: a fresh browser context (empty cache) opens the view's address; from the
 *   start of the navigation until the same frame (the page, its script, the view's chunk, the
 *   data).
 *
 * Run: `npm run build:web && npm run build:cli && node test/web/diffusion-page.ts` (prints JSON).
 */
import { byFamilyOf, diffusionView, familiesBySpread, familyPage, lastMonths, lineageIndex } from '@commonplace/practice'
import type { ActivityStatement, AdoptionStatement, FamilyNode, FamilyOrder, LineageDoc } from '@commonplace/practice'
import type { Browser, Page, Route } from 'playwright-core'
import { launchChromium } from './helpers/browser.ts'
import { WebNode } from './helpers/web-node.ts'

export const ORGS = 50
export const FAMILIES = 500
export const CHANGES_PER_FAMILY = 10
/** Rows of the matrix's first page (MATRIX_PAGE in apps/web/src/views/matrix.tsx). */
export const PAGE_ROWS = 25
const MONTH_MS = 30 * 24 * 3600 * 1000
/** `adapted` last: only a variant's owner reaches it. */
const STATES = ['aware', 'considering', 'trialling', 'adopted', 'discontinued', 'adapted'] as const
const NETWORK = 'net_bench'

/** A spread of whole numbers below `n` from two indices: the same network on every run, with no generator to carry. */
const pick = (n: number, a: number, b: number): number => (a * 7919 + b * 104729 + a * b * 31) % n

const iso = (ms: number): string => new Date(ms).toISOString()

/** The rules' tree as the node's JSON (times as ISO, organisations named). */
function treeJson (node: FamilyNode, names: Map<string, string>): unknown {
  return { ...node, orgName: names.get(node.org), ...(node.at !== undefined ? { at: iso(node.at) } : {}), children: node.children.map(child => treeJson(child, names)) }
}

/** The diffusion view of the generated network, as `GET /api/networks/:id/diffusion` answers it. */
export function largeDiffusion (now = Date.UTC(2026, 11, 1)): LargeView {
  const orgs = Array.from({ length: ORGS }, (_, i) => ({ org: `org${String(i).padStart(2, '0')}`, name: `Practice ${i + 1} of the network`, role: i === 0 ? 'facilitator' as const : 'member' as const }))
  const docs: LineageDoc[] = []
  const adoption: AdoptionStatement[] = []
  const start = now - 24 * MONTH_MS
  for (let f = 0; f < FAMILIES; f++) {
    // a source and one variant per family (as the node-side workload, bench/src/practice.ts)
    const owner = orgs[1 + (f % (ORGS - 1))].org
    const adapter = orgs[1 + ((f + 7) % (ORGS - 1))].org
    const root = `doc${f}`
    const variant = `${root}-v`
    docs.push({ id: root, owner, title: `Practice family ${f + 1}: handling results, rotas and checklists`, created: start })
    docs.push({ id: variant, owner: adapter, title: `Practice family ${f + 1} (adapted)`, created: start + MONTH_MS, derivedFrom: { doc: root, version: 'v1', org: owner }, adaptation: { note: 'Fewer staff at night.', reasons: ['staffing'], at: start + MONTH_MS } })
    // every organisation's 10 changes of every family, spread over two years: a full matrix
    for (const [o, { org }] of orgs.entries()) {
      for (let c = 0; c < CHANGES_PER_FAMILY; c++) {
        const state = org === adapter && c === CHANGES_PER_FAMILY - 1 ? 'adapted' : STATES[pick(STATES.length - 1, o + c, f)]
        const at = start + (c * 24 * 30 / CHANGES_PER_FAMILY + pick(60, f, o)) * 24 * 3600 * 1000
        adoption.push({ type: 'adoption', org, network: NETWORK, practice: state === 'adapted' ? variant : root, seq: c + 1, state, at, ...(state === 'adapted' ? { variant } : {}), ...(state === 'discontinued' ? { reason: 'No time this year.' } : {}), sig: '' })
      }
    }
  }
  const activity: ActivityStatement[] = orgs.flatMap((o, i) => Array.from({ length: 24 }, (_, m) => {
    const at = start + m * MONTH_MS
    return { type: 'activity' as const, org: o.org, network: NETWORK, month: iso(at).slice(0, 7), seq: 1, edits: pick(20, m, i), adaptations: pick(2, m, i + 1), proposals: pick(2, m + 1, i), lastAt: at, sig: '' }
  }))
  const view = diffusionView({ members: orgs, adoption, activity, lineage: lineageIndex(docs), now, quietWeeks: 4 })
  // the node names organisations in the families, trees and activity (a cell's in `orgs`: docs/practice.md)
  const names = new Map(orgs.map(o => [o.org, o.name]))
  return {
    network: NETWORK,
    name: 'A large learning network',
    at: iso(now),
    orgs,
    families: view.families.map(f => ({ ...f, ownerName: names.get(f.owner), tree: treeJson(f.tree, names) })),
    matrix: view.matrix.map(c => ({ ...c, at: iso(c.at) })),
    curve: view.curve,
    activity: view.activity.map(a => ({ ...a, orgName: names.get(a.org) })),
    quietWeeks: 4,
    quiet: view.quiet.map(q => ({ ...q, ...(q.lastActive !== undefined ? { lastActive: iso(q.lastActive) } : {}) }))
  }
}

interface LargeView {
  families: Array<{ id: string, title: string }>
  matrix: Array<{ family: string }>
  curve: Array<{ byFamily: Record<string, number> }>
  activity: Array<{ month: string }>
  [field: string]: unknown
}

/** The route's answer to `url`: the whole view, or the page of families its `limit`, `offset` and `find` ask for (and `months` of activity). */
export function routeAnswer (view: LargeView, order: FamilyOrder<LargeView['families'][number], LargeView['matrix'][number]>, url: URL): string {
  const months = url.searchParams.get('months')
  if (months !== null) view = { ...view, activity: lastMonths(view.activity, Number(months)) }
  const limit = url.searchParams.get('limit')
  if (limit === null) return JSON.stringify(view)
  const offset = Number(url.searchParams.get('offset') ?? 0)
  const find = url.searchParams.get('find') ?? undefined
  const page = familyPage(order, { limit: Number(limit), offset, ...(find !== undefined ? { find } : {}) })
  return JSON.stringify({
    ...view,
    families: page.families,
    matrix: page.cells,
    curve: view.curve.map(p => ({ ...p, byFamily: byFamilyOf(p.byFamily, page.families) })),
    page: { offset, limit: Number(limit), total: page.total, families: view.families.length, ...(find !== undefined ? { find } : {}) }
  })
}

export interface DiffusionPageFigures {
  /** Bytes of the JSON the page was sent (its first page of families). */
  bytes: number
  /** Bytes of the whole view's JSON (every family). */
  wholeBytes: number
  matrixRows: number
  /** The matrix's caption: which families of how many it shows. */
  caption: string
  /** The caption after **Next 25**, then after finding families by a word: other pages, asked of the route. */
  nextCaption: string
  foundCaption: string
  foundRows: number
  inAppMs: number[]
  coldMs: number[]
}

/** Until the matrix has `rows` rows, and the frame after it was drawn: ms since `since` (page clock). */
async function untilDrawn (page: Page, rows: number, since: number | 'navigation'): Promise<number> {
  return await page.evaluate(async ([want, from]) => await new Promise<number>(resolve => {
    const check = (): void => {
      if (document.querySelectorAll('table.matrix tbody tr').length >= want) {
        requestAnimationFrame(() => { requestAnimationFrame(() => { resolve(performance.now() - (from === 'navigation' ? 0 : from)) }) })
      } else requestAnimationFrame(check)
    }
    check()
  }), [rows, since] as const)
}

/** Open the view `runs` times in the app and `runs` times cold; the node serves the built app. */
export async function measureDiffusionPage (runs = 5): Promise<DiffusionPageFigures> {
  const view = largeDiffusion()
  const order = familiesBySpread(view.families, view.matrix)
  const answer = async (route: Route): Promise<void> => {
    const url = new URL(route.request().url())
    const body = routeAnswer(view, order, url)
    if ((url.searchParams.get('offset') ?? '0') === '0' && (url.searchParams.get('find') ?? '') === '') figures.bytes = Buffer.byteLength(body)
    await route.fulfill({ status: 200, contentType: 'application/json', body })
  }
  const node = new WebNode('Diffusion page bench')
  let browser: Browser | undefined
  const figures: DiffusionPageFigures = { bytes: 0, wholeBytes: Buffer.byteLength(JSON.stringify(view)), matrixRows: 0, caption: '', nextCaption: '', foundCaption: '', foundRows: 0, inAppMs: [], coldMs: [] }
  try {
    ;[browser] = await Promise.all([launchChromium(), node.start()])
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    await context.route('**/api/networks/*/diffusion*', answer)
    const page = await context.newPage()
    await page.goto(node.login)
    await page.getByRole('button', { name: 'New document' }).waitFor()
    for (let i = 0; i < runs + 1; i++) {
      await page.evaluate(() => { location.hash = '#/' })
      await page.getByRole('button', { name: 'New document' }).waitFor()
      const start = await page.evaluate(() => { const t = performance.now(); location.hash = '#/network/net_bench/diffusion'; return t })
      const ms = await untilDrawn(page, PAGE_ROWS, start)
      if (i > 0) figures.inAppMs.push(ms) // the first also loads the view's chunk
    }
    figures.matrixRows = await page.locator('table.matrix tbody tr').count()
    figures.caption = await page.locator('table.matrix caption').innerText()
    // the next page and a search are asked of the node (here its route, paging as the node does)
    const caption = page.locator('table.matrix caption')
    await page.getByRole('button', { name: `Next ${PAGE_ROWS}` }).click()
    await page.getByText(`Families ${PAGE_ROWS + 1}–${2 * PAGE_ROWS} of ${FAMILIES}`, { exact: false }).first().waitFor()
    figures.nextCaption = await caption.innerText()
    await page.getByRole('searchbox', { name: 'Find a practice family' }).fill('family 12:')
    await page.getByText('Families 1–1 of 1', { exact: false }).first().waitFor()
    figures.foundCaption = await caption.innerText()
    figures.foundRows = await page.locator('table.matrix tbody tr').count()
    const state = await context.storageState()
    await context.close()
    for (let i = 0; i < runs; i++) {
      const cold = await browser.newContext({ viewport: { width: 1280, height: 900 }, storageState: state })
      await cold.route('**/api/networks/*/diffusion*', answer)
      const p = await cold.newPage()
      await p.goto(`${node.apiUrl}/#/network/net_bench/diffusion`)
      figures.coldMs.push(await untilDrawn(p, PAGE_ROWS, 'navigation'))
      await cold.close()
    }
    return figures
  } finally {
    await browser?.close()
    await node.destroy()
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await measureDiffusionPage(Number(process.env.RUNS ?? 5))
  console.log(JSON.stringify({ ...figures, medianInAppMs: Math.round(median(figures.inAppMs)), medianColdMs: Math.round(median(figures.coldMs)) }, null, 2))
}
