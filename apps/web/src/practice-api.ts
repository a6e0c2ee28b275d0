/**
 * The node's practice routes as the page calls them (docs/practice.md): adapting, families,
 * upstream changes, proposals, adoption states and the diffusion view. The types are the API's
 * own (@commonplace/api, a type-only import).
 */
import { request } from './api.ts'
import type {
  AdaptRequest, AdaptationReason, AdaptationView, AdoptionStateName, AdoptionView, DerivedFromView, DiffusionOptions, DiffusionView,
  EditAdaptationRequest, FamilyView, ProposalView, ProposeRequest, SectionChangeView, SetAdoptionRequest, UpstreamView
} from '@commonplace/api'

export type {
  AdaptationReason, AdaptationView, AdoptionChangeView, AdoptionStateName, AdoptionView, DerivedFromView, DiffusionCell,
  DiffusionView, FamilyNode, FamilyView, LineDiffView, ProposalView, SectionChangeView, UpstreamView
} from '@commonplace/api'

const doc = (id: string): string => `/api/docs/${encodeURIComponent(id)}`

/** The diffusion view's paging and ranges as the page first asks for them. */
export const DIFFUSION_PAGE = 25
export const DIFFUSION_MONTHS = 6
export const DIFFUSION_QUIET_WEEKS = 4

/** The view's request for these choices of its controls (one order of the parameters: an early answer is found by its path). */
export function diffusionOptions (quietWeeks = DIFFUSION_QUIET_WEEKS, page = 0, find = ''): DiffusionOptions {
  return { quietWeeks, limit: DIFFUSION_PAGE, offset: page * DIFFUSION_PAGE, find, months: DIFFUSION_MONTHS }
}

function diffusionPath (network: string, options: DiffusionOptions): string {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(options)) if (value !== undefined && value !== '') params.set(name, String(value))
  const query = params.size > 0 ? `?${params.toString()}` : ''
  return `/api/networks/${encodeURIComponent(network)}/diffusion${query}`
}

/** An answer asked for before its view's code had loaded, taken by the view's first request for the same path. */
let early: { path: string, at: number, answer: Promise<DiffusionView> } | undefined
/** An early answer older than this is not taken: the view asks again. */
const EARLY_FOR_MS = 10_000

export const practiceApi = {
  adapt: async (id: string, body: AdaptRequest) =>
    await request<{ id: string, title: string, derivedFrom: DerivedFromView }>('POST', `${doc(id)}/adapt`, body),
  family: async (id: string) => await request<FamilyView>('GET', `${doc(id)}/family`),
  adaptation: async (id: string) => await request<AdaptationView>('GET', `${doc(id)}/adaptation`),
  editAdaptation: async (id: string, body: EditAdaptationRequest) => await request<AdaptationView>('PATCH', `${doc(id)}/adaptation`, body),
  upstream: async (id: string) => await request<UpstreamView>('GET', `${doc(id)}/upstream`),
  take: async (id: string, sections: string[]) => await request<UpstreamView>('POST', `${doc(id)}/upstream/take`, { sections }),
  dismiss: async (id: string, sections: string[]) => await request<UpstreamView>('POST', `${doc(id)}/upstream/dismiss`, { sections }),
  /** What a proposal of these sections (default: every one that differs) would send, against the source now. */
  preview: async (variant: string, sections: string[] = []) => {
    const params = new URLSearchParams(sections.map(s => ['section', s]))
    const query = params.size > 0 ? `?${params.toString()}` : ''
    return await request<SectionChangeView[]>('GET', `${doc(variant)}/proposals/preview${query}`)
  },
  propose: async (variant: string, body: ProposeRequest) => await request<ProposalView>('POST', `${doc(variant)}/proposals`, body),
  proposals: async (forDoc?: string) => await request<ProposalView[]>('GET', `/api/proposals${forDoc != null ? `?doc=${encodeURIComponent(forDoc)}` : ''}`),
  accept: async (id: string, reply: string) => await request<ProposalView>('POST', `/api/proposals/${encodeURIComponent(id)}/accept`, reply === '' ? {} : { reply }),
  decline: async (id: string, reply: string) => await request<ProposalView>('POST', `/api/proposals/${encodeURIComponent(id)}/decline`, reply === '' ? {} : { reply }),
  setAdoption: async (body: SetAdoptionRequest) => await request<AdoptionView>('POST', '/api/adoption', body),
  adoption: async (id: string) => await request<AdoptionView>('GET', `${doc(id)}/adoption`),
  /** The view with one page of its families (`limit` from `offset`, titles containing `find`): the whole matrix is megabytes in a large network. */
  diffusion: async (network: string, options: DiffusionOptions = {}) => {
    const path = diffusionPath(network, options)
    const answer = early?.path === path && performance.now() - early.at < EARLY_FOR_MS ? early.answer : undefined
    early = undefined
    return await (answer ?? request<DiffusionView>('GET', path))
  },
  /**
   * Ask now for the view's first answer, when the page opens at the view: the answer and the
   * view's code (a chunk loaded when first shown) then load side by side.
   */
  prefetchDiffusion: (network: string): void => {
    const path = diffusionPath(network, diffusionOptions())
    const answer = request<DiffusionView>('GET', path)
    answer.catch(() => { /* the view's own request reports it */ })
    early = { path, at: performance.now(), answer }
  }
}

/** Adaptation reasons in words, in the order the form offers them. */
export const REASONS: Record<AdaptationReason, string> = {
  'local-context': 'Local context',
  staffing: 'Staffing',
  resources: 'Resources',
  population: 'Population served',
  regulation: 'Regulation',
  other: 'Other'
}

/** Adoption states in words, in the order a practice usually goes through them. */
export const STATES: Record<AdoptionStateName, string> = {
  aware: 'Aware',
  considering: 'Considering',
  trialling: 'Trialling',
  adopted: 'Adopted',
  adapted: 'Adapted',
  discontinued: 'Discontinued'
}

/** "Local context, staffing" for a list of reasons. */
export function reasonsText (reasons: readonly AdaptationReason[] | undefined): string {
  const words = (reasons ?? []).map(r => REASONS[r] ?? r)
  return words.map((w, i) => i === 0 ? w : w.toLowerCase()).join(', ')
}
