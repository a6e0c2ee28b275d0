import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { appendFileSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openJournal } from '../src/journal.ts'
import { sqliteStore } from '../src/index.ts'

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

describe('the journal beside a store', () => {
  let dir: string
  let path: string

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'commonplace-journal-'))
    path = join(dir, 'store.sqlite.journal')
  })

  afterEach(() => { rmSync(dir, { recursive: true, force: true }) })

  it('gives back, at the next open, what was appended and not settled, in order', () => {
    const first = openJournal(path)
    expect(first.recovered).toEqual([])
    first.append(bytes('Händedesinfektion'))
    first.append(new Uint8Array(0))
    first.append(bytes('Übergabe am Bett'))
    // no close: a killed process leaves the file as it is
    const second = openJournal(path)
    expect(second.recovered).toEqual([bytes('Händedesinfektion'), new Uint8Array(0), bytes('Übergabe am Bett')])
    second.settle()
    expect(statSync(path).size).toBe(0)
    second.append(bytes('Sturzprophylaxe'))
    second.close()
    expect(openJournal(path).recovered).toEqual([bytes('Sturzprophylaxe')])
  })

  it('drops a torn last record and a length past the file, keeping the whole ones before it', () => {
    const journal = openJournal(path)
    journal.append(bytes('eins'))
    journal.close()
    // a length prefix that promises more than the file holds (a write cut short by a power cut)
    appendFileSync(path, Uint8Array.from([0, 0, 1, 0, 0x41, 0x42]))
    const reopened = openJournal(path)
    expect(reopened.recovered).toEqual([bytes('eins')])
    reopened.settle()
    expect(statSync(path).size).toBe(0)
  })

  it('is opened beside a SQLite store and closed with it', () => {
    const store = sqliteStore({ path: join(dir, 'store.sqlite') })
    store.journal?.append(bytes('Kältekette'))
    store.close()
    const again = sqliteStore({ path: join(dir, 'store.sqlite') })
    expect(again.journal?.recovered).toEqual([bytes('Kältekette')])
    again.close()
  })
})
