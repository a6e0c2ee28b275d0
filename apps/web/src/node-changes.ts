/**
 * A view that shows what the node computes from many documents (a family, the proposals, the
 * diffusion view) loads it again when the node says something changed. Events come in bursts
 * (a sync brings dozens of document changes at once): the burst is one reload, not one per event.
 */
import { useEffect, useRef, useState } from 'preact/hooks'
import type { NodeEventDetail, NodeStatus } from './node-status.ts'

/** How long a burst of events is gathered into one reload (ms): a person does not see the delay. */
export const COALESCE_MS = 250

/**
 * A number that grows when an event `wanted` accepts arrived (bursts gathered into one), or when
 * the node is back after being unreachable: put it in the dependencies of the loading effect.
 */
export function useNodeChanges (status: NodeStatus, wanted: (event: NodeEventDetail) => boolean): number {
  const [tick, setTick] = useState(0)
  // the filter of the latest render: what it accepts may change (a variant's source arrives with its metadata)
  const filter = useRef(wanted)
  filter.current = wanted
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const bump = (): void => {
      if (timer != null) return
      timer = setTimeout(() => { timer = undefined; setTick(t => t + 1) }, COALESCE_MS)
    }
    const offEvent = status.onEvent(e => { if (filter.current(e)) bump() })
    const offStatus = status.subscribe(() => { if (status.reconnected) bump() })
    return () => { offEvent(); offStatus(); clearTimeout(timer) }
  }, [status])
  return tick
}

/** Another document changed, or one's access did (a proposal, an adoption log, a variant arrived). */
export function otherDocChanged (id?: string): (event: NodeEventDetail) => boolean {
  return e => (e.type === 'doc' && (e.id !== id || e.accessChanged === true)) || e.type === 'notice' || e.type === 'network'
}
