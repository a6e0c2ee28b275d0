/**
 * @packageDocumentation
 * The `commonplace` command: `init` and `start` run a node; the other commands talk to the
 * running node through its local HTTP API (found through `<data>/node.json` and `<data>/api-token`).
 *
 * @example
 * ```ts
 * const code = await runCli(['status', '--json'], { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() })
 * ```
 */
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { checkOptions, parseCommandLine } from './args.ts'
import { createApiClient } from './client.ts'
import { checkArgs, COMMANDS, findCommand } from './commands/index.ts'
import { helpCommand } from './commands/help.ts'
import { readConnection } from './connection.ts'
import { EXIT, NodeNotRunningError, UsageError } from './errors.ts'
import { createOutput } from './output.ts'
import type { CliOptions } from './args.ts'
import type { CliDeps, CliIo, CommandContext } from './command.ts'
import type { CliApi } from './node-api.ts'

export type { CliDeps, CliIo, CommandContext, CommandSpec } from './command.ts'
export type { CliApi, NodeModule, RunningNode, InitNodeOptions, InitNodeResult, CreateNodeOptions } from './node-api.ts'
export type { ApiClientInit } from './client.ts'
export { createApiClient } from './client.ts'
export { readConnection } from './connection.ts'
export { readEventStream } from './event-stream.ts'
export type { StreamEvent, EventStreamInit } from './event-stream.ts'
export type { Connection, NodeInfo } from './connection.ts'
export { EXIT, NodeNotRunningError, SearchUnavailableError, UsageError } from './errors.ts'

/** Run one command line (without the program name); resolves to the exit code. */
export async function runCli (argv: string[], io: CliIo, deps: CliDeps = {}): Promise<number> {
  let out = createOutput(io, argv.includes('--json'))
  let dataDir = ''
  try {
    const { options, positionals } = parseCommandLine(argv)
    out = createOutput(io, options.json === true)
    dataDir = resolveDataDir(options.data, io)
    const { command, args } = options.help === true
      ? { command: helpCommand, args: positionals.filter(word => word !== 'help') }
      : findCommand(positionals)
    if (options.help !== true) {
      checkOptions(options, command.options, command.name)
      checkArgs(command, args)
    }
    const ctx = createContext({ io, out, options, args, dataDir, deps })
    return (await command.run(ctx)) ?? EXIT.ok
  } catch (err) {
    return out.failure(translate(err, dataDir))
  }
}

function createContext (init: Omit<CommandContext, 'client' | 'commands'>): CommandContext {
  let client: CliApi | undefined
  return {
    ...init,
    commands: COMMANDS,
    async client () {
      if (client == null) {
        const { url, token } = await readConnection(init.dataDir)
        client = createApiClient({ url, token, fetch: init.deps.fetch })
      }
      return client
    }
  }
}

/** `--data`, else $COMMONPLACE_DATA, else ~/.commonplace; relative paths from io.cwd. */
export function resolveDataDir (data: CliOptions['data'], io: Pick<CliIo, 'env' | 'cwd'>): string {
  if (data === '') throw new UsageError('--data needs a folder')
  const fromEnv = io.env.COMMONPLACE_DATA === '' ? undefined : io.env.COMMONPLACE_DATA
  const home = io.env.HOME ?? homedir()
  return resolve(io.cwd, data ?? fromEnv ?? join(home, '.commonplace'))
}

/** A refused connection to the API means the node is gone (node.json left behind). */
function translate (err: unknown, dataDir: string): unknown {
  if ((err as { code?: unknown })?.code === 'ERR_CONNECTION_REFUSED' && dataDir !== '') {
    return new NodeNotRunningError(dataDir, { cause: err })
  }
  return err
}
