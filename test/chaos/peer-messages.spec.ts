/**
 * Generated input against the JSON decoders a peer reaches: network and introduce frames read
 * off a real libp2p stream pair, the join handshake (`acceptJoin` on a real registry), introduce
 * requests (`verifyRequest`), invitation codes and card codes: random input and mutations of
 * valid encodings. Every case is a valid result or a typed error, and a refused join adds
 * nothing to the registry.
 */
import { describe, it, expect, beforeAll } from 'vitest'
import fc from 'fast-check'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { streamPair } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import * as varint from 'uint8-varint'
import { deriveNetworkId, randomNonce, signStatement } from '@commonplace/core'
import type { DocId, GenesisStatement, JoinStatement, OrgId } from '@commonplace/core'
import { memoryStore } from '@commonplace/storage'
import { acceptJoin, createInvitation, createNetworkRegistry, decodeCode, readFrame } from '@commonplace/network'
import type { NetworkRegistry } from '@commonplace/network'
import {
  createCard, decodeCardCode, encodeCardCode, readMessage, signDirectoryStatement, verifyRequest
} from '@commonplace/directory'
import type { IntroduceRequest, IntroductionStatement } from '@commonplace/directory'
import { decodeAwarenessMessage as decodeAwareness, encodeAwarenessMessage as encodeAwareness } from '@commonplace/node'
import { check, jsonValue, mutate, mutateText, mutations, runs, typed } from './generated.ts'

const NOW = 1_800_000_000_000
const utf8 = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value))

interface Org { key: Awaited<ReturnType<typeof generateKeyPair>>, id: OrgId }
async function org (): Promise<Org> {
  const key = await generateKeyPair('Ed25519')
  return { key, id: peerIdFromPrivateKey(key).toString() as OrgId }
}

/** Fixed addresses: the mock's default derives a port from a counter that passes 65535 in a long run. */
const PAIR_ADDRESSES = {
  outboundConnection: { remoteAddr: multiaddr('/ip4/127.0.0.1/tcp/1') },
  inboundConnection: { remoteAddr: multiaddr('/ip4/127.0.0.1/tcp/2') }
}

/** Send `bytes` raw (already framed or not) over a stream pair and read one frame with `read`. */
async function overStream (bytes: Uint8Array, read: typeof readFrame): Promise<unknown> {
  const [outbound, inbound] = await streamPair(PAIR_ADDRESSES)
  outbound.send(bytes)
  await outbound.close()
  try {
    return await read(inbound, { signal: AbortSignal.timeout(2_000) })
  } finally {
    inbound.abort(new Error('case over'))
  }
}

/** A length-prefixed frame around `body`. */
function framed (body: Uint8Array): Uint8Array {
  const prefix = varint.encode(body.length)
  const out = new Uint8Array(prefix.length + body.length)
  out.set(prefix)
  out.set(body, prefix.length)
  return out
}

describe('generated network and introduce frames over a stream', () => {
  for (const [name, read] of [['network', readFrame], ['introduce', readMessage]] as const) {
    it(`${name} frames: random bytes, JSON and mutated frames are a value or a typed error`, async () => {
      const input = fc.oneof(
        fc.uint8Array({ maxLength: 256 }),
        jsonValue.map(v => framed(utf8(v))),
        fc.tuple(jsonValue, mutations).map(([v, edits]) => mutate(framed(utf8(v)), edits))
      )
      const n = await check(fc.asyncProperty(input, async bytes => { await typed(async () => await overStream(bytes, read)) }), runs(100))
      expect(n).toBe(runs(100))
    })
  }
})

describe('generated join handshakes', () => {
  let registry: NetworkRegistry
  let self: Org
  let joinFrame: { statement: JoinStatement }
  let joinPeer: string

  beforeAll(async () => {
    self = await org()
    const nonce = randomNonce()
    const genesis = await signStatement<GenesisStatement>(self.key, {
      type: 'genesis', network: await deriveNetworkId(self.id, nonce), name: 'Northside PCN', visibility: 'invite', creator: self.id, nonce, createdAt: NOW - 1000
    })
    registry = createNetworkRegistry({ storage: memoryStore(), now: () => NOW })
    registry.add([genesis], { allowGenesis: true })
    const { code } = await createInvitation(self.key, { genesis, issuer: self.id, role: 'member', expiresAt: NOW + 3_600_000, uses: 1, addresses: [], now: NOW })
    const invitation = (await decodeCode(code)).invitation
    joinPeer = invitation.joinKey
    const member = await org()
    joinFrame = { statement: await signStatement<JoinStatement>(member.key, { type: 'join', network: genesis.network, member: member.id, name: 'Riverside Surgery', invitation, joinedAt: NOW }) }
  })

  /** A join that fails adds nothing: the network's statements are as before. */
  async function joinChecked (frame: unknown): Promise<void> {
    const network = joinFrame.statement.network
    const before = registry.statements(network).length
    const outcome = await typed(async () => await acceptJoin(registry, self.id, frame, joinPeer, NOW, new Map()))
    if (!outcome.ok) expect(registry.statements(network)).toHaveLength(before)
  }

  it('random JSON is refused with a typed error', async () => {
    const n = await check(fc.asyncProperty(jsonValue, joinChecked), runs(150))
    expect(n).toBe(runs(150))
  })

  it('mutated join frames are accepted or refused with a typed error, adding nothing when refused', async () => {
    const n = await check(fc.asyncProperty(mutations, async edits => {
      let frame: unknown
      try {
        frame = JSON.parse(mutateText(JSON.stringify(joinFrame), edits))
      } catch {
        return // not JSON: readFrame refuses it before acceptJoin (covered above)
      }
      await joinChecked(frame)
    }), runs(200))
    expect(n).toBe(runs(200))
  })
})

describe('generated introduce requests, invitation codes and card codes', () => {
  let self: Org
  let request: IntroduceRequest
  let cardCode: string
  let invitationCode: string

  beforeAll(async () => {
    self = await org()
    const them = await org()
    const card = await createCard(them.key, { org: them.id, name: 'Harbour Dental', addresses: ['/ip4/127.0.0.1/tcp/4001'], secret: new Uint8Array(32).fill(3), now: NOW })
    cardCode = encodeCardCode(card)
    const introduction = await signDirectoryStatement<IntroductionStatement>(them.key, { type: 'introduction', from: them.id, to: self.id, at: NOW })
    request = { type: 'introduce', card: card.card, introduction }
    const nonce = randomNonce()
    const genesis = await signStatement<GenesisStatement>(self.key, {
      type: 'genesis', network: await deriveNetworkId(self.id, nonce), name: 'Northside PCN', visibility: 'invite', creator: self.id, nonce, createdAt: NOW
    })
    invitationCode = (await createInvitation(self.key, { genesis, issuer: self.id, role: 'member', expiresAt: NOW + 1000, uses: 1, addresses: [], now: NOW })).code
  })

  it('introduce requests: random JSON and mutated requests verify or are refused with a typed error', async () => {
    const input = fc.oneof(jsonValue, mutations.map(edits => {
      try { return JSON.parse(mutateText(JSON.stringify(request), edits)) as unknown } catch { return null }
    }))
    const n = await check(fc.asyncProperty(input, async value => { await typed(async () => await verifyRequest(value, self.id, NOW)) }), runs(200))
    expect(n).toBe(runs(200))
  })

  for (const [name, decode, code] of [
    ['invitation codes', async (t: string) => await decodeCode(t), () => invitationCode],
    ['card codes', async (t: string) => await decodeCardCode(t), () => cardCode]
  ] as const) {
    it(`${name}: random text and mutated codes decode or are refused with a typed error`, async () => {
      const input = fc.oneof(fc.string({ maxLength: 300 }), fc.constant(code()).chain(c => mutations.map(edits => mutateText(c, edits))))
      const n = await check(fc.asyncProperty(input, async text => { await typed(async () => await decode(text)) }), runs(150))
      expect(n).toBe(runs(150))
    })
  }
})

describe('generated awareness messages', () => {
  it('random bytes and mutated messages decode or are refused with a typed error', async () => {
    const valid = encodeAwareness('pogy44w7pdaq3ljf5suqo2tkw4' as DocId, new Uint8Array([1, 200, 1, 3, 7, 123, 125]))
    const input = fc.oneof(fc.uint8Array({ maxLength: 128 }), mutations.map(edits => mutate(valid, edits)))
    const n = await check(fc.asyncProperty(input, async bytes => { await typed(() => decodeAwareness(bytes)) }), runs(300))
    expect(n).toBe(runs(300))
  })
})
