import { UsageError } from '../errors.ts'
import { CONTACT_COMMANDS } from './contact.ts'
import { docCreateCommand, docEditCommand, docListCommand, docShowCommand } from './doc.ts'
import { helpCommand } from './help.ts'
import { LINEAGE_COMMANDS } from './lineage.ts'
import { ADOPTION_COMMANDS } from './adoption.ts'
import { ACTIVITY_COMMANDS, COMMENT_COMMANDS, HISTORY_COMMANDS } from './history.ts'
import { demoCommand } from './demo.ts'
import { connectCommand, peersCommand, statusCommand } from './network.ts'
import { NETWORK_COMMANDS } from './networks.ts'
import { initCommand, startCommand } from './node.ts'
import { PEOPLE_COMMANDS } from './people.ts'
import { searchCommand } from './search.ts'
import { shareCommand, unshareCommand } from './share.ts'
import { TOPIC_COMMANDS } from './topic.ts'
import { watchCommand } from './watch.ts'
import type { CommandSpec } from '../command.ts'

export const COMMANDS: readonly CommandSpec[] = [
  initCommand,
  startCommand,
  statusCommand,
  connectCommand,
  peersCommand,
  docCreateCommand,
  docListCommand,
  docShowCommand,
  docEditCommand,
  ...LINEAGE_COMMANDS,
  searchCommand,
  shareCommand,
  unshareCommand,
  ...NETWORK_COMMANDS,
  ...TOPIC_COMMANDS,
  ...CONTACT_COMMANDS,
  ...ADOPTION_COMMANDS,
  ...COMMENT_COMMANDS,
  ...HISTORY_COMMANDS,
  ...ACTIVITY_COMMANDS,
  ...PEOPLE_COMMANDS,
  demoCommand,
  watchCommand,
  helpCommand
]

/** The command named by the leading positionals, and the positionals left for it. */
export function findCommand (positionals: string[]): { command: CommandSpec, args: string[] } {
  if (positionals.length === 0) throw new UsageError('Missing command')
  for (const words of [2, 1]) {
    const name = positionals.slice(0, words).join(' ')
    const command = COMMANDS.find(c => c.name === name)
    if (command != null) return { command, args: positionals.slice(words) }
  }
  const [first, second] = positionals
  if (COMMANDS.some(c => c.name.startsWith(first + ' '))) {
    const subcommands = COMMANDS.filter(c => c.name.startsWith(first + ' ')).map(c => c.name.slice(first.length + 1))
    const problem = second == null ? `'${first}' needs a subcommand` : `Unknown command '${first} ${second}'`
    throw new UsageError(`${problem}: ${subcommands.join(', ')}`, first)
  }
  throw new UsageError(`Unknown command '${first}'`)
}

/** Refuse a wrong number of positional arguments. */
export function checkArgs (command: CommandSpec, args: string[]): void {
  if (args.length < command.args.length) {
    throw new UsageError(`'${command.name}' needs ${command.args[args.length]}`, command.name)
  }
  if (args.length > command.args.length && command.restArgs == null) {
    throw new UsageError(`Unexpected argument ${JSON.stringify(args[command.args.length])} for '${command.name}'`, command.name)
  }
}
