import { describe, it, expect } from 'vitest'
import * as Y from 'yjs'
import {
  appendSectionWithId, initRecord, readRecord, readRecordMeta, removeSection, setSectionBody
} from '../src/index.ts'
import { bloodResultsInit, T0 } from './fixtures.ts'

describe('writing whole sections (a variant taking its source\'s text)', () => {
  it('keeps the section ids an init names', () => {
    const doc = new Y.Doc()
    initRecord(doc, { ...bloodResultsInit(), sections: [{ id: 'aaaaaaaaaaaa', heading: 'Practice', markdown: 'One duty doctor.' }] })
    expect(readRecord(doc).sections).toEqual([{ id: 'aaaaaaaaaaaa', heading: 'Practice', locked: false, markdown: 'One duty doctor.' }])
    expect(() => { initRecord(new Y.Doc(), { ...bloodResultsInit(), sections: [{ id: 'not an id', heading: 'X' }] }) }).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ID' }))
  })

  it('replaces a body, adds a section with a given id and removes one, each as one change', () => {
    const doc = new Y.Doc()
    initRecord(doc, { ...bloodResultsInit(), sections: [{ id: 'aaaaaaaaaaaa', heading: 'Practice', markdown: 'One duty doctor.' }] })
    const updates: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => { updates.push(u) })
    setSectionBody(doc, 'Practice', '1. Two duty doctors on Mondays.\n2. One otherwise.', T0 + 1)
    appendSectionWithId(doc, 'bbbbbbbbbbbb', 'Resources', 'A template.', T0 + 2)
    removeSection(doc, 'aaaaaaaaaaaa', T0 + 3)
    expect(updates.length).toBe(3)
    expect(readRecord(doc).sections).toEqual([{ id: 'bbbbbbbbbbbb', heading: 'Resources', locked: false, markdown: 'A template.' }])
    expect(readRecordMeta(doc).updated).toBe(T0 + 3)
  })

  it('refuses a section that is not there and changes nothing', () => {
    const doc = new Y.Doc()
    initRecord(doc, bloodResultsInit())
    const before = Y.encodeStateVector(doc)
    expect(() => { setSectionBody(doc, 'Nowhere', 'x') }).toThrow(expect.objectContaining({ code: 'ERR_NOT_FOUND' }))
    expect(() => { removeSection(doc, 'Nowhere') }).toThrow(expect.objectContaining({ code: 'ERR_NOT_FOUND' }))
    expect(Y.encodeStateVector(doc)).toEqual(before)
  })
})
