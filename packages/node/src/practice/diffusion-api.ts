/**
 * The diffusion view of a network at this node (docs/practice.md): the pure `diffusionView` over
 * the roster, the verified logs granted to the network and the records held here.
 */
import { ForbiddenError, InvalidInputError, NotFoundError, parseNetworkId } from '@commonplace/core'
import type { DocId, OrgId } from '@commonplace/core'
import { DEFAULT_QUIET_WEEKS, diffusionView } from '@commonplace/practice'
import type { DiffusionView, PracticeApi } from '../practice-api-types.ts'
import type { PracticeContext } from './context.ts'
import { iso } from './context.ts'
import type { PracticeIndex } from './practice-index.ts'
import { familyNodeView } from './views.ts'

export type DiffusionApi = Pick<PracticeApi, 'diffusion'>

export function createDiffusionApi (ctx: PracticeContext, index: PracticeIndex): DiffusionApi {
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
      const now = ctx.now()
      const view = diffusionView({
        members,
        adoption: logs.flatMap(log => log.adoption),
        activity: logs.flatMap(log => log.activity),
        lineage: index.lineage(),
        now,
        quietWeeks
      })
      return toView(ctx, { network, name: roster.name, members, view, now, quietWeeks })
    }
  }
}

function toView (ctx: PracticeContext, input: {
  network: DiffusionView['network']
  name: string
  members: Array<{ org: string, name: string, role: 'facilitator' | 'member' }>
  view: ReturnType<typeof diffusionView>
  now: number
  quietWeeks: number
}): DiffusionView {
  const { view } = input
  return {
    network: input.network,
    name: input.name,
    at: iso(input.now),
    orgs: input.members.map(m => ({ org: m.org as OrgId, name: m.name, role: m.role })),
    families: view.families.map(f => ({ id: f.id as DocId, title: f.title, owner: f.owner as OrgId, tree: familyNodeView(ctx, f.tree) })),
    matrix: view.matrix.map(c => ({
      org: c.org as OrgId,
      family: c.family as DocId,
      state: c.state,
      at: iso(c.at),
      practice: c.practice as DocId,
      ...(c.note !== undefined ? { note: c.note } : {}),
      ...(c.variant !== undefined ? { variant: c.variant as DocId } : {}),
      ...(c.reason !== undefined ? { reason: c.reason } : {})
    })),
    curve: view.curve,
    activity: view.activity.map(a => ({ ...a, org: a.org as OrgId })),
    quietWeeks: input.quietWeeks,
    quiet: view.quiet.map(q => ({ org: q.org as OrgId, name: q.name, ...(q.lastActive !== undefined ? { lastActive: iso(q.lastActive) } : {}) }))
  }
}
