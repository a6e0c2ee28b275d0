/**
 * The organisation's people from the node's computer (docs/people.md): a fresh admin link, and
 * inviting, listing, re-roling and removing people. The CLI acts as the node's administrator.
 */
import { table } from '../output.ts'
import type { CommandSpec } from '../command.ts'
import type { PersonRole } from '../node-api.ts'

export const loginCommand: CommandSpec = {
  name: 'login',
  args: [],
  options: [],
  usage: 'login',
  summary: 'Print a fresh one-time admin link for the web app, without restarting the node',
  details: [
    'The link works once, for 15 minutes, and signs its browser in as the node\'s administrator.',
    'On an organisation with no people yet, whoever opens it names the organisation and becomes its first admin.'
  ],
  examples: ['commonplace login'],
  async run ({ client, out }) {
    const link = await (await client()).loginLink()
    out.result(link, `${link.url}\n(the link works once, for 15 minutes)`)
  }
}

export const personInviteCommand: CommandSpec = {
  name: 'person invite',
  args: [],
  options: ['name', 'role', 'expires'],
  usage: 'person invite --name NAME --role admin|editor|viewer [--expires 7d]',
  summary: 'Invite a colleague: prints a one-time link they open to set their password',
  details: [
    '--name NAME       how the colleague is called in the organisation (they sign in with it)',
    '--role ROLE       admin (people, sharing, networks, everything), editor (create and edit',
    '                  documents) or viewer (read)',
    '--expires 7d      how long the link works: minutes (30m), hours (12h) or days (7d); at most 30d'
  ],
  examples: ['commonplace person invite --name "Dr Lena Fischer" --role editor', 'commonplace person invite --name "Sam Patel" --role viewer --expires 2d'],
  async run ({ client, out, options }) {
    const invitation = await (await client()).invitePerson({
      name: options.name ?? '', role: (options.role ?? '') as PersonRole, ...(options.expires != null ? { expires: options.expires } : {})
    })
    out.result(invitation, [
      `Invited ${invitation.name} as ${invitation.role}. Give them this link (it works once, until ${invitation.expiresAt}):`,
      invitation.url
    ].join('\n'))
  }
}

export const personListCommand: CommandSpec = {
  name: 'person list',
  args: [],
  options: [],
  usage: 'person list',
  summary: "List the organisation's people and their roles",
  examples: ['commonplace person list', 'commonplace person list --json'],
  async run ({ client, out }) {
    const people = await (await client()).people()
    out.result(people, () => people.length === 0
      ? "No people yet. Open the link 'commonplace login' prints to set the organisation up.\n"
      : table(['PERSON', 'NAME', 'ROLE', 'SINCE'], people.map(p => [p.id, p.name, p.role, p.createdAt.slice(0, 10)])))
  }
}

export const personRoleCommand: CommandSpec = {
  name: 'person role',
  args: ['PERSON', 'ROLE'],
  options: [],
  usage: 'person role PERSON ROLE',
  summary: "Change a person's role (admin, editor, viewer); their open pages are signed out at once",
  details: ['PERSON is the id from \'person list\', or the name or email. The last admin keeps their role.'],
  examples: ['commonplace person role "Sam Patel" editor'],
  async run ({ client, out, args }) {
    const person = await (await client()).setPersonRole(args[0], args[1] as PersonRole)
    out.result(person, `${person.name} is ${person.role} now; their sessions ended`)
  }
}

export const personRemoveCommand: CommandSpec = {
  name: 'person remove',
  args: ['PERSON'],
  options: [],
  usage: 'person remove PERSON',
  summary: 'Remove a person from the organisation; their open pages lose their connection at once',
  details: ['PERSON is the id from \'person list\', or the name or email. The last admin cannot be removed.',
    'What they wrote stays, recorded as theirs.'],
  examples: ['commonplace person remove "Dr Lena Fischer"'],
  async run ({ client, out, args }) {
    const result = await (await client()).removePerson(args[0])
    out.result(result, `Removed ${args[0]}`)
  }
}

export const PEOPLE_COMMANDS: readonly CommandSpec[] = [loginCommand, personInviteCommand, personListCommand, personRoleCommand, personRemoveCommand]
