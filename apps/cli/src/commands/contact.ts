import { NotFoundError } from '@commonplace/core'
import { table } from '../output.ts'
import type { CommandSpec } from '../command.ts'
import type { CardView, ContactView, NoticeView } from '../node-api.ts'

export const cardCommand: CommandSpec = {
  name: 'card',
  args: [],
  options: [],
  usage: 'card',
  summary: "Print this organisation's card: a code another organisation adds with 'contact add'",
  details: [
    'The card carries the name, the organisation id and the addresses of this node, signed; whoever',
    'holds it can introduce their organisation here and nothing more. The code is the first line.'
  ],
  examples: ['commonplace card', 'commonplace card --json'],
  async run ({ client, out }) {
    const card = await (await client()).card()
    out.result(card, () => formatCard(card))
  }
}

export const contactAddCommand: CommandSpec = {
  name: 'contact add',
  args: ['CARD'],
  options: [],
  usage: 'contact add CARD',
  summary: "Add another organisation's card to the directory and introduce this organisation to it",
  details: [
    'The other organisation sees the introduction and accepts it (contact accept) or ignores it.',
    'When its node cannot be reached now, the introduction goes as soon as it can.'
  ],
  examples: ['commonplace contact add cpc1.WyIxMkQzS29vV…'],
  async run ({ client, out, args }) {
    const contact = await (await client()).addContact({ card: args[0].trim() })
    out.result(contact, contact.status === 'contact'
      ? `${contact.name} (${contact.orgId}) is a contact now`
      : `Added ${contact.name} (${contact.orgId}); waiting for it to accept the introduction`)
  }
}

export const contactListCommand: CommandSpec = {
  name: 'contact list',
  args: [],
  options: [],
  usage: 'contact list',
  summary: 'List the directory: contacts, introductions, network members and organisations met',
  examples: ['commonplace contact list', 'commonplace contact list --json'],
  async run ({ client, out }) {
    const contacts = await (await client()).contacts()
    out.result(contacts, () => contacts.length === 0
      ? "The directory is empty. Add an organisation's card with 'commonplace contact add CARD'.\n"
      : table(['ORGANISATION', 'NAME', 'STATUS', 'SEEN'], contacts.map(c => [c.orgId, c.name, STATUS[c.status], seen(c)])))
  }
}

export const contactAcceptCommand: CommandSpec = {
  name: 'contact accept',
  args: ['ORG'],
  options: [],
  usage: 'contact accept ORG',
  summary: 'Accept the introduction of an organisation (its id or its name)',
  examples: ['commonplace contact accept "Hillview Medical Practice"', 'commonplace contact accept 12D3KooW…'],
  async run ({ client, out, args }) {
    const contact = await (await client()).acceptContact(args[0])
    out.result(contact, `${contact.name} (${contact.orgId}) is a contact now`)
  }
}

export const contactRemoveCommand: CommandSpec = {
  name: 'contact remove',
  args: ['ORG'],
  options: [],
  usage: 'contact remove ORG',
  summary: 'Remove a contact, or ignore an introduction (its id or its name)',
  details: ['Its node may then connect only if a shared document or a learning network still lets it.'],
  examples: ['commonplace contact remove "Hillview Medical Practice"'],
  async run ({ client, out, args }) {
    const contacts = await (await client()).removeContact(args[0])
    out.result(contacts, `Removed ${args[0]}`)
  }
}

export const noticesCommand: CommandSpec = {
  name: 'notices',
  args: [],
  options: ['read'],
  usage: 'notices [--read]',
  summary: 'List what happened: documents shared with this organisation, introductions, acceptances',
  details: [
    '--read   then mark the notices listed read (as the web app does once they are seen)',
    'A * marks the unread ones. Their ids are in the --json output.'
  ],
  examples: ['commonplace notices', 'commonplace notices --read', 'commonplace notices --json'],
  async run ({ client, out, options }) {
    const api = await client()
    const notices = await api.notices()
    // exactly those listed: a notice that arrives meanwhile stays unread
    if (options.read === true && notices.some(n => !n.read)) await api.readNotices(notices.map(n => n.id))
    out.result(notices, () => notices.length === 0 ? 'No notices.\n' : notices.map(formatNotice).join('\n') + '\n')
  }
}

export const noticesReadCommand: CommandSpec = {
  name: 'notices read',
  args: [],
  restArgs: 'ID',
  options: [],
  usage: 'notices read [ID ...]',
  summary: 'Mark notices read: those with the ids given (notices --json), or every one',
  examples: ['commonplace notices read', 'commonplace notices read 0001735873445000/abc'],
  async run ({ client, out, args }) {
    const api = await client()
    if (args.length > 0) {
      // refused before anything is marked, so that a mistyped id changes nothing
      const known = new Set((await api.notices()).map(n => n.id))
      const unknown = args.find(id => !known.has(id))
      if (unknown != null) throw new NotFoundError(`No notice ${JSON.stringify(unknown)} here (see 'commonplace notices --json' for the ids)`)
    }
    const notices = await api.readNotices(args.length > 0 ? args : undefined)
    const count = args.length > 0 ? args.length : notices.length
    out.result(notices, count === 0 ? 'No notices.' : `Marked ${count === 1 ? 'one notice' : `${count} notices`} read`)
  }
}

export const CONTACT_COMMANDS: readonly CommandSpec[] = [
  cardCommand, contactAddCommand, contactListCommand, contactAcceptCommand, contactRemoveCommand, noticesCommand, noticesReadCommand
]

const STATUS: Record<ContactView['status'], string> = {
  contact: 'contact',
  awaiting: 'waiting for them',
  introduced: 'introduced itself',
  network: 'network member',
  met: 'met'
}

function seen (c: ContactView): string {
  if (c.online) return 'online'
  return c.lastSeen == null ? 'never seen' : `last seen ${c.lastSeen}`
}

function formatCard (card: CardView): string {
  return [
    card.code,
    '',
    `Name: ${card.name}`,
    `Organisation: ${card.orgId}`,
    'Addresses:',
    ...(card.addresses.length === 0 ? ['  (none: the node listens nowhere)'] : card.addresses.map(a => `  ${a}`))
  ].join('\n') + '\n'
}

function formatNotice (n: NoticeView): string {
  return `${n.read ? ' ' : '*'} ${n.at}  ${n.text}`
}
