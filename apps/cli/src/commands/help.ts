import { UsageError } from '../errors.ts'
import type { CommandSpec } from '../command.ts'

export const helpCommand: CommandSpec = {
  name: 'help',
  args: [],
  restArgs: 'COMMAND',
  options: [],
  usage: 'help [COMMAND]',
  summary: 'Show help for all commands or one',
  examples: ['commonplace help', 'commonplace help doc create'],
  async run ({ out, args, commands }) {
    const topic = args.join(' ')
    if (topic === '') {
      out.result(commands.map(c => ({ name: c.name, usage: `commonplace ${c.usage}`, summary: c.summary })), () => overview(commands))
      return
    }
    const matching = commands.filter(c => c.name === topic || c.name.startsWith(topic + ' '))
    if (matching.length === 0) throw new UsageError(`Unknown command '${topic}'`)
    out.result(matching.map(c => ({ name: c.name, usage: `commonplace ${c.usage}`, summary: c.summary, details: c.details ?? [], examples: c.examples })),
      () => matching.map(commandHelp).join('\n'))
  }
}

const GLOBAL_HELP = [
  '  --data DIR   the data folder (default: $COMMONPLACE_DATA, else ~/.commonplace)',
  '  --json       print one JSON document on stdout (errors too)',
  '  -h, --help   show help'
]

export function overview (commands: readonly CommandSpec[]): string {
  const width = Math.max(...commands.map(c => c.name.length))
  return [
    'commonplace: run a Commonplace node and work with its documents',
    '',
    'Usage: commonplace COMMAND [ARGUMENTS] [OPTIONS]',
    '',
    'Commands:',
    ...commands.map(c => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options for every command:',
    ...GLOBAL_HELP,
    '',
    "Run 'commonplace help COMMAND' for a command's options."
  ].join('\n') + '\n'
}

export function commandHelp (command: CommandSpec): string {
  return [
    `Usage: commonplace ${command.usage}`,
    '',
    command.summary + '.',
    ...(command.details == null ? [] : ['', ...command.details.map(d => `  ${d}`)]),
    '',
    'Options for every command:',
    ...GLOBAL_HELP,
    '',
    command.examples.length === 1 ? 'Example:' : 'Examples:',
    ...command.examples.map(e => `  ${e}`)
  ].join('\n') + '\n'
}
