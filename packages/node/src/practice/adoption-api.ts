/**
 * Adoption states (docs/practice.md): signed by this organisation, kept in its private log, and
 * shared per network, remembered per practice, with networks the practice is shared with.
 */
import { ForbiddenError, InvalidInputError, NotSharedError, TooManyError, isNetworkId, networksOf, parseDocId } from '@commonplace/core'
import type { DocId, NetworkId } from '@commonplace/core'
import { adoptionKey, familyRoot, putLogEntries, signAdoption, validateAdoptionChange } from '@commonplace/practice'
import type { AdoptionStatement } from '@commonplace/practice'
import type { AdoptionChangeView, AdoptionView, PracticeApi, SetAdoptionRequest } from '@commonplace/api'
import type { PracticeContext } from './context.ts'
import { iso, requireRecord } from './context.ts'
import type { OwnLogs } from './logs.ts'
import { SHARING_PREFIX } from './logs.ts'
import type { PracticeIndex } from './practice-index.ts'

export type AdoptionApi = Pick<PracticeApi, 'setAdoption' | 'adoption'>

/** Most networks named in one request. */
const MAX_NETWORKS = 32

export function createAdoptionApi (ctx: PracticeContext, index: PracticeIndex, logs: OwnLogs): AdoptionApi {
  const { store } = ctx
  const self = ctx.identity.orgId

  const view = async (practice: DocId): Promise<AdoptionView> => {
    const history = (await logs.history(practice)).map(changeView)
    return {
      practice,
      org: self,
      ...(history.length > 0 ? { current: history[history.length - 1] } : {}),
      history,
      networks: await logs.sharing(practice)
    }
  }

  /** Our variant in the practice's family: the one named, or the only one. */
  const variantFor = (practice: DocId, named: string | undefined): DocId => {
    const lineage = index.lineage()
    const family = familyRoot(lineage, practice)
    const ours = [...lineage.docs.values()].filter(d => d.owner === self && d.derivedFrom !== undefined && familyRoot(lineage, d.id) === family)
    if (named !== undefined) {
      const doc = parseDocId(named)
      if (!ours.some(d => d.id === doc)) throw new InvalidInputError(`${doc} is not a variant of this organisation in the practice's family`)
      return doc
    }
    if (ours.length !== 1) throw new InvalidInputError(ours.length === 0 ? 'This organisation has no variant of this practice: adapt it first' : 'Several variants of ours: name one with "variant"')
    return ours[0].id as DocId
  }

  const networksFor = (practice: DocId, names: unknown): NetworkId[] => {
    if (names === undefined) return []
    if (!Array.isArray(names) || names.length > MAX_NETWORKS || !names.every(n => typeof n === 'string')) {
      throw new InvalidInputError(`"networks" must be a list of at most ${MAX_NETWORKS} network ids or names`)
    }
    const acl = store.access(practice)
    const shared = acl == null ? [] : networksOf(acl)
    return names.map(name => {
      const network = ctx.resolve(name as string)
      if (!isNetworkId(network)) throw new InvalidInputError(`"${String(name)}" is an organisation, not a network`)
      if (ctx.gate.membership.roleOf(network, self) == null) throw new ForbiddenError(`This organisation is not a member of ${network}`)
      if (!shared.includes(network)) throw new NotSharedError(`The practice is not shared with ${network}: its members could not read it. Share it with the network first`)
      return network
    })
  }

  return {
    async setAdoption (request: SetAdoptionRequest, options) {
      if (request == null || typeof request !== 'object') throw new InvalidInputError('Expected an adoption state')
      const practice = requireRecord(ctx, request.doc)
      const variant = request.state === 'adapted' ? variantFor(practice, request.variant) : request.variant
      const change = validateAdoptionChange({ state: request.state, note: request.note, reason: request.reason, ...(variant !== undefined ? { variant } : {}) })
      const networks = networksFor(practice, request.networks)
      // made (when first needed) by this person's action, before reading it makes it as the organisation's
      const log = await logs.privateLog(options?.author)
      const history = await logs.history(practice)
      if (history.length >= 10_000) throw new TooManyError('This practice has too many recorded changes')
      const at = changeTime(request.at, history[history.length - 1]?.at ?? 0, ctx.now())
      const signed: AdoptionStatement = await signAdoption(ctx.identity.key, {
        type: 'adoption', org: self, practice, seq: (history[history.length - 1]?.seq ?? 0) + 1, state: change.state, at,
        ...(change.note !== undefined && change.note !== '' ? { note: change.note } : {}),
        ...(change.variant !== undefined ? { variant: change.variant } : {}),
        ...(change.reason !== undefined && change.reason !== '' ? { reason: change.reason } : {})
      })
      const sharing = [...new Set([...await logs.sharing(practice), ...networks])]
      store.edit(log, doc => { putLogEntries(doc, [[adoptionKey(signed), signed], [SHARING_PREFIX + practice, sharing]]) }, options?.author)
      await logs.publish(practice, options?.author)
      return await view(practice)
    },

    async adoption (id) {
      const practice = requireRecord(ctx, id)
      return await view(practice)
    }
  }
}

function changeView (s: AdoptionStatement): AdoptionChangeView {
  return {
    seq: s.seq,
    state: s.state,
    at: iso(s.at),
    ...(s.note !== undefined ? { note: s.note } : {}),
    ...(s.variant !== undefined ? { variant: s.variant as DocId } : {}),
    ...(s.reason !== undefined ? { reason: s.reason } : {})
  }
}

/**
 * When a change happened: `at` (ISO 8601) or now. A past date lets an organisation record a change
 * afterwards; it may not be in the future nor before the previous change, so every history stays
 * in time order. @throws InvalidInputError
 */
function changeTime (at: unknown, previous: number, now: number): number {
  if (at === undefined) return Math.max(now, previous)
  const ms = typeof at === 'string' && at.length <= 40 ? Date.parse(at) : NaN
  if (!Number.isFinite(ms)) throw new InvalidInputError('"at" must be a date and time in ISO 8601')
  if (ms > now) throw new InvalidInputError('"at" is in the future')
  if (ms < previous) throw new InvalidInputError(`"at" is before this practice's previous change (${new Date(previous).toISOString()})`)
  return ms
}
