/**
 * Full-text search over the documents this node holds: titles, summaries, tags and section text,
 * with facets (kind, maturity, status, owner). The text of each document is kept per change
 * number, so only documents that changed since the last search are read again.
 */
import { readRecord } from '@commonplace/record'
import { accessOf } from '@commonplace/core'
import type { DocId, DocumentInfo, DocumentStore, Membership, OrgId } from '@commonplace/core'
import { MAX_SEARCH_RESULTS } from './constants.ts'
import { compareCodeUnits } from '../order.ts'

/** One document in a search answer. */
export interface SearchHit {
  id: DocId
  title: string
  owner: OrgId
  kind: string
  maturity: string
  status: string
  licence: string
  tags: string[]
  reviewBy?: string
  updatedAt: string
  access: string
  /** Text around the first match, when a query was given. */
  snippet?: string
}

export interface SearchQuery {
  q?: string
  kind?: string
  maturity?: string
  status?: string
  owner?: string
  /** Only documents shared with this learning network. */
  network?: string
}

interface Entry { changeSeq: number, text: string, lower: string, hit: Omit<SearchHit, 'snippet' | 'updatedAt' | 'access'> }

export interface SearchIndex {
  search(query: SearchQuery): SearchHit[]
}

export function searchIndex (store: DocumentStore, self: OrgId, membership?: Membership): SearchIndex {
  const cache = new Map<DocId, Entry>()

  const entry = (info: DocumentInfo): Entry => {
    const cached = cache.get(info.id)
    if (cached != null && cached.changeSeq === info.changeSeq) return cached
    const record = store.read(info.id, doc => readRecord(doc))
    const { meta } = record
    const text = [meta.title, meta.summary ?? '', meta.tags.join(' '), ...record.sections.map(s => `${s.heading}\n${s.markdown}`)].join('\n')
    const fresh: Entry = {
      changeSeq: info.changeSeq,
      text,
      lower: text.toLowerCase(),
      hit: {
        id: info.id, title: meta.title, owner: info.owner, kind: meta.kind, maturity: meta.maturity,
        status: meta.status, licence: meta.licence, tags: meta.tags, ...(meta.reviewBy != null ? { reviewBy: meta.reviewBy } : {})
      }
    }
    cache.set(info.id, fresh)
    return fresh
  }

  return {
    search (query) {
      const words = (query.q ?? '').toLowerCase().split(/\s+/).filter(w => w.length > 0)
      const hits: SearchHit[] = []
      for (const info of store.list()) {
        const acl = store.access(info.id)
        const access = acl != null ? accessOf(acl, self, membership) : null
        if (access == null) continue
        const e = entry(info)
        if (query.kind && e.hit.kind !== query.kind) continue
        if (query.maturity && e.hit.maturity !== query.maturity) continue
        if (query.status && e.hit.status !== query.status) continue
        if (query.owner && e.hit.owner !== query.owner) continue
        if (query.network && !acl!.grants.some(g => g.to === query.network && g.role !== 'none')) continue
        if (!words.every(w => e.lower.includes(w))) continue
        const hit: SearchHit = { ...e.hit, updatedAt: new Date(info.updatedAt).toISOString(), access }
        if (words.length > 0) hit.snippet = snippet(e.text, e.lower.indexOf(words[0]))
        hits.push(hit)
      }
      hits.sort((a, b) => compareCodeUnits(b.updatedAt, a.updatedAt))
      return hits.slice(0, MAX_SEARCH_RESULTS)
    }
  }
}

function snippet (text: string, at: number): string {
  const start = Math.max(0, at - 60)
  const end = Math.min(text.length, at + 100)
  return `${start > 0 ? '…' : ''}${text.slice(start, end).replace(/\s+/g, ' ').trim()}${end < text.length ? '…' : ''}`
}
