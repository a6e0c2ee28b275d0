import { describe, it, expect } from 'vitest'
import { lineDiff } from '../src/line-diff.ts'

/** Rebuild both sides from a diff: every diff must give back its inputs. */
function sides (lines: Array<{ op: string, text: string }>): [string, string] {
  return [lines.filter(l => l.op !== 'added').map(l => l.text).join('\n'), lines.filter(l => l.op !== 'removed').map(l => l.text).join('\n')]
}

describe('lineDiff', () => {
  it('marks the lines added and removed between two texts', () => {
    const diff = lineDiff('a\nb\nc\nd', 'a\nc\nd\ne')
    expect(diff.replaced).toBe(false)
    expect(diff.lines).toEqual([
      { op: 'same', text: 'a' }, { op: 'removed', text: 'b' }, { op: 'same', text: 'c' }, { op: 'same', text: 'd' }, { op: 'added', text: 'e' }
    ])
  })

  it('gives back both texts for random edits, with a shortest script', () => {
    let seed = 7
    const random = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n }
    for (let round = 0; round < 200; round++) {
      const a = Array.from({ length: random(30) }, () => `l${random(8)}`)
      const b = a.filter(() => random(4) !== 0).flatMap(line => random(5) === 0 ? [line, `n${random(8)}`] : [line])
      const diff = lineDiff(a.join('\n'), b.join('\n'))
      expect(sides(diff.lines)).toEqual([a.join('\n'), b.join('\n')])
      const edits = diff.lines.filter(l => l.op !== 'same').length
      expect(edits).toBeLessThanOrEqual(a.length + b.length)
    }
  })

  it('handles empty texts on either side', () => {
    expect(lineDiff('', 'x\ny').lines).toEqual([{ op: 'added', text: 'x' }, { op: 'added', text: 'y' }])
    expect(lineDiff('x', '').lines).toEqual([{ op: 'removed', text: 'x' }])
    expect(lineDiff('', '').lines).toEqual([])
  })

  it('shows a section as replaced whole when more lines differ than the bound', () => {
    const a = Array.from({ length: 50 }, (_, i) => `a${i}`).join('\n')
    const b = Array.from({ length: 50 }, (_, i) => `b${i}`).join('\n')
    const diff = lineDiff(a, b, 20)
    expect(diff.replaced).toBe(true)
    expect(sides(diff.lines)).toEqual([a, b])
  })
})
