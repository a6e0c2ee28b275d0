import { describe, it, expect } from 'vitest'
import {
  MAX_CARD_CHARS, MAX_LIST, MAX_PASSKEY_NAME_CHARS, addPasskeyRequest, passkeySignInRequest, MAX_NOTICE_IDS, MAX_SEARCH_PARAM_CHARS, activityQuery, addCommentRequest, addContactRequest, connectRequest,
  createDocRequest, createNetworkRequest, createTopicRequest, diffQuery, diffusionQuery, editDocRequest, invitePersonRequest, inviteRequest,
  parseDuration, peopleSettingsRequest, previewQuery, readNoticesRequest, restoreRequest, searchQuery, setRoleRequest, shareRequest,
  upstreamDecisionRequest
} from '../src/index.ts'

const invalid = expect.objectContaining({ code: 'ERR_INVALID_INPUT' })
const PEER = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'

describe('request validators', () => {
  it('return the typed request for a well-formed body', () => {
    expect(createDocRequest({ title: 'Falls prevention', sections: [{ heading: 'Why', text: 'Falls hurt.' }] }))
      .toEqual({ title: 'Falls prevention', sections: [{ heading: 'Why', text: 'Falls hurt.' }] })
    expect(editDocRequest({ append: { section: 'Why', text: 'More.' } })).toEqual({ append: { section: 'Why', text: 'More.' } })
    expect(shareRequest({ with: 'Hillview Medical Practice', role: 'comment' })).toEqual({ with: 'Hillview Medical Practice', role: 'comment' })
    expect(connectRequest({ multiaddr: `/ip4/127.0.0.1/tcp/9000/p2p/${PEER}` })).toEqual({ multiaddr: `/ip4/127.0.0.1/tcp/9000/p2p/${PEER}` })
    expect(createNetworkRequest({ name: '  North Falls Network ' })).toEqual({ name: 'North Falls Network' })
    expect(inviteRequest({ role: 'facilitator', expires: '2d', uses: 3 })).toEqual({ role: 'facilitator', expires: '2d', uses: 3 })
    expect(invitePersonRequest({ name: 'Dr Lena Fischer', role: 'editor', expires: '2d' })).toEqual({ name: 'Dr Lena Fischer', role: 'editor', expiresInMs: 2 * 86_400_000 })
    expect(addCommentRequest({ section: 'Why', text: 'Source?', quote: 'Falls' })).toEqual({ section: 'Why', text: 'Source?', quote: 'Falls' })
    expect(restoreRequest({ version: 2 })).toEqual({ version: 2 })
  })

  it('refuse a body that is not an object, has unknown fields or wrong types, with ERR_INVALID_INPUT', () => {
    const cases: Array<[(body: unknown) => unknown, unknown]> = [
      [createDocRequest, 'a string'],
      [createDocRequest, ['title']],
      [createDocRequest, { title: 'x', owner: 'me' }],
      [createDocRequest, { title: 7 }],
      [createDocRequest, { kind: 'guideline' }],
      [createDocRequest, { title: 'x', sections: [{ heading: 'h' }] }],
      [editDocRequest, {}],
      [editDocRequest, { append: { section: 'Why' } }],
      [shareRequest, { with: 'x', role: 'owner' }],
      [shareRequest, { with: 3, role: 'read' }],
      [connectRequest, { multiaddr: 'not a multiaddr' }],
      [connectRequest, { multiaddr: '/ip4/127.0.0.1/tcp/9000/p2p/not-a-peer' }],
      [createNetworkRequest, { name: '   ' }],
      [createNetworkRequest, { name: 'x'.repeat(201) }],
      [createNetworkRequest, { name: 'N', visibility: 'open' }],
      [inviteRequest, { role: 'owner' }],
      [inviteRequest, { uses: 0 }],
      [inviteRequest, { uses: 1.5 }],
      [inviteRequest, { uses: '2' }],
      [createTopicRequest, { title: ' ' }],
      [invitePersonRequest, { name: 'X', role: 'owner' }],
      [invitePersonRequest, { name: 'X', role: 'viewer', expires: 'soon' }],
      [setRoleRequest, { role: 'boss' }],
      [peopleSettingsRequest, { showPeopleNames: 'yes' }],
      [restoreRequest, { version: '2' }],
      [addContactRequest, { card: 'x'.repeat(MAX_CARD_CHARS + 1) }],
      [readNoticesRequest, { ids: Array.from({ length: MAX_NOTICE_IDS + 1 }, (_, i) => String(i)) }],
      [upstreamDecisionRequest, { sections: Array.from({ length: MAX_LIST + 1 }, (_, i) => String(i)) }]
    ]
    for (const [validate, body] of cases) expect(() => validate(body), JSON.stringify(body).slice(0, 80)).toThrow(invalid)
  })

  it('read an absent body as "everything" where the route allows it', () => {
    expect(readNoticesRequest(undefined)).toEqual({})
    expect(upstreamDecisionRequest(undefined)).toEqual({})
  })

  it('bound and type the queries', () => {
    expect(diffQuery(new URLSearchParams('from=1&to=3'))).toEqual({ from: 1, to: 3 })
    expect(() => diffQuery(new URLSearchParams('to=3'))).toThrow(invalid)
    expect(activityQuery(new URLSearchParams('limit=20'))).toEqual({ limit: 20 })
    expect(() => activityQuery(new URLSearchParams('limit=-1'))).toThrow(invalid)
    expect(diffusionQuery(new URLSearchParams('limit=10&find=falls'))).toEqual({ limit: 10, find: 'falls' })
    expect(() => diffusionQuery(new URLSearchParams('offset=1e9'))).toThrow(invalid)
    expect(previewQuery(new URLSearchParams('section=Why&section=How'))).toEqual({ sections: ['Why', 'How'] })
    expect(() => previewQuery(new URLSearchParams(Array.from({ length: MAX_LIST + 1 }, () => ['section', 'x'])))).toThrow(invalid)
    expect(searchQuery(new URLSearchParams('q=falls&kind=guideline&other=1'))).toEqual({ q: 'falls', kind: 'guideline' })
    expect(() => searchQuery(new URLSearchParams({ q: 'x'.repeat(MAX_SEARCH_PARAM_CHARS + 1) }))).toThrow(invalid)
  })

  it('bound the passkey bodies: base64url fields of limited length, a short label, no other field', () => {
    const added = { id: 'AAEC', clientDataJSON: 'eyJ9', attestationObject: 'o2Nm', name: ' Work laptop ' }
    expect(addPasskeyRequest(added)).toEqual({ ...added, name: 'Work laptop' })
    const assertion = { id: 'AAEC', clientDataJSON: 'eyJ9', authenticatorData: 'SZYN', signature: 'MEUC', userHandle: 'dXNlcg' }
    expect(passkeySignInRequest(assertion)).toEqual(assertion)
    const refused: Array<() => unknown> = [
      () => addPasskeyRequest({ ...added, clientDataJSON: 'eyJ9+/==' }),
      () => addPasskeyRequest({ ...added, attestationObject: 'A'.repeat(16_385) }),
      () => addPasskeyRequest({ ...added, name: 'x'.repeat(MAX_PASSKEY_NAME_CHARS + 1) }),
      () => addPasskeyRequest({ ...added, publicKey: 'AAEC' }),
      () => passkeySignInRequest({ ...assertion, signature: '' }),
      () => passkeySignInRequest({ ...assertion, id: 'A'.repeat(1365) }),
      () => passkeySignInRequest({ ...assertion, userHandle: 7 })
    ]
    for (const run of refused) expect(run).toThrow(invalid)
  })

  it('parse durations of invitations in minutes, hours, days and weeks', () => {
    expect(parseDuration('30m')).toBe(30 * 60_000)
    expect(parseDuration('12h')).toBe(12 * 3_600_000)
    expect(parseDuration('7d')).toBe(7 * 86_400_000)
    expect(parseDuration('2w')).toBe(14 * 86_400_000)
    for (const text of ['0d', 'soon', '1y', '9999999d', '']) expect(() => parseDuration(text), text).toThrow(invalid)
  })
})
