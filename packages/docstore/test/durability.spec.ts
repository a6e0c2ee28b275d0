import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { memoryStore, sqliteStore } from '@commonplace/storage'
import { StorageFullError, StorageWriteError, decodeEnvelope } from '@commonplace/core'
import type { DocId, DocumentStore, KeyValueStore } from '@commonplace/core'
import { createDocumentStore } from '../src/index.ts'
import { envelopeKey } from '../src/keys.ts'
import { newHeader, testOrg } from './fixtures.ts'

interface HeldSync {
  storage: KeyValueStore
  release: () => void
  /** From now on disk syncs run without waiting. */
  passThrough: () => void
  fail: (err: Error) => void
  waiting: () => number
  /** Batches written so far. */
  writes: () => number
  /** The next writes throw this (as a full disk would), until set back to undefined. */
  failWrites: (err: Error | undefined) => void
}

/** A SQLite store whose disk syncs wait for the test: `release()` lets them run, `fail()` fails them. */
function heldSync (inner: KeyValueStore): HeldSync {
  let waiters: Array<{ resolve: () => void, reject: (err: Error) => void }> = []
  let writes = 0
  let writeError: Error | undefined
  let open = false
  const take = (): typeof waiters => { const taken = waiters; waiters = []; return taken }
  return {
    storage: {
      get: key => inner.get(key),
      range: options => inner.range(options),
      write: ops => {
        if (writeError != null) throw writeError
        inner.write(ops)
        writes++
      },
      close: () => { inner.close() },
      journal: inner.journal,
      sync: async options => {
        if (!open) await new Promise<void>((resolve, reject) => { waiters.push({ resolve, reject }) })
        await inner.sync?.(options)
      }
    },
    release: () => { for (const w of take()) w.resolve() },
    passThrough: () => { open = true; for (const w of take()) w.resolve() },
    fail: err => { for (const w of take()) w.reject(err) },
    waiting: () => waiters.length,
    writes: () => writes,
    failWrites: err => { writeError = err }
  }
}

const turn = async (): Promise<void> => { await new Promise(resolve => setImmediate(resolve)) }

/** Resolves once the store reports changes up to `seq` on disk. */
async function landedAt (store: DocumentStore, seq: number): Promise<void> {
  await new Promise<void>(resolve => {
    if (store.changeSeq >= seq) { resolve(); return }
    const off = store.onDurable(landed => { if (landed >= seq) { off(); resolve() } })
  })
}

describe('document store on a store that syncs after writing', () => {
  let dir: string
  let inner: KeyValueStore

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'commonplace-durability-'))
    inner = sqliteStore({ path: join(dir, 'store.sqlite') })
  })

  afterEach(() => {
    inner.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('moves changeSeq, calls onDurable and resolves whenDurable only once the disk sync is done', async () => {
    const held = heldSync(inner)
    const store = createDocumentStore({ storage: held.storage })
    const before = store.changeSeq
    const durable: number[] = []
    store.onDurable(seq => durable.push(seq))
    const header = await newHeader(await testOrg())
    store.create(header, doc => doc.getText('t').insert(0, 'Handhygiene vor jedem Patientenkontakt'))
    let resolved = false
    const waiting = store.whenDurable().then(() => { resolved = true })
    // written (the reads see it), not yet on disk
    expect(inner.get(`i/${header.id}`)).toBeDefined()
    expect(held.waiting()).toBe(2)
    await new Promise(resolve => setImmediate(resolve))
    expect(resolved).toBe(false)
    expect(durable).toEqual([])
    expect(store.changeSeq).toBe(before)
    held.release()
    await waiting
    expect(durable).toEqual([before + 1])
    expect(store.changeSeq).toBe(before + 1)
  })

  it('counts a failed disk sync as a failure, rejects whenDurable with it and leaves changeSeq where it was', async () => {
    const held = heldSync(inner)
    const store = createDocumentStore({ storage: held.storage })
    const header = await newHeader(await testOrg())
    store.create(header, doc => doc.getText('t').insert(0, 'x'))
    const waiting = store.whenDurable()
    held.fail(new StorageWriteError('Syncing to disk failed (EIO)'))
    await expect(waiting).rejects.toMatchObject({ name: 'StorageWriteError' })
    await new Promise(resolve => setImmediate(resolve))
    expect(store.failures).toBe(1)
    expect(store.changeSeq).toBe(0)
  })

  it('on the real SQLite store: what whenDurable confirmed is there after a reopen', async () => {
    const store = createDocumentStore({ storage: inner })
    const header = await newHeader(await testOrg())
    store.create(header, doc => doc.getText('t').insert(0, 'Kältekette des Impfstoffs'))
    await store.whenDurable()
    expect(store.changeSeq).toBe(1)
    inner.close()
    inner = sqliteStore({ path: join(dir, 'store.sqlite') })
    expect(createDocumentStore({ storage: inner }).read(header.id, doc => doc.getText('t').toString())).toBe('Kältekette des Impfstoffs')
  })

  it('journals a signed local change before anyone hears of it: a run killed before its batch is written loses nothing it announced', async () => {
    // a peer may hold what is announced: were it lost, the restarted node would sign another
    // envelope at the same seq (docs/authorship.md, "A crash and the chain")
    const held = heldSync(inner)
    const org = await testOrg()
    const signer = { org: org.id, key: org.key }
    const store = createDocumentStore({ storage: held.storage }, { signer, burstGapMs: 60_000, burstHoldMs: 60_000 })
    const header = await newHeader(org)
    const announced: number[] = []
    const journalBytes: number[] = []
    store.onChange(change => {
      for (const bytes of change.signed ?? []) {
        const { seq, signer } = decodeEnvelope(bytes)
        if (signer !== org.id) continue
        announced.push(seq)
        // in the file (the journal) when a peer could first get it
        journalBytes.push(statSync(join(dir, 'store.sqlite.journal')).size)
      }
    })
    held.passThrough()
    store.create(header, doc => doc.getText('t').insert(0, 'Sturzprophylaxe'))
    await store.whenDurable()
    for (const word of [' im', ' Pflegeheim', ':', ' Checkliste']) {
      await turn()
      store.edit(header.id, doc => { const t = doc.getText('t'); t.insert(t.length, word) })
    }
    await turn()
    expect(announced).toEqual([1, 2, 3, 4, 5])
    expect(journalBytes[0]).toBeGreaterThan(0)
    for (let i = 2; i < journalBytes.length; i++) expect(journalBytes[i]).toBeGreaterThan(journalBytes[i - 1])
    // the process dies: the staged batch (held by the burst) never reaches SQLite
    expect(inner.get(envelopeKey(header.id, org.id, 5))).toBeUndefined()
    inner.close()
    inner = sqliteStore({ path: join(dir, 'store.sqlite') })
    expect(inner.journal?.recovered.map(bytes => decodeEnvelope(bytes).seq)).toEqual([2, 3, 4, 5])
    const restarted = createDocumentStore({ storage: inner }, { signer })
    expect(restarted.envelopeVector(header.id).vector).toEqual({ [org.id]: 5 })
    expect(restarted.read(header.id, doc => doc.getText('t').toString())).toBe('Sturzprophylaxe im Pflegeheim: Checkliste')
    // written and the journal emptied: a second restart has nothing to recover
    restarted.edit(header.id, doc => { const t = doc.getText('t'); t.insert(t.length, '.') })
    await restarted.whenDurable()
    expect(restarted.envelopeVector(header.id).vector).toEqual({ [org.id]: 6 })
    inner.close()
    inner = sqliteStore({ path: join(dir, 'store.sqlite') })
    expect(inner.journal?.recovered).toEqual([])
    expect(createDocumentStore({ storage: inner }, { signer }).read(header.id, doc => doc.getText('t').toString())).toBe('Sturzprophylaxe im Pflegeheim: Checkliste.')
  })

  it('after a kill, the node goes on from the envelope a peer holds: no fork, and the peer\'s edits built on it apply', async () => {
    const org = await testOrg()
    const peerOrg = await testOrg()
    const signer = { org: org.id, key: org.key }
    const store = createDocumentStore({ storage: inner }, { signer, burstGapMs: 60_000, burstHoldMs: 60_000 })
    const peer = createDocumentStore({ storage: memoryStore() }, { signer: { org: peerOrg.id, key: peerOrg.key } })
    const header = await newHeader(org)
    const toPeer: Uint8Array[] = []
    store.onChange(change => { toPeer.push(...change.signed ?? []) })
    store.create(header, doc => doc.getText('t').insert(0, 'Impfkühlschrank'))
    await store.whenDurable()
    await turn()
    store.edit(header.id, doc => { const t = doc.getText('t'); t.insert(t.length, ': Temperatur zweimal täglich') })
    await turn()
    // the peer holds both envelopes; the second is only in the journal here when the process dies
    peer.mergeAccess(header, [], { kind: 'peer', peer: org.id })
    expect(toPeer.map(bytes => peer.applySigned(header.id, bytes, { kind: 'peer', peer: org.id }))).toEqual(['applied', 'applied'])
    inner.close()
    inner = sqliteStore({ path: join(dir, 'store.sqlite') })
    const restarted = createDocumentStore({ storage: inner }, { signer })
    // the peer edits right after the passage the lost batch held, and the restarted node edits too
    const fromPeer: Uint8Array[] = []
    peer.onChange(change => { fromPeer.push(...change.signed ?? []) })
    peer.edit(header.id, doc => { const t = doc.getText('t'); t.insert(t.length, ' (protokolliert)') })
    const fromRestarted: Uint8Array[] = []
    restarted.onChange(change => { fromRestarted.push(...change.signed ?? []) })
    restarted.edit(header.id, doc => doc.getText('t').insert(0, 'Praxis: '))
    peer.flush()
    restarted.flush()
    expect(decodeEnvelope(fromRestarted[0]).seq).toBe(3)
    expect(fromRestarted.map(bytes => peer.applySigned(header.id, bytes, { kind: 'peer', peer: org.id }))).toEqual(['applied'])
    // the peer relays both of the node's envelopes back (it holds them from the journal now), then its own edit
    expect(fromPeer.map(bytes => restarted.applySigned(header.id, bytes, { kind: 'peer', peer: peerOrg.id }))).toEqual(['duplicate', 'duplicate', 'applied'])
    const text = (s: DocumentStore): string => s.read(header.id, doc => doc.getText('t').toString())
    expect(text(restarted)).toBe('Praxis: Impfkühlschrank: Temperatur zweimal täglich (protokolliert)')
    expect(text(peer)).toBe(text(restarted))
  })

  describe('burst hold: changes of turns in quick succession wait burstHoldMs to be written together', () => {
    const edit = (store: DocumentStore, id: DocId, word: string): void => {
      store.edit(id, doc => { const t = doc.getText('t'); t.insert(t.length, word) })
    }
    const onDisk = (id: DocId): string => createDocumentStore({ storage: inner }).read(id, doc => doc.getText('t').toString())

    /**
     * A store whose every turn after the first is a burst, holding one document whose first batch
     * is on disk; then `words` appended in turns of their own, staged and held. Returns the writes
     * made before them.
     */
    async function burstOf (words: string[], burstHoldMs: number): Promise<{ held: HeldSync, store: DocumentStore, id: DocId, writes: number }> {
      const held = heldSync(inner)
      const store = createDocumentStore({ storage: held.storage }, { burstGapMs: 60_000, burstHoldMs })
      const header = await newHeader(await testOrg())
      store.create(header, doc => doc.getText('t').insert(0, words[0]))
      await turn()
      held.release()
      await landedAt(store, 1)
      const writes = held.writes()
      for (const word of words.slice(1)) {
        edit(store, header.id, word)
        await turn()
      }
      return { held, store, id: header.id, writes }
    }

    it('are written in one batch when the hold ends, with nobody waiting', async () => {
      const { held, store, id, writes } = await burstOf(['Sturzprophylaxe', ' im', ' Pflegeheim', '!'], 20)
      expect(held.writes()).toBe(writes)
      // the hold's own timer writes the batch
      held.passThrough()
      await landedAt(store, 4)
      expect(held.writes()).toBe(writes + 1)
      expect(onDisk(id)).toBe('Sturzprophylaxe im Pflegeheim!')
    })

    it('whenDurable ends the hold and writes at once', async () => {
      const { held, store, id, writes } = await burstOf(['Hitzeschutz', ' auf', ' der Baustelle'], 60_000)
      expect(held.writes()).toBe(writes)
      const waiting = store.whenDurable()
      expect(held.writes()).toBe(writes + 1)
      held.release()
      await waiting
      expect(store.changeSeq).toBe(3)
      expect(onDisk(id)).toBe('Hitzeschutz auf der Baustelle')
      store.close()
    })
  })

  describe('group commit: changes made while a disk sync runs wait for it', () => {
    /** A store holding one document whose first batch is written, its disk sync held. */
    async function syncing (init: { maxWaitingBytes?: number } = {}): Promise<{ held: HeldSync, store: DocumentStore, id: DocId }> {
      const held = heldSync(inner)
      // no burst hold: these tests turn the event loop faster than any burst gap
      const store = createDocumentStore({ storage: held.storage }, { burstHoldMs: 0, ...init })
      const header = await newHeader(await testOrg())
      store.create(header, doc => doc.getText('t').insert(0, 'Sturzprophylaxe'))
      await turn()
      expect(held.waiting()).toBe(1)
      return { held, store, id: header.id }
    }

    const text = (store: DocumentStore, id: DocId): string => store.read(id, doc => doc.getText('t').toString())

    it('writes them in one batch once it lands, and whenDurable resolves after the sync of that batch', async () => {
      const { held, store, id } = await syncing()
      const writes = held.writes()
      for (const word of [' im', ' Pflegeheim', '!']) {
        store.edit(id, doc => { const t = doc.getText('t'); t.insert(t.length, word) })
        await turn()
      }
      // staged, not written: memory has them, the disk not yet
      expect(held.writes()).toBe(writes)
      expect(text(store, id)).toBe('Sturzprophylaxe im Pflegeheim!')
      let durable = false
      const waiting = store.whenDurable().then(() => { durable = true })
      held.release()
      await landedAt(store, 1)
      expect(held.writes()).toBe(writes + 1)
      expect(held.waiting()).toBe(1)
      expect(durable).toBe(false)
      expect(store.changeSeq).toBe(1)
      held.release()
      await waiting
      expect(store.changeSeq).toBe(4)
      expect(text(createDocumentStore({ storage: inner }), id)).toBe('Sturzprophylaxe im Pflegeheim!')
    })

    it('a write that fails after waiting rejects whenDurable with its typed error and puts memory back', async () => {
      const { held, store, id } = await syncing()
      store.edit(id, doc => { doc.getText('t').insert(0, 'x') })
      const waiting = store.whenDurable()
      held.failWrites(new StorageFullError('database or disk is full'))
      held.release()
      await expect(waiting).rejects.toBeInstanceOf(StorageFullError)
      expect(store.failures).toBe(1)
      expect(text(store, id)).toBe('Sturzprophylaxe')
      held.failWrites(undefined)
      store.edit(id, doc => { doc.getText('t').insert(0, 'y') })
      const again = store.whenDurable()
      held.release()
      await again
      expect(text(createDocumentStore({ storage: inner }), id)).toBe('ySturzprophylaxe')
    })

    it('a disk sync that fails rejects whenDurable for the changes waiting behind it', async () => {
      const { held, store, id } = await syncing()
      store.edit(id, doc => { doc.getText('t').insert(0, 'x') })
      const waiting = store.whenDurable()
      held.fail(new StorageWriteError('Syncing to disk failed (EIO)'))
      await expect(waiting).rejects.toMatchObject({ name: 'StorageWriteError' })
      expect(store.changeSeq).toBe(0)
    })

    it('whenDurable aborted while waiting rejects with AbortError; the changes are still written', async () => {
      const { held, store, id } = await syncing()
      store.edit(id, doc => { doc.getText('t').insert(0, 'x') })
      const controller = new AbortController()
      const waiting = store.whenDurable({ signal: controller.signal })
      controller.abort()
      await expect(waiting).rejects.toMatchObject({ name: 'AbortError' })
      held.release()
      await landedAt(store, 1)
      expect(held.waiting()).toBe(1)
      held.release()
      await landedAt(store, 2)
      expect(text(createDocumentStore({ storage: inner }), id)).toBe('xSturzprophylaxe')
    })

    it('a batch past maxWaitingBytes is written without waiting', async () => {
      const { held, store, id } = await syncing({ maxWaitingBytes: 100 })
      const writes = held.writes()
      store.edit(id, doc => { doc.getText('t').insert(0, 'kurz ') })
      await turn()
      expect(held.writes()).toBe(writes)
      store.edit(id, doc => { doc.getText('t').insert(0, 'Händedesinfektion: 30 Sekunden, alle Flächen der Hände, auch Daumen und Fingerkuppen. ') })
      await turn()
      expect(held.writes()).toBe(writes + 1)
      expect(held.waiting()).toBe(2)
    })
  })
})
