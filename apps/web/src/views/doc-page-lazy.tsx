/**
 * The document page, loaded when a document is opened: the editor (TipTap, ProseMirror, Yjs and
 * its providers) is most of the app's code, and the document list needs none of it. The proposals
 * and the diffusion view are loaded when first shown too.
 */
import type { ComponentProps } from 'preact'
import type { DocPage as DocPageView } from './doc-page.tsx'
import type { DiffusionPage as DiffusionView } from './diffusion.tsx'
import type { ProposalsPage as ProposalsView } from './proposals.tsx'
import { lazyView } from './lazy.tsx'

export const DocPage = lazyView<ComponentProps<typeof DocPageView>>(async () => (await import('./doc-page.tsx')).DocPage, 'Opening the document…')
export const DiffusionPage = lazyView<ComponentProps<typeof DiffusionView>>(async () => (await import('./diffusion.tsx')).DiffusionPage, 'Loading…')
export const ProposalsPage = lazyView<ComponentProps<typeof ProposalsView>>(async () => (await import('./proposals.tsx')).ProposalsPage, 'Loading…')
