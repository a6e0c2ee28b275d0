/**
 * Storage faults on real on-disk SQLite, with real nodes over loopback (docs/reliability.md,
 * "Storage faults"). A document's stored updates are damaged while its node is stopped (a bit
 * flipped in a log row, a row cut short, a database page zeroed); started again, the node
 * quarantines that document: reading or editing it is refused with ERR_STORAGE_CORRUPT, it is
 * listed in the status and the metrics, its bytes on disk stay as they were, the other documents
 * keep serving, and a peer's copy restores it (then it leaves quarantine).
 * Quick mode: each fault once. Full mode (CHAOS_FULL=1): each fault at 8 random places.
 */
import { describe, it, expect, afterEach } from 'vitest'
import { execFileSync } from 'node:child_process'
import { chmodSync, closeSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeSync } from 'node:fs'
import { DatabaseSync } from 'node:sqlite'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { prefixLogger } from '@libp2p/logger'
import type { DocId, DocumentStore, OrgId } from '@commonplace/core'
import { createDocumentStore } from '@commonplace/docstore'
import { sqliteStore } from '@commonplace/storage'
import { createNode, FILES } from '@commonplace/node'
import type { CommonplaceNode } from '@commonplace/node'
import { apiRequest } from '@commonplace/node/test/api-request'
import { FULL, SEED } from './generated.ts'

/** Places each fault is tried at. */
const PLACES = FULL ? 8 : 1
const PAGE = 4096
const OWNER = '12D3KooWNhgnBjTuHEk6LRcFGtBM2EwU1j25QyKoWbVjvpUp3Gej' as OrgId
/** Documents beside the damaged one, shared with the peer like it. */
const OTHERS = 12

const dirs: string[] = []
const running: CommonplaceNode[] = []

afterEach(async () => {
  await Promise.all(running.splice(0).map(async n => { await n.stop() }))
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

async function start (name: string, dataDir: string): Promise<CommonplaceNode> {
  const node = await createNode({ dataDir, name, listen: ['/ip4/127.0.0.1/tcp/0'], http: { host: '127.0.0.1', port: 0 }, mdns: false, web: false, logger: prefixLogger(name) })
  await node.start()
  running.push(node)
  return node
}

async function stop (node: CommonplaceNode): Promise<void> {
  running.splice(running.indexOf(node), 1)
  await node.stop()
}

/** Resolve once `check()` holds, tried after every change and every write at `store`. */
async function until (store: DocumentStore, check: () => boolean): Promise<void> {
  if (check()) return
  await new Promise<void>(resolve => {
    const test = (): void => { queueMicrotask(() => { if (check()) { offs.forEach(off => { off() }); resolve() } }) }
    const offs = [store.onChange(test), store.onDurable(test)]
  })
}

/** A small deterministic generator (the places faults are put), from the chaos seed. */
function random (seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

/** The stored log rows of a document, or the error reading them gives, straight from the stopped node's database file. */
function storedOf (dataDir: string, id: DocId): Array<{ key: string, value: Uint8Array }> | string {
  try {
    return rowsOf(dataDir, id)
  } catch (err) {
    return (err as Error).message
  }
}

function rowsOf (dataDir: string, id: DocId): Array<{ key: string, value: Uint8Array }> {
  const db = new DatabaseSync(join(dataDir, FILES.database))
  try {
    return (db.prepare('SELECT key, value FROM kv WHERE key >= ? AND key < ? ORDER BY key').all(`u/${id}/`, `u/${id}0`) as Array<{ key: string, value: Uint8Array }>)
      .map(r => ({ key: r.key, value: new Uint8Array(r.value) }))
  } finally {
    db.close()
  }
}

function rewriteRow (dataDir: string, key: string, value: Uint8Array): void {
  const db = new DatabaseSync(join(dataDir, FILES.database))
  try {
    db.prepare('UPDATE kv SET value = ? WHERE key = ?').run(value, key)
  } finally {
    db.close()
  }
}

type Fault = (dataDir: string, id: DocId, marker: string, next: () => number) => void

/** The ways a document's stored updates are damaged here. */
const FAULTS: Array<[string, Fault, { pageDamage?: true }]> = [
  ['a bit flipped in a log row', (dataDir, id, _marker, next) => {
    const row = rowsOf(dataDir, id)[0]
    const flipped = row.value.slice()
    const bit = Math.floor(next() * flipped.byteLength * 8)
    flipped[bit >> 3] ^= 1 << (bit & 7)
    rewriteRow(dataDir, row.key, flipped)
  }, {}],
  ['a log row cut short', (dataDir, id, _marker, next) => {
    const row = rowsOf(dataDir, id)[0]
    rewriteRow(dataDir, row.key, row.value.subarray(0, 1 + Math.floor(next() * (row.value.byteLength - 1))))
  }, {}],
  ['a database page holding the row zeroed', (dataDir, id, marker, next) => {
    // the row is larger than a page: past its start (in its cell on a leaf page, beside other
    // rows) its value lies in overflow pages that hold nothing else
    const file = join(dataDir, FILES.database)
    const bytes = readFileSync(file)
    const chain = overflowChain(bytes, `u/${id}/`)
    expect(chain.some(page => bytes.subarray(page * PAGE, (page + 1) * PAGE).includes(marker))).toBe(true)
    const page = chain[Math.floor(next() * chain.length)]
    const fd = openSync(file, 'r+')
    try {
      writeSync(fd, new Uint8Array(PAGE), 0, PAGE, page * PAGE)
    } finally {
      closeSync(fd)
    }
  }, { pageDamage: true }]
]

/** A SQLite varint at `at`: its value and length. */
function varint (bytes: Buffer, at: number): [number, number] {
  let value = 0
  for (let i = 0; i < 8; i++) {
    const byte = bytes[at + i]
    value = value * 128 + (byte & 0x7f)
    if (byte < 0x80) return [value, i + 1]
  }
  return [value * 256 + bytes[at + 8], 9]
}

/**
 * The overflow pages (0-based, in order) of the first row whose key starts with `prefix`, read
 * from the cells of the `kv` table's leaf pages as SQLite lays them out (a rowid table: its rows in
 * the leaves of a table B-tree, the keys also in an index of their own): the pages that hold
 * nothing but that row's value.
 */
function overflowChain (bytes: Buffer, prefix: string): number[] {
  expect(bytes.readUInt16BE(16)).toBe(PAGE)
  const usable = PAGE - bytes[20]
  const maxLocal = usable - 35
  const minLocal = Math.floor((usable - 12) * 32 / 255) - 23
  const starts: Array<{ key: string, first: number }> = []
  for (let page = 1; page * PAGE < bytes.length; page++) {
    const base = page * PAGE
    // 0x0d: a leaf page of a table B-tree (interior ones hold rowids only)
    if (bytes[base] !== 0x0d) continue
    for (let c = 0; c < bytes.readUInt16BE(base + 3); c++) {
      const cell = base + bytes.readUInt16BE(base + 8 + 2 * c)
      const [payload, sizeLength] = varint(bytes, cell)
      if (payload <= maxLocal) continue
      const [, rowidLength] = varint(bytes, cell + sizeLength)
      const record = cell + sizeLength + rowidLength
      const [headerSize, headerLength] = varint(bytes, record)
      const [keyType] = varint(bytes, record + headerLength)
      const key = bytes.subarray(record + headerSize, record + headerSize + (keyType - 13) / 2).toString('latin1')
      if (!key.startsWith(prefix)) continue
      const local = minLocal + ((payload - minLocal) % (usable - 4))
      starts.push({ key, first: bytes.readUInt32BE(record + (local <= maxLocal ? local : minLocal)) - 1 })
    }
  }
  starts.sort((a, b) => a.key < b.key ? -1 : 1)
  expect(starts.length).toBeGreaterThan(0)
  const chain: number[] = []
  for (let page = starts[0].first; page >= 0 && !chain.includes(page); page = bytes.readUInt32BE(page * PAGE) - 1) chain.push(page)
  return chain
}

/** Text of a few pages, with `marker` in every line, so that the row spans overflow pages that hold nothing else. */
function pagesOfText (marker: string): string {
  return Array.from({ length: 300 }, (_, i) => `${i}. Check the log ${marker} and sign it.`).join('\n\n')
}

describe('storage faults: a damaged document is quarantined, the rest keeps serving, a peer restores it', () => {
  for (const [name, fault, { pageDamage }] of FAULTS) {
    it(`${name}`, async () => {
      const next = random(SEED + name.length)
      for (let place = 0; place < PLACES; place++) {
        const aDir = mkdtempSync(join(tmpdir(), 'cp-faults-a-'))
        const bDir = mkdtempSync(join(tmpdir(), 'cp-faults-b-'))
        dirs.push(aDir, bDir)
        const marker = `MARKER${place}x${Math.floor(next() * 1e9)}`
        let a = await start('Riverside Surgery', aDir)
        const b = await start('Hillview Medical Practice', bDir)
        const victim = (await a.api.createDoc({ title: 'Vaccine fridge checks', sections: [{ heading: 'Daily', text: pagesOfText(marker) }] })).id as DocId
        const others: DocId[] = []
        for (let i = 0; i < OTHERS; i++) {
          others.push((await a.api.createDoc({ title: `Practice ${i}`, sections: [{ heading: 'Practice', text: `Two working days, case ${i}. `.repeat(40) }] })).id as DocId)
        }
        const all = [victim, ...others]
        for (const id of all) await a.api.share(id, { with: b.orgId, role: 'edit' })
        await b.api.connect(a.listenAddresses()[0])
        const before = new Map<DocId, unknown>()
        for (const id of all) before.set(id, (await a.api.getDoc(id)).sections)
        await until(b.store, () => all.every(id => b.store.info(id)?.title !== undefined && b.store.info(id)?.title !== ''))
        await stop(a)

        // while A is down, B edits its copy; then A's database is damaged
        await b.api.editDoc(victim, { append: { section: 'Daily', text: 'Thermometer replaced on Monday.' } })
        fault(aDir, victim, marker, next)
        // the zeroed pages hold the victim's value only; a damaged page of the keys' index would also
        // stop SQLite reading rows whose keys sort beside it: those would be refused too, and listed
        const damaged = new Map(all.map(id => [id, storedOf(aDir, id)]))

        // A alone: the damaged documents are refused and listed, the rest serves, nothing is written over them
        const started = await start('Riverside Surgery', aDir).catch((err: Error & { code?: string }) => err)
        if (started instanceof Error) {
          // a damaged page on the search path of the store's own keys: the node does not start,
          // with a typed error, and changes nothing (rebuilding the database is not done yet)
          expect({ pageDamage, code: started.code }).toEqual({ pageDamage: true, code: 'ERR_STORAGE_CORRUPT' })
          expect(storedOf(aDir, victim)).toEqual(damaged.get(victim))
          await Promise.all(running.splice(0).map(async n => { await n.stop() }))
          continue
        }
        a = started
        const unreadable: DocId[] = []
        for (const id of all) {
          const read = await apiRequest(a, aDir, 'GET', `/api/docs/${id}`)
          if (read.status === 200) {
            expect(read.json.sections, id).toEqual(before.get(id))
            continue
          }
          unreadable.push(id)
          expect({ status: read.status, code: read.json.error?.code }).toEqual({ status: 503, code: 'ERR_STORAGE_CORRUPT' })
          expect(read.json.error.message).toContain('quarantined')
        }
        expect(unreadable).toContain(victim)
        // the list still answers, with every document that reads
        const listed = await apiRequest(a, aDir, 'GET', '/api/docs')
        expect(listed.status).toBe(200)
        expect(listed.json.map((d: { id: DocId }) => d.id)).toEqual(expect.arrayContaining(all.filter(id => !unreadable.includes(id))))
        if (pageDamage !== true) expect(unreadable).toEqual([victim])
        const readable = all.filter(id => !unreadable.includes(id))
        // a row fault leaves every other document readable; a damaged page may reach them all
        if (pageDamage !== true) expect(readable.length).toBe(OTHERS)
        const edit = await apiRequest(a, aDir, 'PATCH', `/api/docs/${victim}`, { append: { section: 'Daily', text: 'overwrite?' } })
        expect(edit.json.error?.code).toBe('ERR_STORAGE_CORRUPT')
        const writes = [
          ...readable.length > 0 ? [await apiRequest(a, aDir, 'PATCH', `/api/docs/${readable[0]}`, { title: 'Still editable' })] : [],
          await apiRequest(a, aDir, 'POST', '/api/docs', { title: 'New after the fault' })
        ]
        // a damaged index page would also stop SQLite writing rows whose keys sort beside it: refused, typed
        if (pageDamage === true) for (const w of writes) expect([200, 201, 'ERR_STORAGE_WRITE', 'ERR_STORAGE_CORRUPT']).toContain(w.json.error?.code ?? w.status)
        else expect(writes.map(w => w.status)).toEqual([200, 201])
        expect(writes.length).toBe(readable.length > 0 ? 2 : 1)
        const status = (await apiRequest(a, aDir, 'GET', '/api/status')).json
        // a damaged page may also hold rows of documents the node reads for itself (a record's comments
        // document, read to name its people): they are quarantined too, and listed
        const degraded: string = status.degraded.map((d: any) => d.message).join('\n')
        if (pageDamage === true) expect(status.degraded.length).toBeGreaterThanOrEqual(unreadable.length)
        else expect(status.degraded.length).toBe(unreadable.length)
        expect(status.degraded.every((d: any) => d.code === 'ERR_STORAGE_CORRUPT')).toBe(true)
        for (const id of unreadable) expect(degraded).toContain(id)
        expect((await apiRequest(a, aDir, 'GET', '/api/metrics')).json).toMatch(new RegExp(`^commonplace_documents_quarantined ${status.degraded.length as number}$`, 'm'))
        await stop(a)
        // the damaged rows are as they were (beside a damaged page, SQLite may move other rows in a page split)
        for (const id of pageDamage === true ? [victim] : unreadable) expect(storedOf(aDir, id)).toEqual(damaged.get(id))
        // restoring over a damaged page needs the database rebuilt (not done: docs/reliability.md)
        if (pageDamage === true) {
          await Promise.all(running.splice(0).map(async n => { await n.stop() }))
          continue
        }

        // A started again lists them still; meeting B (an editor), B's copies restore them
        a = await start('Riverside Surgery', aDir)
        expect(a.store.quarantined().map(q => q.id).sort()).toEqual([...unreadable].sort())
        await b.api.connect(a.listenAddresses()[0])
        await until(a.store, () => a.store.quarantined().length === 0)
        const whole = before.get(victim) as Array<{ markdown: string }>
        expect((await apiRequest(a, aDir, 'GET', `/api/docs/${victim}`)).json.sections[0].markdown).toBe(`${whole[0].markdown}\n\nThermometer replaced on Monday.`)
        for (const id of unreadable.filter(id => id !== victim)) expect((await apiRequest(a, aDir, 'GET', `/api/docs/${id}`)).json.sections).toEqual(before.get(id))
        expect((await apiRequest(a, aDir, 'GET', '/api/status')).json.degraded).toEqual([])
        expect((await apiRequest(a, aDir, 'GET', '/api/metrics')).json).toMatch(/^commonplace_documents_quarantined 0$/m)
        // restored for good: edits land, at both, and survive a restart
        expect((await apiRequest(a, aDir, 'PATCH', `/api/docs/${victim}`, { append: { section: 'Daily', text: 'Audit done.' } })).status).toBe(200)
        await until(b.store, () => b.store.read(victim, doc => JSON.stringify(doc.toJSON()).includes('Audit done.')))
        await stop(a)
        a = await start('Riverside Surgery', aDir)
        expect((await a.api.getDoc(victim)).sections[0].markdown.endsWith('Audit done.')).toBe(true)
        await Promise.all(running.splice(0).map(async n => { await n.stop() }))
      }
    }, FULL ? 600_000 : 60_000)
  }
})

describe('a document found damaged while a peer is connected', () => {
  it('is restored by the peer\'s copy without a new meeting', async () => {
    const aDir = mkdtempSync(join(tmpdir(), 'cp-faults-a-'))
    const bDir = mkdtempSync(join(tmpdir(), 'cp-faults-b-'))
    dirs.push(aDir, bDir)
    let a = await start('Riverside Surgery', aDir)
    const b = await start('Hillview Medical Practice', bDir)
    const victim = (await a.api.createDoc({ title: 'Vaccine fridge checks', sections: [{ heading: 'Daily', text: 'Check at 08:00.' }] })).id as DocId
    await a.api.share(victim, { with: b.orgId, role: 'edit' })
    await b.api.connect(a.listenAddresses()[0])
    const before = (await a.api.getDoc(victim)).sections
    await until(b.store, () => b.store.info(victim)?.title === 'Vaccine fridge checks')
    await stop(a)
    const [name, flipBit] = FAULTS[0]
    expect(name).toBe('a bit flipped in a log row')
    flipBit(aDir, victim, '', random(SEED))

    // nothing tells A of the damage until it loads the document: a read, or the peer's update
    a = await start('Riverside Surgery', aDir)
    await b.api.connect(a.listenAddresses()[0])
    const read = await apiRequest(a, aDir, 'GET', `/api/docs/${victim}`)
    expect([200, 503]).toContain(read.status)
    await until(a.store, () => a.store.quarantined().length === 0)
    expect((await a.api.getDoc(victim)).sections).toEqual(before)
    expect(a.libp2p.services.sync.peers().map(p => p.orgId)).toContain(b.orgId)
  }, 60_000)
})

/**
 * Make `dir` read-only for this process: a read-only bind mount when running as root (root
 * ignores file modes), file modes otherwise. Returns the function that undoes it.
 */
function makeReadOnly (dir: string): () => void {
  if (process.getuid?.() === 0) {
    execFileSync('mount', ['--bind', dir, dir])
    execFileSync('mount', ['-o', 'remount,ro,bind', dir])
    return () => { execFileSync('umount', [dir]) }
  }
  const files = readdirSync(dir).map(name => join(dir, name))
  for (const file of files) chmodSync(file, 0o400)
  chmodSync(dir, 0o500)
  return () => {
    chmodSync(dir, 0o700)
    for (const file of files) chmodSync(file, 0o600)
  }
}

describe('a read-only data folder', () => {
  it('refuses to start with a typed error saying what to do, and changes nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cp-faults-ro-'))
    dirs.push(dataDir)
    const node = await start('Riverside Surgery', dataDir)
    const doc = await node.api.createDoc({ title: 'Repeat prescriptions', sections: [{ heading: 'Practice', text: 'Two working days.' }] })
    await stop(node)
    const before = readFileSync(join(dataDir, FILES.database))
    const undo = makeReadOnly(dataDir)
    try {
      await expect(start('Riverside Surgery', dataDir)).rejects.toMatchObject({
        code: 'ERR_STORAGE_WRITE', message: expect.stringMatching(/is read-only.*Make the folder writable/)
      })
    } finally {
      undo()
    }
    expect(readFileSync(join(dataDir, FILES.database)).equals(before)).toBe(true)
    const again = await start('Riverside Surgery', dataDir)
    expect((await again.api.getDoc(doc.id)).sections[0].markdown).toBe('Two working days.')
  })
})

describe('a full disk during compaction', () => {
  /** Log rows after which a document is compacted, small so that compactions come often. */
  const COMPACT_AFTER = 20
  const EDIT = 'Fridge log checked. '.repeat(10)

  it('keeps the log and every acknowledged edit, serves the other documents, and compacts once there is room', async () => {
    // a real full disk: a small tmpfs (mounting needs root); which size makes a compaction (the
    // largest write) meet the full disk rather than an ordinary write is found by trying
    let found = false
    for (let kb = 600; kb <= 2000 && !found; kb += 40) {
      const dir = mkdtempSync(join(tmpdir(), 'cp-faults-full-'))
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kb}k`, 'none', dir])
      let storage = sqliteStore({ path: join(dir, FILES.database) })
      let store = createDocumentStore({ storage }, { compactAfter: COMPACT_AFTER })
      try {
        const other = 'o'.repeat(26) as DocId
        const victim = 'v'.repeat(26) as DocId
        store.create({ id: other, owner: OWNER, nonce: 'n1' }, doc => { doc.getText('body').insert(0, 'Two working days.') })
        store.create({ id: victim, owner: OWNER, nonce: 'n2' })
        let acknowledged = 0
        for (;;) {
          try {
            store.edit(victim, doc => { doc.getText('body').insert(doc.getText('body').length, EDIT) })
            store.flush()
            await store.whenDurable()
          } catch (err) {
            expect((err as { code?: string }).code).toBe('ERR_STORAGE_FULL')
            break // an ordinary write met the full disk first: try another size
          }
          acknowledged++
          if (store.storedUpdates(victim).length > COMPACT_AFTER) {
            found = true // the compaction after this write met the full disk
            break
          }
        }
        if (!found) continue
        const text = (s: typeof store, id: DocId): string => s.read(id, doc => doc.getText('body').toString())
        expect(text(store, victim)).toBe(EDIT.repeat(acknowledged))
        expect(text(store, other)).toBe('Two working days.')
        // as it is on the full disk: opened again, the same
        store.close()
        storage.close()
        storage = sqliteStore({ path: join(dir, FILES.database) })
        store = createDocumentStore({ storage }, { compactAfter: COMPACT_AFTER })
        expect(text(store, victim)).toBe(EDIT.repeat(acknowledged))
        expect(text(store, other)).toBe('Two working days.')
        // room again: the next write lands, and the log is compacted
        execFileSync('mount', ['-o', 'remount,size=16m', dir])
        store.edit(victim, doc => { doc.getText('body').insert(doc.getText('body').length, EDIT) })
        store.flush()
        await store.whenDurable()
        expect(store.storedUpdates(victim)).toHaveLength(1)
        expect(text(store, victim)).toBe(EDIT.repeat(acknowledged + 1))
      } finally {
        store.close()
        storage.close()
        execFileSync('umount', [dir])
        rmSync(dir, { recursive: true, force: true })
      }
    }
    expect(found).toBe(true)
  }, 120_000)
})
