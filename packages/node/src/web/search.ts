/**
 * Full-text search over the documents this node holds: titles, summaries, tags and section text,
 * with facets (kind, maturity, status, owner). Words are compared by their stems, so a query
 * finds other forms of its words ("doctors" finds "doctor"). The plain text and stems of each
 * document are kept per change number, so only documents that changed since the last search
 * are read again.
 */
import { listSections, readRecord } from '@commonplace/record'
import type { DocId, DocumentInfo, DocumentStore } from '@commonplace/core'
import type { DocumentGate } from '@commonplace/docstore'
import type { SearchHit, SearchQuery } from '@commonplace/api'
import { MAX_SEARCH_RESULTS } from './constants.ts'
import { compareCodeUnits } from '../order.ts'
import { CARRIER_KINDS } from '../practice/context.ts'
import { matchesAll, plainText, queryStems, snippet, stemIndex } from './search-text.ts'

interface Entry {
  changeSeq: number
  /** Title, summary, tags and sections as one line of plain text. */
  text: string
  /** Its stems (`stemIndex`). */
  stems: string
  hit: Omit<SearchHit, 'snippet' | 'marks' | 'updatedAt' | 'access'>
}

export interface SearchIndex {
  search(query: SearchQuery): SearchHit[]
}

/** The search over the records `gate` lets this organisation read. */
export function searchIndex (store: DocumentStore, gate: DocumentGate): SearchIndex {
  const cache = new Map<DocId, Entry>()

  const entry = (info: DocumentInfo): Entry => {
    const cached = cache.get(info.id)
    if (cached != null && cached.changeSeq === info.changeSeq) return cached
    const { meta, sections } = store.read(info.id, doc => ({
      meta: readRecord(doc).meta,
      sections: listSections(doc).map(s => ({ heading: s.heading, text: plainText(s.body) }))
    }))
    const text = [meta.title, meta.summary ?? '', meta.tags.join(', '), ...sections.map(s => s.text === '' ? s.heading : `${s.heading}: ${s.text}`)]
      .filter(part => part !== '').join(' · ').replace(/\s+/g, ' ')
    const fresh: Entry = {
      changeSeq: info.changeSeq,
      text,
      stems: stemIndex(text),
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
      const stems = queryStems(query.q ?? '')
      const hits: SearchHit[] = []
      for (const info of store.list()) {
        // proposals and adoption logs are no records (docs/practice.md)
        if (CARRIER_KINDS.has(info.kind)) continue
        const access = gate.access(info.id)
        if (access == null) continue
        const e = entry(info)
        if (query.kind && e.hit.kind !== query.kind) continue
        if (query.maturity && e.hit.maturity !== query.maturity) continue
        if (query.status && e.hit.status !== query.status) continue
        if (query.owner && e.hit.owner !== query.owner) continue
        if (query.network && !(store.access(info.id)?.grants ?? []).some(g => g.to === query.network && g.role !== 'none')) continue
        if (!matchesAll(e.stems, stems)) continue
        const hit: SearchHit = { ...e.hit, updatedAt: new Date(info.updatedAt).toISOString(), access }
        const found = stems.length > 0 ? snippet(e.text, stems) : undefined
        if (found != null) { hit.snippet = found.text; hit.marks = found.marks }
        hits.push(hit)
      }
      hits.sort((a, b) => compareCodeUnits(b.updatedAt, a.updatedAt))
      return hits.slice(0, MAX_SEARCH_RESULTS)
    }
  }
}
