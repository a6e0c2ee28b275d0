/** The names on cursors (docs/people.md): the node sets them from the session, and hides people's names from peers. */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import { withUserName } from '../../src/web/awareness-names.ts'

function statesOf (update: Uint8Array): Map<number, Record<string, unknown>> {
  const awareness = new awarenessProtocol.Awareness(new Y.Doc())
  awarenessProtocol.applyAwarenessUpdate(awareness, update, 'test')
  const states = new Map(awareness.getStates()) as Map<number, Record<string, unknown>>
  awareness.destroy()
  return states
}

describe('cursor names', () => {
  it('sets every state\'s user name and keeps the rest of the state', () => {
    const page = new awarenessProtocol.Awareness(new Y.Doc())
    page.setLocalState({ user: { name: 'Chief Executive · NHS England', color: '#123456' }, cursor: { anchor: 3 } })
    const update = awarenessProtocol.encodeAwarenessUpdate(page, [page.clientID])
    const states = statesOf(withUserName(update, 'Sam Patel · Riverside Surgery'))
    expect(states.get(page.clientID)).toEqual({ user: { name: 'Sam Patel · Riverside Surgery', color: '#123456' }, cursor: { anchor: 3 } })
    page.destroy()
  })

  it('leaves a state without a user, and a removed state, as they are', () => {
    const page = new awarenessProtocol.Awareness(new Y.Doc())
    page.setLocalState({ cursor: null })
    const kept = awarenessProtocol.encodeAwarenessUpdate(page, [page.clientID])
    expect(withUserName(kept, 'Riverside Surgery')).toEqual(kept)
    page.setLocalState(null)
    const removed = awarenessProtocol.encodeAwarenessUpdate(page, [page.clientID])
    expect(withUserName(removed, 'Riverside Surgery')).toEqual(removed)
    page.destroy()
  })

  it('refuses bytes that are no awareness update', () => {
    expect(() => withUserName(new Uint8Array([5, 1]), 'x')).toThrow()
  })
})
