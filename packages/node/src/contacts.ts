/**
 * Contacts and introductions (docs/directory.md): this organisation's card, adding another's card
 * (an introduction sent from that card's identity), answering introductions and acceptances, and
 * retrying what could not be delivered. The libp2p side is the introduce service; this is what the
 * requests mean here.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { toString as u8ToString, fromString as u8FromString } from 'uint8arrays'
import { CardSelfError, ContactExistsError, IntroductionRefusedError, NotFoundError } from '@commonplace/core'
import type { OrgId } from '@commonplace/core'
import {
  INTRODUCE_PROTOCOL, INTRODUCE_TIMEOUT_MS, INTRODUCTION_TTL_MS, createCard, decodeCardCode, encodeCardCode, exchange,
  signDirectoryStatement, verifyRequest
} from '@commonplace/directory'
import type {
  AcceptanceStatement, CardCode, CardStatement, ContactEntry, Directory, IntroduceReply, IntroduceRequest, IntroductionStatement, Notice
} from '@commonplace/directory'
import type { Connection, Logger, PeerId, PrivateKey } from '@libp2p/interface'
import type { CommonplaceLibp2p } from './libp2p.ts'
import { runIntroduction } from './intro-client.ts'
import { createRetries } from './retries.ts'
import type { NodeEvent } from '@commonplace/api'

export interface ContactsInit {
  directory: Directory
  identity: { key: PrivateKey, orgId: OrgId, name: string }
  introSecret: Uint8Array
  /** The card's introduction identity (derived from `introSecret`). */
  introKey: string
  log: Logger
  emit: (event: NodeEvent) => void
  now?: () => number
}

export interface Contacts {
  readonly introKey: string
  /** The gater's question: is `org` in the directory (contact, awaiting) or our introduction identity? */
  admits(org: string): boolean
  card(): Promise<CardCode & { code: string }>
  add(code: unknown, options?: { signal?: AbortSignal }): Promise<ContactEntry>
  accept(org: OrgId, options?: { signal?: AbortSignal }): Promise<ContactEntry>
  remove(org: OrgId): boolean
  /** The introduce service's handler. */
  handle(request: unknown, connection: Connection): Promise<IntroduceReply>
  /** Keep a notice and tell local clients. */
  notify(fields: Omit<Notice, 'id' | 'read'>): Notice
  /** Keep several notices in one write and tell local clients of each. */
  notifyAll(list: Array<Omit<Notice, 'id' | 'read'>>): Notice[]
  start(libp2p: CommonplaceLibp2p): void
  stop(): void
}

export function createContacts (init: ContactsInit): Contacts {
  const { directory, identity, log, emit } = init
  const self = identity.orgId
  const now = init.now ?? Date.now
  let libp2p: CommonplaceLibp2p | undefined
  let cached: (CardCode & { code: string }) | undefined
  const retries = createRetries({ log, attempt: async org => { await deliverPending(org as OrgId) } })

  const notifyAll = (list: Array<Omit<Notice, 'id' | 'read'>>): Notice[] => {
    const notices = directory.addNotices(list)
    for (const notice of notices) emit({ type: 'notice', notice: { ...notice, at: new Date(notice.at).toISOString() } })
    return notices
  }
  const notify = (fields: Omit<Notice, 'id' | 'read'>): Notice => notifyAll([fields])[0]
  const changed = (org: OrgId, change: 'introduced' | 'accepted' | 'added' | 'removed'): void => {
    emit({ type: 'directory', org, change })
  }

  async function card (): Promise<CardCode & { code: string }> {
    const addresses = libp2p?.getMultiaddrs().map(String) ?? []
    if (cached != null && cached.card.name === identity.name && same(cached.card.addresses, addresses.map(a => strip(a, self)).slice(0, 16))) return cached
    const made = await createCard(identity.key, { org: self, name: identity.name, addresses, secret: init.introSecret, now: now() })
    cached = { ...made, code: encodeCardCode(made) }
    return cached
  }

  /** Our card and the statement, signed now. */
  async function request (type: 'introduce' | 'accept', to: OrgId): Promise<IntroduceRequest> {
    const ours = (await card()).card
    if (type === 'introduce') {
      const introduction = await signDirectoryStatement<IntroductionStatement>(identity.key, { type: 'introduction', from: self, to, at: now() })
      return { type, card: ours, introduction }
    }
    const acceptance = await signDirectoryStatement<AcceptanceStatement>(identity.key, { type: 'acceptance', from: self, to, at: now() })
    return { type, card: ours, acceptance }
  }

  /** Send what is pending for `org`; throws when it could not be delivered (the retry's signal). */
  async function deliverPending (org: OrgId, signal?: AbortSignal): Promise<void> {
    const entry = directory.contact(org)
    if (entry?.pending == null) return
    if (now() - entry.since > INTRODUCTION_TTL_MS) {
      directory.putContact({ ...entry, pending: undefined, secret: undefined })
      return
    }
    const reply = entry.pending === 'introduce' ? await introduce(entry, signal) : await sendAcceptance(entry, signal)
    if (!reply.ok) throw new IntroductionRefusedError(`${entry.name} refused: ${reply.message} (${reply.code})`)
    const current = directory.contact(org)
    if (current == null) return
    if (reply.status === 'accepted' && current.status !== 'contact') {
      directory.putContact({ ...current, status: 'contact', since: now(), pending: undefined, secret: undefined })
      changed(org, 'accepted')
      notify({ kind: 'accepted', at: now(), org, orgName: current.name, text: `${current.name} accepted your introduction` })
    } else {
      directory.putContact({ ...current, pending: undefined, secret: undefined })
    }
    retries.done(org)
  }

  async function introduce (entry: ContactEntry, signal?: AbortSignal): Promise<IntroduceReply> {
    if (entry.secret == null) throw new IntroductionRefusedError('No card secret is kept for this organisation')
    return await runIntroduction({
      secret: u8FromString(entry.secret, 'base64url'), org: entry.org, addresses: entry.addresses, request: await request('introduce', entry.org), log, signal
    })
  }

  /** The other node admits us now (it holds us as awaiting): dial it as ourselves. */
  async function sendAcceptance (entry: ContactEntry, signal?: AbortSignal): Promise<IntroduceReply> {
    const node = libp2p
    if (node == null) throw new IntroductionRefusedError('The node is not started')
    const peer = peerIdFromString(entry.org)
    await node.peerStore.merge(peer, { multiaddrs: entry.addresses.map(a => multiaddr(a)) })
    const timeout = AbortSignal.timeout(INTRODUCE_TIMEOUT_MS)
    const both = signal == null ? timeout : AbortSignal.any([signal, timeout])
    const stream = await node.dialProtocol(peer, INTRODUCE_PROTOCOL, { signal: both })
    return await exchange(stream, await request('accept', entry.org), { signal: both })
  }

  /** Try now; on failure, later (with backoff). Never throws. */
  async function attempt (org: OrgId, signal?: AbortSignal): Promise<void> {
    try {
      await deliverPending(org, signal)
    } catch (err) {
      log('%s: %s; retrying later', org, (err as Error).message)
      retries.schedule(org)
    }
  }

  async function onIntroduce (theirs: CardStatement): Promise<IntroduceReply> {
    const org = theirs.org
    const existing = directory.contact(org)
    const fields = { org, name: theirs.name, addresses: theirs.addresses, card: theirs }
    if (existing?.status === 'contact') {
      directory.putContact({ ...existing, ...fields })
      return { ok: true, status: 'accepted' }
    }
    if (existing?.status === 'awaiting') {
      // both added each other's cards: that is an introduction and its acceptance
      directory.putContact({ ...existing, ...fields, status: 'contact', since: now(), pending: undefined, secret: undefined })
      retries.done(org)
      changed(org, 'accepted')
      notify({ kind: 'accepted', at: now(), org, orgName: theirs.name, text: `${theirs.name} added you too: you are contacts now` })
      return { ok: true, status: 'accepted' }
    }
    directory.addIntroduction({ ...fields, receivedAt: now(), expiresAt: now() + INTRODUCTION_TTL_MS }, now())
    changed(org, 'introduced')
    notify({ kind: 'introduction', at: now(), org, orgName: theirs.name, text: `${theirs.name} added you` })
    return { ok: true, status: 'introduced' }
  }

  function onAccept (theirs: CardStatement): IntroduceReply {
    const existing = directory.contact(theirs.org)
    if (existing == null) throw new IntroductionRefusedError('No introduction of ours waits for this organisation')
    directory.putContact({ ...existing, name: theirs.name, addresses: theirs.addresses, card: theirs, status: 'contact', pending: undefined, secret: undefined, ...(existing.status === 'contact' ? {} : { since: now() }) })
    retries.done(theirs.org)
    if (existing.status !== 'contact') {
      changed(theirs.org, 'accepted')
      notify({ kind: 'accepted', at: now(), org: theirs.org, orgName: theirs.name, text: `${theirs.name} accepted your introduction` })
    }
    return { ok: true, status: 'accepted' }
  }

  const onConnect = (evt: CustomEvent<PeerId>): void => {
    const org = evt.detail.toString() as OrgId
    if (directory.contact(org)?.pending === 'accept') void attempt(org)
  }

  return {
    introKey: init.introKey,
    admits: org => org === init.introKey || directory.contact(org as OrgId) != null,
    card,
    notify,
    notifyAll,
    async add (code, options = {}) {
      const { card: theirs, secret } = await decodeCardCode(code)
      const org = theirs.org
      if (org === self) throw new CardSelfError('This is this organisation\'s own card: paste the card of another organisation')
      const existing = directory.contact(org)
      if (existing?.status === 'contact') throw new ContactExistsError(`${existing.name} is already a contact`)
      const fields = { org, name: theirs.name, addresses: theirs.addresses, card: theirs }
      if (directory.introduction(org, now()) != null) {
        // it introduced itself here already: adding its card accepts that introduction
        directory.putContact({ ...fields, status: 'contact', since: now(), pending: 'accept' })
        directory.removeIntroduction(org)
        changed(org, 'accepted')
      } else {
        directory.putContact({ ...fields, status: 'awaiting', since: existing?.since ?? now(), pending: 'introduce', secret: u8ToString(secret, 'base64url') })
        changed(org, 'added')
      }
      await attempt(org, options.signal)
      return directory.contact(org) as ContactEntry
    },
    async accept (org, options = {}) {
      const intro = directory.introduction(org, now())
      if (intro == null) {
        if (directory.contact(org)?.status === 'contact') throw new ContactExistsError(`${directory.contact(org)?.name ?? org} is already a contact`)
        throw new NotFoundError(`No introduction from ${org} waits here`)
      }
      directory.putContact({ org, name: intro.name, addresses: intro.addresses, card: intro.card, status: 'contact', since: now(), pending: 'accept' })
      directory.removeIntroduction(org)
      changed(org, 'accepted')
      await attempt(org, options.signal)
      return directory.contact(org) as ContactEntry
    },
    remove (org) {
      const known = directory.contact(org) != null || directory.introduction(org, now()) != null
      directory.removeContact(org)
      directory.removeIntroduction(org)
      retries.done(org)
      if (known) changed(org, 'removed')
      return known
    },
    async handle (value, connection) {
      const verified = await verifyRequest(value, self, now())
      if (verified.card.org === self) throw new CardSelfError('An introduction from this organisation itself')
      if (verified.type === 'accept' && connection.remotePeer.toString() !== verified.card.org) {
        throw new IntroductionRefusedError('An acceptance comes from the accepting organisation\'s own node')
      }
      return verified.type === 'introduce' ? await onIntroduce(verified.card) : onAccept(verified.card)
    },
    start (node) {
      libp2p = node
      node.addEventListener('peer:connect', onConnect)
      for (const entry of directory.contacts()) if (entry.pending != null) void attempt(entry.org)
    },
    stop () {
      libp2p?.removeEventListener('peer:connect', onConnect)
      retries.stop()
    }
  }
}

function strip (address: string, org: string): string {
  const suffix = `/p2p/${org}`
  return address.endsWith(suffix) ? address.slice(0, -suffix.length) : address
}

function same (a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}
