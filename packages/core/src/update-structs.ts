/**
 * Who a Yjs update writes as: the client ids and clock ranges of its structs (items, GC, skips) and
 * of its delete set, read straight from the v1 encoding without building Yjs objects (docs/authorship.md).
 *
 * The reader is strict where Yjs is lenient, so that what passes here is never read differently by
 * `Y.applyUpdate`: a client listed twice (Yjs would keep only the last list), an info byte whose
 * low five bits say "skip" but whose high bits are set, trailing bytes, integers past 2^53 and
 * `any` values nested deeper than {@link MAX_ANY_DEPTH} are all refused.
 */
import { CorruptUpdateError } from './errors.ts'

/** A run of clocks `[clock, clock + length)` of one Yjs client. */
export interface ClockRange {
  client: number
  clock: number
  length: number
}

/** What an update touches, by client. */
export interface UpdateOwners {
  /** Every client that has structs (items, GC or skips) in the update, in the update's order. */
  clients: number[]
  /** Clock ranges written with content or as GC, one per run of adjacent structs of one client. */
  writes: ClockRange[]
  /** Clock ranges the update says nothing about (skip structs; they only appear in merged updates). */
  skips: ClockRange[]
  /** Clock ranges the delete set deletes, as encoded (they may belong to any client). */
  deletes: ClockRange[]
  /** Byte offset where the delete set begins: `update.subarray(0, offset)` + `[0]` is the update without its deletions. */
  deleteSetOffset: number
}

/** Deepest nesting of an `any` value (ContentAny, subdocument options) accepted. */
export const MAX_ANY_DEPTH = 64

const BITS5 = 0b11111
const BIT6 = 0b100000
const BIT7 = 0b1000000
const BIT8 = 0b10000000
const SKIP = 10
/** Yjs type refs (typeRefs in Yjs): 3 (XmlElement) and 5 (XmlHook) carry a name. */
const TYPE_REFS = 7
const NAMED_TYPE_REFS = new Set([3, 5])
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

class Reader {
  pos = 0
  readonly bytes: Uint8Array

  constructor (bytes: Uint8Array) {
    this.bytes = bytes
  }

  uint8 (): number {
    if (this.pos >= this.bytes.length) throw new Error('unexpected end')
    return this.bytes[this.pos++]
  }

  varUint (): number {
    let num = 0
    let mult = 1
    for (;;) {
      const r = this.uint8()
      num += (r & 0x7f) * mult
      if (r < 0x80) break
      mult *= 128
      if (mult > 2 ** 56) throw new Error('integer too long')
    }
    if (!Number.isSafeInteger(num)) throw new Error('integer out of range')
    return num
  }

  skip (length: number): void {
    if (length > this.bytes.length - this.pos) throw new Error('unexpected end')
    this.pos += length
  }

  string (): string {
    const length = this.varUint()
    const start = this.pos
    this.skip(length)
    return utf8.decode(this.bytes.subarray(start, start + length))
  }

  /** Read past a lib0 `any` value; returns its tag. */
  any (depth = 0): number {
    if (depth > MAX_ANY_DEPTH) throw new Error('value nested too deep')
    const tag = this.uint8()
    switch (tag) {
      case 127: case 126: case 121: case 120: break
      case 125: this.varInt(); break
      case 124: this.skip(4); break
      case 123: case 122: this.skip(8); break
      case 119: this.string(); break
      case 118: for (let n = this.varUint(), i = 0; i < n; i++) { this.string(); this.any(depth + 1) } break
      case 117: for (let n = this.varUint(), i = 0; i < n; i++) this.any(depth + 1); break
      case 116: this.skip(this.varUint()); break
      default: throw new Error(`unknown value tag ${tag}`)
    }
    return tag
  }

  varInt (): void {
    let r = this.uint8()
    let bytes = 1
    while (r >= 0x80) {
      r = this.uint8()
      if (++bytes > 8) throw new Error('integer too long')
    }
  }
}

/**
 * The clients and clock ranges of a Yjs v1 update's structs and delete set. Linear in the
 * update's size; allocates per run of structs, not per struct.
 * @throws CorruptUpdateError when the bytes are not a Yjs v1 update this reader accepts
 */
export function structOwners (update: Uint8Array): UpdateOwners {
  try {
    return readOwners(new Reader(update))
  } catch (err) {
    if (err instanceof CorruptUpdateError) throw err
    throw new CorruptUpdateError(`Corrupt Yjs update: ${(err as Error).message}`, { cause: err })
  }
}

function readOwners (r: Reader): UpdateOwners {
  const out: UpdateOwners = { clients: [], writes: [], skips: [], deletes: [], deleteSetOffset: 0 }
  const seen = new Set<number>()
  const groups = r.varUint()
  for (let g = 0; g < groups; g++) {
    const count = r.varUint()
    const client = r.varUint()
    let clock = r.varUint()
    if (seen.has(client)) throw new Error(`client ${client} listed twice`)
    seen.add(client)
    out.clients.push(client)
    for (let i = 0; i < count; i++) {
      const info = r.uint8()
      const kind = info & BITS5
      let length: number
      if (kind === 0) length = r.varUint()
      else if (info === SKIP) length = r.varUint()
      else length = readItem(r, info)
      push(info === SKIP ? out.skips : out.writes, client, clock, length)
      clock += length
      if (!Number.isSafeInteger(clock)) throw new Error('clock out of range')
    }
  }
  out.deleteSetOffset = r.pos
  readDeleteSet(r, out.deletes)
  if (r.pos !== r.bytes.length) throw new Error('trailing bytes after the delete set')
  return out
}

/** Extend the last range when this struct follows it, else start a new one. */
function push (ranges: ClockRange[], client: number, clock: number, length: number): void {
  const last = ranges[ranges.length - 1]
  if (last != null && last.client === client && last.clock + last.length === clock) last.length += length
  else ranges.push({ client, clock, length })
}

/** Read one item's origins, parent and content; return its length in clocks. */
function readItem (r: Reader, info: number): number {
  if ((info & BIT8) !== 0) { r.varUint(); r.varUint() }
  if ((info & BIT7) !== 0) { r.varUint(); r.varUint() }
  if ((info & (BIT7 | BIT8)) === 0) {
    if (r.varUint() === 1) r.string()
    else { r.varUint(); r.varUint() }
    if ((info & BIT6) !== 0) r.string()
  }
  return readContent(r, info & BITS5)
}

/** Content lengths as Yjs counts them (`getLength()` of each content class). */
function readContent (r: Reader, ref: number): number {
  switch (ref) {
    case 1: return r.varUint() // deleted
    case 2: { // JSON: strings that parse, or 'undefined'
      const n = r.varUint()
      for (let i = 0; i < n; i++) {
        const s = r.string()
        if (s !== 'undefined') JSON.parse(s)
      }
      return n
    }
    case 3: r.skip(r.varUint()); return 1 // binary
    case 4: return r.string().length // string: UTF-16 code units
    case 5: JSON.parse(r.string()); return 1 // embed
    case 6: r.string(); JSON.parse(r.string()); return 1 // format
    case 7: { // type
      const type = r.varUint()
      if (type >= TYPE_REFS) throw new Error(`unknown type ref ${type}`)
      if (NAMED_TYPE_REFS.has(type)) r.string()
      return 1
    }
    case 8: { // any
      const n = r.varUint()
      for (let i = 0; i < n; i++) r.any()
      return n
    }
    case 9: // subdocument: guid and options (an object; Yjs fails on null)
      r.string()
      if (r.any() !== 118) throw new Error('subdocument options are not an object')
      return 1
    default: throw new Error(`unknown content ref ${ref}`)
  }
}

function readDeleteSet (r: Reader, out: ClockRange[]): void {
  const clients = r.varUint()
  for (let c = 0; c < clients; c++) {
    const client = r.varUint()
    const n = r.varUint()
    for (let i = 0; i < n; i++) {
      const clock = r.varUint()
      const length = r.varUint()
      if (!Number.isSafeInteger(clock + length)) throw new Error('delete range out of range')
      out.push({ client, clock, length })
    }
  }
}
