import type { DocumentStore, OrgId } from '@commonplace/core'
import type { NetworkRegistry } from '@commonplace/network'
import type { CommonplaceLibp2p } from './libp2p.ts'
import type { NodeEvent, NodeEventSource } from '@commonplace/api'

/** Document changes, sync sessions opening and closing, roster changes, and `more` (the directory's). */
export function nodeEvents (store: DocumentStore, libp2p: CommonplaceLibp2p, registry: NetworkRegistry, more?: NodeEventSource): NodeEventSource {
  return (listener) => {
    const offMore = more?.(listener)
    const emit = (event: NodeEvent): void => { listener(event) }
    const offStore = store.onChange(change => {
      emit({
        type: 'doc',
        id: change.id,
        changeSeq: change.changeSeq,
        origin: change.origin.kind,
        ...(change.origin.kind === 'peer' ? { peer: change.origin.peer } : {}),
        accessChanged: change.accessChanged
      })
    })
    const offRegistry = registry.onChange(({ networks }) => {
      for (const id of networks) emit({ type: 'network', id, change: 'roster' })
    })
    const sync = libp2p.services.sync
    const onOpen = (evt: CustomEvent<{ peer: OrgId }>): void => {
      const name = sync.peers().find(p => p.orgId === evt.detail.peer)?.name
      emit({ type: 'peer', orgId: evt.detail.peer, ...(name != null && name !== '' ? { name } : {}), state: 'connected' })
    }
    const onClose = (evt: CustomEvent<{ peer: OrgId }>): void => {
      emit({ type: 'peer', orgId: evt.detail.peer, state: 'disconnected' })
    }
    sync.addEventListener('sync:open', onOpen)
    sync.addEventListener('sync:close', onClose)
    return () => {
      offMore?.()
      offStore()
      offRegistry()
      sync.removeEventListener('sync:open', onOpen)
      sync.removeEventListener('sync:close', onClose)
    }
  }
}
