/**
 * Who wrote each section (docs/authorship.md, Attribution): the live characters of a section (its
 * heading and body) summed per organisation and person, each item attributed through the store's
 * client bindings and author index. Characters no binding covers (written before signed changes
 * by a client no claim named) are left out.
 */
import * as Y from 'yjs'
import type { Attribution, AuthorShare } from '@commonplace/core'

/** Per section id, its authors, most characters first. */
export function sectionAuthors (doc: Y.Doc, attribution: Attribution): Record<string, AuthorShare[]> {
  const out: Record<string, AuthorShare[]> = {}
  doc.getArray('sections').forEach(value => {
    if (!(value instanceof Y.Map)) return
    const id = value.get('id')
    if (typeof id !== 'string') return
    const tally = new Map<string, AuthorShare>()
    const heading = (value as unknown as { _map: Map<string, Y.Item> })._map.get('heading')
    if (heading != null) count(heading, attribution, tally)
    const body = value.get('body')
    if (body instanceof Y.AbstractType) walk(body, attribution, tally)
    out[id] = [...tally.values()].sort((a, b) => b.chars - a.chars || a.org.localeCompare(b.org))
  })
  return out
}

/** Every live item under a type, depth first (attributes of elements are formatting, not text). */
function walk (type: Y.AbstractType<unknown>, attribution: Attribution, tally: Map<string, AuthorShare>): void {
  for (let item = type._start; item != null; item = item.right) {
    if (item.deleted) continue
    if (item.content instanceof Y.ContentType) walk(item.content.type, attribution, tally)
    else count(item, attribution, tally)
  }
}

/** Characters an item shows: a string's length, one for an embed, nothing for formatting marks. */
function count (item: Y.Item, attribution: Attribution, tally: Map<string, AuthorShare>): void {
  if (item.deleted) return
  const { content } = item
  let chars = 0
  if (content instanceof Y.ContentString) chars = content.str.length
  else if (content instanceof Y.ContentEmbed) chars = 1
  else if (content instanceof Y.ContentAny) chars = content.arr.reduce<number>((n, v) => n + (typeof v === 'string' ? v.length : 0), 0)
  if (chars === 0) return
  const who = attribution.of(item.id.client, item.id.clock)
  if (who == null) return
  const key = `${who.org}\n${who.person ?? ''}`
  const share = tally.get(key)
  if (share != null) share.chars += chars
  else tally.set(key, who.person == null ? { org: who.org, chars } : { org: who.org, person: who.person, chars })
}
