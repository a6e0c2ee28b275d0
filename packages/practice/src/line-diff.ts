import { MAX_DIFF_EDITS } from './constants.ts'

/** One line of a diff. */
export interface DiffLine {
  op: 'same' | 'added' | 'removed'
  text: string
}

export interface LineDiff {
  lines: DiffLine[]
  /** True when more than `maxEdits` lines differ: the diff is then "all removed, all added". */
  replaced: boolean
}

/**
 * The line diff of two texts (Myers' O((N+M)·D) algorithm after trimming the common start and
 * end). The edit distance D is bounded by `maxEdits`, so the work stays linear in the input; past
 * it the texts are shown as replaced whole.
 */
export function lineDiff (before: string, after: string, maxEdits = MAX_DIFF_EDITS): LineDiff {
  const a = before === '' ? [] : before.split('\n')
  const b = after === '' ? [] : after.split('\n')
  let start = 0
  while (start < a.length && start < b.length && a[start] === b[start]) start++
  let endA = a.length
  let endB = b.length
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) { endA--; endB-- }
  const head = a.slice(0, start).map(same)
  const tail = a.slice(endA).map(same)
  const middle = myers(a.slice(start, endA), b.slice(start, endB), maxEdits)
  if (middle == null) {
    const lines = [...a.map(text => ({ op: 'removed' as const, text })), ...b.map(text => ({ op: 'added' as const, text }))]
    return { lines, replaced: true }
  }
  return { lines: [...head, ...middle, ...tail], replaced: false }
}

function same (text: string): DiffLine {
  return { op: 'same', text }
}

/** Lines as small integers, so that the inner loop compares numbers. */
function internLines (a: string[], b: string[]): [Int32Array, Int32Array] {
  const ids = new Map<string, number>()
  const intern = (lines: string[]): Int32Array => Int32Array.from(lines, line => {
    let id = ids.get(line)
    if (id === undefined) { id = ids.size; ids.set(line, id) }
    return id
  })
  return [intern(a), intern(b)]
}

/** Myers' greedy diff; null when the edit distance exceeds `maxEdits`. */
function myers (aLines: string[], bLines: string[], maxEdits: number): DiffLine[] | null {
  const n = aLines.length
  const m = bLines.length
  if (n === 0 || m === 0) {
    if (n + m > maxEdits) return null
    return [...aLines.map(text => ({ op: 'removed' as const, text })), ...bLines.map(text => ({ op: 'added' as const, text }))]
  }
  const [a, b] = internLines(aLines, bLines)
  const limit = Math.min(n + m, maxEdits)
  const offset = limit + 1
  const v = new Int32Array(2 * limit + 3)
  const trace: Int32Array[] = []
  for (let d = 0; d <= limit; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2))
    for (let k = -d; k <= d; k += 2) {
      let x = (k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1])) ? v[offset + k + 1] : v[offset + k - 1] + 1
      let y = x - k
      while (x < n && y < m && a[x] === b[y]) { x++; y++ }
      v[offset + k] = x
      if (x >= n && y >= m) return backtrack(trace, aLines, bLines, d)
    }
  }
  return null
}

/** Walk the saved frontiers back from (n, m) to (0, 0). `trace[d]` holds v[-d-1 … d+1] before step d. */
function backtrack (trace: Int32Array[], a: string[], b: string[], distance: number): DiffLine[] {
  const out: DiffLine[] = []
  let x = a.length
  let y = b.length
  for (let d = distance; d > 0; d--) {
    const v = trace[d]
    const at = (k: number): number => v[k + d + 1]
    const k = x - y
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1))
    const prevK = down ? k + 1 : k - 1
    const prevX = at(prevK)
    const prevY = prevX - prevK
    while (x > prevX && y > prevY) { out.push(same(a[x - 1])); x--; y-- }
    if (down) { out.push({ op: 'added', text: b[y - 1] }); y-- } else { out.push({ op: 'removed', text: a[x - 1] }); x-- }
  }
  while (x > 0 && y > 0) { out.push(same(a[x - 1])); x--; y-- }
  return out.reverse()
}
