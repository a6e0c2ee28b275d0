/**
 * Reading and driving the section editors of a page, and what "each one's words come out whole"
 * means when two people type at one spot.
 */
import { expect } from 'vitest'
import type { Page } from 'playwright-core'

/** Other people's cursor carets and labels, drawn inside the editor. */
export const CARET = '.collaboration-cursor__caret'

/** The editor's text as a person reads it: without other people's cursor labels. */
export async function editorText (page: Page, label: string): Promise<string> {
  return await page.evaluate(([l, caret]) => {
    const copy = document.querySelector(`[aria-label="${l}"]`)?.cloneNode(true) as HTMLElement | undefined
    copy?.querySelectorAll(caret).forEach(c => { c.remove() })
    return copy?.textContent ?? ''
  }, [label, CARET] as const)
}

/** Wait until the editor holds at least `length` characters of text (cursor labels aside). */
export async function waitForEditorLength (page: Page, label: string, length: number): Promise<void> {
  await page.waitForFunction(([l, caret, n]) => {
    const copy = document.querySelector(`[aria-label="${l}"]`)?.cloneNode(true) as HTMLElement | undefined
    copy?.querySelectorAll(caret).forEach(c => { c.remove() })
    return (copy?.textContent ?? '').length >= n
  }, [label, CARET, length] as const)
}

/** Click into a section's editor and put the cursor at its end. */
export async function clickAtEnd (page: Page, section: string): Promise<void> {
  await page.getByRole('textbox', { name: section }).click()
  await page.keyboard.press('Control+End')
}

/**
 * Each sentence stands whole in the paragraph: it starts with its text as it was, each person's
 * sentence stands in it contiguously, word for word, and nothing else is there. Where the one
 * space between the two sentences lands is not part of it (a space typed first at the same moment
 * as the other person's may end up on either side of their words).
 */
const flat = (text: string): string => text.replace(/\s+/g, ' ').trim()

export function expectWordsWhole (text: string, base: string, sentences: string[]): void {
  const shown = flat(text)
  expect(shown.startsWith(flat(base)), `"${shown}" starts with the paragraph as it was`).toBe(true)
  for (const sentence of sentences) expect(shown).toContain(flat(sentence))
  const letters = (s: string): number => s.replace(/\s/g, '').length
  expect(letters(shown)).toBe(letters(base) + sentences.reduce((n, s) => n + letters(s), 0))
}

/** Type a new paragraph at the end of a section's editor (the caret put there through the DOM selection, which ProseMirror follows). */
export async function addParagraph (page: Page, section: string, text: string): Promise<void> {
  const editor = page.getByRole('textbox', { name: section, exact: true })
  await editor.click()
  await editor.evaluate(el => {
    const range = document.createRange()
    range.selectNodeContents(el.lastElementChild ?? el)
    range.collapse(false)
    document.getSelection()?.removeAllRanges()
    document.getSelection()?.addRange(range)
  })
  await page.waitForFunction(() => {
    const sel = document.getSelection()
    return sel != null && sel.isCollapsed && sel.anchorNode != null && (document.activeElement?.contains(sel.anchorNode) ?? false)
  })
  await page.keyboard.press('End')
  await page.keyboard.press('Enter')
  await page.keyboard.type(text)
}
