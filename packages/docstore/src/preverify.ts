/**
 * Ed25519 checks ahead of the store, on a worker thread (docs/authorship.md, "Verifying on a second
 * thread"). A catch-up brings hundreds of signed items, each verified before it is applied, and one
 * verify costs about as much as applying a 10 KB update. The sync channel hands the signatures of a
 * frame it has just read to `preverify`, which checks them on a worker while the event loop applies
 * the frames before it. A signature that checked out is remembered with its signer and the exact
 * bytes it covers, and `verifyBy` answers from that memory once, instead of verifying again.
 *
 * Nothing here decides alone: a signature not remembered (the worker was starting, busy, gone, or
 * never asked; the memory was full) is verified on the event loop as before, and a bad one is
 * refused there, with its typed error. The worker starts at the first frame worth it and stops when
 * it has had nothing to do for a while, so an idle node holds no second thread.
 */
import { Worker } from 'node:worker_threads'
import type { OrgId } from '@commonplace/core'
import { orgPublicKey } from '@commonplace/core'

/** One signature to check: `sig` by `signer` over `bytes`. */
export interface SignatureToCheck {
  signer: OrgId
  bytes: Uint8Array
  sig: Uint8Array
}

/** Below this many signatures the round trip to the worker costs more than it saves. */
export const MIN_PREVERIFY = 4
/** What the memory holds at most: signatures, and bytes they cover. */
const MAX_REMEMBERED = 4096
const MAX_REMEMBERED_BYTES = 16 * 1024 * 1024
/** The worker stops after this long without work. */
const IDLE_MS = 30_000
const PUBLIC_KEY_BYTES = 32
const SIG_BYTES = 64

/**
 * The worker: one message per frame, an ArrayBuffer of items `public key (32) ‖ sig (64) ‖ length
 * (4, big-endian) ‖ bytes`, answered with one byte per item (1: verified). node:crypto only.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { createPublicKey, verify } = require('node:crypto')
const SPKI = Buffer.from('302a300506032b6570032100', 'hex')
const keys = new Map()
parentPort.on('message', ({ id, buffer, count }) => {
  const bytes = new Uint8Array(buffer)
  const view = new DataView(buffer)
  const ok = new Uint8Array(count)
  let at = 0
  for (let i = 0; i < count; i++) {
    const raw = bytes.subarray(at, at + 32)
    const sig = bytes.subarray(at + 32, at + 96)
    const length = view.getUint32(at + 96)
    const message = bytes.subarray(at + 100, at + 100 + length)
    at += 100 + length
    try {
      const hex = Buffer.from(raw).toString('hex')
      let key = keys.get(hex)
      if (key === undefined) {
        if (keys.size >= 4096) keys.clear()
        key = createPublicKey({ key: Buffer.concat([SPKI, raw]), format: 'der', type: 'spki' })
        keys.set(hex, key)
      }
      ok[i] = verify(null, message, key, sig) ? 1 : 0
    } catch {
      ok[i] = 0
    }
  }
  parentPort.postMessage({ id, ok }, [ok.buffer])
})
// up: the event loop reads this at its next frame, without waiting for an event of its own
const up = new Int32Array(workerData.up)
Atomics.store(up, 0, 1)
Atomics.notify(up, 0)
`

interface Remembered { signer: OrgId, bytes: Uint8Array }

const remembered = new Map<string, Remembered>()
let rememberedBytes = 0
const rawKeys = new Map<OrgId, Uint8Array>()

let worker: Worker | undefined
let failed = false
/** Set to 1 by the worker once it listens (before that, nothing is sent to it). */
let up = new Int32Array(new SharedArrayBuffer(4))
let nextId = 0
const waiting = new Map<number, (ok: Uint8Array | undefined) => void>()
let idleTimer: ReturnType<typeof setTimeout> | undefined

const sigKey = (sig: Uint8Array): string => Buffer.from(sig.buffer, sig.byteOffset, sig.byteLength).toString('latin1')

/** How many verified signatures the memory holds now (not yet checked, nor given up). */
export function rememberedCount (): number {
  return remembered.size
}

/**
 * Whether `signer`'s signature `sig` over `prefix ‖ bytes` was verified ahead (once: the memory
 * forgets it). False means only that it was not: the caller verifies. The prefix (a domain
 * separation, an envelope's) is given apart so that the caller need not copy its bytes behind it.
 */
export function takePreverified (signer: OrgId, bytes: Uint8Array, sig: Uint8Array, prefix?: Uint8Array): boolean {
  if (remembered.size === 0 || sig.byteLength !== SIG_BYTES) return false
  const key = sigKey(sig)
  const kept = remembered.get(key)
  if (kept == null) return false
  remembered.delete(key)
  rememberedBytes -= kept.bytes.byteLength
  const head = prefix?.byteLength ?? 0
  if (kept.signer !== signer || kept.bytes.byteLength !== head + bytes.byteLength) return false
  const keptBytes = Buffer.from(kept.bytes.buffer, kept.bytes.byteOffset, kept.bytes.byteLength)
  return (prefix == null || keptBytes.subarray(0, head).equals(prefix)) && keptBytes.subarray(head).equals(bytes)
}

/**
 * Check `items` on the worker; resolves once those that verified are remembered (never rejects: what
 * is not remembered is verified by the caller). Undefined when there are too few to be worth it.
 */
export function preverify (items: SignatureToCheck[]): Promise<void> | undefined {
  if (items.length < MIN_PREVERIFY || failed) return undefined
  const running = ensureWorker()
  // frames do not wait for a worker still starting: they are verified as they are applied
  if (Atomics.load(up, 0) !== 1) return undefined
  const packed = pack(items)
  if (packed == null) return undefined
  const id = nextId++
  return new Promise<void>(resolve => {
    waiting.set(id, ok => {
      if (ok != null) for (let i = 0; i < items.length; i++) if (ok[i] === 1) remember(items[i])
      resolve()
    })
    running.postMessage({ id, buffer: packed.buffer, count: packed.count }, [packed.buffer])
    keepAwake()
  })
}

function remember (item: SignatureToCheck): void {
  const key = sigKey(item.sig)
  const before = remembered.get(key)
  if (before != null) {
    remembered.delete(key)
    rememberedBytes -= before.bytes.byteLength
  }
  remembered.set(key, { signer: item.signer, bytes: item.bytes })
  rememberedBytes += item.bytes.byteLength
  // the oldest go first: an entry never asked for (its frame was refused before) must not stay
  while (remembered.size > MAX_REMEMBERED || rememberedBytes > MAX_REMEMBERED_BYTES) {
    const [oldest, entry] = remembered.entries().next().value as [string, Remembered]
    remembered.delete(oldest)
    rememberedBytes -= entry.bytes.byteLength
  }
}

/** The items in one transferable buffer; undefined when a signer is not an Ed25519 organisation. */
function pack (items: SignatureToCheck[]): { buffer: ArrayBuffer, count: number } | undefined {
  let total = 0
  for (const item of items) total += PUBLIC_KEY_BYTES + SIG_BYTES + 4 + item.bytes.byteLength
  const buffer = new ArrayBuffer(total)
  const bytes = new Uint8Array(buffer)
  const view = new DataView(buffer)
  let at = 0
  for (const item of items) {
    const raw = rawKeyOf(item.signer)
    if (raw == null || item.sig.byteLength !== SIG_BYTES) return undefined
    bytes.set(raw, at)
    bytes.set(item.sig, at + PUBLIC_KEY_BYTES)
    view.setUint32(at + PUBLIC_KEY_BYTES + SIG_BYTES, item.bytes.byteLength)
    bytes.set(item.bytes, at + PUBLIC_KEY_BYTES + SIG_BYTES + 4)
    at += PUBLIC_KEY_BYTES + SIG_BYTES + 4 + item.bytes.byteLength
  }
  return { buffer, count: items.length }
}

function rawKeyOf (signer: OrgId): Uint8Array | undefined {
  let raw = rawKeys.get(signer)
  if (raw == null) {
    try {
      raw = orgPublicKey(signer).raw
    } catch {
      return undefined
    }
    if (raw.byteLength !== PUBLIC_KEY_BYTES) return undefined
    if (rawKeys.size >= MAX_REMEMBERED) rawKeys.clear()
    rawKeys.set(signer, raw)
  }
  return raw
}

/** Resolves once the worker is up (started now if there is none): for tests, and a node expecting a catch-up. */
export async function verifierUp (): Promise<void> {
  if (failed) return
  ensureWorker()
  const waited = Atomics.waitAsync(up, 0, 0)
  if (waited.async) await waited.value
}

/** The worker, started when there is none. */
function ensureWorker (): Worker {
  if (worker != null) return worker
  up = new Int32Array(new SharedArrayBuffer(4))
  const started = new Worker(WORKER_SOURCE, { eval: true, workerData: { up: up.buffer } })
  worker = started
  started.on('message', ({ id, ok }: { id: number, ok: Uint8Array }) => {
    const done = waiting.get(id)
    waiting.delete(id)
    done?.(ok)
  })
  started.once('error', () => {
    // verified on the event loop from now on
    failed = true
    stopWorker(started)
  })
  started.once('exit', () => { stopWorker(started) })
  // after the listeners (adding one refs the worker again): it never keeps the process alive
  started.unref()
  keepAwake()
  return started
}

function stopWorker (which: Worker): void {
  if (worker !== which) return
  worker = undefined
  up = new Int32Array(new SharedArrayBuffer(4))
  for (const done of waiting.values()) done(undefined)
  waiting.clear()
  void which.terminate()
}

function keepAwake (): void {
  if (idleTimer != null) clearTimeout(idleTimer)
  idleTimer = setTimeout(() => {
    idleTimer = undefined
    if (worker == null) return
    if (waiting.size > 0) keepAwake()
    else stopWorker(worker)
  }, IDLE_MS)
  idleTimer.unref()
}
