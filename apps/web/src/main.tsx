/**
 * The Commonplace web app: the documents this organisation holds, a rich-text editor bound to
 * each record's Yjs document, sharing, import and export. Talks only to its own node.
 */
import { render } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { ApiError, api } from './api.ts'
import type { Me } from './api.ts'
import { watchNode } from './node-status.ts'
import { practiceApi } from './practice-api.ts'
import type { NodeStatus } from './node-status.ts'
import { DocList } from './views/doc-list.tsx'
import { DiffusionPage, DocPage, ProposalsPage } from './views/doc-page-lazy.tsx'
import { ConnectionBadge } from './views/badges.tsx'
import { NetworkPage, NetworksPage } from './views/networks.tsx'
import { DirectoryNav, directoryRoute } from './views/directory-routes.tsx'
import { AccountControls, AccountPage, JoinPage, PeoplePage, SetupCard, SignInPage } from './views/people.tsx'
import './style.css'
import './a11y.css'

const ME_KEY = 'commonplace:me'

function useRoute (): string {
  const [hash, setHash] = useState(location.hash)
  useEffect(() => {
    const on = (): void => { setHash(location.hash) }
    addEventListener('hashchange', on)
    return () => { removeEventListener('hashchange', on) }
  }, [])
  return hash
}

/** Who this page acts as; `signedOut` when the node says it has no session for it (docs/people.md). */
function useMe (status: NodeStatus): { me: Me | undefined, signedOut: boolean } {
  const cached = localStorage.getItem(ME_KEY)
  const [me, setMe] = useState<Me | undefined>(cached != null ? JSON.parse(cached) as Me : undefined)
  const [signedOut, setSignedOut] = useState(false)
  useEffect(() => {
    const load = (): void => {
      api.me().then(value => {
        localStorage.setItem(ME_KEY, JSON.stringify(value))
        setMe(value)
        setSignedOut(false)
      }, err => {
        if (err instanceof ApiError && (err.code === 'ERR_SIGNED_OUT' || err.code === 'ERR_UNAUTHORISED')) {
          localStorage.removeItem(ME_KEY)
          setSignedOut(true)
        }
      })
    }
    load()
    return status.subscribe(() => { if (status.reconnected) load() })
  }, [status])
  return { me, signedOut }
}

function App ({ status }: { status: NodeStatus }) {
  const route = useRoute()
  const { me, signedOut } = useMe(status)
  const join = /^#\/join\/([A-Za-z0-9_-]+)$/.exec(route)
  if (join != null || signedOut) {
    return (
      <>
        <header class="top"><a class="brand" href="#/">Commonplace</a></header>
        <main id="main">{join != null ? <JoinPage token={join[1]} /> : <SignInPage />}</main>
      </>
    )
  }
  // `#/doc/ID/history/V` opens the document's History at version V (the activity feed links there)
  const docMatch = /^#\/doc\/([^/]+)(?:\/history\/([^/]+))?$/.exec(route)
  const networkMatch = /^#\/network\/([^/]+)$/.exec(route)
  const diffusionMatch = /^#\/network\/([^/]+)\/diffusion$/.exec(route)
  return (
    <>
      <header class="top">
        <a class="brand" href="#/">Commonplace</a>
        <nav aria-label="Main"><a href="#/" aria-current={route === '' || route === '#/' ? 'page' : undefined}>Documents</a> <a href="#/networks" aria-current={route === '#/networks' ? 'page' : undefined}>Networks</a> <a href="#/proposals" aria-current={route === '#/proposals' ? 'page' : undefined}>Proposals</a> <DirectoryNav route={route} status={status} />{me?.role === 'admin' && <> <a href="#/people" aria-current={route === '#/people' ? 'page' : undefined}>People</a></>}</nav>
        <span class="org">{me?.name ?? ''}</span>
        {me?.role != null && <AccountControls me={me} />}
        <ConnectionBadge status={status} />
      </header>
      <main id="main">
        {me?.needsSetup === true && me.person == null && <SetupCard me={me} />}
        {route === '#/people' ? <PeoplePage me={me} /> : route === '#/account' ? <AccountPage me={me} /> : docMatch != null
          ? <DocPage key={docMatch[1]} id={decodeURIComponent(docMatch[1])} version={docMatch[2] != null ? decodeURIComponent(docMatch[2]) : undefined} me={me} status={status} />
          : networkMatch != null
            ? <NetworkPage key={networkMatch[1]} id={decodeURIComponent(networkMatch[1])} me={me} status={status} />
            : diffusionMatch != null
              ? <DiffusionPage key={diffusionMatch[1]} id={decodeURIComponent(diffusionMatch[1])} status={status} />
              : route === '#/proposals'
                ? <ProposalsPage status={status} />
                : directoryRoute(route, status) ?? (route === '#/networks' ? <NetworksPage status={status} /> : <DocList status={status} me={me} />)}
      </main>
    </>
  )
}

if ('serviceWorker' in navigator) {
  // once the page is idle: installing fetches the whole build, which the first view does not need
  const register = (): void => { navigator.serviceWorker.register('/sw.js').catch(() => { /* the app works without it, online */ }) }
  addEventListener('load', () => { if ('requestIdleCallback' in window) requestIdleCallback(register, { timeout: 3000 }); else setTimeout(register, 1000) })
}
// opened at the diffusion view: its answer loads beside the view's code, not after it
const opening = /^#\/network\/([^/]+)\/diffusion$/.exec(location.hash)
if (opening != null) practiceApi.prefetchDiffusion(decodeURIComponent(opening[1]))
render(<App status={watchNode()} />, document.getElementById('app')!)
