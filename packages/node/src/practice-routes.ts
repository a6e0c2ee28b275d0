/**
 * The practice layer's routes (docs/practice.md, Local API): each validates its body's shape and
 * bounds its lists before it calls the PracticeApi.
 */
import { InvalidInputError } from '@commonplace/core'
import type { DiffusionOptions, PracticeApi } from './practice-api-types.ts'
import type { Route } from './api-routes.ts'
import { object, optionalString, route, string, stringList } from './request-body.ts'

/** Most items of a list in a practice request (sections, reasons, networks). */
const MAX_LIST = 64

export function practiceRoutes (api: PracticeApi): Route[] {
  const doc = '/api/docs/([^/]+)'
  const proposal = '/api/proposals/([^/]+)'
  return [
    route('POST', `${doc}/adapt`, async ({ params, body }) => {
      const value = object(await body(), ['why', 'reasons', 'title'])
      return {
        status: 201,
        json: await api.adapt(params[0], {
          why: string(value.why, 'why'),
          ...(value.reasons !== undefined ? { reasons: stringList(value.reasons, 'reasons', MAX_LIST) as never } : {}),
          ...optionalString(value.title, 'title')
        })
      }
    }),
    route('GET', `${doc}/family`, async ({ params }) => ({ json: await api.family(params[0]) })),
    route('GET', `${doc}/adaptation`, async ({ params }) => ({ json: await api.adaptation(params[0]) })),
    route('PATCH', `${doc}/adaptation`, async ({ params, body }) => {
      const value = object(await body(), ['note', 'reasons'])
      return {
        json: await api.editAdaptation(params[0], {
          ...optionalString(value.note, 'note'),
          ...(value.reasons !== undefined ? { reasons: stringList(value.reasons, 'reasons', MAX_LIST) as never } : {})
        })
      }
    }),
    route('GET', `${doc}/upstream`, async ({ params }) => ({ json: await api.upstream(params[0]) })),
    route('POST', `${doc}/upstream/take`, async ({ params, body }) => ({ json: await api.takeUpstream(params[0], sectionsBody(await body())) })),
    route('POST', `${doc}/upstream/dismiss`, async ({ params, body }) => ({ json: await api.dismissUpstream(params[0], sectionsBody(await body())) })),
    route('POST', `${doc}/proposals`, async ({ params, body }) => {
      const value = object(await body(), ['message', 'sections'])
      return {
        status: 201,
        json: await api.propose(params[0], {
          message: string(value.message, 'message'),
          ...(value.sections !== undefined ? { sections: stringList(value.sections, 'sections', MAX_LIST) } : {})
        })
      }
    }),
    route('GET', `${doc}/proposals/preview`, async ({ params, query }) => {
      const sections = query.getAll('section')
      if (sections.length > MAX_LIST) throw new InvalidInputError(`At most ${MAX_LIST} "section" parameters`)
      return { json: await api.previewProposal(params[0], sections.length > 0 ? { sections } : {}) }
    }),
    route('GET', '/api/proposals', async ({ query }) => ({ json: await api.proposals(query.get('doc') ?? undefined) })),
    route('GET', proposal, async ({ params }) => ({ json: await api.proposal(params[0]) })),
    route('POST', `${proposal}/accept`, async ({ params, body }) => ({ json: await api.acceptProposal(params[0], replyBody(await body())) })),
    route('POST', `${proposal}/decline`, async ({ params, body }) => ({ json: await api.declineProposal(params[0], replyBody(await body())) })),
    route('POST', '/api/adoption', async ({ body }) => {
      const value = object(await body(), ['doc', 'state', 'note', 'variant', 'reason', 'networks', 'at'])
      return {
        json: await api.setAdoption({
          doc: string(value.doc, 'doc'),
          state: string(value.state, 'state') as never,
          ...optionalString(value.note, 'note'),
          ...optionalString(value.variant, 'variant'),
          ...optionalString(value.reason, 'reason'),
          ...optionalString(value.at, 'at'),
          ...(value.networks !== undefined ? { networks: stringList(value.networks, 'networks', MAX_LIST) } : {})
        })
      }
    }),
    route('GET', `${doc}/adoption`, async ({ params }) => ({ json: await api.adoption(params[0]) })),
    route('GET', '/api/networks/([^/]+)/diffusion', async ({ params, query }) => {
      const options: DiffusionOptions = {}
      for (const name of ['quietWeeks', 'limit', 'offset', 'months'] as const) {
        const value = query.get(name)
        if (value === null) continue
        if (!/^\d{1,7}$/.test(value)) throw new InvalidInputError(`"${name}" must be a whole number`)
        options[name] = Number(value)
      }
      const find = query.get('find')
      if (find !== null) options.find = find
      return { json: await api.diffusion(params[0], options) }
    })
  ]
}

function sectionsBody (body: unknown): { sections?: string[] } {
  const value = object(body ?? {}, ['sections'])
  return value.sections === undefined ? {} : { sections: stringList(value.sections, 'sections', MAX_LIST) }
}

function replyBody (body: unknown): { reply?: string } {
  const value = object(body ?? {}, ['reply'])
  return optionalString(value.reply, 'reply')
}
