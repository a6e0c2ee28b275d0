/** `comment …`, `doc history|diff|restore|version` and `activity`: the conversation and history (docs/history.md). */
import { UsageError } from '../errors.ts'
import { table, truncate } from '../output.ts'
import type { CommandSpec } from '../command.ts'
import type { ActivityItem, ThreadView, VersionView } from '../node-api.ts'
import { formatChanges } from './practice-format.ts'
import { required } from './share.ts'

const commentAdd: CommandSpec = {
  name: 'comment add',
  args: ['DOC'],
  options: ['section', 'quote', 'text'],
  usage: 'comment add DOC --section HEADING [--quote TEXT] --text TEXT',
  summary: 'Comment on a passage of a section (or on the whole section) and print the thread\'s id',
  details: [
    '--section HEADING  the section, by heading or id',
    '--quote TEXT       the passage (within one paragraph); the comment follows it as the text is edited',
    '--text TEXT        what you want to say (at most 4,000 characters)',
    'Needs comment or edit access; readers see comments but cannot write them.'
  ],
  examples: ['commonplace comment add 3xkq… --section Practice --quote "by 4 pm" --text "Why not noon?"'],
  async run ({ client, out, options, args: [doc] }) {
    if (options.section == null || options.section.length !== 1) throw new UsageError("'comment add' needs one --section HEADING", 'comment add')
    const thread = await (await client()).addComment(doc, {
      section: options.section[0], text: required(options.text, '--text TEXT', 'comment add'), ...(options.quote != null ? { quote: options.quote } : {})
    })
    out.result(thread, thread.id)
  }
}

const commentList: CommandSpec = {
  name: 'comment list',
  args: ['DOC'],
  options: [],
  usage: 'comment list DOC',
  summary: 'List the comment threads of a document, with their replies, by organisation',
  examples: ['commonplace comment list 3xkq…', 'commonplace comment list 3xkq… --json'],
  async run ({ client, out, args: [doc] }) {
    const threads = await (await client()).comments(doc)
    out.result(threads, () => threads.length === 0 ? 'No comments.' : threads.map(formatThread).join('\n\n'))
  }
}

const commentReply: CommandSpec = {
  name: 'comment reply',
  args: ['ID'],
  options: ['text'],
  usage: 'comment reply ID --text TEXT',
  summary: 'Reply to a comment thread (ID as comment list shows it)',
  examples: ['commonplace comment reply 3xkq….7bpp… --text "Our lab reports by 2 pm."'],
  async run ({ client, out, options, args: [id] }) {
    const thread = await (await client()).replyComment(id, { text: required(options.text, '--text TEXT', 'comment reply') })
    out.result(thread, `Replied to ${thread.id}`)
  }
}

const stateCommand = (name: 'resolve' | 'reopen'): CommandSpec => ({
  name: `comment ${name}`,
  args: ['ID'],
  options: [],
  usage: `comment ${name} ID`,
  summary: name === 'resolve' ? 'Mark a comment thread resolved' : 'Reopen a resolved comment thread',
  examples: [`commonplace comment ${name} 3xkq….7bpp…`],
  async run ({ client, out, args: [id] }) {
    const thread = await (await client()).setCommentState(id, name === 'resolve' ? 'resolved' : 'open')
    out.result(thread, `${thread.id} is ${thread.state}`)
  }
})

export const COMMENT_COMMANDS: readonly CommandSpec[] = [commentAdd, commentList, commentReply, stateCommand('resolve'), stateCommand('reopen')]

function formatThread (t: ThreadView): string {
  const where = t.detached ? `${t.heading ?? t.section}, passage deleted: "${t.quote ?? ''}"` : t.passage != null ? `${t.heading ?? t.section}: "${t.passage}"` : (t.heading ?? t.section)
  // the person's name where the node may show it, else their id
  const by = (c: { orgName?: string, org: string, person?: string, personName?: string }): string => `${c.orgName ?? c.org}${c.person != null ? ` (${c.personName ?? c.person})` : ''}`
  return [
    `${t.id} [${t.state}] on ${where}`,
    `  ${by(t)}, ${t.at}: ${t.text}`,
    ...t.replies.map(r => `    ${by(r)}, ${r.at}: ${r.text}`)
  ].join('\n')
}

const docHistory: CommandSpec = {
  name: 'doc history',
  args: ['ID'],
  options: [],
  usage: 'doc history ID',
  summary: 'List the versions of a document: this node\'s (taken daily while it changes, at adaptations, accepted proposals, upstream changes taken, and on demand) and those other organisations shared',
  details: ['V is what doc diff and doc restore take: a number for this node\'s versions, an id for one another organisation shared.'],
  examples: ['commonplace doc history 3xkq…'],
  async run ({ client, out, args: [id] }) {
    const versions = await (await client()).versions(id)
    out.result(versions, () => versions.length === 0 ? 'No versions.' : formatVersions(versions))
  }
}

const docVersion: CommandSpec = {
  name: 'doc version',
  args: ['ID'],
  options: ['label'],
  usage: 'doc version ID --label TEXT',
  summary: 'Keep a version of a document now, with a label',
  examples: ['commonplace doc version 3xkq… --label "Agreed at the March meeting"'],
  async run ({ client, out, options, args: [id] }) {
    const v = await (await client()).takeVersion(id, { label: required(options.label, '--label TEXT', 'doc version') })
    out.result(v, `Version ${v.n} of ${v.doc}`)
  }
}

const docDiff: CommandSpec = {
  name: 'doc diff',
  args: ['ID'],
  options: ['from', 'to'],
  usage: 'doc diff ID --from V [--to V]',
  details: ['V: a version number, or the id of a version another organisation shared (as doc history shows it)'],
  summary: 'Show what changed between two versions of a document, section by section (to now without --to)',
  examples: ['commonplace doc diff 3xkq… --from 2', 'commonplace doc diff 3xkq… --from 2 --to 5', 'commonplace doc diff 3xkq… --from k7q2m4xz9abcdefg'],
  async run ({ client, out, options, args: [id] }) {
    const from = versionNumber(required(options.from, '--from V', 'doc diff'), '--from', 'doc diff')
    const to = options.to != null ? versionNumber(options.to, '--to', 'doc diff') : undefined
    const diff = await (await client()).diff(id, from, to)
    const changed = diff.changes.filter(c => c.status !== 'unchanged')
    out.result(diff, () => changed.length === 0 ? 'No section changed.' : `From version ${from} to ${to ?? 'now'}:\n${formatChanges(changed, true)}`)
  }
}

const docRestore: CommandSpec = {
  name: 'doc restore',
  args: ['ID'],
  options: ['version', 'section'],
  usage: 'doc restore ID --version V [--section HEADING]',
  summary: 'Bring back the text of a version (or of one of its sections) as a new edit; nothing is rewritten',
  examples: ['commonplace doc restore 3xkq… --version 2 --section Practice'],
  async run ({ client, out, options, args: [id] }) {
    const version = versionNumber(required(options.version, '--version V', 'doc restore'), '--version', 'doc restore')
    if (options.section != null && options.section.length !== 1) throw new UsageError("'doc restore' takes one --section HEADING", 'doc restore')
    const v = await (await client()).restore(id, { version, ...(options.section != null ? { section: options.section[0] } : {}) })
    out.result(v, `Restored version ${version}${options.section != null ? ` (${options.section[0]})` : ''}; now version ${v.n}`)
  }
}

export const HISTORY_COMMANDS: readonly CommandSpec[] = [docHistory, docVersion, docDiff, docRestore]

/** A version number (this node's) or a shared version's id (another organisation's). */
function versionNumber (text: string, flag: string, command: string): number | string {
  if (/^\d{1,9}$/.test(text)) return Number(text)
  if (/^[a-z2-7]{8,32}$/.test(text)) return text
  throw new UsageError(`${flag} must be a version number or a shared version's id (see 'doc history')`, command)
}

function formatVersions (versions: VersionView[]): string {
  return table(['V', 'TAKEN', 'BY', 'WHY', 'LABEL'], versions.map(v => [
    v.org != null ? (v.id ?? '') : String(v.n), v.at, v.org != null ? `${v.orgName ?? v.org}${v.person != null ? ` (${v.personName ?? v.person})` : ''} #${v.n}` : 'here',
    v.reason, truncate(v.label ?? '', 50)
  ]))
}

const activity: CommandSpec = {
  name: 'activity',
  args: [],
  options: ['since'],
  usage: 'activity [--since DATE]',
  summary: 'What happened to the documents this organisation holds: changes (and who made them), comments, versions and restores, variants, proposals, adoption changes',
  details: ['--since DATE  only since then (ISO 8601, e.g. 2026-03-01)'],
  examples: ['commonplace activity', 'commonplace activity --since 2026-03-01 --json'],
  async run ({ client, out, options }) {
    if (options.since != null && Number.isNaN(Date.parse(options.since))) throw new UsageError('--since must be a date, e.g. 2026-03-01', 'activity')
    const items = await (await client()).activity(options.since != null ? { since: new Date(options.since).toISOString() } : {})
    out.result(items, () => items.length === 0 ? 'Nothing yet.' : formatActivity(items))
  }
}

export const ACTIVITY_COMMANDS: readonly CommandSpec[] = [activity]

function formatActivity (items: ActivityItem[]): string {
  // a version item names the version as `doc diff` and `doc restore` take it
  return items.map(i => `${i.at}  ${i.text}${i.version != null ? `  [${i.doc} version ${i.version}]` : ''}`).join('\n')
}
