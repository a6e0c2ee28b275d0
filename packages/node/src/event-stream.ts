import type { ServerResponse } from 'node:http'
import type { NodeEventSource } from '@commonplace/api'

/** Keep-alive comment interval (ms): keeps idle proxies and clients from timing out the stream. */
export const EVENT_STREAM_KEEPALIVE = 15_000

/**
 * Serve node events as Server-Sent Events until the client goes away. The first event is
 * `ready`: a client that subscribes, waits for `ready` and then reads state misses nothing.
 */
export function serveEventStream (res: ServerResponse, events: NodeEventSource): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive'
  })
  const write = (type: string, data: unknown): void => { res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`) }
  const unsubscribe = events(event => { write(event.type, event) })
  const keepAlive = setInterval(() => { res.write(': keep-alive\n\n') }, EVENT_STREAM_KEEPALIVE)
  keepAlive.unref()
  res.once('close', () => {
    clearInterval(keepAlive)
    unsubscribe()
  })
  write('ready', {})
}
