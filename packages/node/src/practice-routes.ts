/**
 * The practice layer's routes (docs/practice.md, Local API): each request goes through its
 * validator (@commonplace/api, shapes and bounded lists) before the PracticeApi is called.
 */
import {
  adaptRequest, decideProposalRequest, diffusionQuery, editAdaptationRequest, previewQuery, proposalsQuery, proposeRequest,
  setAdoptionRequest, upstreamDecisionRequest
} from '@commonplace/api'
import type { PracticeApi } from '@commonplace/api'
import { route, writer } from './api-routes.ts'
import type { Route } from './api-routes.ts'

export function practiceRoutes (api: PracticeApi): Route[] {
  const doc = '/api/docs/([^/]+)'
  const proposal = '/api/proposals/([^/]+)'
  return [
    route('POST', `${doc}/adapt`, { body: adaptRequest }, async ({ params, input, caller }) => ({ status: 201, json: await api.adapt(params[0], input, writer(caller)) })),
    route('GET', `${doc}/family`, async ({ params }) => ({ json: await api.family(params[0]) })),
    route('GET', `${doc}/adaptation`, async ({ params }) => ({ json: await api.adaptation(params[0]) })),
    route('PATCH', `${doc}/adaptation`, { body: editAdaptationRequest }, async ({ params, input, caller }) => ({ json: await api.editAdaptation(params[0], input, writer(caller)) })),
    route('GET', `${doc}/upstream`, async ({ params }) => ({ json: await api.upstream(params[0]) })),
    route('POST', `${doc}/upstream/take`, { body: upstreamDecisionRequest }, async ({ params, input, caller }) => ({ json: await api.takeUpstream(params[0], input, writer(caller)) })),
    route('POST', `${doc}/upstream/dismiss`, { body: upstreamDecisionRequest }, async ({ params, input, caller }) => ({ json: await api.dismissUpstream(params[0], input, writer(caller)) })),
    route('POST', `${doc}/proposals`, { body: proposeRequest }, async ({ params, input, caller }) => ({ status: 201, json: await api.propose(params[0], input, writer(caller)) })),
    route('GET', `${doc}/proposals/preview`, { query: previewQuery }, async ({ params, input }) => ({ json: await api.previewProposal(params[0], input) })),
    route('GET', '/api/proposals', { query: proposalsQuery }, async ({ input }) => ({ json: await api.proposals(input.doc) })),
    route('GET', proposal, async ({ params }) => ({ json: await api.proposal(params[0]) })),
    route('POST', `${proposal}/accept`, { body: decideProposalRequest }, async ({ params, input, caller }) => ({ json: await api.acceptProposal(params[0], input, writer(caller)) })),
    route('POST', `${proposal}/decline`, { body: decideProposalRequest }, async ({ params, input, caller }) => ({ json: await api.declineProposal(params[0], input, writer(caller)) })),
    route('POST', '/api/adoption', { body: setAdoptionRequest }, async ({ input, caller }) => ({ json: await api.setAdoption(input, writer(caller)) })),
    route('GET', `${doc}/adoption`, async ({ params }) => ({ json: await api.adoption(params[0]) })),
    route('GET', '/api/networks/([^/]+)/diffusion', { query: diffusionQuery }, async ({ params, input }) => ({ json: await api.diffusion(params[0], input) }))
  ]
}
