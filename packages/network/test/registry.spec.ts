import { describe, it, expect } from 'vitest'
import { memoryStore } from '@commonplace/storage'
import { createNetworkRegistry } from '../src/registry.ts'
import { genesis, invitation, join, org } from './fixtures.ts'

describe('createNetworkRegistry', () => {
  it('keeps statements on the storage port and computes the same roster after reopening', async () => {
    const storage = memoryStore()
    const f = await org()
    const a = await org()
    const g = await genesis(f)
    const i = await invitation(f, g)
    const registry = createNetworkRegistry({ storage, now: () => 5_000 })
    const changes: unknown[] = []
    registry.onChange(change => { changes.push(change) })
    registry.add([g], { allowGenesis: true })
    registry.add([i, await join(a, i)])
    expect(changes).toHaveLength(2)
    const reopened = createNetworkRegistry({ storage, now: () => 5_000 })
    expect(reopened.membership.roleOf(g.network, a.id)).toBe('member')
    expect(reopened.networksOf(a.id)).toEqual([g.network])
  })

  it('takes no statement for a network it has no genesis of, and no genesis unless allowed', async () => {
    const storage = memoryStore()
    const f = await org()
    const g = await genesis(f)
    const registry = createNetworkRegistry({ storage })
    expect(registry.add([g, await invitation(f, g)])).toEqual({ networks: [], presence: [] })
    expect(registry.networks()).toEqual([])
    expect(storage.range({})).toEqual([])
  })
})
