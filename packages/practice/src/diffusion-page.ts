/**
 * A page of a diffusion view's families (docs/practice.md): a network may hold hundreds of
 * practice families, and its whole matrix (organisations × families) is megabytes; a page is the
 * families that spread furthest first, or those whose title holds a text, with their cells.
 */

/** What a page is asked for: `limit` families after `offset`, of those whose title contains `find` (any case). */
export interface PageRequest {
  limit: number
  offset?: number
  find?: string
}

/** The families in page order, with each family's cells: made once per view, read by every page. */
export interface FamilyOrder<F, C> {
  order: F[]
  cells: Map<string, C[]>
}

/** Families by how many organisations shared a state of them (most first), then title, then id: the same on every node. */
export function familiesBySpread<F extends { id: string, title: string }, C extends { family: string }> (families: readonly F[], matrix: Iterable<C>): FamilyOrder<F, C> {
  const cells = new Map<string, C[]>()
  for (const cell of matrix) {
    const list = cells.get(cell.family)
    if (list === undefined) cells.set(cell.family, [cell])
    else list.push(cell)
  }
  const spread = (id: string): number => cells.get(id)?.length ?? 0
  const order = [...families].sort((a, b) => spread(b.id) - spread(a.id) || (a.title < b.title ? -1 : a.title > b.title ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return { order, cells }
}

/** One page: its families, their cells (family by family, in the matrix's order within one), and how many families match. */
export function familyPage<F extends { id: string, title: string }, C> (index: FamilyOrder<F, C>, request: PageRequest): { families: F[], cells: C[], total: number } {
  const words = request.find?.trim().toLowerCase() ?? ''
  const found = words === '' ? index.order : index.order.filter(f => f.title.toLowerCase().includes(words))
  const offset = request.offset ?? 0
  const families = found.slice(offset, offset + request.limit)
  const cells: C[] = []
  for (const f of families) for (const cell of index.cells.get(f.id) ?? []) cells.push(cell)
  return { families, cells, total: found.length }
}

/** A curve point's `byFamily` for these families only. */
export function byFamilyOf (byFamily: Record<string, number>, families: ReadonlyArray<{ id: string }>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const f of families) if (byFamily[f.id] !== undefined) out[f.id] = byFamily[f.id]
  return out
}

/** The rows of the last `months` months that have any row (`YYYY-MM` months), in their order. */
export function lastMonths<R extends { month: string }> (rows: readonly R[], months: number): R[] {
  const kept = new Set([...new Set(rows.map(r => r.month))].sort().slice(-months))
  return rows.filter(r => kept.has(r.month))
}
