/** `search`: the web app's search (titles, summaries, tags and sections, by word forms, with facets). */
import { InvalidInputError } from '@commonplace/core'
import { Maturity, Status } from '@commonplace/record'
import { parseChoice } from '../args.ts'
import type { CommandSpec } from '../command.ts'
import type { DocSummary, SearchHit, SearchQuery } from '../node-api.ts'

const MATURITIES: readonly string[] = Object.values(Maturity)
const STATUSES: readonly string[] = Object.values(Status)

/** A hit with its owner's name where the node knows it. */
type NamedHit = SearchHit & { ownerName?: string }

export const searchCommand: CommandSpec = {
  name: 'search',
  args: [],
  restArgs: 'QUERY',
  options: ['kind', 'maturity', 'status', 'owner'],
  usage: 'search [QUERY] [--kind K] [--maturity M] [--status S] [--owner ORG]',
  summary: 'Search the documents this node holds: title, owner and the text around the match',
  details: [
    'QUERY            words that must all occur, in any form ("doctors" finds "doctor");',
    '                 several words need no quotes; without it every document matches the filters',
    '--kind K         only this kind: practice, protocol, checklist, case-study …',
    `--maturity M     only this maturity: ${MATURITIES.join(', ')}`,
    `--status S       only this status: ${STATUSES.join(', ')}`,
    '--owner ORG      only documents of this organisation (its name or its id)',
    'The node serves search with its web app; a node started without it cannot search.'
  ],
  examples: ['commonplace search hand hygiene', 'commonplace search --kind checklist --owner "Hillview Medical Practice" --json'],
  async run ({ client, out, options, args }) {
    const query: SearchQuery = {}
    const q = args.join(' ').trim()
    if (q !== '') query.q = q
    if (options.kind != null) query.kind = options.kind
    if (options.maturity != null) query.maturity = parseChoice(options.maturity, MATURITIES, '--maturity', 'search')
    if (options.status != null) query.status = parseChoice(options.status, STATUSES, '--status', 'search')
    const api = await client()
    // the node names owners in its document list; search answers ids only
    const docs = await api.listDocs()
    if (options.owner != null) query.owner = ownerId(options.owner, docs)
    const names = new Map(docs.filter(d => d.ownerName != null).map(d => [d.owner as string, d.ownerName as string]))
    const hits: NamedHit[] = (await api.search(query)).map(h => names.has(h.owner) ? { ...h, ownerName: names.get(h.owner) } : h)
    out.result(hits, () => hits.length === 0 ? 'No documents match.\n' : hits.map(formatHit).join('\n'))
  }
}

/** `--owner`: an owner's id, or the name the node gives an owner of a document here. */
function ownerId (value: string, docs: DocSummary[]): string {
  const wanted = value.trim()
  if (docs.some(d => d.owner === wanted)) return wanted
  const owners = new Set(docs.filter(d => d.ownerName?.toLowerCase() === wanted.toLowerCase()).map(d => d.owner))
  if (owners.size === 1) return [...owners][0]
  if (owners.size > 1) throw new InvalidInputError(`Several organisations are called "${wanted}": give the id of the one you mean`)
  throw new InvalidInputError(`No document here belongs to an organisation called "${wanted}"`)
}

function formatHit (hit: NamedHit): string {
  return [
    `${hit.id}  ${hit.title}`,
    `  ${hit.ownerName ?? hit.owner} · ${hit.kind} · ${hit.maturity} · ${hit.status}`,
    ...(hit.snippet == null ? [] : [`  ${hit.snippet}`])
  ].join('\n') + '\n'
}
