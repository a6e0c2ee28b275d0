/** `doc adapt|family|upstream|propose`: variants with lineage, upstream changes, proposals back (docs/practice.md). */
import { UsageError } from '../errors.ts'
import type { CommandSpec } from '../command.ts'
import type { AdaptationReason, FamilyNode, FamilyView, UpstreamView } from '../node-api.ts'
import { formatChanges, formatProposal } from './practice-format.ts'

const REASONS = ['local-context', 'staffing', 'resources', 'population', 'regulation', 'other']

export const docAdaptCommand: CommandSpec = {
  name: 'doc adapt',
  args: ['ID'],
  options: ['why', 'title', 'reasons'],
  usage: 'doc adapt ID --why TEXT [--title T] [--reasons R,R…]',
  summary: "Adapt a document for this organisation and print the new document's id",
  details: [
    '--why TEXT       what you change and why (the adaptation note)',
    '--title T        the variant\'s title (default: the source\'s)',
    `--reasons R,R…   one or more of ${REASONS.join(', ')} (default local-context)`,
    'The variant is yours; it keeps a permanent link to the source and the version it came from.'
  ],
  examples: ['commonplace doc adapt 3xkq… --why "Two duty doctors on Mondays" --reasons staffing'],
  async run ({ client, out, options, args: [id] }) {
    if (options.why == null || options.why.trim() === '') throw new UsageError("'doc adapt' needs --why TEXT", 'doc adapt')
    const reasons = options.reasons?.split(',').map(r => r.trim()).filter(r => r !== '')
    const variant = await (await client()).adapt(id, {
      why: options.why,
      ...(options.title != null ? { title: options.title } : {}),
      ...(reasons != null ? { reasons: reasons as AdaptationReason[] } : {})
    })
    out.result(variant, variant.id)
  }
}

export const docFamilyCommand: CommandSpec = {
  name: 'doc family',
  args: ['ID'],
  options: [],
  usage: 'doc family ID',
  summary: 'Print the family of a document: the source it came from and every variant, by whom, when and why',
  examples: ['commonplace doc family 3xkq…'],
  async run ({ client, out, args: [id] }) {
    const family = await (await client()).family(id)
    out.result(family, () => formatFamily(family))
  }
}

export const docUpstreamCommand: CommandSpec = {
  name: 'doc upstream',
  args: ['ID'],
  options: ['diff', 'take', 'dismiss'],
  usage: 'doc upstream ID [--diff] [--take HEADING ...] [--dismiss HEADING ...]',
  summary: 'Say whether the source changed since this variant was adapted, section by section',
  details: [
    '--diff            show each changed section as a line diff',
    '--take HEADING    take the source\'s text of that section into the variant (repeat; "all" for every one)',
    '--dismiss HEADING mark that section\'s change as seen without taking it (repeat; "all")'
  ],
  examples: ['commonplace doc upstream 7h2k… --diff', 'commonplace doc upstream 7h2k… --take Resources'],
  async run ({ client, out, options, args: [id] }) {
    const api = await client()
    let view = await api.upstream(id)
    if (options.take != null) view = await api.takeUpstream(id, sectionsOf(options.take))
    if (options.dismiss != null) view = await api.dismissUpstream(id, sectionsOf(options.dismiss))
    out.result(view, () => formatUpstream(view, options.diff === true))
  }
}

export const docProposeCommand: CommandSpec = {
  name: 'doc propose',
  args: ['VARIANT'],
  options: ['message', 'section'],
  usage: 'doc propose VARIANT --message TEXT [--section HEADING ...]',
  summary: "Propose the variant's changed sections back to the source's owner; prints the proposal's id",
  details: [
    '--message TEXT     to the source\'s owner',
    '--section HEADING  a section to propose (repeat); default every section that differs from the source'
  ],
  examples: ['commonplace doc propose 7h2k… --message "Mondays need two of us" --section Practice'],
  async run ({ client, out, options, args: [id] }) {
    if (options.message == null || options.message.trim() === '') throw new UsageError("'doc propose' needs --message TEXT", 'doc propose')
    const proposal = await (await client()).propose(id, { message: options.message, ...(options.section != null ? { sections: options.section } : {}) })
    out.result(proposal, () => `${proposal.id}\n${formatProposal(proposal, false)}`)
  }
}

export const LINEAGE_COMMANDS: readonly CommandSpec[] = [docAdaptCommand, docFamilyCommand, docUpstreamCommand, docProposeCommand]

function sectionsOf (values: string[]): { sections?: string[] } {
  return values.some(v => v.toLowerCase() === 'all') ? {} : { sections: values }
}

function formatFamily (family: FamilyView): string {
  const lines: string[] = []
  const walk = (node: FamilyNode, depth: number): void => {
    const who = node.orgName ?? node.org
    const title = node.held ? (node.title ?? '') : '(not held here)'
    const mark = node.id === family.doc ? ' ◀' : ''
    const when = node.at != null ? ` ${node.at.slice(0, 10)}` : ''
    const why = node.why != null ? ` — ${node.why}${node.reasons != null && node.reasons.length > 0 ? ` [${node.reasons.join(', ')}]` : ''}` : ''
    lines.push(`${'  '.repeat(depth)}${depth > 0 ? '└ ' : ''}${title} (${who}, ${node.id})${when}${why}${mark}`)
    for (const child of node.children) walk(child, depth + 1)
  }
  walk(family.root, 0)
  return lines.join('\n')
}

function formatUpstream (view: UpstreamView, diff: boolean): string {
  const source = `${view.source.title ?? view.source.doc} (${view.source.orgName ?? view.source.org})`
  if (!view.changed) return `The source ${source} has not changed since you adapted it (or last took its changes).`
  return `The source changed since you adapted it: ${source}\n${formatChanges(view.sections, diff)}`
}
