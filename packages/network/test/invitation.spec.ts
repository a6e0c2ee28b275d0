import { describe, it, expect } from 'vitest'
import { createInvitation, decodeCode, encodeCode } from '../src/invitation.ts'
import { genesis, org } from './fixtures.ts'

describe('invitation codes', () => {
  it('round-trips and checks the signatures and the join secret', async () => {
    const f = await org()
    const g = await genesis(f)
    const { code, invitation } = await createInvitation(f.key, { genesis: g, issuer: f.id, role: 'member', expiresAt: 9_000, uses: 1, addresses: ['/ip4/127.0.0.1/tcp/1'], now: 1_000 })
    const decoded = await decodeCode(code)
    expect(decoded.invitation).toEqual(invitation)
    expect(decoded.addresses).toEqual(['/ip4/127.0.0.1/tcp/1'])
  })

  it('refuses an unreadable code, a forged signature, a swapped secret and a code mixing two networks', async () => {
    const f = await org()
    const g = await genesis(f)
    const other = await genesis(f)
    const make = async (gen = g): Promise<Awaited<ReturnType<typeof decodeCode>>> => await decodeCode((await createInvitation(f.key, { genesis: gen, issuer: f.id, role: 'member', expiresAt: 9_000, uses: 1, addresses: [], now: 1_000 })).code)
    await expect(decodeCode('hello')).rejects.toMatchObject({ code: 'ERR_INVITATION_INVALID' })
    const good = await make()
    await expect(decodeCode(encodeCode({ ...good, invitation: { ...good.invitation, uses: 100 } }))).rejects.toMatchObject({ code: 'ERR_INVITATION_INVALID' })
    await expect(decodeCode(encodeCode({ ...good, secret: new Uint8Array(32) }))).rejects.toMatchObject({ code: 'ERR_INVITATION_INVALID' })
    const elsewhere = await make(other)
    await expect(decodeCode(encodeCode({ ...good, invitation: elsewhere.invitation, secret: elsewhere.secret }))).rejects.toMatchObject({ code: 'ERR_INVITATION_WRONG_NETWORK' })
  })
})
