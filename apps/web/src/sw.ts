/// <reference lib="webworker" />
/**
 * The service worker: keeps the app shell (the page and every hashed asset of the build, the
 * document page's lazily loaded code too) so the app and the documents opened before open with
 * the node stopped; documents themselves are in IndexedDB (y-indexeddb). The page is fetched from
 * the node first and from the cache only when the node is unreachable; hashed assets never
 * change, so they come from the cache first. The API and the WebSocket are never cached.
 */
const sw = self as unknown as ServiceWorkerGlobalScope
const CACHE = 'commonplace-shell-v1'
/**
 * Every hashed asset of this build, the lazily loaded ones (the document page) included: the
 * build writes the list here (apps/web/vite.config.ts), so a new build is a new service worker.
 */
const BUILD_ASSETS: string[] = ['__SHELL_ASSETS__']

/** The hashed assets to keep: the build's list, or (unbuilt, in development) those the page names. */
function assetsOf (html: string): string[] {
  if (BUILD_ASSETS[0] !== '__SHELL_ASSETS__') return BUILD_ASSETS
  return [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map(m => m[1])
}

async function cacheShell (): Promise<void> {
  const cache = await caches.open(CACHE)
  const page = await fetch('/', { cache: 'no-store' })
  if (!page.ok) return
  const html = await page.clone().text()
  await cache.put('/', page)
  const wanted = assetsOf(html)
  // what an earlier visit already keeps need not be fetched again (hashed names never change)
  const missing = (await Promise.all(wanted.map(async path => (await cache.match(path)) == null ? path : undefined))).filter(p => p != null)
  await cache.addAll(missing)
}

/** Drop the assets of earlier builds: run by the worker of the build that replaced them. */
async function pruneAssets (): Promise<void> {
  const cache = await caches.open(CACHE)
  const page = await cache.match('/')
  if (page == null) return
  const wanted = new Set(assetsOf(await page.text()))
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname
    if (path.startsWith('/assets/') && !wanted.has(path)) await cache.delete(request)
  }
}

sw.addEventListener('install', event => {
  event.waitUntil(cacheShell().then(async () => { await sw.skipWaiting() }))
})

sw.addEventListener('activate', event => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key)
    await pruneAssets()
    await sw.clients.claim()
  })())
})

sw.addEventListener('fetch', event => {
  const url = new URL(event.request.url)
  if (event.request.method !== 'GET' || url.origin !== location.origin) return
  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(caches.match(event.request).then(async hit => hit ?? await fetchAndKeep(event.request)))
  } else if (event.request.mode === 'navigate' && url.pathname !== '/login') {
    // no-cache: the browser revalidates its copy (ETag, 304) rather than fetching the page whole
    event.respondWith(fetch('/', { cache: 'no-cache' }).then(response => {
      if (response.ok) {
        const copy = response.clone()
        event.waitUntil(caches.open(CACHE).then(async cache => { await cache.put('/', copy) }))
      }
      return response
    }).catch(async () => (await caches.match('/')) ?? Response.error()))
  }
})

async function fetchAndKeep (request: Request): Promise<Response> {
  const response = await fetch(request)
  if (response.ok) {
    const cache = await caches.open(CACHE)
    await cache.put(request, response.clone())
  }
  return response
}
