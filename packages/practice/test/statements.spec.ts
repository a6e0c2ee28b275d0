import { describe, it, expect } from 'vitest'
import { adoptionHistories, adoptionKey, signActivity, validateAdoptionChange, verifyLogEntry } from '../src/adoption.ts'
import { signOutcome, signProposal, verifyOutcome, verifyProposal } from '../src/proposal.ts'
import { adoption, docOf, networkOf, org } from './fixtures.ts'

describe('adoption statements', () => {
  it('accepts a state signed by its organisation under its own key', async () => {
    const hill = await org()
    const net = await networkOf(hill)
    const practice = await docOf(hill)
    const s = await adoption(hill, net, practice, 1, 'trialling', 1000)
    await expect(verifyLogEntry(adoptionKey(s), s, { org: hill.id, network: net })).resolves.toMatchObject({ state: 'trialling' })
  })

  it('refuses a state signed by anyone but its organisation', async () => {
    const hill = await org()
    const mallory = await org()
    const net = await networkOf(hill)
    const practice = await docOf(hill)
    const forged = { ...(await adoption(mallory, net, practice, 1, 'discontinued', 1000, { reason: 'x' })), org: hill.id }
    await expect(verifyLogEntry(adoptionKey(forged), forged, { org: hill.id, network: net })).rejects.toMatchObject({ code: 'ERR_INVALID_STATEMENT' })
  })

  it('refuses a state moved to another key, another log or another network', async () => {
    const hill = await org()
    const canal = await org()
    const net = await networkOf(hill)
    const other = await networkOf(hill)
    const s = await adoption(hill, net, await docOf(hill), 1, 'adopted', 1000)
    await expect(verifyLogEntry('x/1', s, { org: hill.id, network: net })).rejects.toMatchObject({ code: 'ERR_INVALID_STATEMENT' })
    await expect(verifyLogEntry(adoptionKey(s), s, { org: canal.id, network: net })).rejects.toMatchObject({ code: 'ERR_INVALID_STATEMENT' })
    await expect(verifyLogEntry(adoptionKey(s), s, { org: hill.id, network: other })).rejects.toMatchObject({ code: 'ERR_INVALID_STATEMENT' })
  })

  it('refuses an unknown state, an oversized note and a changed field', async () => {
    const hill = await org()
    const net = await networkOf(hill)
    const s = await adoption(hill, net, await docOf(hill), 1, 'adopted', 1000, { note: 'ok' })
    for (const bad of [{ ...s, state: 'sort-of' }, { ...s, note: 'x'.repeat(4001) }, { ...s, at: 2000 }]) {
      await expect(verifyLogEntry(adoptionKey(s), bad, { org: hill.id, network: net })).rejects.toMatchObject({ code: 'ERR_INVALID_STATEMENT' })
    }
  })

  it('checks what a person asks for', () => {
    expect(() => validateAdoptionChange({ state: 'sort-of' })).toThrow(expect.objectContaining({ code: 'ERR_ADOPTION_STATE_UNKNOWN' }))
    expect(() => validateAdoptionChange({ state: 'aware', note: 'x'.repeat(4001) })).toThrow(expect.objectContaining({ code: 'ERR_TEXT_TOO_LONG' }))
    expect(() => validateAdoptionChange({ state: 'adapted' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_INPUT' }))
    expect(() => validateAdoptionChange({ state: 'discontinued' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_INPUT' }))
    expect(validateAdoptionChange({ state: 'trialling', note: 'from May' }).state).toBe('trialling')
  })

  it('keeps one statement per seq, the same on every node, and the latest 64', async () => {
    const hill = await org()
    const net = await networkOf(hill)
    const practice = await docOf(hill)
    const a = await adoption(hill, net, practice, 1, 'aware', 1000)
    const b = await adoption(hill, net, practice, 1, 'trialling', 2000)
    const many = await Promise.all(Array.from({ length: 70 }, async (_, i) => await adoption(hill, net, practice, i + 2, 'adopted', 3000 + i)))
    const one = adoptionHistories([a, b, ...many]).get(`${hill.id} ${practice}`) ?? []
    const two = adoptionHistories([...many].reverse().concat([b, a])).get(`${hill.id} ${practice}`) ?? []
    expect(one).toEqual(two)
    expect(one.length).toBe(64)
    expect(one[0].seq).toBe(8)
  })

  it('verifies activity statements like states', async () => {
    const hill = await org()
    const net = await networkOf(hill)
    const s = await signActivity(hill.key, { type: 'activity', org: hill.id, network: net, month: '2026-11', seq: 3, edits: 4, adaptations: 1, proposals: 1, lastAt: 5 })
    await expect(verifyLogEntry('activity/2026-11', s, { org: hill.id, network: net })).resolves.toMatchObject({ edits: 4 })
    await expect(verifyLogEntry('activity/2026-11', { ...s, edits: 400 }, { org: hill.id, network: net })).rejects.toMatchObject({ code: 'ERR_INVALID_STATEMENT' })
  })
})

describe('proposal statements', () => {
  it('verifies a proposal by the owner of its document and an outcome by the source\'s owner only', async () => {
    const river = await org()
    const hill = await org()
    const carrier = await docOf(hill)
    const proposal = await signProposal(hill.key, {
      type: 'proposal', id: carrier, source: await docOf(river), sourceOwner: river.id, sourceVersion: 'v1', variant: await docOf(hill),
      proposer: hill.id, message: 'Two duty doctors on Mondays', sections: [{ id: 's1', heading: 'Practice', base: 'one', proposed: 'two' }], at: 1
    })
    const verified = await verifyProposal(proposal, carrier, hill.id)
    await expect(verifyProposal(proposal, await docOf(hill), hill.id)).rejects.toMatchObject({ code: 'ERR_INVALID_STATEMENT' })
    await expect(verifyProposal(proposal, carrier, river.id)).rejects.toMatchObject({ code: 'ERR_INVALID_STATEMENT' })
    await expect(verifyProposal({ ...proposal, message: 'changed' }, carrier, hill.id)).rejects.toMatchObject({ code: 'ERR_INVALID_STATEMENT' })
    const outcome = await signOutcome(river.key, { type: 'outcome', proposal: carrier, source: proposal.source, decision: 'accepted', by: river.id, at: 2 })
    await expect(verifyOutcome(outcome, verified)).resolves.toMatchObject({ decision: 'accepted' })
    const byHill = await signOutcome(hill.key, { type: 'outcome', proposal: carrier, source: proposal.source, decision: 'accepted', by: hill.id, at: 2 })
    await expect(verifyOutcome(byHill, verified)).rejects.toMatchObject({ code: 'ERR_INVALID_STATEMENT' })
  })

  it('refuses a proposal over the bounds', async () => {
    const hill = await org()
    const carrier = await docOf(hill)
    const sections = Array.from({ length: 65 }, (_, i) => ({ id: `s${i}`, heading: 'H', base: '', proposed: 'x' }))
    const proposal = await signProposal(hill.key, {
      type: 'proposal', id: carrier, source: await docOf(hill), sourceOwner: hill.id, sourceVersion: 'v', variant: await docOf(hill), proposer: hill.id, message: 'm', sections, at: 1
    })
    await expect(verifyProposal(proposal, carrier, hill.id)).rejects.toMatchObject({ code: 'ERR_INVALID_STATEMENT' })
  })
})
