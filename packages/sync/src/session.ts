import {
  ForbiddenError, ProtocolError, StorageWriteError, accessVersion, isCommonplaceError, mergeGrants, verifyGrant, verifyHeader
} from '@commonplace/core'
import type {
  AccessList, DocId, DocumentChange, DocumentStore, OrgId, SignedHoldings, UpdateOrigin, VerifiedGrant
} from '@commonplace/core'
import { createDocumentGate, verifyBy } from '@commonplace/docstore'
import type { DocumentGate } from '@commonplace/docstore'
import { DEFAULT_PAGE_BYTES, MAX_REFUSALS_PER_SESSION, WIRE_VERSION } from './constants.ts'
import type {
  AccessMessage, EnvelopesMessage, ErrorMessage, Message, OfferMessage, SignedItemsMessage, WantMessage
} from './messages.ts'

export interface SyncSessionInit {
  /** This node's organisation. */
  self: OrgId
  /** The organisation at the other end. */
  peer: OrgId
  /** Our organisation's display name, sent in HELLO. */
  name?: string
  store: DocumentStore
  /** Called when the peer's update or statement is refused (the session goes on). */
  onRefused?: (refusal: { doc: string, code: string, message: string }) => void
  /** Called when the peer confirmed everything up to our change `seq`. */
  onAck?: (seq: number) => void
  /** Who may read which document, what is sent to whom (default: the store's grants, no network membership). */
  gate?: DocumentGate
  /** Bytes of signed items per REPLY or first-meeting ENVELOPES of one document (default 1 MiB). */
  pageBytes?: number
}

/**
 * One peer's side of the sync protocol (version 2, docs/protocol.md), with no I/O of its own: it
 * is handed decoded messages and local changes and returns the messages to send. It reads and
 * writes the document store.
 * Messages must be handed over in order, one at a time (await each `receive`).
 */
export interface SyncSession {
  /** The messages that open the session (HELLO). */
  open(): Message[]
  /** Handle one message from the peer. Throws (ending the session) on a protocol violation. */
  receive(message: Message): Promise<Message[]>
  /** What the peer must hear of a change in the local store. */
  onChange(change: DocumentChange): Message[]
  /**
   * The access list and an offer for a document the peer may read, even if sent before (the
   * peer may have refused them while it did not yet know it could take them).
   */
  reoffer(id: DocId): Message[]
  /** A MARK for the latest change, when there is a new one to confirm and the catch-up was queued. */
  mark(): Message[]
  /** True once every WANT we sent was answered. */
  readonly idle: boolean
  /** The display name the peer gave in its HELLO. */
  readonly peerName?: string
}

export function createSyncSession (init: SyncSessionInit): SyncSession {
  return new Session(init)
}

class Session implements SyncSession {
  private readonly self: OrgId
  private readonly peer: OrgId
  private readonly store: DocumentStore
  private readonly origin: UpdateOrigin
  private readonly init: SyncSessionInit
  private peerStoreId?: string
  peerName?: string
  private scanned = false
  private lastMark = -1
  private pendingAck: number | null = null
  private readonly wants = new Set<DocId>()
  /** The holdings each document was last asked for with: the same WANT twice would get the same answer. */
  private readonly asked = new Map<DocId, string>()
  private readonly accessSent = new Map<DocId, number>()
  private readonly failuresAtOpen: number
  private readonly gate: DocumentGate
  private refusals = 0

  constructor (init: SyncSessionInit) {
    this.init = init
    this.self = init.self
    this.peer = init.peer
    this.store = init.store
    this.origin = Object.freeze({ kind: 'peer', peer: init.peer })
    this.failuresAtOpen = init.store.failures
    this.gate = init.gate ?? createDocumentGate({ store: init.store }, { self: init.self })
  }

  get idle (): boolean { return this.wants.size === 0 }

  open (): Message[] {
    return [{ type: 'hello', version: WIRE_VERSION, storeId: this.store.storeId, name: this.init.name ?? '' }]
  }

  async receive (m: Message): Promise<Message[]> {
    if (m.type !== 'hello' && this.peerStoreId == null) throw new ProtocolError(`${m.type} before hello`)
    switch (m.type) {
      case 'hello':
        this.peerName = m.name
        return this.onHello(m.version, m.storeId)
      case 'access': return await this.onAccess(m)
      case 'offer': return this.onOffer(m)
      case 'want': return this.onWant(m)
      case 'envelopes':
      case 'reply': return await this.onSigned(m)
      case 'mark': return await this.onMark(m.seq)
      case 'ack':
        if (this.peerStoreId != null) this.store.setCheckpoint(this.peer, this.peerStoreId, m.seq)
        this.init.onAck?.(m.seq)
        return []
      case 'error':
        return []
    }
  }

  /**
   * Any node that may read a document relays its signed items to every peer that may read it: the
   * receiver checks each author's signature, not ours. An unsigned change is never sent.
   */
  onChange (change: DocumentChange): Message[] {
    if (!this.scanned) return []
    if (change.origin.kind === 'peer' && change.origin.peer === this.peer) return []
    const acl = this.store.access(change.id)
    if (acl == null || !this.gate.mayRead(change.id, this.peer)) return []
    if (change.accessChanged) return [...this.accessFor(acl), this.offer(change.id)]
    if (change.signed == null || change.signed.length === 0) return []
    return [...this.accessFor(acl), { type: 'envelopes', doc: change.id, items: change.signed, more: false }]
  }

  reoffer (id: DocId): Message[] {
    if (!this.scanned) return []
    const acl = this.store.access(id)
    if (acl == null || !this.gate.mayRead(id, this.peer)) return []
    this.accessSent.delete(id)
    return [...this.accessFor(acl), this.offer(id)]
  }

  mark (): Message[] {
    if (!this.scanned || this.store.changeSeq <= this.lastMark) return []
    this.lastMark = this.store.changeSeq
    return [{ type: 'mark', seq: this.lastMark }]
  }

  /** The peer's store id picks our checkpoint for it; offer every document changed since. */
  private onHello (version: number, storeId: string): Message[] {
    if (this.peerStoreId != null) throw new ProtocolError('Second hello')
    if (version !== WIRE_VERSION) throw new ProtocolError(`Wire version ${version} is not ${WIRE_VERSION}`)
    this.peerStoreId = storeId
    const since = this.store.checkpoint(this.peer, storeId)
    const out: Message[] = []
    for (const { id } of this.store.changesSince(since)) {
      const acl = this.store.access(id)
      if (acl == null || !this.gate.mayRead(id, this.peer)) continue
      // the peer confirmed everything up to `since`: an access list unchanged since, it has
      if ((this.store.info(id)?.accessSeq ?? Infinity) <= since) this.accessSent.set(id, accessVersion(acl))
      // a peer store that never confirmed anything gets documents whole: no digest, no WANT/REPLY
      // round trip (if it had one already, from someone else, its store drops the duplicates)
      const whole = since === 0 && this.gate.mayRead(id) && this.store.has(id)
      out.push(...this.accessFor(acl), whole ? this.wholeDocument(id) : this.offer(id))
    }
    this.scanned = true
    return [...out, ...this.mark()]
  }

  private async onAccess (m: AccessMessage): Promise<Message[]> {
    let header
    const grants: VerifiedGrant[] = []
    try {
      header = await verifyHeader(m.header)
      for (const g of m.grants) grants.push(await verifyGrant(header, g, verifyBy))
    } catch (err) {
      return this.refuse(m.header.id, err as Error & { code: string })
    }
    const held = this.store.access(header.id)
    const merged = mergeGrants(held ?? { header, grants: [] }, grants).acl
    if (held == null && (this.gate.accessUnder(merged, this.self) == null || this.gate.accessUnder(merged, this.peer) == null)) return []
    try {
      this.store.mergeAccess(header, grants, this.origin)
    } catch (err) {
      if ((err as Error).name === 'InvalidStatementError') return this.refuse(header.id, err as Error & { code: string })
      throw err
    }
    const mine = this.store.access(header.id) as AccessList
    if (accessVersion(mine) === accessVersion({ header, grants })) {
      this.accessSent.set(header.id, accessVersion(mine))
      return []
    }
    return this.accessFor(mine)
  }

  /** Equal digests: nothing to do. Otherwise ask for what we lack and push what the peer lacks. */
  private onOffer (m: OfferMessage): Message[] {
    const acl = this.store.access(m.doc)
    if (acl == null || !this.gate.mayExchange(m.doc, this.peer)) return []
    const held = this.store.info(m.doc)
    if (held != null && held.changeSeq > 0 && equal(this.store.digest(m.doc), m.digest)) return []
    const out: Message[] = [...this.want(m.doc, true)]
    if (this.store.has(m.doc)) {
      const { items, more } = this.store.signedSince(m.doc, m.holdings, this.pageBytes)
      if (items.length > 0) out.push(...this.accessFor(acl), { type: 'envelopes', doc: m.doc, items, more })
    }
    return out
  }

  private onWant (m: WantMessage): Message[] {
    const acl = this.store.access(m.doc)
    if (acl == null || !this.store.has(m.doc) || !this.gate.mayExchange(m.doc, this.peer)) return [{ type: 'reply', doc: m.doc, items: [], more: false }]
    const { items, more } = this.store.signedSince(m.doc, m.holdings, this.pageBytes)
    return [...this.accessFor(acl), { type: 'reply', doc: m.doc, items, more }]
  }

  /**
   * Apply each signed item through the store, which checks it (signature, the signer may edit,
   * client ids, order) and refuses it with a typed error, changing nothing; a refusal is answered
   * with ERROR and counted against the peer. Any peer that may read the document may send it.
   */
  private async onSigned (m: SignedItemsMessage): Promise<Message[]> {
    if (m.type === 'reply') this.wants.delete(m.doc)
    const out: Message[] = []
    if (m.items.length > 0) {
      if (!this.gate.mayRead(m.doc)) {
        out.push(...this.refuse(m.doc, new ForbiddenError(`No access to ${m.doc} here`)))
      } else if (!this.gate.mayRead(m.doc, this.peer)) {
        out.push(...this.refuse(m.doc, new ForbiddenError(`${this.peer} may not read ${m.doc}`)))
      } else {
        out.push(...this.applyItems(m))
      }
    }
    if (this.idle && this.pendingAck != null) out.push(...await this.onMark(this.pendingAck))
    return out
  }

  private applyItems (m: SignedItemsMessage): Message[] {
    const out: Message[] = []
    let gap = false
    for (const item of m.items) {
      try {
        gap = this.store.applySigned(m.doc, item, this.origin) === 'held' || gap
      } catch (err) {
        if (!isCommonplaceError(err) || err.name.startsWith('Storage')) throw err
        out.push(...this.refuse(m.doc, err))
      }
    }
    // the sender holds more, or an envelope waits for an earlier one: ask with what we hold now
    if (m.more || gap) out.push(...this.want(m.doc, false))
    return out
  }

  /**
   * A WANT with what we hold, unless one is outstanding, or (`again` false) we asked with exactly
   * these holdings before: the answer would be the same, and asking again could loop for ever.
   */
  private want (doc: DocId, again: boolean): WantMessage[] {
    if (this.wants.has(doc)) return []
    const holdings = this.holdings(doc)
    const key = holdingsKey(holdings)
    if (!again && this.asked.get(doc) === key) return []
    this.asked.set(doc, key)
    this.wants.add(doc)
    return [{ type: 'want', doc, holdings }]
  }

  private holdings (doc: DocId): SignedHoldings {
    return this.store.has(doc) ? this.store.envelopeVector(doc) : { vector: {} }
  }

  /** Confirm a MARK once nothing we asked for before it is outstanding. */
  private async onMark (seq: number): Promise<Message[]> {
    if (!this.idle) {
      this.pendingAck = Math.max(this.pendingAck ?? 0, seq)
      return []
    }
    this.pendingAck = null
    // acknowledge only what is on disk; if any write failed during this session, something we
    // applied may be gone: end the session so that the peer offers it again from its checkpoint
    await this.store.whenDurable()
    if (this.store.failures !== this.failuresAtOpen) throw new StorageWriteError('A write failed during this session')
    return [{ type: 'ack', seq }]
  }

  /**
   * Answer a refusal with ERROR and report it (the node counts it against the peer). Input no
   * honest node sends (a bad signature, a foreign client, a broken chain, a corrupt update) also
   * counts toward the session's limit, past which the session ends; a refusal for lack of rights
   * does not, as an honest relay whose grants or rosters are ahead of ours sends such input too.
   */
  private refuse (doc: string, err: Error & { code?: string }): ErrorMessage[] {
    const refusal = { doc, code: err.code ?? 'ERR_FORBIDDEN', message: err.message }
    this.init.onRefused?.(refusal)
    if (refusal.code !== ForbiddenError.code && ++this.refusals > MAX_REFUSALS_PER_SESSION) {
      throw new ProtocolError(`More than ${MAX_REFUSALS_PER_SESSION} refused items from ${this.peer}`)
    }
    return [{ type: 'error', ...refusal }]
  }

  private offer (id: DocId): OfferMessage {
    const has = this.store.has(id)
    return {
      type: 'offer',
      doc: id,
      digest: has && (this.store.info(id)?.changeSeq ?? 0) > 0 ? this.store.digest(id) : new Uint8Array(32),
      holdings: this.holdings(id)
    }
  }

  private get pageBytes (): number { return this.init.pageBytes ?? DEFAULT_PAGE_BYTES }

  /**
   * A document whole, as ENVELOPES whose items are read when the channel encodes its frame: at a
   * first meeting the first frame goes out once its own documents are read, not all of them, and
   * the peer applies while we read the rest. (Read later, the items hold at least what the
   * document held here; the MARK after it stays true.) `more` makes the peer ask for the rest.
   */
  private wholeDocument (id: DocId): EnvelopesMessage {
    const { store, pageBytes } = this
    let page: { items: Uint8Array[], more: boolean } | undefined
    const read = (): { items: Uint8Array[], more: boolean } => (page ??= store.signedSince(id, { vector: {} }, pageBytes))
    return { type: 'envelopes', doc: id, get items () { return read().items }, get more () { return read().more } }
  }

  /** The access list, unless the peer already has this version of it from us. */
  private accessFor (acl: AccessList): AccessMessage[] {
    const version = accessVersion(acl)
    if (this.accessSent.get(acl.header.id) === version) return []
    this.accessSent.set(acl.header.id, version)
    return [{ type: 'access', header: acl.header, grants: acl.grants }]
  }
}

/** The same holdings give the same key (signers sorted). */
function holdingsKey (h: SignedHoldings): string {
  const signers = Object.keys(h.vector).sort()
  return `${h.checkpoint == null ? '' : Buffer.from(h.checkpoint).toString('hex')}|${signers.map(s => `${s}:${h.vector[s as OrgId]}`).join(',')}`
}

function equal (a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false
  return true
}
