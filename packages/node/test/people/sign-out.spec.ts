/**
 * Signing out ends what the session had open (docs/people.md): its event stream (`GET /api/events`)
 * and its documents' live connections end at once, whether the person signs out, ends one session
 * from their list, or signs out everywhere; other sessions keep theirs.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { DocId } from '@commonplace/core'
import { Browser, PASSWORD, answers, cleanUp, eventStream, live, organisation } from './browsers.ts'

afterEach(cleanUp)

/** The editor's documents and a second browser of theirs (a laptop), signed in. */
async function twoBrowsers (): Promise<{ desk: Browser, laptop: Browser, doc: DocId }> {
  const { node, editor: desk } = await organisation()
  const doc = (await desk.request('POST', '/api/docs', { title: 'Hand hygiene' })).json.id as DocId
  const laptop = new Browser(node)
  expect((await laptop.request('POST', '/api/people/sign-in', { login: 'Dr Lena Fischer', password: PASSWORD })).status).toBe(200)
  return { desk, laptop, doc }
}

describe('signing out', () => {
  it('ends one session\'s event stream and live connection, and leaves the other session\'s open', async () => {
    const { desk, laptop, doc } = await twoBrowsers()
    const deskEvents = await eventStream(desk)
    const deskLive = await live(desk, doc, [])
    const laptopEvents = await eventStream(laptop)
    const laptopLive = await live(laptop, doc, [])

    // the desk ends the laptop's session from its list
    const sessions = (await desk.request('GET', '/api/people/me/sessions')).json as Array<{ id: string, current: boolean }>
    const other = sessions.find(s => !s.current)!
    expect((await desk.request('DELETE', `/api/people/me/sessions/${other.id}`)).status).toBe(200)
    await laptopEvents.ended
    expect(await laptopLive.closed).toEqual({ code: 4401, reason: 'signed out: signed out' })
    expect(await answers(deskLive.ws)).toBe(true)

    expect((await desk.request('POST', '/api/people/sign-out')).status).toBe(200)
    await deskEvents.ended
    expect(await deskLive.closed).toEqual({ code: 4401, reason: 'signed out: signed out' })
  })

  it('ends every session\'s event stream and live connections when the person signs out everywhere', async () => {
    const { desk, laptop, doc } = await twoBrowsers()
    const opened = await Promise.all([desk, laptop].map(async browser => ({ events: await eventStream(browser), live: await live(browser, doc, []) })))
    expect((await laptop.request('POST', '/api/people/sign-out-everywhere')).status).toBe(200)
    for (const { events, live } of opened) {
      await events.ended
      expect(await live.closed).toEqual({ code: 4401, reason: 'signed out: signed out' })
    }
    expect((await desk.request('GET', '/api/docs')).json.error.code).toBe('ERR_SIGNED_OUT')
  })
})
