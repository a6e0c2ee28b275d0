import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { CommonplaceError } from '@commonplace/core'
import { parseSectionPair } from '../args.ts'
import { UsageError } from '../errors.ts'
import { table, truncate } from '../output.ts'
import type { CommandSpec } from '../command.ts'
import type { CreateDocRequest, DeliveryView, DocSummary, DocView, EditDocRequest } from '../node-api.ts'

export const docCreateCommand: CommandSpec = {
  name: 'doc create',
  args: [],
  options: ['title', 'kind', 'section', 'from-markdown'],
  usage: 'doc create --title T [--kind K] [--section HEADING=TEXT ...] [--from-markdown FILE]',
  summary: 'Create a document and print its id',
  details: [
    '--title T               the title (may be left out with --from-markdown)',
    '--kind K                e.g. practice, policy, checklist',
    '--section HEADING=TEXT  a section; repeat for several',
    '--from-markdown FILE    the whole document as Markdown (# Title, ## Section …);',
    '                        --title, --kind and --section override it'
  ],
  examples: [
    'commonplace doc create --title "Handwashing" --kind practice --section "Why=It stops infections."',
    'commonplace doc create --from-markdown handwashing.md'
  ],
  async run ({ client, out, options, io }) {
    const request: Partial<CreateDocRequest> = {}
    if (options.title != null) request.title = options.title
    if (options.kind != null) request.kind = options.kind
    if (options.section != null) request.sections = options.section.map(s => parseSectionPair(s, '--section', 'doc create'))
    if (options['from-markdown'] != null) request.markdown = await readMarkdown(resolve(io.cwd, options['from-markdown']))
    if (request.title == null && request.markdown == null) {
      throw new UsageError("'doc create' needs --title T (or --from-markdown FILE)", 'doc create')
    }
    const doc = await (await client()).createDoc(request as CreateDocRequest)
    out.result(doc, doc.id)
  }
}

export const docListCommand: CommandSpec = {
  name: 'doc list',
  args: [],
  options: [],
  usage: 'doc list',
  summary: 'List the documents this node holds, with their owners by name',
  examples: ['commonplace doc list', 'commonplace doc list --json'],
  async run ({ client, out }) {
    const docs = await (await client()).listDocs()
    out.result(docs, () => docs.length === 0 ? 'No documents.' : formatDocs(docs))
  }
}

export const docShowCommand: CommandSpec = {
  name: 'doc show',
  args: ['ID'],
  options: ['format'],
  usage: 'doc show ID [--format markdown|json|info]',
  summary: 'Print a document (Markdown by default)',
  details: [
    '--format markdown   the document as Markdown with its metadata block (default)',
    '--format json       the document with its sections (each with its authors: organisation,',
    '                    person where known, characters; and lastChanged: who last changed it',
    '                    and when) and grants (names next to ids)',
    '--format info       who owns it, what it is, and whom it is shared with, by name',
    'With --json the document is printed as JSON; with --json --format markdown as { id, markdown }.'
  ],
  examples: ['commonplace doc show 3xkq…', 'commonplace doc show 3xkq… --format info', 'commonplace doc show 3xkq… --format json'],
  async run ({ client, out, options, args: [id] }) {
    const format = options.format ?? (out.json ? 'json' : 'markdown')
    if (format !== 'markdown' && format !== 'json' && format !== 'info') {
      throw new UsageError(`--format must be markdown, json or info, not ${JSON.stringify(format)}`, 'doc show')
    }
    const api = await client()
    if (format !== 'markdown') {
      const doc = await api.getDoc(id)
      out.result(doc, () => format === 'info' ? formatInfo(doc) : JSON.stringify(doc, null, 2))
    } else {
      const markdown = await api.exportMarkdown(id)
      out.result({ id, markdown }, markdown)
    }
  }
}

export const docEditCommand: CommandSpec = {
  name: 'doc edit',
  args: ['ID'],
  options: ['title', 'append-section', 'append', 'section'],
  usage: 'doc edit ID [--title T] [--append-section HEADING=TEXT ...] [--append TEXT --section HEADING]',
  summary: 'Change a document',
  details: [
    '--title T                      rename it',
    '--append-section HEADING=TEXT  add a section at the end; repeat for several',
    '--append TEXT --section HEADING  add a paragraph to the section with that heading (or id)'
  ],
  examples: [
    'commonplace doc edit 3xkq… --title "Hand hygiene"',
    'commonplace doc edit 3xkq… --append "Use soap for 20 seconds." --section Why'
  ],
  async run ({ client, out, options, args: [id] }) {
    const request = editRequest(options)
    const doc = await (await client()).editDoc(id, request)
    out.result(doc, `Updated ${doc.id}`)
  }
}

function editRequest (options: { title?: string, 'append-section'?: string[], append?: string, section?: string[] }): EditDocRequest {
  const request: EditDocRequest = {}
  if (options.title != null) request.title = options.title
  if (options['append-section'] != null) {
    request.appendSections = options['append-section'].map(s => parseSectionPair(s, '--append-section', 'doc edit'))
  }
  if (options.append != null || options.section != null) {
    if (options.append == null) throw new UsageError('--section HEADING goes with --append TEXT', 'doc edit')
    if (options.section == null || options.section.length !== 1) throw new UsageError('--append TEXT needs exactly one --section HEADING', 'doc edit')
    request.append = { section: options.section[0], text: options.append }
  }
  if (Object.keys(request).length === 0) {
    throw new UsageError("Nothing to change: give --title, --append-section or --append with --section", 'doc edit')
  }
  return request
}

function formatDocs (docs: DocSummary[]): string {
  return table(['ID', 'TITLE', 'OWNER', 'KIND', 'UPDATED'], docs.map(d => [d.id, truncate(d.title, 40), d.ownerName ?? d.owner, d.kind, d.updatedAt]))
}

/** A name with its id, or the id alone when the node knows no name. */
function named (id: string, name: string | undefined): string {
  return name == null ? id : `${name} (${id})`
}

/** How the document is getting to an organisation, as the owner's node tells it. */
function delivery (d: DeliveryView | undefined): string {
  const since = d?.since == null ? '' : ` since ${d.since}`
  switch (d?.state) {
    case 'delivered': return ', delivered'
    case 'connecting': return ', connecting to its node'
    case 'unreachable': return `, its node cannot be reached${since}; the document goes as soon as it can`
    case 'no-address': return ', this node knows no address for it'
    default: return ''
  }
}

const ACCESS: Record<string, string> = { owner: 'ours', edit: 'we may edit', comment: 'we may comment', read: 'read only' }

function formatInfo (doc: DocView): string {
  const grants = doc.grants.map(g => `  ${named(g.to, g.name)}: ${g.role}${delivery(g.delivery)}`)
  return [
    doc.title,
    `Id: ${doc.id}`,
    `Owner: ${named(doc.owner, doc.ownerName)}`,
    `Kind: ${doc.kind}`,
    `Our access: ${ACCESS[doc.access] ?? doc.access}`,
    `Updated: ${doc.updatedAt}`,
    ...(grants.length === 0 ? ['Shared with nobody'] : ['Shared with:', ...grants])
  ].join('\n') + '\n'
}

async function readMarkdown (path: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).replace(/^\uFEFF/, '')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const reason = code === 'ENOENT' ? 'no such file' : code ?? (err as Error).message
    throw new CommonplaceError(`Cannot read ${path}: ${reason}`, 'ERR_READ_FAILED', { cause: err })
  }
}
