import { describe, it, expect } from 'vitest'
import { compareSections, hasChanges } from '../src/compare-sections.ts'

const s = (id: string, heading: string, markdown: string): { id: string, heading: string, markdown: string } => ({ id, heading, markdown })

describe('compareSections', () => {
  it('matches sections by id and reports changed, added and removed ones in order', () => {
    const before = [s('a', 'Problem', 'p'), s('b', 'Practice', 'one duty doctor'), s('c', 'Resources', 'r')]
    const after = [s('a', 'Problem', 'p'), s('b', 'Practice', 'two duty doctors on Mondays'), s('d', 'Evidence', 'e')]
    const changes = compareSections(before, after)
    expect(changes.map(c => [c.id, c.status])).toEqual([['a', 'unchanged'], ['b', 'changed'], ['c', 'removed'], ['d', 'added']])
    expect(changes[1].diff?.lines).toEqual([{ op: 'removed', text: 'one duty doctor' }, { op: 'added', text: 'two duty doctors on Mondays' }])
    expect(hasChanges(changes)).toBe(true)
  })

  it('keeps a renamed section matched by id and says it was renamed', () => {
    const changes = compareSections([s('a', 'Practice', 'x')], [s('a', 'How we do it', 'x')])
    expect(changes).toEqual([{ id: 'a', heading: 'How we do it', headingBefore: 'Practice', status: 'changed', before: 'x', after: 'x' }])
  })

  it('matches sections with other ids by heading, case-insensitive', () => {
    expect(compareSections([s('a', 'Practice', 'x')], [s('z', 'Practice', 'x')]).map(c => c.status)).toEqual(['unchanged'])
    expect(compareSections([s('a', 'Practice', 'x')], [s('z', 'practice', 'x')])).toMatchObject([{ id: 'z', headingBefore: 'Practice', status: 'changed' }])
  })

  it('finds nothing to report between equal versions', () => {
    const v = [s('a', 'A', 'one\ntwo'), s('b', 'B', '')]
    expect(hasChanges(compareSections(v, v))).toBe(false)
  })

  it('puts a removed first section before everything', () => {
    const changes = compareSections([s('a', 'A', '1'), s('b', 'B', '2')], [s('b', 'B', '2')])
    expect(changes.map(c => [c.id, c.status])).toEqual([['a', 'removed'], ['b', 'unchanged']])
  })
})
