/**
 * Signed edits from the browser (docs/web.md, "Signed edits"), in real Chromium pages on two node
 * processes: a page writes with a client id its node issued, so its edit is signed as its
 * organisation's and the other organisation's node attributes it by that signature; "Who wrote
 * what" shows it (axe-clean, at 360 px too; `docs/screenshots/authors.png`), and the other page's
 * section says who changed it last; an update forged over the tab's own live WebSocket
 * with a client id the node did not issue is refused, and changes nothing on either node.
 */
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { cliOk, listenAddress, showDoc } from '../helpers/cli.ts'
import { eventually } from '../helpers/eventually.ts'
import { killAllChildren } from '../helpers/processes.ts'
import { axeViolations } from './helpers/axe.ts'
import { clickAtEnd, waitForEditorLength } from './helpers/editors.ts'
import { launchChromium } from './helpers/browser.ts'
import { WebNode } from './helpers/web-node.ts'

const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
const TITLE = 'Repeat prescribing: who signs, by when'
const BASE = 'The duty doctor signs repeat prescriptions by 4 pm.'
const FROM_A = ' Riverside checks the dose first.'
const FROM_B = ' Hillview phones the pharmacy.'

const practice = (doc: Awaited<ReturnType<typeof showDoc>>): string => doc.sections.find(s => s.heading === 'Practice')?.markdown ?? ''

/** Record every WebSocket the page opens (as `window.sockets`), so a test can write on the tab's own. */
function recordSockets (): void {
  const Native = window.WebSocket
  const sockets: WebSocket[] = []
  ;(window as unknown as { sockets: WebSocket[] }).sockets = sockets
  window.WebSocket = class extends Native {
    constructor (url: string | URL, protocols?: string | string[]) {
      super(url, protocols)
      sockets.push(this)
    }
  }
}

/** A y-websocket sync "update" message carrying a Yjs update that retitles the document as `client`. */
function forgedRetitle (client: number, title: string): number[] {
  const doc = new Y.Doc()
  doc.clientID = client
  doc.getMap('meta').set('title', title)
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 0) // sync
  encoding.writeVarUint(encoder, 2) // update
  encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(doc))
  return [...encoding.toUint8Array(encoder)]
}

async function openDoc (page: Page, node: WebNode, id: string): Promise<void> {
  await page.goto(`${node.apiUrl}/#/doc/${encodeURIComponent(id)}`)
  await page.waitForFunction(([l, t]) => document.querySelector(`[aria-label="${l}"]`)?.textContent?.includes(t) === true, ['Practice', BASE] as const)
}

/** Open "Who wrote what" and wait until the Practice section names `names`. */
async function authorsShow (page: Page, names: string[]): Promise<string> {
  const panel = page.getByRole('region', { name: 'Who wrote what' })
  if (!await panel.isVisible()) await page.getByRole('button', { name: 'Who wrote what' }).click()
  await page.waitForFunction(wanted => {
    const text = document.querySelector('.authors')?.textContent ?? ''
    return wanted.every(n => text.includes(n))
  }, names)
  return await panel.innerText()
}

describe('web app: a page\'s edits are signed by its node', () => {
  const a = new WebNode('Riverside Surgery')
  const b = new WebNode('Hillview Medical Practice')
  let browser: Browser
  let contexts: BrowserContext[] = []
  let pageA: Page
  let pageB: Page
  let id = ''

  beforeAll(async () => {
    ;[browser] = await Promise.all([launchChromium(), a.start(), b.start()])
    contexts = await Promise.all([0, 1].map(async () => await browser.newContext({ viewport: { width: 1280, height: 900 } })))
    await contexts[0].addInitScript(recordSockets)
    ;[pageA, pageB] = await Promise.all(contexts.map(async c => await c.newPage()))
    await Promise.all([pageA.goto(a.login), pageB.goto(b.login)])
    id = (await cliOk<{ id: string }>(a.dataDir, ['doc', 'create', '--title', TITLE, '--section', `Practice=${BASE}`])).id
    await cliOk(a.dataDir, ['share', id, '--with', b.orgId, '--role', 'edit'])
    await cliOk(b.dataDir, ['connect', await listenAddress(a.dataDir)])
    await eventually(async () => { expect((await showDoc(b.dataDir, id)).access).toBe('edit') }, { what: 'Hillview holds the shared document' })
    await Promise.all([openDoc(pageA, a, id), openDoc(pageB, b, id)])
  }, 120_000) // two node processes and four CLI runs, on a shared machine

  afterAll(async () => {
    await Promise.all(contexts.map(async c => { await c.close() }))
    await browser?.close()
    await Promise.all([a.destroy(), b.destroy()])
    await killAllChildren()
  })

  it('signs a page\'s edit as its organisation\'s: it reaches the other node, which attributes it to that organisation', async () => {
    await clickAtEnd(pageA, 'Practice')
    await pageA.keyboard.type(FROM_A)
    await waitForEditorLength(pageB, 'Practice', (BASE + FROM_A).length)
    await eventually(async () => { expect(practice(await showDoc(b.dataDir, id))).toContain(FROM_A.trim()) }, { what: 'Hillview\'s node holds Riverside\'s edit' })
    await clickAtEnd(pageB, 'Practice')
    await pageB.keyboard.type(FROM_B)
    await eventually(async () => { expect(practice(await showDoc(a.dataDir, id))).toContain(FROM_B.trim()) }, { what: 'Riverside\'s node holds Hillview\'s edit' })

    // Hillview's node knows who wrote each passage only from the signatures that came with them
    const shown = await authorsShow(pageB, ['Riverside Surgery', 'Hillview Medical Practice'])
    expect(shown).toMatch(/Riverside Surgery\s+\d+% \(\d+ characters\)/)
    expect(shown).toMatch(/Hillview Medical Practice\s+\d+% \(\d+ characters\)/)
    const authors = (await showDoc(b.dataDir, id)).sections.find(s => s.heading === 'Practice') as unknown as { authors: Array<{ org: string, chars: number }> }
    expect(authors.authors.map(x => x.org).sort()).toEqual([a.orgId, b.orgId].sort())
    expect(authors.authors.find(x => x.org === b.orgId)?.chars).toBe(FROM_B.length)

    // Riverside's node recorded Hillview's signed change as the section's last (docs/people.md), and its page says so under the heading
    await eventually(async () => {
      expect((await showDoc(a.dataDir, id)).sections.find(s => s.heading === 'Practice')?.lastChanged).toMatchObject({ org: b.orgId, by: 'Hillview Medical Practice' })
    }, { what: 'Riverside records Hillview\'s change as the Practice section\'s last' })
    await pageA.waitForFunction(() => Array.from(document.querySelectorAll('section.section'))
      .find(s => s.querySelector('h2')?.textContent?.startsWith('Practice') === true)
      ?.querySelector('.last-changed')?.textContent?.match(/^Changed by Hillview Medical Practice · (just now|\d+ min ago)$/) != null)
  })

  it('shows who wrote what without an accessibility violation, and without scrolling sideways at 360 px', async () => {
    await authorsShow(pageA, ['Riverside Surgery', 'Hillview Medical Practice'])
    await pageA.getByRole('region', { name: 'Who wrote what' }).screenshot({ path: `${SCREENSHOTS}authors.png` })
    expect(await axeViolations(pageA)).toEqual([])
    await pageA.setViewportSize({ width: 360, height: 800 })
    expect(await pageA.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true)
    expect(await axeViolations(pageA)).toEqual([])
    await pageA.setViewportSize({ width: 1280, height: 900 })
  })

  it('gives two tabs of one browser different client ids, and takes both tabs\' edits', async () => {
    const second = await contexts[0].newPage()
    await openDoc(second, a, id)
    const urls = async (page: Page): Promise<string[]> => await page.evaluate(doc =>
      (window as unknown as { sockets: WebSocket[] }).sockets.filter(ws => ws.url.includes(`/ws/${doc}`)).map(ws => new URL(ws.url).searchParams.get('clients') ?? ''), id)
    const [first] = await urls(pageA)
    const [other] = await urls(second)
    // the first tab holds the kept id; the second found it taken and was issued another, kept beside it
    expect(first.split(',')).toHaveLength(1)
    expect(other.split(',')).toEqual([first, expect.stringMatching(/^\d+$/)])
    await clickAtEnd(second, 'Practice')
    await second.keyboard.type(' A second tab adds this.')
    await eventually(async () => { expect(practice(await showDoc(b.dataDir, id))).toContain('A second tab adds this.') }, { what: 'the second tab\'s edit reaches Hillview' })
    await second.close()
  })

  it('refuses an update forged over the tab\'s live connection with a client id the node did not issue; nothing changes', async () => {
    const sent = await pageA.evaluate(([doc, bytes]) => {
      const open = (window as unknown as { sockets: WebSocket[] }).sockets.filter(ws => ws.url.includes(`/ws/${doc}`) && ws.readyState === WebSocket.OPEN)
      open.at(-1)?.send(Uint8Array.from(bytes))
      return open.length
    }, [id, forgedRetitle(424242, 'Forged by a script in the page')] as const)
    expect(sent).toBe(1)
    // the node answers the tab that it refused the edit, and the page says so
    await pageA.locator('[aria-label="Saved"][data-refusal="foreign-client"]').waitFor()
    // a later valid edit of the other organisation reaches Riverside: the forged one, before it, did not
    await clickAtEnd(pageB, 'Practice')
    await pageB.keyboard.type(' Then files it.')
    for (const node of [a, b]) {
      const doc = await eventually(async () => {
        const shown = await showDoc(node.dataDir, id)
        expect(practice(shown)).toContain('Then files it.')
        return shown
      }, { what: `${node.name}'s node holds the later edit` })
      expect(doc.title).toBe(TITLE)
    }
    expect(await pageB.locator('#doc-title').textContent()).toBe(TITLE)
  })
})
