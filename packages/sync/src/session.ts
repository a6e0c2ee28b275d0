import {
  ForbiddenError, ProtocolError, StorageWriteError, accessVersion, mayRead, mayWrite, mergeGrants, verifyGrant, verifyHeader
} from '@commonplace/core'
import type { AccessList, DocId, DocumentChange, DocumentStore, Membership, OrgId, UpdateOrigin, VerifiedGrant } from '@commonplace/core'
import { WIRE_VERSION } from './constants.ts'
import type {
  AccessMessage, ErrorMessage, Message, OfferMessage, UpdateMessage, ReplyMessage, WantMessage
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
  /** Who is in which learning network, for documents shared with a network. */
  membership?: Membership
}

/**
 * One peer's side of the sync protocol, with no I/O of its own: it is handed decoded messages
 * and local changes and returns the messages to send. It reads and writes the document store.
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
  private readonly accessSent = new Map<DocId, number>()
  private readonly failuresAtOpen: number
  private readonly membership?: Membership

  constructor (init: SyncSessionInit) {
    this.init = init
    this.self = init.self
    this.peer = init.peer
    this.store = init.store
    this.origin = Object.freeze({ kind: 'peer', peer: init.peer })
    this.failuresAtOpen = init.store.failures
    this.membership = init.membership
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
      case 'update':
      case 'reply': return await this.onContent(m)
      case 'mark': return await this.onMark(m.seq)
      case 'ack':
        if (this.peerStoreId != null) this.store.setCheckpoint(this.peer, this.peerStoreId, m.seq)
        this.init.onAck?.(m.seq)
        return []
      case 'error':
        return []
    }
  }

  onChange (change: DocumentChange): Message[] {
    if (!this.scanned) return []
    if (change.origin.kind === 'peer' && change.origin.peer === this.peer) return []
    const acl = this.store.access(change.id)
    if (acl == null || !mayRead(acl, this.peer, this.membership)) return []
    if (change.accessChanged) return [...this.accessFor(acl), this.offer(change.id)]
    if (change.update == null || !mayWrite(acl, this.self, this.membership)) return []
    return [...this.accessFor(acl), { type: 'update', doc: change.id, update: change.update }]
  }

  reoffer (id: DocId): Message[] {
    if (!this.scanned) return []
    const acl = this.store.access(id)
    if (acl == null || !mayRead(acl, this.peer, this.membership)) return []
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
    this.store.flush()
    const since = this.store.checkpoint(this.peer, storeId)
    const out: Message[] = []
    for (const { id } of this.store.changesSince(since)) {
      const acl = this.store.access(id)
      if (acl == null || !mayRead(acl, this.peer, this.membership)) continue
      // the peer confirmed everything up to `since`: an access list unchanged since, it has
      if ((this.store.info(id)?.accessSeq ?? Infinity) <= since) this.accessSent.set(id, accessVersion(acl))
      // a peer store that never confirmed anything gets documents whole: no digest, no WANT/REPLY
      // round trip (if it had one already, from someone else, Yjs drops what it has)
      const whole = since === 0 && mayWrite(acl, this.self, this.membership) && this.store.has(id)
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
      for (const g of m.grants) grants.push(await verifyGrant(header, g))
    } catch (err) {
      return this.refuse(m.header.id, err as Error & { code: string })
    }
    const held = this.store.access(header.id)
    const merged = mergeGrants(held ?? { header, grants: [] }, grants).acl
    if (held == null && (!mayRead(merged, this.self, this.membership) || !mayRead(merged, this.peer, this.membership))) return []
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
    if (acl == null || !mayRead(acl, this.peer, this.membership) || !mayRead(acl, this.self, this.membership)) return []
    const held = this.store.info(m.doc)
    if (held != null && held.changeSeq > 0 && equal(this.store.digest(m.doc), m.digest)) return []
    const out: Message[] = []
    if (mayWrite(acl, this.peer, this.membership)) {
      this.wants.add(m.doc)
      out.push({ type: 'want', doc: m.doc, stateVector: held?.stateVector ?? new Uint8Array([0]) })
    }
    if (held != null && mayWrite(acl, this.self, this.membership)) {
      const update = this.store.diff(m.doc, m.stateVector)
      out.push(...this.accessFor(acl), { type: 'update', doc: m.doc, update })
    }
    return out
  }

  private onWant (m: WantMessage): Message[] {
    const acl = this.store.access(m.doc)
    const allowed = acl != null && this.store.has(m.doc) && mayRead(acl, this.peer, this.membership) && mayWrite(acl, this.self, this.membership)
    const update = allowed ? this.store.diff(m.doc, m.stateVector) : new Uint8Array(0)
    return [...(allowed ? this.accessFor(acl) : []), { type: 'reply', doc: m.doc, update }]
  }

  private async onContent (m: UpdateMessage | ReplyMessage): Promise<Message[]> {
    if (m.type === 'reply') this.wants.delete(m.doc)
    const out: Message[] = []
    if (m.update.byteLength > 0) {
      const acl = this.store.access(m.doc)
      if (acl == null || !mayRead(acl, this.self, this.membership)) {
        out.push(...this.refuse(m.doc, new ForbiddenError(`No access to ${m.doc} here`)))
      } else if (!mayWrite(acl, this.peer, this.membership)) {
        out.push(...this.refuse(m.doc, new ForbiddenError(`${this.peer} has read access only to ${m.doc}`)))
      } else {
        this.store.applyUpdate(m.doc, m.update, this.origin)
      }
    }
    if (this.idle && this.pendingAck != null) out.push(...await this.onMark(this.pendingAck))
    return out
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

  private refuse (doc: string, err: Error & { code?: string }): ErrorMessage[] {
    const refusal = { doc, code: err.code ?? 'ERR_FORBIDDEN', message: err.message }
    this.init.onRefused?.(refusal)
    return [{ type: 'error', ...refusal }]
  }

  private offer (id: DocId): OfferMessage {
    const info = this.store.info(id)
    return {
      type: 'offer',
      doc: id,
      digest: this.store.has(id) && (info?.changeSeq ?? 0) > 0 ? this.store.digest(id) : new Uint8Array(32),
      stateVector: info?.stateVector ?? new Uint8Array([0])
    }
  }

  /**
   * A document whole, as an UPDATE whose bytes are made when the channel encodes its frame: at a
   * first meeting the first frame goes out once its own documents are encoded, not all of them,
   * and the peer applies while we encode the rest. (Made later, the update holds at least what the
   * document held here; the MARK after it stays true.)
   */
  private wholeDocument (id: DocId): UpdateMessage {
    const store = this.store
    let update: Uint8Array | undefined
    return { type: 'update', doc: id, get update () { return (update ??= store.diff(id)) } }
  }

  /** The access list, unless the peer already has this version of it from us. */
  private accessFor (acl: AccessList): AccessMessage[] {
    const version = accessVersion(acl)
    if (this.accessSent.get(acl.header.id) === version) return []
    this.accessSent.set(acl.header.id, version)
    return [{ type: 'access', header: acl.header, grants: acl.grants }]
  }
}

function equal (a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false
  return true
}
