import { describe, it, expect, beforeAll } from 'vitest'
import { MIN_PREVERIFY, preverify, rememberedCount, verifierUp, verifyBy } from '../src/index.ts'
import { takePreverified } from '../src/preverify.ts'
import { testOrg } from './fixtures.ts'
import type { TestOrg } from './fixtures.ts'

const message = (i: number): Uint8Array => new TextEncoder().encode(`commonplace-test\n${i} Sepsis screening in the waiting room`)

describe('signatures checked ahead on the worker', () => {
  let org: TestOrg
  let other: TestOrg

  beforeAll(async () => {
    org = await testOrg()
    other = await testOrg()
    await verifierUp()
  })

  const signed = async (i: number, by = org): Promise<{ signer: typeof org.id, bytes: Uint8Array, sig: Uint8Array }> =>
    ({ signer: by.id, bytes: message(i), sig: await by.key.sign(message(i)) })

  it('remembers each signature that verified, for one check of exactly those bytes by that signer', async () => {
    const items = await Promise.all([1, 2, 3, 4].map(async i => await signed(i)))
    const done = preverify(items)
    expect(done).toBeInstanceOf(Promise)
    await done
    expect(rememberedCount()).toBe(4)
    // the first check is answered from memory, and the memory forgets it: the next is verified again
    for (const { signer, bytes, sig } of items) expect(verifyBy(signer, bytes, sig)).toBe(true)
    expect(rememberedCount()).toBe(0)
    for (const { signer, bytes, sig } of items) expect(verifyBy(signer, bytes, sig)).toBe(true)
  })

  it('remembers nothing of a forged signature, and a remembered one does not vouch for other bytes or another signer', async () => {
    const good = await Promise.all([5, 6, 7].map(async i => await signed(i)))
    const forgedSig = new Uint8Array(good[0].sig)
    forgedSig[10] ^= 0xff
    const forged = { signer: org.id, bytes: message(8), sig: forgedSig }
    await preverify([...good, forged])
    expect(rememberedCount()).toBe(3)
    expect(verifyBy(forged.signer, forged.bytes, forged.sig)).toBe(false)
    // the same signature over other bytes, or claimed by another organisation
    expect(verifyBy(org.id, message(99), good[1].sig)).toBe(false)
    expect(verifyBy(other.id, good[2].bytes, good[2].sig)).toBe(false)
    // the genuine ones still verify (from memory or, once the memory gave them up, again)
    for (const { signer, bytes, sig } of good) expect(verifyBy(signer, bytes, sig)).toBe(true)
  })

  it('answers for a prefixed message given as its prefix and its body, and for nothing else', async () => {
    const prefix = new TextEncoder().encode('commonplace-test/1\n')
    const bodies = [1, 2, 3, 4].map(i => message(200 + i))
    const items = await Promise.all(bodies.map(async body => {
      const bytes = new Uint8Array([...prefix, ...body])
      return { signer: org.id, bytes, sig: await org.key.sign(bytes) }
    }))
    await preverify(items)
    expect(takePreverified(org.id, bodies[0], items[0].sig, prefix)).toBe(true)
    expect(takePreverified(org.id, bodies[1], items[1].sig, new TextEncoder().encode('commonplace-other/1\n'))).toBe(false)
    expect(takePreverified(org.id, bodies[2], items[2].sig)).toBe(false)
    expect(takePreverified(org.id, items[3].bytes, items[3].sig)).toBe(true)
    expect(rememberedCount()).toBe(0)
  })

  it('leaves a few signatures to the caller: a live edit does not wait for a round trip', async () => {
    const few = await Promise.all(Array.from({ length: MIN_PREVERIFY - 1 }, async (_, i) => await signed(100 + i)))
    expect(preverify(few)).toBeUndefined()
    for (const { signer, bytes, sig } of few) expect(verifyBy(signer, bytes, sig)).toBe(true)
  })
})
