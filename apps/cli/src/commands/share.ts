import { UsageError } from '../errors.ts'
import type { CommandSpec } from '../command.ts'
import type { ShareRequest } from '../node-api.ts'

const ROLES = ['read', 'edit']

export const shareCommand: CommandSpec = {
  name: 'share',
  args: ['ID'],
  options: ['with', 'role'],
  usage: 'share ID --with ORGID --role read|edit',
  summary: 'Let another organisation read or edit a document',
  examples: ['commonplace share 3xkq… --with 12D3KooW… --role edit'],
  async run ({ client, out, options, args: [id] }) {
    const org = required(options.with, '--with ORGID', 'share')
    const role = required(options.role, '--role read|edit', 'share')
    if (!ROLES.includes(role)) throw new UsageError(`--role must be read or edit, not ${JSON.stringify(role)}`, 'share')
    const doc = await (await client()).share(id, { with: org, role: role as ShareRequest['role'] })
    out.result(doc, `Shared ${doc.id} with ${org} (${role})`)
  }
}

export const unshareCommand: CommandSpec = {
  name: 'unshare',
  args: ['ID'],
  options: ['with'],
  usage: 'unshare ID --with ORGID',
  summary: "Withdraw another organisation's access to a document",
  examples: ['commonplace unshare 3xkq… --with 12D3KooW…'],
  async run ({ client, out, options, args: [id] }) {
    const org = required(options.with, '--with ORGID', 'unshare')
    const doc = await (await client()).unshare(id, org)
    out.result(doc, `Withdrew the access of ${org} to ${doc.id}`)
  }
}

function required (value: string | undefined, flag: string, command: string): string {
  if (value == null || value === '') throw new UsageError(`'${command}' needs ${flag}`, command)
  return value
}
