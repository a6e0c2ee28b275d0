/**
 * The diffusion view of a network at this node (docs/practice.md): the pure `diffusionView` over
 * the roster, the verified logs granted to the network and the records held here.
 */
import { ForbiddenError, InvalidInputError, NotFoundError, parseNetworkId } from '@commonplace/core'
import type { DocId, OrgId } from '@commonplace/core'
import { DEFAULT_QUIET_WEEKS, diffusionCore, finishDiffusion } from '@commonplace/practice'
import type { DiffusionCore, LineageIndex } from '@commonplace/practice'
import type { DiffusionView, PracticeApi } from '../practice-api-types.ts'
import type { PracticeContext } from './context.ts'
import { iso } from './context.ts'
import type { PracticeIndex } from './practice-index.ts'
import { familyNodeView } from './views.ts'

export type DiffusionApi = Pick<PracticeApi, 'diffusion'>

/**
 * The core of a network's view, kept while its inputs stay the same: the same lineage index (the
 * index makes a new one when a record changes), the same members and names, the same logs at the
 * same change numbers. A request then only finishes it for its `now` (the curve's end, the quiet).
 */
interface Cached {
  lineage: LineageIndex
  key: string
  core: DiffusionCore
  matrix: DiffusionView['matrix']
}

export function createDiffusionApi (ctx: PracticeContext, index: PracticeIndex): DiffusionApi {
  const cache = new Map<string, Cached>()
  return {
    async diffusion (id, options = {}) {
      const network = parseNetworkId(id)
      const quietWeeks = options.quietWeeks ?? DEFAULT_QUIET_WEEKS
      if (!Number.isSafeInteger(quietWeeks) || quietWeeks < 0 || quietWeeks > 520) throw new InvalidInputError('"quietWeeks" must be a whole number of weeks from 0 to 520')
      const roster = ctx.registry.roster(network)
      if (roster == null) throw new NotFoundError(`No network ${network} here`)
      if (!roster.members.has(ctx.identity.orgId)) throw new ForbiddenError(`This organisation is not a member of ${roster.name}`)
      const members = [...roster.members.values()].map(m => ({ org: m.org as string, name: ctx.names?.org(m.org) ?? m.name, role: m.role }))
        .sort((a, b) => (a.org < b.org ? -1 : 1))
      const logs = (await index.logs(network)).filter(log => roster.members.has(log.owner))
      const lineage = index.lineage()
      const key = JSON.stringify([members, logs.map(log => [log.id, log.seq])])
      let held = cache.get(network)
      if (held === undefined || held.lineage !== lineage || held.key !== key) {
        const core = diffusionCore({ members, adoption: logs.flatMap(log => log.adoption), activity: logs.flatMap(log => log.activity), lineage })
        held = { lineage, key, core, matrix: matrixView(core) }
        cache.set(network, held)
      }
      const now = ctx.now()
      return toView({ families: familiesView(ctx, held.core), network, name: roster.name, members, view: finishDiffusion(held.core, now, quietWeeks), held, now, quietWeeks })
    }
  }
}

function familiesView (ctx: PracticeContext, core: DiffusionCore): DiffusionView['families'] {
  return core.families.map(f => ({ id: f.id as DocId, title: f.title, owner: f.owner as OrgId, tree: familyNodeView(ctx, f.tree) }))
}

function matrixView (core: DiffusionCore): DiffusionView['matrix'] {
  return core.matrix.map(c => ({
    org: c.org as OrgId,
    family: c.family as DocId,
    state: c.state,
    at: iso(c.at),
    practice: c.practice as DocId,
    ...(c.note !== undefined ? { note: c.note } : {}),
    ...(c.variant !== undefined ? { variant: c.variant as DocId } : {}),
    ...(c.reason !== undefined ? { reason: c.reason } : {})
  }))
}

function toView (input: {
  /** Made per request: the trees carry organisation names, which may change without any log changing. */
  families: DiffusionView['families']
  network: DiffusionView['network']
  name: string
  members: Array<{ org: string, name: string, role: 'facilitator' | 'member' }>
  view: ReturnType<typeof finishDiffusion>
  held: Cached
  now: number
  quietWeeks: number
}): DiffusionView {
  const { view } = input
  return {
    network: input.network,
    name: input.name,
    at: iso(input.now),
    orgs: input.members.map(m => ({ org: m.org as OrgId, name: m.name, role: m.role })),
    families: input.families,
    matrix: input.held.matrix,
    curve: view.curve,
    activity: view.activity.map(a => ({ ...a, org: a.org as OrgId })),
    quietWeeks: input.quietWeeks,
    quiet: view.quiet.map(q => ({ org: q.org as OrgId, name: q.name, ...(q.lastActive !== undefined ? { lastActive: iso(q.lastActive) } : {}) }))
  }
}
