/**
 * Markdown in and out takes time linear in its size, and nesting has a limit.
 *
 * Each case times the same work on inputs of size n, 2n, 4n and 8n (the best of a few runs
 * each, after a warm-up) and compares the time for 8n with the time for n: about 8 for linear
 * work, 64 for quadratic. The bound is generous (the machine may be busy) and a failing case is
 * measured once more; no absolute time is asserted. Inputs are the classic pathological ones (cmark's and marked's) and ordinary text.
 */
import { describe, it, expect } from 'vitest'
import * as Y from 'yjs'
import { InputTooDeepError } from '@commonplace/core'
import {
  appendMarkdown, fragmentToMarkdown, initRecord, markdownToBlocks, markdownToRecordInit, MAX_MARKDOWN_NESTING, recordToMarkdown
} from '../../src/index.ts'
import { BLOOD_RESULTS_PRACTICE, fragmentOf, RIVERSIDE } from '../fixtures.ts'

/** Largest accepted time(8n) / time(n); linear work gives about 8, quadratic 64. */
const MAX_RATIO = 24
const RUNS = 5

function bestTime (work: () => unknown): number {
  let best = Infinity
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now()
    work()
    best = Math.min(best, performance.now() - start)
  }
  return best
}

/** Times `work(make(size))` on doubling sizes from `n`; returns the times and the 8n / n ratio. */
function growth<T> (n: number, make: (size: number) => T, work: (input: T) => unknown): { times: number[], ratio: number } {
  work(make(n)) // warm-up: compile before timing
  const times = [n, 2 * n, 4 * n, 8 * n].map(size => {
    const input = make(size)
    return bestTime(() => work(input))
  })
  // A floor of 0.5 ms keeps timer resolution from making a tiny first time look like growth.
  return { times, ratio: times[3] / Math.max(times[0], 0.5) }
}

function expectLinear<T> (n: number, make: (size: number) => T, work: (input: T) => unknown): void {
  let { times, ratio } = growth(n, make, work)
  // Measured up to twice more before failing: a garbage collection or a busy core (other test
  // files run beside this one) can slow one size; super-linear work fails every time.
  for (let attempt = 0; attempt < 2 && ratio >= MAX_RATIO; attempt++) ({ times, ratio } = growth(n, make, work))
  expect(ratio, `times for n, 2n, 4n, 8n: ${times.map(t => t.toFixed(1)).join(', ')} ms`).toBeLessThan(MAX_RATIO)
}

const ORDINARY = `${BLOOD_RESULTS_PRACTICE}\n\n- [ ] Re-audit in **March**\n\n> Mondays: two duty doctors.\n\n`

/** Markdown that makes parsers with backtracking or unbounded delimiter search slow. */
const PARSE_CASES: Array<[string, number, (n: number) => string]> = [
  ['ordinary text', 40, n => ORDINARY.repeat(n)],
  ['unclosed emphasis openers', 2000, n => '*a '.repeat(n)],
  ['a run of underscores, half closed', 2000, n => '_'.repeat(n) + 'a' + '_'.repeat(n / 2)],
  ['strong and emphasis that never pair', 1000, n => '**a *'.repeat(n)],
  ['unclosed link destinations', 1000, n => '[a]('.repeat(n)],
  ['unclosed image labels', 250, n => '![a'.repeat(n)],
  ['nested brackets', 1000, n => '['.repeat(n) + 'a' + ']'.repeat(n)],
  ['unmatched backticks', 2000, n => '`a '.repeat(n)],
  ['a table with many rows', 250, n => '| a | b |\n| - | - |\n' + '| c | d |\n'.repeat(n)],
  ['reference definitions and their uses', 500, n => Array.from({ length: n }, (_, i) => `[r${i}]: /u${i}`).join('\n') + '\n\n' + '[r1] '.repeat(n)],
  ['newline runs in a code block', 2000, n => '```\na' + '\n'.repeat(n) + 'b\n```'],
  ['spaces before a line end', 2000, n => 'a' + ' '.repeat(n) + 'b\nc'],
  ['quotes and lists at the nesting limit, repeated', 4, n => ('> - '.repeat(MAX_MARKDOWN_NESTING / 2) + 'a\n\n').repeat(n)]
]

describe('Markdown import takes time linear in its size', () => {
  for (const [name, n, make] of PARSE_CASES) {
    it(`parses ${name} in linear time`, () => {
      expectLinear(n, make, markdownToBlocks)
    })
  }

  it('appends ordinary text to a section in linear time', () => {
    expectLinear(20, n => ORDINARY.repeat(n), markdown => { appendMarkdown(new Y.Doc().getXmlFragment('body'), markdown) })
  })

  it('reads a whole document with many sections sharing link definitions in linear time', () => {
    const make = (n: number): string => '# T\n\n' + Array.from({ length: n }, (_, i) => `## S${i}\n\nSee [the guide][g${i % 50}] and [that].\n`).join('\n') +
      '\n' + Array.from({ length: 50 }, (_, i) => `[g${i}]: https://example.nhs.uk/g${i}`).join('\n')
    expectLinear(100, make, markdown => markdownToRecordInit(markdown, RIVERSIDE))
  })
})

/** A paragraph holding one `Y.XmlText` built from `runs` of text and marks. */
function paragraphOf (runs: Array<[string, Record<string, object>]>): Y.XmlFragment {
  const paragraph = new Y.XmlElement('paragraph')
  const text = new Y.XmlText()
  let at = 0
  for (const [value, marks] of runs) {
    text.insert(at, value, marks)
    at += value.length
  }
  paragraph.insert(0, [text])
  return fragmentOf([paragraph])
}

describe('Markdown export takes time linear in the document', () => {
  it('writes many alternating marked and unmarked runs in linear time', () => {
    const make = (n: number): Y.XmlFragment => paragraphOf(Array.from({ length: n }, (_, i): [string, Record<string, object>] => ['ab ', i % 2 === 0 ? { bold: {} } : {}]))
    expectLinear(500, make, fragmentToMarkdown)
  })

  it('writes long runs of spaces and of hard breaks in linear time', () => {
    // from 16,000 characters: at 4,000 the first time (under a millisecond) was all noise on a busy machine
    expectLinear(16000, n => paragraphOf([['a' + ' '.repeat(n) + 'b', {}], ['c' + '\n'.repeat(n), { italic: {} }]]), fragmentToMarkdown)
  })

  it('writes a code block with runs of newlines, and a long table, in linear time', () => {
    expectLinear(2000, n => fragmentOf(markdownToBlocks('```\na' + '\n'.repeat(n) + 'b\n```')), fragmentToMarkdown)
    expectLinear(250, n => fragmentOf(markdownToBlocks('| a | b |\n| - | - |\n' + '| c | d |\n'.repeat(n))), fragmentToMarkdown)
  })

  it('writes a whole record of ordinary text in linear time', () => {
    const make = (n: number): Y.Doc => {
      const doc = new Y.Doc()
      initRecord(doc, { title: 'Blood results', owner: RIVERSIDE, sections: Array.from({ length: n }, (_, i) => ({ heading: `S${i}`, markdown: ORDINARY })) })
      return doc
    }
    expectLinear(10, make, doc => recordToMarkdown(doc))
  })
})

describe('nesting limit', () => {
  const deep: Array<[string, string]> = [
    ['quotes', '> '.repeat(MAX_MARKDOWN_NESTING + 1) + 'a'],
    ['bullet lists', '- '.repeat(MAX_MARKDOWN_NESTING + 1) + 'a'],
    ['ordered lists', '1. '.repeat(MAX_MARKDOWN_NESTING + 1) + 'a'],
    ['indented list items', Array.from({ length: MAX_MARKDOWN_NESTING + 1 }, (_, i) => '  '.repeat(i) + '- a').join('\n')],
    ['quotes and lists mixed', '> - '.repeat(MAX_MARKDOWN_NESTING / 2 + 1) + 'a'],
    ['2,000 quotes', '> '.repeat(2000) + 'a'],
    ['100,000 list items', '- '.repeat(100_000) + 'a']
  ]

  for (const [name, markdown] of deep) {
    it(`refuses ${name} nested deeper than the limit with InputTooDeepError`, () => {
      expect(() => markdownToBlocks(markdown)).toThrow(InputTooDeepError)
      expect(() => markdownToRecordInit(`# T\n\n## S\n\n${markdown}`, RIVERSIDE)).toThrow(expect.objectContaining({ code: 'ERR_INPUT_TOO_DEEP' }))
    })
  }

  it('builds a list of more items than one Yjs insert takes', () => {
    // Yjs would spread them into one call's arguments: past ~120,000 that overflowed the stack.
    const blocks = markdownToBlocks('- a\n'.repeat(150_000))
    expect(blocks.map(block => block.nodeName)).toEqual(['bulletList'])
  })

  it('accepts quotes and lists nested exactly to the limit', () => {
    expect(markdownToBlocks('> '.repeat(MAX_MARKDOWN_NESTING) + 'a')).toHaveLength(1)
    expect(markdownToBlocks('> - '.repeat(MAX_MARKDOWN_NESTING / 2) + 'a')).toHaveLength(1)
  })

  it('changes nothing when an append is refused', () => {
    const doc = new Y.Doc()
    const body = doc.getXmlFragment('body')
    appendMarkdown(body, 'Erster Absatz.')
    let updates = 0
    doc.on('update', () => { updates++ })
    expect(() => { appendMarkdown(body, 'Zweiter\n\n' + '> '.repeat(MAX_MARKDOWN_NESTING + 1)) }).toThrow(InputTooDeepError)
    expect(updates).toBe(0)
    expect(fragmentToMarkdown(body)).toBe('Erster Absatz.')
  })

  it('writes a peer\'s body nested far deeper than the limit, keeping the deep text as a paragraph', () => {
    const doc = new Y.Doc()
    const body = doc.getXmlFragment('body')
    doc.transact(() => {
      let parent: Y.XmlFragment | Y.XmlElement = body
      for (let i = 0; i < 20_000; i++) {
        const quote = new Y.XmlElement('blockquote')
        parent.insert(0, [quote])
        parent = quote
      }
      const paragraph = new Y.XmlElement('paragraph')
      const text = new Y.XmlText()
      text.insert(0, 'ganz unten')
      paragraph.insert(0, [text])
      parent.insert(0, [paragraph])
    })
    const markdown = fragmentToMarkdown(body)
    expect(markdown.endsWith('> ganz unten')).toBe(true)
    expect(markdown.split('\n')).toHaveLength(1)
    expect(markdown.length).toBe('> '.repeat(MAX_MARKDOWN_NESTING).length + 'ganz unten'.length)
  })
})
