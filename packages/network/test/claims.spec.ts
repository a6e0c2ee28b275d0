import { describe, it, expect } from 'vitest'
import * as Y from 'yjs'
import type { DocId } from '@commonplace/core'
import { clientsOf, deleteBeyondFrontier, exceedsFrontier, frontierOf, signClaim, writeClaims } from '../src/claims.ts'
import { org } from './fixtures.ts'

const DOC = 'aaaaaaaaaaaaaaaaaaaaaaaaaa' as DocId

function sync (from: Y.Doc, to: Y.Doc): void {
  Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)))
}

describe('client claims and removal frontiers', () => {
  it('attributes clients by verified claims only', async () => {
    const d = await org()
    const other = await org()
    const doc = new Y.Doc()
    writeClaims(doc, [{ client: doc.clientID, org: d.id, sig: await signClaim(d.key, DOC, doc.clientID, d.id) }])
    writeClaims(doc, [{ client: 42, org: d.id, sig: await signClaim(other.key, DOC, 42, d.id) }])
    expect(await clientsOf(doc, DOC, d.id)).toEqual([doc.clientID])
  })

  it('deletes exactly the items beyond the frontier, and two holders converge whoever applies it', async () => {
    const d = await org()
    const atD = new Y.Doc()
    const text = atD.getText('t')
    text.insert(0, 'kept ')
    writeClaims(atD, [{ client: atD.clientID, org: d.id, sig: await signClaim(d.key, DOC, atD.clientID, d.id) }])
    const frontier = frontierOf(atD, await clientsOf(atD, DOC, d.id))
    text.insert(5, 'late')
    const b = new Y.Doc()
    const c = new Y.Doc()
    sync(atD, b)
    sync(atD, c)
    const clients = await clientsOf(b, DOC, d.id)
    expect(exceedsFrontier(b, clients, frontier)).toBe(true)
    deleteBeyondFrontier(b, clients, frontier)
    deleteBeyondFrontier(c, clients, frontier)
    sync(b, c)
    sync(c, b)
    expect(b.getText('t').toString()).toBe('kept ')
    expect(c.getText('t').toString()).toBe('kept ')
    // the claims stay, so later items are still attributed
    expect(await clientsOf(b, DOC, d.id)).toEqual(clients)
  })
})
