import { describe, it, expect } from 'vitest'
import * as Y from 'yjs'
import type { Attribution } from '@commonplace/core'
import { SHARED_VERSION_LIMITS, VERSIONS_MAP, parseVersionEntry, readSharedVersions } from '../src/index.ts'
import type { Refusal } from '../src/index.ts'
import { orgWriters } from './fixtures.ts'

const A = '12D3KooWAAAA'
const B = '12D3KooWBBBB'
const READER = '12D3KooWCCCC'

/** A comments document where each organisation writes with its own client. */
function setup (): { comments: Y.Doc, write: (org: string, key: string, value: unknown) => void, attribution: Attribution } {
  const comments = new Y.Doc()
  return { comments, ...orgWriters(comments, VERSIONS_MAP) }
}

const sections = [{ id: 'aaaaaaaaaaaa', heading: 'Practice', markdown: 'The duty doctor reviews by 4 pm.' }]
const version = (org: string, id: string, extra: object = {}): Record<string, unknown> =>
  ({ type: 'version', id, org, n: 2, at: 10, reason: 'label', label: 'Agreed', title: 'Blood results', sections, ...extra })

describe('shared versions (pure)', () => {
  it('parses a version within the bounds and refuses one past them or of a bad shape', () => {
    expect(parseVersionEntry(`${A}/aaaaaaaaaaaaaaaa`, version(A, 'aaaaaaaaaaaaaaaa'))).toMatchObject({ org: A, n: 2, label: 'Agreed', sections })
    const bad: Array<Record<string, unknown>> = [
      version(A, 'aaaaaaaaaaaaaaaa', { n: -1 }),
      version(A, 'aaaaaaaaaaaaaaaa', { label: 'x'.repeat(SHARED_VERSION_LIMITS.label + 1) }),
      version(A, 'aaaaaaaaaaaaaaaa', { reason: 'Not A Reason!' }),
      version(A, 'aaaaaaaaaaaaaaaa', { sections: [{ id: 'aaaaaaaaaaaa', heading: 'H', markdown: 'x'.repeat(SHARED_VERSION_LIMITS.chars) }] }),
      version(A, 'aaaaaaaaaaaaaaaa', { sections: Array.from({ length: SHARED_VERSION_LIMITS.sections + 1 }, (_, i) => ({ id: `s${i}`, heading: 'H', markdown: '' })) }),
      version(A, 'aaaaaaaaaaaaaaaa', { sections: [{ id: 'aaaaaaaaaaaa', heading: 7, markdown: '' }] }),
      // a restore could not write it: a section id or heading a record does not take
      version(A, 'aaaaaaaaaaaaaaaa', { sections: [{ id: 'not an id!', heading: 'H', markdown: '' }] }),
      version(A, 'aaaaaaaaaaaaaaaa', { sections: [{ id: 'aaaaaaaaaaaa', heading: 'two\nlines', markdown: '' }] }),
      version(A, 'aaaaaaaaaaaaaaaa', { type: 'comment' })
    ]
    for (const value of bad) expect(parseVersionEntry(`${A}/aaaaaaaaaaaaaaaa`, value)).toBeUndefined()
    // the key names the writer and the id
    expect(parseVersionEntry(`${B}/aaaaaaaaaaaaaaaa`, version(A, 'aaaaaaaaaaaaaaaa'))).toBeUndefined()
  })

  it('counts a version only when its writer is the organisation it names and may comment, oldest first', () => {
    const { comments, write, attribution } = setup()
    const refused: Array<[string, Refusal]> = []
    write(A, `${A}/aaaaaaaaaaaaaaaa`, version(A, 'aaaaaaaaaaaaaaaa', { at: 20 }))
    write(B, `${B}/bbbbbbbbbbbbbbbb`, version(B, 'bbbbbbbbbbbbbbbb', { at: 5 }))
    write(B, `${A}/cccccccccccccccc`, version(A, 'cccccccccccccccc'))
    write(READER, `${READER}/dddddddddddddddd`, version(READER, 'dddddddddddddddd'))
    write(B, `${B}/eeeeeeeeeeeeeeee`, version(B, 'eeeeeeeeeeeeeeee', { sections: 'none' }))
    const listed = readSharedVersions({ comments, attribution, mayComment: org => org !== READER, onRefused: (key, why) => { refused.push([key, why]) } })
    expect(listed.map(v => v.id)).toEqual(['bbbbbbbbbbbbbbbb', 'aaaaaaaaaaaaaaaa'])
    expect(new Map(refused)).toEqual(new Map([
      [`${A}/cccccccccccccccc`, 'author'], [`${READER}/dddddddddddddddd`, 'rights'], [`${B}/eeeeeeeeeeeeeeee`, 'shape']
    ]))
  })
})
