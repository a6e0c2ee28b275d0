/**
 * What "each one's words come out whole" means when two people type at one spot: the paragraph
 * starts with its text as it was, each person's sentence stands in it contiguously, word for
 * word, and nothing else is there. Where the one space between the two sentences lands is not
 * part of it (a space typed first at the same moment as the other person's may end up on either
 * side of their words).
 */
import { expect } from 'vitest'

const flat = (text: string): string => text.replace(/\s+/g, ' ').trim()

export function expectWordsWhole (text: string, base: string, sentences: string[]): void {
  const shown = flat(text)
  expect(shown.startsWith(flat(base)), `"${shown}" starts with the paragraph as it was`).toBe(true)
  for (const sentence of sentences) expect(shown).toContain(flat(sentence))
  const letters = (s: string): number => s.replace(/\s/g, '').length
  expect(letters(shown)).toBe(letters(base) + sentences.reduce((n, s) => n + letters(s), 0))
}
