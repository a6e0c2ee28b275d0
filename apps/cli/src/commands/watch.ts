import { readConnection } from '../connection.ts'
import { readEventStream } from '../event-stream.ts'
import type { CommandSpec } from '../command.ts'

export const watchCommand: CommandSpec = {
  name: 'watch',
  args: [],
  options: [],
  usage: 'watch',
  summary: 'Print what happens on the node (document changes, peers) until Ctrl+C',
  details: [
    'One line per event; with --json one JSON object per line:',
    '  { "type": "doc", "id", "changeSeq", "origin": "local"|"peer", "peer"?, "accessChanged" }',
    '  { "type": "peer", "orgId", "name"?, "state": "connected"|"disconnected" }'
  ],
  examples: ['commonplace watch', 'commonplace watch --json'],
  async run ({ dataDir, deps, io, options }) {
    const { url, token } = await readConnection(dataDir)
    const stop = new AbortController()
    const onSignal = (): void => { stop.abort() }
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
    const signal = io.signal == null ? stop.signal : AbortSignal.any([stop.signal, io.signal])
    try {
      for await (const event of readEventStream({ url, token, signal, fetch: deps.fetch })) {
        if (event.type === 'ready') continue
        io.stdout.write((options.json === true ? JSON.stringify(event.data) : describe(event.data)) + '\n')
      }
    } finally {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  }
}

function describe (data: unknown): string {
  const e = data as Record<string, unknown>
  if (e.type === 'doc') {
    const from = e.origin === 'peer' ? `from ${String(e.peer)}` : String(e.origin)
    return `${String(e.id)} changed (${e.accessChanged === true ? 'sharing, ' : ''}${from}) #${String(e.changeSeq)}`
  }
  if (e.type === 'peer') return `${String(e.orgId)}${e.name != null ? ` (${String(e.name)})` : ''} ${String(e.state)}`
  return JSON.stringify(data)
}
