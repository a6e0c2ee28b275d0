/**
 * What the practice views read, kept up to date as documents change (docs/practice.md): the
 * lineage of every held record, and the verified entries of every adoption log. Signatures are
 * checked once per entry, when its log changes, so a view costs no Ed25519.
 */
import { isNetworkId, networksOf } from '@commonplace/core'
import type { DocId, DocumentStore, NetworkId, OrgId } from '@commonplace/core'
import { readRecordMeta } from '@commonplace/record'
import { CarrierKind, MAX_LOG_ENTRIES, carrierOf, lineageIndex, logEntries, logSize, readAdaptation, verifyLogEntry } from '@commonplace/practice'
import type { ActivityStatement, AdoptionStatement, LineageDoc, LineageIndex } from '@commonplace/practice'

/** One adoption log as verified here. */
export interface VerifiedLog {
  id: DocId
  owner: OrgId
  /** Absent for the owner's private log. */
  network?: NetworkId
  /** The log's change number these entries were read at: same number, same entries. */
  seq: number
  adoption: AdoptionStatement[]
  activity: ActivityStatement[]
}

export interface PracticeIndex {
  /** The lineage of every held record (carriers left out). */
  lineage(): LineageIndex
  /** The verified logs shared with `network` (granted to it), or this organisation's private log with `null`. */
  logs(network: NetworkId | null): Promise<VerifiedLog[]>
  /** Entries refused so far, by code (for metrics and tests). */
  readonly refused: ReadonlyMap<string, number>
}

/**
 * What was read of a document and at which of its change numbers: a cached entry is read again
 * when the document's `changeSeq` moved (the store sets it as the change is made, so a reader
 * never sees stale data whatever order change listeners run in).
 */
interface Cached<T> { seq: number, value: T }
interface LogState {
  seq: number
  entries: Map<string, AdoptionStatement | ActivityStatement>
  /** The entries split by type, kept until the log changes: a view reads them without copying. */
  adoption: AdoptionStatement[]
  activity: ActivityStatement[]
  verifying?: Promise<void>
}

export function createPracticeIndex (store: DocumentStore, options: { onRefused?: (code: string, doc: DocId, message: string) => void } = {}): PracticeIndex {
  const records = new Map<DocId, Cached<LineageDoc | null>>()
  const logStates = new Map<DocId, LogState>()
  const refused = new Map<string, number>()
  let cachedIndex: LineageIndex | undefined

  const refuse = (code: string, doc: DocId, message: string): void => {
    refused.set(code, (refused.get(code) ?? 0) + 1)
    options.onRefused?.(code, doc, message)
  }

  const readLineage = (id: DocId): LineageDoc | null => store.read(id, doc => {
    if (carrierOf(doc) !== undefined) return null
    const meta = readRecordMeta(doc)
    const adaptation = readAdaptation(doc)
    return {
      id,
      owner: store.info(id)?.owner ?? '',
      title: meta.title,
      created: meta.created,
      ...(meta.derivedFrom !== undefined ? { derivedFrom: meta.derivedFrom } : {}),
      ...(adaptation !== undefined ? { adaptation: { note: adaptation.note, reasons: adaptation.reasons, at: adaptation.at } } : {})
    }
  })

  // The same index object while no record's lineage changed: an edit of a record's text keeps it, so
  // the diffusion view built on it stays as it is (docs/practice.md).
  const lineage = (): LineageIndex => {
    const infos = store.list()
    let stale = cachedIndex === undefined
    // a record no longer held leaves the index (one removed and one added keep the count the same)
    const ids = new Set(infos.map(info => info.id))
    for (const id of records.keys()) if (!ids.has(id)) { records.delete(id); stale = true }
    for (const info of infos) {
      const held = records.get(info.id)
      if (held?.seq === info.changeSeq) continue
      const carrier = info.kind === CarrierKind.proposal || info.kind === CarrierKind.adoptionLog
      const value = carrier ? null : readLineage(info.id)
      if (held === undefined || !sameLineage(held.value, value)) stale = true
      records.set(info.id, { seq: info.changeSeq, value })
    }
    if (stale || cachedIndex === undefined) {
      cachedIndex = lineageIndex([...records.values()].map(r => r.value).filter((r): r is LineageDoc => r != null))
    }
    return cachedIndex
  }

  const verifyLog = async (id: DocId, state: LogState, owner: OrgId, network: NetworkId | undefined): Promise<void> => {
    const { entries, size } = store.read(id, doc => ({ entries: logEntries(doc), size: logSize(doc) }))
    if (size > MAX_LOG_ENTRIES) refuse('ERR_TOO_MANY', id, `Adoption log ${id} has ${size} entries; the first ${MAX_LOG_ENTRIES} are read`)
    const next = new Map<string, AdoptionStatement | ActivityStatement>()
    for (const [key, value] of entries) {
      const held = state.entries.get(key)
      if (held !== undefined && held.sig === (value as { sig?: unknown } | null)?.sig) { next.set(key, held); continue }
      if (network === undefined && key.startsWith('sharing/')) continue
      try {
        next.set(key, await verifyLogEntry(key, value, { org: owner, ...(network !== undefined ? { network } : {}) }))
      } catch (err) {
        refuse((err as { code?: string }).code ?? 'ERR_INVALID_STATEMENT', id, (err as Error).message)
      }
    }
    state.entries = next
    const values = [...next.values()]
    state.adoption = values.filter((v): v is AdoptionStatement => v.type === 'adoption')
    state.activity = values.filter((v): v is ActivityStatement => v.type === 'activity')
  }

  return {
    lineage,
    refused,
    async logs (network) {
      const out: VerifiedLog[] = []
      for (const info of store.list()) {
        if (info.kind !== CarrierKind.adoptionLog) continue
        const marker = store.read(info.id, doc => carrierOf(doc))
        const logNetwork = marker?.network
        if (network === null ? logNetwork !== undefined : logNetwork !== network) continue
        if (network !== null && !networksOf(store.access(info.id) ?? { header: { id: info.id, owner: info.owner, nonce: '' }, grants: [] }).includes(network)) continue
        if (logNetwork !== undefined && !isNetworkId(logNetwork)) continue
        let state = logStates.get(info.id)
        if (state === undefined) { state = { seq: -1, entries: new Map(), adoption: [], activity: [] }; logStates.set(info.id, state) }
        if (state.seq !== info.changeSeq) {
          // a second reader meanwhile waits for the same verification instead of reading the old entries
          state.seq = info.changeSeq
          const previous = state.verifying ?? Promise.resolve()
          state.verifying = previous.then(async () => { await verifyLog(info.id, state as LogState, info.owner, logNetwork as NetworkId | undefined) })
        }
        await state.verifying
        out.push({
          id: info.id,
          owner: info.owner,
          ...(logNetwork !== undefined ? { network: logNetwork as NetworkId } : {}),
          seq: state.seq,
          adoption: state.adoption,
          activity: state.activity
        })
      }
      return out
    }
  }
}

/** Whether two readings of a record say the same about its lineage (small values: compared as JSON). */
function sameLineage (a: LineageDoc | null, b: LineageDoc | null): boolean {
  return a === b || (a !== null && b !== null && JSON.stringify(a) === JSON.stringify(b))
}
