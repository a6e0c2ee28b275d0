/**
 * Whether the page can reach its node, from the node's event stream (SSE): open means
 * connected. Also passes on document and peer events so views refresh without polling.
 */
import type { Notice } from './api.ts'

export interface NodeEventDetail {
  type: 'doc' | 'peer' | 'network' | 'directory' | 'notice'
  id?: string
  accessChanged?: boolean
  orgId?: string
  state?: string
  /** `directory`: the organisation and what changed (introduced, accepted, added, removed). */
  org?: string
  change?: string
  /** `notice`: the notice itself (api.ts Notice). */
  notice?: Notice
}

export interface NodeStatus {
  readonly online: boolean
  /** Known to be unreachable: the event stream failed (false before the node first answers). */
  readonly offline: boolean
  /**
   * Online again after the node was unreachable: what the page loaded may be stale, load it again.
   * False for the first connection of a page, whose views have just loaded what they show.
   */
  readonly reconnected: boolean
  subscribe(fn: () => void): () => void
  onEvent(fn: (event: NodeEventDetail) => void): () => void
}

export function watchNode (): NodeStatus {
  const listeners = new Set<() => void>()
  const eventListeners = new Set<(event: NodeEventDetail) => void>()
  let online = false
  let offline = false
  let reconnected = false
  const set = (value: boolean): void => {
    if (online === value && offline === !value) return
    reconnected = value && offline
    online = value
    offline = !value
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
    for (const type of ['doc', 'peer', 'network', 'directory', 'notice']) source.addEventListener(type, pass)
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
    get offline () { return offline },
    get reconnected () { return reconnected },
    subscribe (fn) { listeners.add(fn); return () => { listeners.delete(fn) } },
    onEvent (fn) { eventListeners.add(fn); return () => { eventListeners.delete(fn) } }
  }
}
