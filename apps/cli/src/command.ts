import type { CliOptions, OptionName } from './args.ts'
import type { Output, TextSink } from './output.ts'
import type { CliApi, NodeModule } from './node-api.ts'

/** Where the CLI reads and writes: the process, or buffers in tests. */
export interface CliIo {
  stdout: TextSink
  stderr: TextSink
  env: Record<string, string | undefined>
  cwd: string
  /**
   * Ends `start` (clean shutdown) when aborted. Without it, `start` listens for SIGINT and
   * SIGTERM itself.
   */
  signal?: AbortSignal
}

/** Replaceable collaborators (tests inject fakes). */
export interface CliDeps {
  /** Loads '@commonplace/node' (default: dynamic import). */
  loadNode?: () => Promise<NodeModule>
  fetch?: typeof globalThis.fetch
}

export interface CommandContext {
  io: CliIo
  out: Output
  options: CliOptions
  /** Positional arguments after the command words. */
  args: string[]
  /** The data folder, absolute. */
  dataDir: string
  deps: CliDeps
  commands: readonly CommandSpec[]
  /** A client for the node running on `dataDir` (reads node.json and api-token). */
  client(): Promise<CliApi>
}

export interface CommandSpec {
  /** One or two words: 'status', 'doc create'. */
  name: string
  /** Names of the required positional arguments, e.g. ['ID']. */
  args: readonly string[]
  /** Name of further, optional positional arguments (only `help` has them). */
  restArgs?: string
  /** Options the command takes besides --data, --json and --help. */
  options: readonly OptionName[]
  /** Synopsis after `commonplace `. */
  usage: string
  summary: string
  /** Further help lines (options, notes). */
  details?: readonly string[]
  examples: readonly string[]
  /** Returns the exit code (0 when omitted). */
  run(ctx: CommandContext): Promise<number | void>
}
