/**
 * The diffusion view of a network at this node (docs/practice.md): the pure diffusion rules over
 * the roster, the verified logs granted to the network and the records held here, kept per
 * network and per member (`diffusionCache`), and served whole or a page of families at a time.
 */
import { ForbiddenError, InvalidInputError, NotFoundError, parseNetworkId } from '@commonplace/core'
import type { DocId, NetworkId, OrgId } from '@commonplace/core'
import { DEFAULT_QUIET_WEEKS, byFamilyOf, diffusionCache, familiesBySpread, familyPage, finishDiffusion, lastMonths } from '@commonplace/practice'
import type { ActivityStatement, AdoptionStatement, Cell, DiffusionCache, DiffusionCore, FamilyOrder, LineageIndex, OrgStatements } from '@commonplace/practice'
import type { DiffusionOptions, DiffusionView, PracticeApi } from '@commonplace/api'
import type { PracticeContext } from './context.ts'
import { iso } from './context.ts'
import type { PracticeIndex, VerifiedLog } from './practice-index.ts'
import { familyNodeView } from './views.ts'

export type DiffusionApi = Pick<PracticeApi, 'diffusion'>

/** Most families in one page of the view, and the longest text a page may be found by. */
export const MAX_DIFFUSION_PAGE = 500
export const MAX_FIND_CHARS = 200

type Member = DiffusionCore['members'][number]

/**
 * A network's view as last computed: its cache (each member's part, kept while that member's logs
 * are at the same change numbers and its practices' families the same), and the core with what a
 * request reads of it, kept while nothing at all changed.
 */
interface Held {
  cache: DiffusionCache
  lineage?: LineageIndex
  key?: string
  core?: DiffusionCore
  /** Families in page order, with their cells, made once per core. */
  order?: FamilyOrder<DiffusionCore['families'][number], Cell>
  /** The whole matrix as JSON values, made once per core. */
  matrix?: DiffusionView['matrix']
}

export function createDiffusionApi (ctx: PracticeContext, index: PracticeIndex): DiffusionApi {
  const held = new Map<NetworkId, Held>()
  return {
    async diffusion (id, options = {}) {
      const network = parseNetworkId(id)
      const quietWeeks = checkOptions(options)
      const roster = ctx.registry.roster(network)
      if (roster == null) throw new NotFoundError(`No network ${network} here`)
      if (!roster.members.has(ctx.identity.orgId)) throw new ForbiddenError(`This organisation is not a member of ${roster.name}`)
      const members: Member[] = [...roster.members.values()].map(m => ({ org: m.org as string, name: ctx.names?.org(m.org) ?? m.name, role: m.role }))
        .sort((a, b) => (a.org < b.org ? -1 : 1))
      const logs = (await index.logs(network)).filter(log => roster.members.has(log.owner))
      const lineage = index.lineage()
      const orgs = statementsOf(logs)
      const key = JSON.stringify([members, orgs.map(o => [o.org, o.key])])
      let state = held.get(network)
      if (state === undefined) { state = { cache: diffusionCache() }; held.set(network, state) }
      if (state.core === undefined || state.lineage !== lineage || state.key !== key) {
        state.core = state.cache.core(members, orgs, lineage)
        Object.assign(state, { lineage, key, order: undefined, matrix: undefined })
      }
      return viewOf(ctx, { network, name: roster.name, members, state: state as Held & { core: DiffusionCore }, options, quietWeeks })
    }
  }
}

/** The view at this moment from the kept core: whole, or the page of families `options` asks for. */
function viewOf (ctx: PracticeContext, input: { network: NetworkId, name: string, members: Member[], state: Held & { core: DiffusionCore }, options: DiffusionOptions, quietWeeks: number }): DiffusionView {
  const { state, options, members } = input
  const { core } = state
  const now = ctx.now()
  const finished = finishDiffusion(core, now, input.quietWeeks)
  const names = new Map(members.map(m => [m.org, m.name]))
  const page = options.limit !== undefined ? familyPage(state.order ??= familiesBySpread(core.families, core.matrix), { ...options, limit: options.limit }) : undefined
  const activity = options.months !== undefined ? lastMonths(finished.activity, options.months) : finished.activity
  const view: DiffusionView = {
    network: input.network,
    name: input.name,
    at: iso(now),
    orgs: members.map(m => ({ org: m.org as OrgId, name: m.name, role: m.role })),
    families: (page?.families ?? core.families).map(f => ({
      id: f.id as DocId, title: f.title, owner: f.owner as OrgId, ...nameField('ownerName', names, ctx, f.owner), tree: familyNodeView(ctx, f.tree)
    })),
    matrix: page !== undefined ? page.cells.map(cellView) : (state.matrix ??= core.matrix.map(cellView)),
    curve: page !== undefined ? finished.curve.map(p => ({ ...p, byFamily: byFamilyOf(p.byFamily, page.families) })) : finished.curve,
    activity: activity.map(a => ({ ...a, org: a.org as OrgId, ...nameField('orgName', names, ctx, a.org) })),
    quietWeeks: input.quietWeeks,
    quiet: finished.quiet.map(q => ({ org: q.org as OrgId, name: q.name, ...(q.lastActive !== undefined ? { lastActive: iso(q.lastActive) } : {}) }))
  }
  if (page !== undefined) view.page = { offset: options.offset ?? 0, limit: options.limit as number, total: page.total, families: core.families.length, ...(options.find !== undefined ? { find: options.find } : {}) }
  return view
}

/** The quiet period, once every option is checked (ERR_INVALID_INPUT). */
function checkOptions (options: DiffusionOptions): number {
  const quietWeeks = options.quietWeeks ?? DEFAULT_QUIET_WEEKS
  if (!Number.isSafeInteger(quietWeeks) || quietWeeks < 0 || quietWeeks > 520) throw new InvalidInputError('"quietWeeks" must be a whole number of weeks from 0 to 520')
  const { offset, limit, find } = options
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_DIFFUSION_PAGE)) throw new InvalidInputError(`"limit" must be a whole number of families from 1 to ${MAX_DIFFUSION_PAGE}`)
  if (offset !== undefined && (!Number.isSafeInteger(offset) || offset < 0 || offset > 1_000_000)) throw new InvalidInputError('"offset" must be a whole number from 0 to 1,000,000')
  if (find !== undefined && (typeof find !== 'string' || find.length > MAX_FIND_CHARS)) throw new InvalidInputError(`"find" must be a text of at most ${MAX_FIND_CHARS} characters`)
  if (options.months !== undefined && (!Number.isSafeInteger(options.months) || options.months < 1 || options.months > 600)) throw new InvalidInputError('"months" must be a whole number of months from 1 to 600')
  if ((offset !== undefined || find !== undefined) && limit === undefined) throw new InvalidInputError('"offset" and "find" need "limit"')
  return quietWeeks
}

/** Each member's statements from its logs, keyed by the logs' ids and change numbers. */
function statementsOf (logs: VerifiedLog[]): OrgStatements[] {
  const byOwner = new Map<string, VerifiedLog[]>()
  for (const log of logs) {
    const list = byOwner.get(log.owner)
    if (list === undefined) byOwner.set(log.owner, [log])
    else list.push(log)
  }
  return [...byOwner].map(([org, owned]) => ({
    org,
    key: owned.map(log => `${log.id}:${log.seq}`).join(' '),
    adoption: joined<AdoptionStatement>(owned.map(log => log.adoption)),
    activity: joined<ActivityStatement>(owned.map(log => log.activity))
  }))
}

/** Lists read one after the other without copying them (a member's part is often not computed at all). */
function joined<T> (lists: T[][]): Iterable<T> {
  return { * [Symbol.iterator] () { for (const list of lists) yield * list } }
}

/** `{ [field]: name }` of an organisation: the roster's, else the one this node knows, else nothing. */
function nameField<K extends string> (field: K, names: Map<string, string>, ctx: PracticeContext, org: string): Partial<Record<K, string>> {
  const name = names.get(org) ?? ctx.names?.org(org as OrgId)
  return name !== undefined ? { [field]: name } as Record<K, string> : {}
}

/** A cell's organisation is named once, in `orgs`: a whole matrix has tens of thousands of cells. */
function cellView (c: Cell): DiffusionView['matrix'][number] {
  return {
    org: c.org as OrgId,
    family: c.family as DocId,
    state: c.state,
    at: iso(c.at),
    practice: c.practice as DocId,
    ...(c.note !== undefined ? { note: c.note } : {}),
    ...(c.variant !== undefined ? { variant: c.variant as DocId } : {}),
    ...(c.reason !== undefined ? { reason: c.reason } : {})
  }
}
