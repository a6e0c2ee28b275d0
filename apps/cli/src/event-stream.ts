import { CommonplaceError } from '@commonplace/core'

/** One Server-Sent Event from the node: its type (`ready`, `doc`, `peer`) and JSON data. */
export interface StreamEvent {
  type: string
  data: unknown
}

export interface EventStreamInit {
  url: string
  token: string
  /** Aborting ends the stream. */
  signal?: AbortSignal
  fetch?: typeof globalThis.fetch
}

/**
 * Read the node's `GET /api/events` stream. The first event is `ready`: whatever the caller
 * reads from the node after it, no later change can be missed.
 */
export async function * readEventStream (init: EventStreamInit): AsyncGenerator<StreamEvent> {
  const doFetch = init.fetch ?? globalThis.fetch
  const res = await doFetch(init.url.replace(/\/+$/, '') + '/api/events', {
    headers: { authorization: `Bearer ${init.token}`, accept: 'text/event-stream' },
    signal: init.signal
  })
  if (!res.ok || res.body == null) {
    throw new CommonplaceError(`The node did not open its event stream (HTTP ${res.status})`, 'ERR_EVENT_STREAM')
  }
  const decoder = new TextDecoder()
  let buffer = ''
  const reader = res.body.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      buffer += decoder.decode(value, { stream: true })
      let end: number
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = parseEvent(buffer.slice(0, end))
        buffer = buffer.slice(end + 2)
        if (event != null) yield event
      }
    }
  } catch (err) {
    if (init.signal?.aborted === true) return
    throw err
  } finally {
    reader.releaseLock()
  }
}

function parseEvent (block: string): StreamEvent | undefined {
  let type = 'message'
  const data: string[] = []
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue
    if (line.startsWith('event: ')) type = line.slice(7)
    else if (line.startsWith('data: ')) data.push(line.slice(6))
  }
  if (data.length === 0) return undefined
  return { type, data: JSON.parse(data.join('\n')) }
}
