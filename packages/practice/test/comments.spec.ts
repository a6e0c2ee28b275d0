import { describe, it, expect } from 'vitest'
import * as Y from 'yjs'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { Attribution } from '@commonplace/core'
import { initRecord, setSectionBody } from '@commonplace/record'
import { COMMENTS_MAP, COMMENT_LIMITS, createAnchor, readThreads } from '../src/index.ts'
import type { Refusal } from '../src/index.ts'
import { orgWriters } from './fixtures.ts'

const A = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
const B = '12D3KooWBBBB'
const READER = '12D3KooWCCCC'

/** A record, and a comments document where each organisation writes with its own client. */
function setup (): { record: Y.Doc, comments: Y.Doc, write: (org: string, key: string, value: unknown) => void, attribution: Attribution } {
  const record = new Y.Doc()
  initRecord(record, { title: 'Blood results', owner: A, sections: [{ heading: 'Practice', markdown: 'The duty doctor reviews by 4 pm.' }] } as never)
  const comments = new Y.Doc()
  return { record, comments, ...orgWriters(comments, COMMENTS_MAP) }
}

const comment = (org: string, id: string, extra: object = {}): object => ({ type: 'comment', id, org, section: 'Practice', text: `from ${org}`, at: 1, ...extra })

describe('comments (pure)', () => {
  it('counts an entry only when its writer is the organisation it names and may comment', () => {
    const { record, comments, write, attribution } = setup()
    const refused: Array<[string, Refusal]> = []
    write(A, `${A}/aaaaaaaaaaaaaaaa`, comment(A, 'aaaaaaaaaaaaaaaa'))
    // B writes an entry that claims to be A's, and one under its own key that names A
    write(B, `${A}/bbbbbbbbbbbbbbbb`, comment(A, 'bbbbbbbbbbbbbbbb'))
    write(B, `${B}/cccccccccccccccc`, comment(A, 'cccccccccccccccc'))
    // a reader's entry, and one of a bad shape
    write(READER, `${READER}/dddddddddddddddd`, comment(READER, 'dddddddddddddddd'))
    write(B, `${B}/eeeeeeeeeeeeeeee`, { type: 'comment', id: 'eeeeeeeeeeeeeeee', org: B, section: 'Practice', text: 'x'.repeat(COMMENT_LIMITS.text + 1), at: 1 })
    const threads = readThreads({ comments, record, attribution, mayComment: org => org !== READER, onRefused: (key, why) => { refused.push([key, why]) } })
    expect(threads.map(t => t.id)).toEqual(['aaaaaaaaaaaaaaaa'])
    expect(new Map(refused)).toEqual(new Map([
      [`${A}/bbbbbbbbbbbbbbbb`, 'author'], [`${B}/cccccccccccccccc`, 'shape'], [`${B}/eeeeeeeeeeeeeeee`, 'shape'], [`${READER}/dddddddddddddddd`, 'rights']
    ]))
  })

  it('bounds the replies of a thread, and resolves by the latest state change', () => {
    const { record, comments, write, attribution } = setup()
    write(A, `${A}/aaaaaaaaaaaaaaaa`, comment(A, 'aaaaaaaaaaaaaaaa'))
    for (let i = 0; i <= COMMENT_LIMITS.replies; i++) {
      const id = `r${String.fromCharCode(97 + Math.floor(i / 26))}${String.fromCharCode(97 + (i % 26))}aaaaaaaaaaaaa`
      write(B, `${B}/${id}`, comment(B, id, { replyTo: 'aaaaaaaaaaaaaaaa', at: 2 + i }))
    }
    write(B, `${B}/ssssssssssssssss`, { type: 'state', id: 'ssssssssssssssss', org: B, thread: 'aaaaaaaaaaaaaaaa', state: 'resolved', at: 5 })
    write(A, `${A}/tttttttttttttttt`, { type: 'state', id: 'tttttttttttttttt', org: A, thread: 'aaaaaaaaaaaaaaaa', state: 'open', at: 6 })
    let bounds = 0
    const [thread] = readThreads({ comments, record, attribution, mayComment: () => true, onRefused: (_key, why) => { if (why === 'bounds') bounds++ } })
    expect(thread.replies).toHaveLength(COMMENT_LIMITS.replies)
    expect(bounds).toBe(1)
    expect(thread).toMatchObject({ state: 'open', stateBy: A })
  })

  it('an anchor follows edits before it, and a deleted passage leaves the thread detached', () => {
    const { record, comments, write, attribution } = setup()
    const { section, anchor } = createAnchor(record, 'practice', 'by 4 pm')
    write(A, `${A}/aaaaaaaaaaaaaaaa`, comment(A, 'aaaaaaaaaaaaaaaa', { section, anchor, quote: 'by 4 pm' }))
    const text = ((record.getArray('sections').get(0) as Y.Map<unknown>).get('body') as Y.XmlFragment).get(0) as Y.XmlElement
    ;(text.get(0) as Y.XmlText).insert(0, 'Each weekday, ')
    const read = (): ReturnType<typeof readThreads>[number] => readThreads({ comments, record, attribution, mayComment: () => true })[0]
    expect(read()).toMatchObject({ passage: 'by 4 pm', detached: false })
    setSectionBody(record, section, 'Reviewed the same day.')
    expect(read()).toMatchObject({ quote: 'by 4 pm', detached: true })
    expect(() => createAnchor(record, 'Practice', 'by 4 pm')).toThrow(expect.objectContaining({ code: 'ERR_ANCHOR_NOT_FOUND' }))
    expect(() => createAnchor(record, 'Nope', 'x')).toThrow(expect.objectContaining({ code: 'ERR_ANCHOR_NOT_FOUND' }))
  })
})
