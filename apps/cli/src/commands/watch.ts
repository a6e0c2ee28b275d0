import { readConnection } from '../connection.ts'
import { readEventStream } from '../event-stream.ts'
import type { CommandSpec } from '../command.ts'

export const watchCommand: CommandSpec = {
  name: 'watch',
  args: [],
  options: [],
  usage: 'watch',
  summary: 'Print what happens on the node (document changes, peers, networks) until Ctrl+C',
  details: [
    'One line per event; with --json one JSON object per line:',
    '  { "type": "doc", "id", "changeSeq", "origin": "local"|"peer", "peer"?, "accessChanged" }',
    '  { "type": "peer", "orgId", "name"?, "state": "connected"|"disconnected" }',
    '  { "type": "network", "id", "change": "roster"|"joined"|"removed" }'
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

const NETWORK_CHANGES: Record<string, string> = {
  roster: 'the roster changed',
  joined: 'this organisation joined',
  removed: 'this organisation was removed'
}

function describe (data: unknown): string {
  const e = data as Record<string, unknown>
  if (e.type === 'doc') {
    const from = e.origin === 'peer' ? `from ${String(e.peer)}` : String(e.origin)
    return `${String(e.id)} changed (${e.accessChanged === true ? 'sharing, ' : ''}${from}) #${String(e.changeSeq)}`
  }
  if (e.type === 'peer') return `${String(e.orgId)}${e.name != null ? ` (${String(e.name)})` : ''} ${String(e.state)}`
  if (e.type === 'delivery') return `${String(e.org)} has every change shared with it`
  if (e.type === 'network') return `network ${String(e.id)}: ${NETWORK_CHANGES[String(e.change)] ?? String(e.change)}`
  return JSON.stringify(data)
}
