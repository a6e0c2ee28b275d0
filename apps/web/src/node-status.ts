/**
 * Whether the page can reach its node, from the node's event stream (SSE): open means
 * connected. Also passes on document and peer events so views refresh without polling.
 */
export interface NodeEventDetail { type: 'doc' | 'peer', id?: string, accessChanged?: boolean, orgId?: string, state?: string }

export interface NodeStatus {
  readonly online: boolean
  subscribe(fn: () => void): () => void
  onEvent(fn: (event: NodeEventDetail) => void): () => void
}

export function watchNode (): NodeStatus {
  const listeners = new Set<() => void>()
  const eventListeners = new Set<(event: NodeEventDetail) => void>()
  let online = false
  const set = (value: boolean): void => {
    if (online === value) return
    online = value
    for (const fn of listeners) fn()
  }
  let source: EventSource | undefined
  let retry: ReturnType<typeof setTimeout> | undefined
  const connect = (): void => {
    source = new EventSource('/api/events')
    source.onopen = () => { set(true) }
    const pass = (message: MessageEvent): void => {
      try {
        const event = JSON.parse(message.data as string) as NodeEventDetail
        for (const fn of eventListeners) fn(event)
      } catch { /* not an event */ }
    }
    source.addEventListener('doc', pass)
    source.addEventListener('peer', pass)
    source.onerror = () => {
      set(false)
      // EventSource gives up on an HTTP error (401 after the node restarted): start it again
      if (source?.readyState === EventSource.CLOSED) {
        clearTimeout(retry)
        retry = setTimeout(connect, 2000)
      }
    }
  }
  connect()
  return {
    get online () { return online },
    subscribe (fn) { listeners.add(fn); return () => { listeners.delete(fn) } },
    onEvent (fn) { eventListeners.add(fn); return () => { eventListeners.delete(fn) } }
  }
}
