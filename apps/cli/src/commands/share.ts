import { parseChoice } from '../args.ts'
import { UsageError } from '../errors.ts'
import type { CliOptions } from '../args.ts'
import type { CommandSpec } from '../command.ts'
import type { ShareRequest } from '../node-api.ts'

const ROLES: ReadonlyArray<ShareRequest['role']> = ['read', 'comment', 'edit']

export const shareCommand: CommandSpec = {
  name: 'share',
  args: ['ID'],
  options: ['with', 'network', 'role'],
  usage: 'share ID (--with NAME|ORGID | --network NETID) --role read|comment|edit',
  summary: 'Let another organisation, or every member of a network, read, comment on or edit a document',
  details: [
    '--with NAME|ORGID  one organisation, by its name in the directory or its id (a network\'s',
    '                   name works too); the node then connects to it and sends the document',
    '--network NETID    every current and later member of a learning network',
    '--role read|comment|edit  what they may do (comment: read and comment, not change)'
  ],
  examples: [
    'commonplace share 3xkq… --with "Hillview Medical Practice" --role edit',
    'commonplace share 3xkq… --with 12D3KooW… --role edit',
    'commonplace share 3xkq… --network net_… --role read'
  ],
  async run ({ client, out, options, args: [id] }) {
    const target = shareTarget(options, 'share')
    const role = parseChoice(required(options.role, '--role read|comment|edit', 'share'), ROLES, '--role', 'share')
    const doc = await (await client()).share(id, { with: target.id, role })
    const grant = doc.grants.find(g => g.to === target.id || g.name?.toLowerCase() === target.id.trim().toLowerCase())
    const label = grant?.name != null ? `${grant.name} (${grant.to})` : target.label
    out.result(doc, `Shared ${doc.id} with ${label} (${role})${deliveryNote(grant?.delivery?.state)}`)
  }
}

export const unshareCommand: CommandSpec = {
  name: 'unshare',
  args: ['ID'],
  options: ['with', 'network'],
  usage: 'unshare ID (--with ORGID | --network NETID)',
  summary: 'Withdraw the access of an organisation, or of a network, to a document',
  examples: ['commonplace unshare 3xkq… --with 12D3KooW…', 'commonplace unshare 3xkq… --network net_…'],
  async run ({ client, out, options, args: [id] }) {
    const target = shareTarget(options, 'unshare')
    const doc = await (await client()).unshare(id, target.id)
    out.result(doc, `Withdrew the access of ${target.label} to ${doc.id}`)
  }
}

function deliveryNote (state: string | undefined): string {
  if (state === 'no-address') return "\nThis node knows no address for it: add its card ('commonplace contact add'), or it connects here"
  if (state === 'unreachable') return '\nIts node cannot be reached now; the document goes as soon as it can'
  return ''
}

/** Exactly one of --with ORGID and --network NETID. */
function shareTarget (options: CliOptions, command: string): { id: string, label: string } {
  if (options.with != null && options.network != null) {
    throw new UsageError(`'${command}' takes --with ORGID or --network NETID, not both`, command)
  }
  if (options.network != null) {
    if (options.network.length !== 1) throw new UsageError(`'${command}' takes one --network NETID`, command)
    const network = required(options.network[0], '--network NETID', command)
    return { id: network, label: `network ${network}` }
  }
  const org = required(options.with, '--with ORGID or --network NETID', command)
  return { id: org, label: org }
}

export function required (value: string | undefined, flag: string, command: string): string {
  if (value == null || value === '') throw new UsageError(`'${command}' needs ${flag}`, command)
  return value
}
